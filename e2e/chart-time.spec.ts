/**
 * (1) own `serve --replay` of the FTX BTC-PERP 1m file: 5m (not stored) is offered and resampled, hovered bars equal
 * `armada bars --timeframe 5m`, the forming 5m bar changes live and the next opens at the boundary; (2) on the seed:
 * dragging left loads the next page, a go-to-date near the first loaded bar fetches another page without moving the
 * date from the middle, a date outside the window loads the bars around it (Latest button), bad input is one line, End
 * goes back to live, paging works on resampled 5m; (3) own server with LEAN SPY 1h (venue USA): the display zone
 * (status bar) switches legend, axis ticks (`data-axis-labels`) and the Data table between UTC and New York across the
 * 2021-03-14 DST change, and survives a reload; (4) the last-price line and its axis label are read off the canvases
 * (`support/last-price.ts`) and stay together after panning left and after live bars. Layout at both `VIEWPORTS`;
 * screenshots `screens/chart-time-*.png`.
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_TOKEN } from '../playwright.config'
import type { StoredBar } from '../src-shared'
import { CLI, freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { TEST_DATA } from './support/import-seed'
import { lastPriceDrawing } from './support/last-price'
import { layoutDefects, VIEWPORTS } from './support/layout'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })
const FTX_1M = join(TEST_DATA, 'nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz')
const SPY_1H = join(TEST_DATA, 'lean', 'equity_hour', 'spy.csv.gz')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

/** Runs the built CLI; throws with its stderr unless it exits 0. */
function armada(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`armada ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

/** A number as the legend prints it (`38,123.5`, `12.3K`, `4.56M`). */
function legendNumber(s: string): number {
  const m = /^(-?[\d,.]+)([KMB])?$/.exec(s.trim())
  if (!m) throw new Error(`not a legend number: "${s}"`)
  return Number(m[1].replace(/,/g, '')) * (m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'B' ? 1e9 : 1)
}

const LEGEND_RE =
  /(\d{4}-\d{2}-\d{2} \d{2}:\d{2})\s*O\s*([\d,.]+)\s*H\s*([\d,.]+)\s*L\s*([\d,.]+)\s*C\s*([\d,.]+)[\s\S]*?V\s*([\d,.]+[KMB]?)/

/** The legend's bar: time text and O/H/L/C/V, read in one go (a live update cannot mix two bars). */
async function legendBar(page: Page): Promise<{ time: string; o: number; h: number; l: number; c: number; v: number }> {
  const text = await page.getByTestId('chart-legend').innerText()
  const m = LEGEND_RE.exec(text)
  if (!m) throw new Error(`legend not understood: "${text}"`)
  const [o, h, l, c, v] = m.slice(2).map(legendNumber)
  return { time: m[1], o, h, l, c, v }
}

/** The plot area of the main pane (without the price axis). */
function plotArea(page: Page): Locator {
  return page.locator('.chart-pane .tv-lightweight-charts table tr').first().locator(':scope > td').nth(1)
}

/** Hovers the plot at a fraction of its width (and 40 % of its height). */
async function hoverPlot(page: Page, fx: number): Promise<void> {
  const box = (await plotArea(page).boundingBox())!
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.4)
}

/** `2022-01-02 12:00` for a UTC time (the display zone UTC). */
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

/** Opens the go-to-date box with `g`, types `text` and presses Enter. */
async function goToDate(page: Page, text: string): Promise<void> {
  await page.locator('body').press('g')
  await expect(page.getByTestId('goto-date-input')).toBeFocused()
  await page.getByTestId('goto-date-input').fill(text)
  await page.getByTestId('goto-date-input').press('Enter')
}

/** Middle of the visible time span (ms) from the pane's data-visible-from/to. */
async function visibleCentre(pane: Locator): Promise<number> {
  return (Number(await pane.getAttribute('data-visible-from')) + Number(await pane.getAttribute('data-visible-to'))) / 2
}

async function expectCleanLayout(page: Page, name: string): Promise<void> {
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height })
    await page.waitForTimeout(150)
    expect(await layoutDefects(page)).toEqual([])
    await page.screenshot({ path: join(SCREENS, `${name}-${vp.name}.png`) })
  }
}

test('a timeframe the replayed series does not store is resampled like `armada bars`, and its forming bar follows live bars', async ({
  page,
}) => {
  const db = tempDbPath('chart-time-live')
  server = await startArmada({
    db,
    port: await freePort(),
    token: E2E_TOKEN,
    args: ['--replay', FTX_1M, '--speed', '4'],
  })
  await page.goto(`${server.url.split('#')[0]}#token=${E2E_TOKEN}`)
  const pane = page.getByTestId('chart-pane')
  await expect(page.getByTestId('chart-legend')).toContainText('BTCPERP.BINANCE · 1m')
  await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)

  // Only 1m is stored: 5m is offered as a resampled timeframe and answered by the core.
  await expect(page.getByTestId('timeframe-5m')).toHaveAttribute('data-resampled', 'true')
  await page.getByTestId('timeframe-5m').click()
  await expect(page.getByTestId('chart-legend')).toContainText('BTCPERP.BINANCE · 5m')
  const legend = page.getByTestId('chart-legend')
  await expect(legend).toHaveAttribute('data-live', 'true')

  // The forming 5m bar changes as 1m ticks and closes arrive, then the next 5m bar opens at the boundary.
  const first = await legendBar(page)
  expect(Number(first.time.slice(-2)) % 5).toBe(0)
  await expect
    .poll(async () => (await legendBar(page)).c !== first.c || (await legendBar(page)).time !== first.time, {
      timeout: 10_000,
    })
    .toBe(true)
  const next = new Date(Date.parse(`${first.time.replace(' ', 'T')}:00Z`) + 300_000)
  await expect(legend.locator('.chart-legend__time')).toHaveText(utc(next.getTime()), { timeout: 15_000 })

  // Closed bars under the pointer equal `armada bars --timeframe 5m` (the stored 1m bars resampled by the CLI).
  const cli = JSON.parse(armada(['bars', 'BTCPERP', '--timeframe', '5m', '--json', '--db', db])) as (StoredBar & {
    partial?: boolean
  })[]
  const byTime = new Map(cli.map((b) => [utc(b.time), b]))
  const rendered = Number(await pane.getAttribute('data-bars-rendered'))
  expect(Math.abs(rendered - cli.length)).toBeLessThanOrEqual(2)
  let compared = 0
  for (const fx of [0.15, 0.3, 0.45, 0.6, 0.75]) {
    await hoverPlot(page, fx)
    await expect(legend).toHaveAttribute('data-live', 'false')
    const shown = await legendBar(page)
    const want = byTime.get(shown.time)
    expect(want, `bar ${shown.time} in armada bars`).toBeDefined()
    expect(want!.partial).toBeUndefined()
    for (const [got, exp] of [
      [shown.o, want!.open],
      [shown.h, want!.high],
      [shown.l, want!.low],
      [shown.c, want!.close],
    ])
      expect(got).toBeCloseTo(exp, 1)
    expect(Math.abs(shown.v - want!.volume) / want!.volume).toBeLessThan(0.01)
    compared++
  }
  expect(compared).toBe(5)
  await page.mouse.move(5, 5)
  await expectCleanLayout(page, 'chart-time-live-5m')
})

