import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import {
  API_METHOD_NAMES,
  API_TOPICS,
  DESKTOP_CHANNELS,
  type ApiErrorPayload,
  type ApiTopic,
  type DesktopShellApi,
} from '../src-shared'

// The preload is a contract, not a pipe (STYLE.md rule 18): it exposes exactly the WorkstationApi methods and
// event subscription as `window.armada`; main validates every payload again.

type Reply = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload }

const api: Record<string, unknown> = {}
for (const method of API_METHOD_NAMES) {
  api[method] = async (params?: unknown) => {
    const reply = (await ipcRenderer.invoke('armada:call', method, params)) as Reply
    if (!reply.ok) throw new Error(reply.error.message)
    return reply.result
  }
}
api.subscribe = (topic: ApiTopic, listener: (event: unknown) => void) => {
  if (!API_TOPICS.includes(topic)) throw new Error(`unknown topic "${String(topic)}"`)
  const handler = (_e: IpcRendererEvent, t: string, event: unknown): void => {
    if (t === topic) listener(event)
  }
  ipcRenderer.on('armada:event', handler)
  return { dispose: () => ipcRenderer.removeListener('armada:event', handler) }
}

contextBridge.exposeInMainWorld('armada', api)

// The desktop shell's own calls (native dialogs): a second, equally fixed contract as `window.armadaDesktop`.
const desktop: DesktopShellApi = {
  pickImportFiles: async () => (await ipcRenderer.invoke(DESKTOP_CHANNELS.pickImportFiles)) as string[],
  pathForFile: (file) => (file instanceof File ? webUtils.getPathForFile(file) : ''),
  saveTextFile: async (name, text) =>
    (await ipcRenderer.invoke(DESKTOP_CHANNELS.saveTextFile, String(name), String(text))) as string | null,
}
contextBridge.exposeInMainWorld('armadaDesktop', desktop)
