import { resolveStaticPath } from '../api'

// The desktop shell's security decisions as pure functions, so tests check them without the Electron binary; main.ts
// wires them to Electron's hooks. This module must never import 'electron'.

/** The renderer's own origin in the desktop shell: a privileged custom scheme, so the page is not a file:// page. */
export const APP_ORIGIN = 'app://armada'

/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * Privileges of the app:// scheme (`protocol.registerSchemesAsPrivileged`, before ready): standard (an origin, relative
 * URLs), secure (a secure context like https) and fetch. No bypass of the CSP, no CORS, no service workers.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const

/**
 * The renderer URL of a development run, or undefined in production: only an unpackaged app (electron-vite dev) may load
 * its page from a loopback dev server. A packaged app ignores ELECTRON_RENDERER_URL, so no variable can point it elsewhere.
 */
export function developmentRendererUrl(isPackaged: boolean, rendererUrl: string | undefined): string | undefined {
  if (isPackaged || !rendererUrl) return undefined
  let u: URL
  try {
    u = new URL(rendererUrl)
  } catch {
    return undefined
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]'
  return u.protocol === 'http:' && loopback && !u.username && !u.password ? u.href : undefined
}

/** `scheme://host[:port]` of a URL — also for custom schemes, whose WHATWG `origin` is 'null'; undefined when unparsable. */
export function urlOrigin(url: string): string | undefined {
  try {
    const u = new URL(url)
    return u.host ? `${u.protocol}//${u.host}` : undefined
  } catch {
    return undefined
  }
}

/** Origins whose page may use the bridge and its dialogs: app://armada, and the dev server in a development run. */
export function trustedOrigins(devRendererUrl: string | undefined): readonly string[] {
  const dev = devRendererUrl ? urlOrigin(devRendererUrl) : undefined
  return dev ? [APP_ORIGIN, dev] : [APP_ORIGIN]
}

/** What main knows of the frame an IPC message came from (`event.senderFrame`; null once it navigated or closed). */
export interface SenderFrame {
  readonly url: string
  /** True for the top frame of the window's page (`frame === webContents.mainFrame`). */
  readonly isMainFrame: boolean
}

/** True when an IPC message comes from the main frame of a page of a trusted origin; subframes and other pages are refused. */
export function senderTrusted(frame: SenderFrame | null | undefined, origins: readonly string[]): boolean {
  if (!frame || !frame.isMainFrame) return false
  const origin = urlOrigin(frame.url)
  return origin !== undefined && origins.includes(origin)
}

/**
 * Permissions the renderer is granted. It needs none: no camera, microphone, notifications, geolocation, MIDI, HID,
 * serial, USB, clipboard reads or Clipboard-API writes (Copy in the Edit menu works without them), fullscreen requests
 * or pointer lock. A permission added here must name what in the UI uses it.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set<string>()

/** Decision of the permission request and check handlers: granted only for a listed permission asked by a trusted page. */
export function permissionGranted(
  permission: string,
  requestingUrl: string | undefined,
  origins: readonly string[],
): boolean {
  const origin = requestingUrl ? urlOrigin(requestingUrl) : undefined
  return GRANTED_PERMISSIONS.has(permission) && origin !== undefined && origins.includes(origin)
}

/**
 * Hosts whose https pages open in the system browser without asking: the chart library's attribution link and the
 * exchange whose protocol the live feed speaks. Any other http(s) link asks first; other schemes never open.
 */
export const TRUSTED_EXTERNAL_HOSTS: readonly string[] = [
  'www.tradingview.com',
  'www.binance.com',
  'binance-docs.github.io',
  'github.com',
]

/** What to do with a link the page opens: open it in the system browser, ask the user first, or refuse. */
export type ExternalLinkDecision = 'open' | 'ask' | 'deny'

/** The decision for a link (`setWindowOpenHandler`): a listed host over https opens; other http(s) asks; the rest is denied. */
export function externalLinkDecision(url: string): ExternalLinkDecision {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'deny'
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'deny'
  // Credentials in a link only serve to disguise where it goes.
  if (u.username || u.password) return 'deny'
  return u.protocol === 'https:' && u.port === '' && TRUSTED_EXTERNAL_HOSTS.includes(u.hostname) ? 'open' : 'ask'
}

/**
 * The file an app:// request names under the built renderer folder, or undefined (another host, malformed encoding, a
 * path leaving the folder). The handler answers 404 for undefined and for files that do not exist.
 */
export function appRequestPath(rendererDir: string, requestUrl: string): string | undefined {
  let u: URL
  try {
    u = new URL(requestUrl)
  } catch {
    return undefined
  }
  if (`${u.protocol}//${u.host}` !== APP_ORIGIN) return undefined
  return resolveStaticPath(rendererDir, u.pathname)
}

/** A role of the application menu this shell uses (a subset of Electron's `MenuItemConstructorOptions.role`). */
export type MenuRole =
  | 'appMenu'
  | 'fileMenu'
  | 'editMenu'
  | 'windowMenu'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'

/** One item of the menu template, structurally what `Menu.buildFromTemplate` takes. */
export interface MenuTemplateItem {
  readonly role?: MenuRole
  readonly type?: 'separator'
  readonly label?: string
  readonly submenu?: MenuTemplateItem[]
}

/** The application menu. DevTools are offered only in a development run (they also stay off in webPreferences). */
export function menuTemplate(opts: { readonly platform: string; readonly development: boolean }): MenuTemplateItem[] {
  const view: MenuTemplateItem[] = [
    { role: 'reload' },
    ...(opts.development ? [{ role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ]
  return [
    ...(opts.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ]
}
