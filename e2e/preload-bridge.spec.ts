/**
 * A preload-shaped `window.armada` (the desktop transport) with pushed live bars.
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { E2E_TOKEN } from '../playwright.config'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

/**
 * Stands in for the Electron preload: a `window.armada` object with the WorkstationApi shape whose calls go
 * to the seeded server's REST `/api/rpc/<method>` and whose events the test pushes with `window.__emit`.
 */
function installBridge(token: string): void {
  const listeners = new Map<string, Set<(e: unknown) => void>>()
  const call = (method: string) => async (params?: unknown) => {
    const res = await fetch(`/api/rpc/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(params ?? null),
    })
    const body = (await res.json()) as { error?: { message?: string } }
    if (!res.ok) throw new Error(body.error?.message ?? `${method} failed`)
    return body
  }
  const api: Record<string, unknown> = {
    subscribe: (topic: string, l: (e: unknown) => void) => {
      if (!listeners.has(topic)) listeners.set(topic, new Set())
      listeners.get(topic)!.add(l)
      return { dispose: () => listeners.get(topic)!.delete(l) }
    },
  }
  for (const m of [
    'health',
    'listInstruments',
    'listSeries',
    'getBars',
    'listJobs',
    'startJob',
    'cancelJob',
    'getSetting',
    'setSetting',
    'importFiles',
    'getFeedStatus',
  ])
    api[m] = call(m)
  Object.assign(globalThis, {
    armada: api,
    __emit: (topic: string, e: unknown) => listeners.get(topic)?.forEach((l) => l(e)),
  })
}

test('runs over a preload-style window.armada and applies live bars and feed status', async ({ page }) => {
  await page.addInitScript(installBridge, E2E_TOKEN)
  await page.goto('/')
  await expect(page.getByTestId('status-shell')).toHaveText('desktop')
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')

  await page.getByTestId('symbol-picker').selectOption('XRPUSDT.BINANCE')
  await page.getByTestId('timeframe-1h').click()
  const pane = page.getByTestId('chart-pane')
  await expect(pane).toHaveAttribute('data-bars-rendered', '100')

  // A new bar opens (partial), updates, and the one after it arrives.
  const last = await page.evaluate(
    `window.armada.getBars({ symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '1h', limit: 1 }).then((b) => b[0])`,
  )
  const { time, close } = last as { time: number; close: number }
  const bar = (t: number, c: number, partial: boolean) => ({
    symbol: 'XRPUSDT',
    venue: 'BINANCE',
    timeframe: '1h',
    time: t,
    open: close,
    high: Math.max(close, c),
    low: Math.min(close, c),
    close: c,
    volume: 1e6,
    partial,
  })
  const emitBar = (b: object) => page.evaluate(`window.__emit('bar', ${JSON.stringify(b)})`)
  await emitBar(bar(time + 3_600_000, 1.2, true))
  await expect(pane).toHaveAttribute('data-bars-rendered', '101')
  await expect(page.getByTestId('legend-close')).toHaveText('1.20000')
  await emitBar(bar(time + 3_600_000, 1.25, false))
  await expect(page.getByTestId('legend-close')).toHaveText('1.25000')
  await expect(pane).toHaveAttribute('data-bars-rendered', '101')
  // A bar of another series leaves this chart alone.
  await emitBar({ ...bar(time + 7_200_000, 9, false), timeframe: '5m' })
  await expect(pane).toHaveAttribute('data-bars-rendered', '101')

  await page.evaluate(`window.__emit('status', { feed: 'replay', detail: 'replaying XRPUSDT 1h at 10x', lagMs: 12 })`)
  await expect(page.getByTestId('status-feed')).toHaveAttribute('data-feed', 'replay')
  await expect(page.getByTestId('status-feed')).toContainText('lag 12 ms')
  await page.screenshot({ path: join(SCREENS, 'live-bars-desktop-bridge.png') })
})