test('history loads as the chart pans left without moving the view; go to date centres a date and End comes back to live', async ({
  page,
}) => {
  await page.goto(`/#token=${E2E_TOKEN}`)
  const pane = page.getByTestId('chart-pane')
  await page.getByTestId('symbol-picker').selectOption('BTC-PERP.FTX')
  await expect(pane).toHaveAttribute('data-bars-rendered', '5000')
  const latest = (await (
    await page.request.get('/api/bars?symbol=BTC-PERP&venue=FTX&timeframe=1m&limit=1')
  ).json()) as StoredBar[]

  // Zoom out and drag right (towards older bars) until the next page arrives: 5000 more bars.
  const box = (await plotArea(page).boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  for (let i = 0; i < 25; i++) await page.mouse.wheel(0, 400)
  for (let i = 0; i < 40 && (await pane.getAttribute('data-bars-rendered')) === '5000'; i++) {
    await page.mouse.move(box.x + 40, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width - 40, box.y + box.height / 2, { steps: 8 })
    await page.mouse.up()
  }
  await expect(pane).toHaveAttribute('data-bars-rendered', '10000')

  // Going to a date near the start of what is loaded centres it, which fetches the next page (10 000 bars, the size
  // of what is loaded); the page joins on the left and the date stays in the middle of the view.
  const loaded = (await (
    await page.request.get('/api/bars?symbol=BTC-PERP&venue=FTX&timeframe=1m&limit=10000')
  ).json()) as StoredBar[]
  const target = loaded[60].time
  await goToDate(page, utc(target))
  await expect(pane).toHaveAttribute('data-bars-rendered', '20000')
  expect(Math.abs((await visibleCentre(pane)) - target)).toBeLessThanOrEqual(120_000)

  // A date outside the loaded bars: the 5000 bars around it, centred, detached from live (Latest button).
  const date = Date.UTC(2022, 0, 10, 12)
  const around = (await (
    await page.request.get(
      `/api/bars?symbol=BTC-PERP&venue=FTX&timeframe=1m&from=${date - 2500 * 60_000}&to=${date + 2499 * 60_000}&limit=5000`,
    )
  ).json()) as StoredBar[]
  await goToDate(page, '2022-01-10 12:00')
  await expect(pane).toHaveAttribute('data-bars-rendered', String(around.length))
  await expect(page.getByTestId('goto-latest')).toBeVisible()
  expect(Math.abs((await visibleCentre(pane)) - date)).toBeLessThanOrEqual(120_000)
  await hoverPlot(page, 0.5)
  expect(Math.abs(Date.parse(`${(await legendBar(page)).time.replace(' ', 'T')}:00Z`) - date)).toBeLessThanOrEqual(
    120_000,
  )
  await page.mouse.move(5, 5)

  // Bad input is one line naming it; Escape closes the box and gives the focus back.
  await page.locator('body').press('g')
  await page.getByTestId('goto-date-input').fill('soon')
  await page.getByTestId('goto-date-input').press('Enter')
  await expect(page.getByTestId('goto-date-error')).toHaveText(
    'Go to date: "soon" is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:mm',
  )
  await expectCleanLayout(page, 'chart-time-goto')
  await page.getByTestId('goto-date-input').press('Escape')
  await expect(page.getByTestId('goto-date')).toHaveCount(0)
  await expect(page.getByTestId('goto-date-open')).toBeFocused()

  // End: back to the newest 5000 bars, the last one in view.
  await page.locator('body').press('End')
  await expect(page.getByTestId('goto-latest')).toHaveCount(0)
  await expect(pane).toHaveAttribute('data-bars-rendered', '5000')
  await expect(pane).toHaveAttribute('data-visible-to', String(latest[0].time))

  // Resampled (5m from 1m): the same paging reaches the first bar.
  const all5m = (await (
    await page.request.get('/api/bars?symbol=BTC-PERP&venue=FTX&timeframe=5m&limit=100000')
  ).json()) as StoredBar[]
  expect(all5m.length).toBeGreaterThan(5000)
  await page.locator('body').press(']')
  await expect(page.getByTestId('chart-legend')).toContainText('BTC-PERP.FTX · 5m')
  await expect(page.getByTestId('chart-loading')).toHaveCount(0)
  await expect(page.getByTestId('chart-range')).toContainText(utc(all5m[all5m.length - 1].time))
  await goToDate(page, utc(all5m[all5m.length - 4990].time))
  await expect(pane).toHaveAttribute('data-bars-rendered', String(all5m.length))
  await expectCleanLayout(page, 'chart-time-history-5m')
})

test('times show in UTC, local or the exchange zone (New York for LEAN SPY) on the axis, legend and tables, across the 2021 DST change', async ({
  page,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const db = tempDbPath('chart-time-zone')
  armada(['import', SPY_1H, '--db', db])
  server = await startArmada({ db, port: await freePort(), token: E2E_TOKEN })
  await page.goto(`${server.url.split('#')[0]}#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('chart-legend')).toContainText('SPY.USA · 1h')
  const zone = page.getByTestId('time-zone-picker')
  await expect(zone).toHaveValue('utc')
  await expect(zone.locator('option[value=exchange]')).toHaveText('Exchange · New York')

  // Friday before the change: the first hour bar opens 14:00 UTC = 09:00 New York (EST).
  await goToDate(page, '2021-03-12 14:00')
  await hoverPlot(page, 0.5)
  const hovered = (await legendBar(page)).time
  expect(hovered).toBe('2021-03-12 14:00')
  const utcHour = Number(hovered.slice(11, 13))
  const view = await page.getByTestId('chart-pane').getAttribute('data-visible-from')
  await zone.selectOption('exchange')
  await expect(page.getByTestId('app')).toHaveAttribute('data-time-zone', 'America/New_York')
  // A new chart for the new zone, on the same bars.
  await expect(page.getByTestId('chart-pane')).toHaveAttribute('data-visible-from', view!)
  await hoverPlot(page, 0.51)
  await hoverPlot(page, 0.5)
  await expect(page.getByTestId('chart-legend').locator('.chart-legend__time')).toHaveText(
    `2021-03-12 ${String(utcHour - 5).padStart(2, '0')}:00`,
  )
  await expect(page.getByTestId('chart-range')).toContainText('New York')

  // Monday after it (EDT): typed in New York time, the same 09:00 bar is 13:00 UTC.
  await goToDate(page, '2021-03-15 09:00')
  await hoverPlot(page, 0.5)
  expect((await legendBar(page)).time).toBe('2021-03-15 09:00')
  // The axis: zoomed in to a few days, hour ticks fall in New York trading hours (09:00–15:00).
  for (let i = 0; i < 30; i++) await page.mouse.wheel(0, -300)
  await page.mouse.move(5, 5)
  await expect
    .poll(async () => (await page.locator('.chart-pane__canvas').getAttribute('data-axis-labels')) ?? '')
    .toMatch(/1[0-5]:00/)
  const nyTicks = ((await page.locator('.chart-pane__canvas').getAttribute('data-axis-labels')) ?? '')
    .split(' ')
    .filter((l) => l.includes(':'))
  expect(
    nyTicks.every((l) => l >= '09:00' && l <= '15:00'),
    nyTicks.join(' '),
  ).toBe(true)
  await page.screenshot({ path: join(SCREENS, 'chart-time-zone-new-york.png') })
  await hoverPlot(page, 0.5)
  const nyAgain = (await legendBar(page)).time
  await zone.selectOption('utc')
  await hoverPlot(page, 0.51)
  await hoverPlot(page, 0.5)
  const back = (await legendBar(page)).time
  expect(Date.parse(`${back.replace(' ', 'T')}:00Z`) - Date.parse(`${nyAgain.replace(' ', 'T')}:00Z`)).toBe(
    4 * 3_600_000,
  )
  await page.mouse.move(5, 5)
  await expect
    .poll(async () =>
      ((await page.locator('.chart-pane__canvas').getAttribute('data-axis-labels')) ?? '')
        .split(' ')
        .filter((l) => l.includes(':'))
        .some((l) => l >= '16:00'),
    )
    .toBe(true)
  await page.screenshot({ path: join(SCREENS, 'chart-time-zone-utc.png') })

  // A table: the Data view's First/Last columns and their header follow the zone.
  await zone.selectOption('exchange')
  await page.keyboard.press('Alt+Digit6')
  const row = page.getByTestId('series-row').filter({ hasText: 'SPY' })
  await expect(page.locator('th', { hasText: 'First (New York)' })).toBeVisible()
  await expect(row).toContainText('1998-01-02 09:00')
  await expect(row).toContainText('2021-03-31 15:00')
  await expectCleanLayout(page, 'chart-time-zone-data')

  // The choice is a setting: it survives a reload.
  await page.reload()
  await expect(zone).toHaveValue('exchange')
  await page.keyboard.press('Alt+Digit6')
  await expect(row).toContainText('1998-01-02 09:00')
  await zone.selectOption('utc')
  await expect(row).toContainText('1998-01-02 14:00')
  await expect(page.locator('th', { hasText: 'First (UTC)' })).toBeVisible()
  expect(errors).toEqual([])
})

/**
 * Stands in for the Electron preload (as in preload-bridge.spec.ts): `window.armada` over the server's REST RPC, plus
 * `window.__emit(topic, event)` for the test to push live bars.
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
    'getSetting',
    'setSetting',
    'getFeedStatus',
    'getForecast',
    'getPredictions',
    'listAlerts',
    'getAlertStatus',
  ])
    api[m] = call(m)
  Object.assign(globalThis, {
    armada: api,
    __emit: (topic: string, e: unknown) => listeners.get(topic)?.forEach((l) => l(e)),
  })
}

test('the last-price label sits on the last close and its line after panning and after live bars', async ({ page }) => {
  await page.addInitScript(installBridge, E2E_TOKEN)
  await page.goto('/')
  const pane = page.getByTestId('chart-pane')
  await page.getByTestId('symbol-picker').selectOption('BTC-PERP.FTX')
  await expect(pane).toHaveAttribute('data-bars-rendered', '5000')
  const bars = (await (
    await page.request.get('/api/bars?symbol=BTC-PERP&venue=FTX&timeframe=1m&limit=5000')
  ).json()) as StoredBar[]
  const last = bars[bars.length - 1]
  const up = (b: StoredBar) => (b.close >= b.open ? 0 : 1)
  const aligned = async (close: number, color: number) => {
    await page.mouse.move(5, 5)
    await expect(pane).toHaveAttribute('data-last-price', String(close))
    await expect.poll(async () => (await lastPriceDrawing(page)).labels.length).toBe(1)
    const d = await lastPriceDrawing(page)
    expect(d.lines, JSON.stringify(d)).toHaveLength(1)
    expect(d.labels[0].color).toBe(color)
    expect(d.lines[0].color).toBe(color)
    expect(Math.abs(d.labels[0].y - d.lines[0].y), JSON.stringify(d)).toBeLessThanOrEqual(1.5)
  }
  await aligned(last.close, up(last))

  // Pan left to a stretch whose last visible close is far from the last close, while the last close is in its range.
  const half = 80
  let j = -1
  for (let i = bars.length - 400; i > 400 && j < 0; i -= 5) {
    const w = bars.slice(i - half, i + half)
    const hi = Math.max(...w.map((b) => b.high))
    const lo = Math.min(...w.map((b) => b.low))
    const lastVisible = w[w.length - 1]
    if (
      last.close > lo + 0.2 * (hi - lo) &&
      last.close < hi - 0.2 * (hi - lo) &&
      Math.abs(lastVisible.close - last.close) > 0.3 * (hi - lo)
    )
      j = i
  }
  expect(j).toBeGreaterThan(0)
  await goToDate(page, utc(bars[j].time))
  await expect.poll(async () => Math.abs((await visibleCentre(pane)) - bars[j].time)).toBeLessThanOrEqual(120_000)
  const visibleTo = Number(await pane.getAttribute('data-visible-to'))
  const lastVisible = bars.find((b) => b.time === visibleTo)!
  expect(Math.abs(lastVisible.close - last.close)).toBeGreaterThan(0)
  await aligned(last.close, up(last))
  await page.screenshot({ path: join(SCREENS, 'chart-time-last-price-panned.png') })

  // Live bars while panned: a forming bar, then its close; the label follows the line each time.
  const w = bars.slice(j - half, j + half)
  const mid = (Math.max(...w.map((b) => b.high)) + Math.min(...w.map((b) => b.low))) / 2
  const t = last.time + 60_000
  const live = (close: number, partial: boolean) => ({
    symbol: 'BTC-PERP',
    venue: 'FTX',
    timeframe: '1m',
    time: t,
    open: last.close,
    high: Math.max(last.close, close),
    low: Math.min(last.close, close),
    close,
    volume: 5,
    partial,
  })
  await page.evaluate(`window.__emit('bar', ${JSON.stringify(live(Math.round(mid), true))})`)
  await expect(pane).toHaveAttribute('data-bars-rendered', '5001')
  await aligned(Math.round(mid), Math.round(mid) >= last.close ? 0 : 1)
  const closeAt = Math.round(mid + (last.close > mid ? -1 : 1) * 0.1 * Math.abs(last.close - mid))
  await page.evaluate(`window.__emit('bar', ${JSON.stringify(live(closeAt, false))})`)
  await aligned(closeAt, closeAt >= last.close ? 0 : 1)
  await page.screenshot({ path: join(SCREENS, 'chart-time-last-price-live.png') })
})
