import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RENDERER_CSP } from '../api'
import {
  APP_ENTRY_URL,
  appRequestPath,
  developmentRendererUrl,
  externalLinkDecision,
  menuTemplate,
  permissionGranted,
  senderTrusted,
  trustedOrigins,
  type MenuTemplateItem,
} from './policy'

// The desktop shell's decisions, tested without the Electron binary (main.ts wires them to Electron's hooks).

const PROD = trustedOrigins(undefined)
const DEV = trustedOrigins(developmentRendererUrl(false, 'http://localhost:5173/'))

describe('development run', () => {
  it('is an unpackaged app with a loopback dev server; a packaged app ignores ELECTRON_RENDERER_URL', () => {
    expect(developmentRendererUrl(false, 'http://localhost:5173/')).toBe('http://localhost:5173/')
    expect(developmentRendererUrl(true, 'http://localhost:5173/')).toBeUndefined()
    expect(developmentRendererUrl(false, undefined)).toBeUndefined()
    for (const url of [
      'https://evil.example/',
      'http://evil.example:5173/',
      'file:///tmp/x.html',
      'http://user:pw@localhost:5173/',
      'not a url',
    ])
      expect({ url, dev: developmentRendererUrl(false, url) }).toEqual({ url, dev: undefined })
  })
})

describe('IPC sender check', () => {
  it('accepts the main frame of the app:// page (and of the dev server in development only)', () => {
    expect(senderTrusted({ url: APP_ENTRY_URL, isMainFrame: true }, PROD)).toBe(true)
    expect(senderTrusted({ url: 'app://armada/index.html#/chart', isMainFrame: true }, PROD)).toBe(true)
    expect(senderTrusted({ url: 'http://localhost:5173/', isMainFrame: true }, DEV)).toBe(true)
    expect(senderTrusted({ url: 'http://localhost:5173/', isMainFrame: true }, PROD)).toBe(false)
  })

  it('refuses subframes, other origins, file:// pages and a frame that is gone', () => {
    expect(senderTrusted({ url: APP_ENTRY_URL, isMainFrame: false }, PROD)).toBe(false)
    for (const url of [
      'https://evil.example/',
      'file:///home/u/armada/out/renderer/index.html',
      'app://other/index.html',
      'app://armada.evil/x',
      'about:blank',
      'data:text/html,x',
      '',
    ])
      expect({ url, ok: senderTrusted({ url, isMainFrame: true }, PROD) }).toEqual({ url, ok: false })
    expect(senderTrusted(null, PROD)).toBe(false)
    expect(senderTrusted(undefined, PROD)).toBe(false)
  })
})

describe('permissions', () => {
  it('grants nothing, even to the app itself', () => {
    const asked = [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'clipboard-read',
      'clipboard-sanitized-write',
      'hid',
      'serial',
      'usb',
      'display-capture',
      'idle-detection',
      'unknown',
    ]
    for (const permission of asked) {
      expect({ permission, granted: permissionGranted(permission, APP_ENTRY_URL, PROD) }).toEqual({
        permission,
        granted: false,
      })
      expect({ permission, granted: permissionGranted(permission, 'https://evil.example/', PROD) }).toEqual({
        permission,
        granted: false,
      })
    }
  })
})

describe('external links', () => {
  it('opens listed hosts over https at once', () => {
    expect(externalLinkDecision('https://www.tradingview.com/?utm_medium=lwc-link')).toBe('open')
    expect(externalLinkDecision('https://www.binance.com/en/trade/BTC_USDT')).toBe('open')
  })

  it('asks before any other http(s) link, including look-alikes and listed hosts over http or another port', () => {
    for (const url of [
      'https://evil.example/',
      'https://www.binance.com.evil.example/',
      'http://www.binance.com/',
      'https://www.binance.com:8443/',
      'https://binance.com/',
    ])
      expect({ url, d: externalLinkDecision(url) }).toEqual({ url, d: 'ask' })
  })

  it('never opens other schemes or links carrying credentials', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-settings:',
      'app://armada/index.html',
      'https://user:pw@www.binance.com/',
      'nonsense',
    ])
      expect({ url, d: externalLinkDecision(url) }).toEqual({ url, d: 'deny' })
  })
})

describe('app:// files', () => {
  const root = resolve('/opt/armada/out/renderer')

  it('maps app://armada paths into the renderer folder', () => {
    expect(appRequestPath(root, 'app://armada/index.html')).toBe(join(root, 'index.html'))
    expect(appRequestPath(root, 'app://armada/')).toBe(join(root, 'index.html'))
    expect(appRequestPath(root, 'app://armada/assets/index-1.js?v=2#x')).toBe(join(root, 'assets', 'index-1.js'))
    // Plain dot segments are resolved by the URL itself, as the page would: they stay at the folder's top.
    expect(appRequestPath(root, 'app://armada/../../../etc/passwd')).toBe(join(root, 'etc', 'passwd'))
    expect(appRequestPath(root, 'app://armada/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'))
  })

  it('refuses traversal, malformed encoding and other hosts', () => {
    for (const url of [
      'app://armada/..%2f..%2fetc%2fpasswd',
      'app://armada/..%5c..%5cwindows%5cwin.ini',
      'app://armada/%ff',
      'app://armada/index.html%00.js',
      'app://other/index.html',
      'file:///opt/armada/out/renderer/index.html',
    ])
      expect({ url, file: appRequestPath(root, url) }).toEqual({ url, file: undefined })
  })
})

describe('application menu', () => {
  const roles = (items: readonly MenuTemplateItem[]): string[] =>
    items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])])

  it('has no DevTools item in production, on any platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'])
      expect(roles(menuTemplate({ platform, development: false }))).not.toContain('toggleDevTools')
  })

  it('offers DevTools in development', () => {
    expect(roles(menuTemplate({ platform: 'linux', development: true }))).toContain('toggleDevTools')
  })
})

describe('renderer CSP (both shells)', () => {
  it('allows no plugins, no <base> and no framing', () => {
    const directives = RENDERER_CSP.split(';').map((d) => d.trim())
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ]),
    )
  })
})
