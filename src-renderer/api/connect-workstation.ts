import type { Disposable, WorkstationApi } from '../../src-shared'
import { withGuiWording } from './gui-wording'
import { readSessionToken, rpcUrl } from './session-token'
import { toWorkstationApi, WsRpcClient, type ConnectionStatus, type SocketLike } from './ws-client'

/** The renderer's handle on the core: the contract plus the state of the link that carries it. */
export interface Workstation {
  readonly api: WorkstationApi
  /** `electron` when the preload's IPC bridge carries the calls, `web` for the WebSocket RPC. */
  readonly shell: 'electron' | 'web'
  readonly status: ConnectionStatus
  onStatus(listener: (s: ConnectionStatus) => void): Disposable
  dispose(): void
}

/** What the picker reads from the page; `window` fits, tests pass a plain object. */
export interface PageEnvironment {
  readonly armada?: WorkstationApi
  readonly location: Pick<Location, 'protocol' | 'host' | 'hash'>
  readonly sessionStorage?: Pick<Storage, 'getItem' | 'setItem'>
  readonly WebSocket?: new (url: string) => SocketLike
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
      onStatus: () => ({ dispose: () => undefined }),
      dispose: () => undefined,
    }
  }
  const Socket = env.WebSocket
  if (!Socket) throw new Error('no transport: neither window.armada nor WebSocket is available')
  const client = new WsRpcClient({
    url: rpcUrl(env.location),
    token: readSessionToken({ hash: env.location.hash, storage: env.sessionStorage }),
    openSocket: (url) => new Socket(url),
  })
  client.start()
  return {
    api: withGuiWording(toWorkstationApi(client)),
    shell: 'web',
    get status() {
      return client.status
    },
    onStatus: (l) => client.onStatus(l),
    dispose: () => client.dispose(),
  }
}
