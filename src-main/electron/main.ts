import { readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type IpcMainInvokeEvent } from 'electron'
import { API_TOPICS, DESKTOP_CHANNELS, MAX_SAVED_TEXT } from '../../src-shared'
import { dispatch, RENDERER_CSP, staticContentType, toErrorPayload } from '../api'
import { createCore, type LiveConfig, type WorkstationCore } from '../core'
import { DatabaseOpenError, demoDatabasePath } from '../store'
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  appRequestPath,
  developmentRendererUrl,
  externalLinkDecision,
  menuTemplate,
  permissionGranted,
  senderTrusted,
  trustedOrigins,
} from './policy'

// The Electron shell: one window over the same core the headless shell serves. The only folder importing 'electron'.
// Its security decisions live in policy.ts (pure, tested); this file wires them to Electron's hooks.

const WINDOW_STATE_KEY = 'window.state'
const RENDERER_DIR = join(__dirname, '../renderer')

/** The dev server's URL in an unpackaged `electron-vite dev` run; undefined otherwise (then no DevTools either). */
const devRendererUrl = developmentRendererUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL)
const origins = trustedOrigins(devRendererUrl)

// The page is served from app://armada (not file://): a real origin, and response headers — the CSP among them — apply.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: APP_SCHEME_PRIVILEGES }])

interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

let core: WorkstationCore | undefined

/**
 * Database and live source from the command line: `--db PATH`, `--embedded` (the bundled real sample replayed through the
 * live path, as `npm start` runs it). The embedded demo keeps to demo.db beside the user's armada.db unless --db names one.
 */
function configFromArgv(): { dbPath: string; live?: LiveConfig } {
  const { values } = parseArgs({
    args: process.argv.slice(1),
    options: { db: { type: 'string' }, embedded: { type: 'boolean' } },
    strict: false,
    allowPositionals: true,
  })
  const embedded = values.embedded === true
  const userDb = join(app.getPath('userData'), 'armada.db')
  const dbPath = typeof values.db === 'string' ? values.db : embedded ? demoDatabasePath(userDb) : userDb
  return { dbPath, ...(embedded ? { live: { kind: 'replay' as const } } : {}) }
}

function createWindow(c: WorkstationCore): BrowserWindow {
  const saved = c.settings.get<WindowState>(WINDOW_STATE_KEY) ?? { width: 1440, height: 900, maximized: false }
  const win = new BrowserWindow({
    ...saved,
    minWidth: 1280,
    minHeight: 800,
    backgroundColor: '#0d1117',
    title: 'Armada',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      devTools: devRendererUrl !== undefined,
    },
  })
  if (saved.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  const save = (): void => {
    if (win.isDestroyed()) return
    const b = win.getNormalBounds()
    c.settings.set(WINDOW_STATE_KEY, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() })
  }
  win.on('close', save)
  // Links open in the system browser, never inside the workstation window: known hosts at once, others after asking.
  win.webContents.setWindowOpenHandler(({ url }) => {
    void openExternal(win, url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  for (const topic of API_TOPICS) {
    c.own(c.subscribe(topic, (event) => !win.isDestroyed() && win.webContents.send('armada:event', topic, event)))
  }
  void win.loadURL(devRendererUrl ?? APP_ENTRY_URL)
  return win
}

/** Opens a link the page asked for in the system browser, as {@link externalLinkDecision} decides. */
async function openExternal(win: BrowserWindow, url: string): Promise<void> {
  const decision = externalLinkDecision(url)
  if (decision === 'deny') return
  if (decision === 'ask') {
    const r = await dialog.showMessageBox(win, {
      type: 'question',
      title: 'Open link',
      message: 'Open this link in your browser?',
      detail: url.length > 500 ? `${url.slice(0, 500)}…` : url,
      buttons: ['Open in browser', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
    })
    if (r.response !== 0) return
  }
  await shell.openExternal(url)
}

/** Serves the built renderer on app://armada: files under out/renderer only, the CSP on every page. */
function serveAppScheme(): void {
  protocol.handle('app', async (request) => {
    const file = request.method === 'GET' ? appRequestPath(RENDERER_DIR, request.url) : undefined
    if (!file) return new Response('not found', { status: 404 })
    let body: Buffer
    try {
      body = await readFile(file)
    } catch {
      return new Response('not found', { status: 404 })
    }
    const type = staticContentType(file)
    const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' }
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = RENDERER_CSP
    return new Response(new Uint8Array(body), { status: 200, headers })
  })
}

/** True when an IPC message comes from the main frame of our page (app://armada, or the dev server in development). */
function trustedSender(e: IpcMainInvokeEvent): boolean {
  const frame = e.senderFrame
  return senderTrusted(frame ? { url: frame.url, isMainFrame: frame === e.sender.mainFrame } : null, origins)
}

/** The window a call came from, when it is one of ours showing our page (no other frame may open dialogs). */
function callerWindow(e: IpcMainInvokeEvent): BrowserWindow | undefined {
  return trustedSender(e) ? (BrowserWindow.fromWebContents(e.sender) ?? undefined) : undefined
}

/** Grants the page no permission it does not need (policy.ts lists them: none) and no device access. */
function restrictPermissions(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permissionGranted(permission, details.requestingUrl, origins)),
  )
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    permissionGranted(permission, requestingOrigin, origins),
  )
  ses.setDevicePermissionHandler(() => false)
}

