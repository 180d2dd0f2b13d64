import type { DesktopShellApi, Disposable, WorkstationApi } from '../../src-shared'
import { desktopFileSource, uploadFileSource, type ImportFileSource, type XhrLike } from './import-file-source'
import { withGuiWording } from './gui-wording'
import { readSessionToken, rpcUrl } from './session-token'
import { toWorkstationApi, WsRpcClient, type ConnectionStatus, type SocketLike } from './ws-client'

/** The renderer's handle on the core: the contract plus the state of the link that carries it. */
export interface Workstation {
  readonly api: WorkstationApi
  /** `electron` when the preload's IPC bridge carries the calls, `web` for the WebSocket RPC. */
  readonly shell: 'electron' | 'web'
  readonly status: ConnectionStatus
  /** How picked or dropped files are imported: native dialog and paths (desktop) or uploads (web); absent: typed paths only. */
  readonly files?: ImportFileSource
  onStatus(listener: (s: ConnectionStatus) => void): Disposable
  dispose(): void
}

/** What the picker reads from the page; `window` fits, tests pass a plain object. */
export interface PageEnvironment {
  readonly armada?: WorkstationApi
  /** The Electron preload's native dialogs. */
  readonly armadaDesktop?: DesktopShellApi
  readonly location: Pick<Location, 'protocol' | 'host' | 'hash'>
  readonly sessionStorage?: Pick<Storage, 'getItem' | 'setItem'>
  readonly WebSocket?: new (url: string) => SocketLike
  readonly XMLHttpRequest?: new () => XhrLike
}

const ALWAYS_CONNECTED: ConnectionStatus = { state: 'connected', attempt: 0 }

/**
 * Picks the transport: the preload's `window.armada` (Electron IPC) when present, else the WebSocket RPC
 * on the page's host with the token from `#token=…` or session storage. The WebSocket client is started. Either way
 * the core's messages reach the views in GUI words (`withGuiWording`).
 */
export function connectWorkstation(env: PageEnvironment): Workstation {
  if (env.armada) {
    return {
      api: withGuiWording(env.armada),
      shell: 'electron',
      status: ALWAYS_CONNECTED,
      ...(env.armadaDesktop ? { files: desktopFileSource(env.armadaDesktop) } : {}),
      onStatus: () => ({ dispose: () => undefined }),
      dispose: () => undefined,
    }
  }
  const Socket = env.WebSocket
  if (!Socket) throw new Error('no transport: neither window.armada nor WebSocket is available')
  const token = readSessionToken({ hash: env.location.hash, storage: env.sessionStorage })
  const client = new WsRpcClient({ url: rpcUrl(env.location), token, openSocket: (url) => new Socket(url) })
  const Xhr = env.XMLHttpRequest
  client.start()
  return {
    api: withGuiWording(toWorkstationApi(client)),
    shell: 'web',
    ...(Xhr ? { files: uploadFileSource({ token, newXhr: () => new Xhr() }) } : {}),
    get status() {
      return client.status
    },
    onStatus: (l) => client.onStatus(l),
    dispose: () => client.dispose(),
  }
}