/** Market-data files the import dialog offers (everything the importer reads, compressed or not). */
const IMPORT_FILTERS = [
  { name: 'Market data', extensions: ['csv', 'txt', 'json', 'gz', 'zip'] },
  { name: 'All files', extensions: ['*'] },
]

/** The native dialogs of `window.armadaDesktop` (src-shared/desktop-shell.ts); every payload is checked here. */
function handleDesktopCalls(): void {
  ipcMain.handle(DESKTOP_CHANNELS.pickImportFiles, async (e) => {
    const win = callerWindow(e)
    if (!win) return []
    const r = await dialog.showOpenDialog(win, {
      title: 'Import market data',
      properties: ['openFile', 'multiSelections'],
      filters: IMPORT_FILTERS,
    })
    return r.canceled ? [] : r.filePaths.filter((p) => typeof p === 'string' && p.length > 0)
  })
  ipcMain.handle(DESKTOP_CHANNELS.saveTextFile, async (e, name: unknown, text: unknown) => {
    const win = callerWindow(e)
    if (!win || typeof name !== 'string' || typeof text !== 'string' || text.length > MAX_SAVED_TEXT) return null
    // Only a suggested file name crosses the bridge; the folder is the user's choice in the dialog.
    const suggested =
      basename(name)
        .replace(/[^A-Za-z0-9._-]/g, '_')
        .slice(0, 128) || 'export.csv'
    const r = await dialog.showSaveDialog(win, {
      defaultPath: join(app.getPath('downloads'), suggested),
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    })
    if (r.canceled || !r.filePath) return null
    await writeFile(r.filePath, text, 'utf8')
    return r.filePath
  })
}

function buildMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate({ platform: process.platform, development: devRendererUrl !== undefined })),
  )
}

async function main(): Promise<void> {
  await app.whenReady()
  serveAppScheme()
  restrictPermissions()
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } })
  })
  try {
    core = createCore({ ...configFromArgv(), shell: 'electron' })
    core.start()
    await core.startLive()
  } catch (err) {
    const msg =
      err instanceof DatabaseOpenError ? err.message : `cannot start: ${(err as Error).message.split('\n')[0]}`
    process.stderr.write(`armada: ${msg}\n`)
    app.exit(1)
    return
  }
  const c = core
  ipcMain.handle('armada:call', async (e, method: unknown, params: unknown) => {
    if (!trustedSender(e))
      return { ok: false, error: { code: 'unauthorized', message: 'calls are taken only from the Armada page' } }
    try {
      return { ok: true, result: await dispatch(c, String(method), params) }
    } catch (err) {
      return { ok: false, error: toErrorPayload(err) }
    }
  })
  handleDesktopCalls()
  buildMenu()
  createWindow(c)
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow(c))
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => void core?.dispose())

void main()
