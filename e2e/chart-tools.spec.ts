/**
 * Indicator overlays added from the searchable list (click and keyboard), a parameter edited (a bad value refused with
 * its reason), the last bar's values equal to `armada bars --csv` → `armada indicators` over every stored bar, kept
 * per series across a reload, hidden, removed; a level and a trendline placed by clicks, dragged, restored after a
 * reload, shown on the instrument's other timeframe, selected by click and deleted; the `?` overlay (focus trap, Esc)
 * and shortcuts (v, [ ], + −, not while typing); the OHLC legend with the Features panel open. Its own `serve
 * --embedded`: the ML layers legend (regime, probabilities named in their pane, transitions, alerts by severity;
 * r/p/m/a toggle them) and an EMA overlay following live bars (`screens/chart-tools-*.png`). Both VIEWPORTS,
 * `layoutDefects` [] each.
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { E2E_PORT, E2E_TOKEN } from '../playwright.config'
import { CLI, freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { layoutDefects, VIEWPORTS } from './support/layout'

/** Screenshots kept as artifacts (test-results/ is gitignored). */
const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })
const ORIGIN = `http://127.0.0.1:${E2E_PORT}`

/** Settings the tests write: cleared before and after each test, so runs and viewports start alike. */
const KEYS = [
  'chart.overlays.ETHBTC.BITTREX-5m',
  'chart.overlays.XRPUSDT.BINANCE-5m',
  'chart.overlays.XRPUSDT.BINANCE-15m',
  'chart.drawings.XRPUSDT.BINANCE',
  'chart.drawings.ETHBTC.BITTREX',
]

async function rpc<T>(method: string, params: unknown): Promise<T> {
  const res = await fetch(`${ORIGIN}/api/rpc/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${E2E_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  })
  if (!res.ok) throw new Error(`${method}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}
const clearSettings = () => Promise.all(KEYS.map((key) => rpc('setSetting', { key, value: null })))
const setting = <T>(key: string) => rpc<T>('getSetting', { key })

async function openChart(page: Page, series: string, width: number, height: number): Promise<Locator> {
  await page.setViewportSize({ width, height })
  await page.goto(`/#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.getByTestId('symbol-picker').selectOption(series)
  const pane = page.getByTestId('chart-pane')
  await expect(page.getByTestId('chart-legend')).toContainText(series)
  await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)
  return pane
}

/**
 * The last row of `armada indicators` over every stored bar of a series, by column name: the bars exported with
 * `armada bars --csv` from the server's database, then the indicators CLI on that file.
 */
async function cliLastRow(
  symbol: string,
  venue: string,
  timeframe: string,
  spec: string,
): Promise<Record<string, number>> {
  const { database } = (await (await fetch(`${ORIGIN}/api/health`)).json()) as { database: string }
  const dir = mkdtempSync(join(tmpdir(), 'armada-e2e-cli-'))
  try {
    const run = (args: string[]) =>
      execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 })
    const file = join(dir, 'bars.csv')
    writeFileSync(file, run(['bars', symbol, '--venue', venue, '--timeframe', timeframe, '--csv', '--db', database]))
    const out = JSON.parse(run(['indicators', '--bars', file, '--spec', spec, '--json'])) as {
      columns: string[]
      rows: (string | number | null)[][]
    }
    const last = out.rows[out.rows.length - 1]
    return Object.fromEntries(out.columns.map((c, i) => [c, last[i] as number]))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test.beforeEach(async () => {
  await clearSettings()
})
test.afterEach(async () => {
  await clearSettings()
})

for (const vp of VIEWPORTS) {
  test(`overlays at ${vp.name}: added from the searchable list, a parameter edited with validation, values equal to the CLI's, kept per series across a reload`, async ({
    page,
  }) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const pane = await openChart(page, 'ETHBTC.BITTREX', vp.width, vp.height)
    await expect(pane).toHaveAttribute('data-bars-rendered', '5000')

    // The list filters as you type; Enter adds the highlighted entry.
    await page.getByTestId('indicators-button').click()
    const search = page.getByTestId('indicator-search')
    await expect(search).toBeFocused()
    await expect(page.getByTestId('indicator-option')).toHaveCount(7)
    await search.fill('exponential')
    await expect(page.getByTestId('indicator-option')).toHaveCount(1)
    await expect(page.getByTestId('indicator-option')).toHaveAttribute('data-kind', 'ema')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('indicator-picker')).toHaveCount(0)
    const rows = page.getByTestId('overlay-row')
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toHaveAttribute('data-title', 'EMA 20')

    // Keyboard only: i opens the list, type, ↓ moves the highlight, Enter adds.
    await page.keyboard.press('i')
    await expect(search).toBeFocused()
    await page.keyboard.type('channel')
    await expect(page.getByTestId('indicator-option')).toHaveCount(2)
    await page.keyboard.press('ArrowDown')
    await expect(page.locator('[data-testid="indicator-option"][aria-selected="true"]')).toHaveAttribute(
      'data-kind',
      'keltner',
    )
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('Enter')
    await expect(rows).toHaveCount(2)
    await expect(rows.nth(1)).toHaveAttribute('data-title', 'DC 20')
    await page.getByTestId('indicators-button').click()
    await search.fill('boll')
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(SCREENS, `chart-tools-picker-${vp.name}.png`) })
    expect(await layoutDefects(page)).toEqual([])
    await page.getByTestId('indicator-option').click()
    await expect(rows).toHaveCount(3)
    // EMA: 1 line, Donchian and Bollinger: 3 each.
    await expect(pane).toHaveAttribute('data-overlay-lines', '7')

    // Edit EMA's period: a bad value says why next to the field and cannot be applied; a good one is.
    await page.locator('[data-testid="overlay-row"][data-title="EMA 20"] [data-testid="overlay-edit"]').click()
    const editor = page.getByTestId('overlay-editor')
    await expect(page.getByTestId('overlay-param-0')).toBeFocused()
    await page.getByTestId('overlay-param-0').fill('0')
    await expect(page.getByTestId('overlay-param-error-0')).toHaveText('Period must be a whole number from 1 to 1000')
    await expect(page.getByTestId('overlay-apply')).toBeDisabled()
    await page.screenshot({ path: join(SCREENS, `chart-tools-editor-${vp.name}.png`) })
    expect(await layoutDefects(page)).toEqual([])
    await page.getByTestId('overlay-param-0').fill('30')
    await expect(page.getByTestId('overlay-param-error-0')).toHaveCount(0)
    await page.keyboard.press('Enter')
    await expect(editor).toHaveCount(0)
    await expect(page.locator('[data-testid="overlay-row"][data-title="EMA 30"]')).toHaveCount(1)
    // And Bollinger's multiplier.
    await page.locator('[data-testid="overlay-row"][data-title="BB 20 2"] [data-testid="overlay-edit"]').click()
    await page.getByTestId('overlay-param-1').fill('2.5')
    await page.getByTestId('overlay-apply').click()
    const bb = page.locator('[data-testid="overlay-row"][data-title="BB 20 2.5"]')
    await expect(bb).toHaveCount(1)

    // The last bar's values equal the CLI's over every stored bar (the chart holds the newest 5000 of 5760: the core's
    // warm-up makes up the rest).
    const emaRow = page.locator('[data-testid="overlay-row"][data-title="EMA 30"]')
    // The legend shows the hovered bar's values: move the pointer off the chart for the latest bar's.
    await page.mouse.move(0, 0)
    await expect(page.getByTestId('overlay-legend')).toHaveAttribute('data-live', 'true')
    await expect(emaRow).toHaveAttribute('data-values', /^\d/)
    await expect(bb).toHaveAttribute('data-values', /^\d[^,]*,\d[^,]*,\d/)
    const cli = await cliLastRow('ETHBTC', 'BITTREX', '5m', 'ema:30,bb:20:2.5')
    const ui = [
      ...(await emaRow.getAttribute('data-values'))!.split(','),
      ...(await bb.getAttribute('data-values'))!.split(','),
    ].map(Number)
    const expected = [cli['ema:30'], cli['bb:20:2.5.upper'], cli['bb:20:2.5.middle'], cli['bb:20:2.5.lower']]
    ui.forEach((v, i) => expect(Math.abs(v - expected[i]) / expected[i], `value ${i}`).toBeLessThan(1e-9))
    await expect(emaRow).toContainText(expected[0].toFixed(8))

    // Saved for this series: there after a reload, with the same values; another series has its own (none).
    const saved = await setting<{ kind: string; params: number[] }[]>('chart.overlays.ETHBTC.BITTREX-5m')
    expect(saved.map((o) => [o.kind, o.params])).toEqual([
      ['ema', [30]],
      ['donchian', [20]],
      ['bb', [20, 2.5]],
    ])
    await page.reload()
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
    await page.getByTestId('symbol-picker').selectOption('ETHBTC.BITTREX')
    await expect(rows).toHaveCount(3)
    await expect(emaRow).toHaveAttribute('data-values', String(ui[0]))
    await page.getByTestId('symbol-picker').selectOption('XRPUSDT.BINANCE')
    await expect(page.getByTestId('chart-legend')).toContainText('XRPUSDT')
    await expect(rows).toHaveCount(0)
    await page.getByTestId('symbol-picker').selectOption('ETHBTC.BITTREX')
    await expect(rows).toHaveCount(3)
    await expect(pane).toHaveAttribute('data-overlay-lines', '7')

    // Hide one (its lines go, its row stays), hide all with o, then remove one.
    await page.locator('[data-testid="overlay-row"][data-title="DC 20"] [data-testid="overlay-toggle"]').click()
    await expect(pane).toHaveAttribute('data-overlay-lines', '4')
    await page.mouse.click(5, 5)
    await page.keyboard.press('o')
    await expect(pane).toHaveAttribute('data-overlay-lines', '0')
    await page.keyboard.press('o')
    await expect(pane).toHaveAttribute('data-overlay-lines', '4')
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(SCREENS, `chart-tools-overlays-${vp.name}.png`) })
    expect(await layoutDefects(page)).toEqual([])
    await page.locator('[data-testid="overlay-row"][data-title="DC 20"] [data-testid="overlay-remove"]').click()
    await expect(rows).toHaveCount(2)
    await expect.poll(async () => (await setting<unknown[]>('chart.overlays.ETHBTC.BITTREX-5m')).length).toBe(2)
    expect(errors).toEqual([])
  })
}

for (const vp of VIEWPORTS) {
  test(`overlays at ${vp.name} on a resampled timeframe (15m from stored 5m) equal the CLI's over the same resampled bars`, async ({
    page,
  }) => {
    const pane = await openChart(page, 'XRPUSDT.BINANCE', vp.width, vp.height)
    await page.getByTestId('timeframe-15m').click()
    await expect(page.getByTestId('chart-legend')).toContainText('XRPUSDT.BINANCE · 15m')
    await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)
    await page.keyboard.press('i')
    await page.keyboard.type('keltner')
    await page.keyboard.press('Enter')
    const row = page.locator('[data-testid="overlay-row"][data-title="KC 20 2 10"]')
    await page.mouse.move(0, 0)
    await expect(row).toHaveAttribute('data-values', /^\d[^,]*,\d[^,]*,\d/)
    const cli = await cliLastRow('XRPUSDT', 'BINANCE', '15m', 'keltner:20:2:10')
    const ui = (await row.getAttribute('data-values'))!.split(',').map(Number)
    const expected = [cli['keltner:20:2:10.upper'], cli['keltner:20:2:10.middle'], cli['keltner:20:2:10.lower']]
    ui.forEach((v, i) => expect(Math.abs(v - expected[i]) / expected[i], `value ${i}`).toBeLessThan(1e-9))
    // Saved for the resampled series like any other.
    await expect
      .poll(async () => (await setting<{ kind: string }[]>('chart.overlays.XRPUSDT.BINANCE-15m')).map((o) => o.kind))
      .toEqual(['keltner'])
    await page.screenshot({ path: join(SCREENS, `chart-tools-resampled-${vp.name}.png`) })
    expect(await layoutDefects(page)).toEqual([])
  })
}

/** Chip position (px in the chart) of the drawing of `kind`, once it is on screen. */
async function spotOf(page: Page, kind: 'level' | 'trendline'): Promise<{ x: number; y: number }> {
  const chip = page.locator(`[data-testid="drawing-chip"][data-kind="${kind}"]`)
  await expect(chip).toHaveAttribute('data-at', /^\d+,\d+$/)
  const [x, y] = (await chip.getAttribute('data-at'))!.split(',').map(Number)
  return { x, y }
}

interface SavedDrawing {
  kind: 'level' | 'trendline'
  price?: number
  a?: { time: number; price: number }
  b?: { time: number; price: number }
}

for (const vp of VIEWPORTS) {
  test(`drawings at ${vp.name}: a level and a trendline placed by clicks, dragged, kept across a reload and timeframes, deleted`, async ({
    page,
  }) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const pane = await openChart(page, 'XRPUSDT.BINANCE', vp.width, vp.height)
    await page.getByTestId('timeframe-1h').click()
    await expect(pane).toHaveAttribute('data-bars-rendered', '100')
    const box = (await pane.boundingBox())!
    const at = (x: number, y: number) => ({ x: box.x + x, y: box.y + y })
    const click = async (x: number, y: number) => page.mouse.click(at(x, y).x, at(x, y).y)
    const key = 'chart.drawings.XRPUSDT.BINANCE'
    const w = box.width - 120

    // h: level tool, one click places it; the tool is put down and the level selected.
    await page.keyboard.press('h')
    await expect(pane).toHaveAttribute('data-tool', 'level')
    await click(w * 0.5, 160)
    await expect(pane).toHaveAttribute('data-drawings', '1')
    await expect(pane).toHaveAttribute('data-tool', '')
    // The trendline button, two clicks; Escape after the first click cancels it.
    await page.getByTestId('tool-trendline').click()
    await click(w * 0.3, 300)
    await page.keyboard.press('Escape')
    await expect(pane).toHaveAttribute('data-tool', 'trendline')
    await click(w * 0.3, 300)
    await page.mouse.move(at(w * 0.6, 200).x, at(w * 0.6, 200).y, { steps: 3 })
    await page.screenshot({ path: join(SCREENS, `chart-tools-trendline-preview-${vp.name}.png`) })
    await click(w * 0.7, 200)
    await expect(pane).toHaveAttribute('data-drawings', '2')
    const placed = await setting<SavedDrawing[]>(key)
    expect(placed.map((d) => d.kind)).toEqual(['level', 'trendline'])
    const line = placed[1]
    expect(line.a!.time).toBeLessThan(line.b!.time)
    expect(line.a!.price).toBeLessThan(line.b!.price)
    // Anchored inside the hourly bars' range (2021-11-17 01:00 → 2021-11-21 04:00 UTC).
    expect(line.a!.time).toBeGreaterThan(Date.UTC(2021, 10, 17))
    expect(line.b!.time).toBeLessThan(Date.UTC(2021, 10, 21, 5))

    // Drag the level 40 px down: a lower price, saved; the chart does not pan meanwhile.
    const visible = await pane.getAttribute('data-visible-bars')
    const level = await spotOf(page, 'level')
    await page.mouse.move(at(level.x - 100, level.y).x, at(level.x - 100, level.y).y)
    await page.mouse.down()
    await page.mouse.move(at(level.x - 80, level.y + 40).x, at(level.x - 80, level.y + 40).y, { steps: 4 })
    await page.mouse.up()
    await expect.poll(async () => (await setting<SavedDrawing[]>(key))[0].price).toBeLessThan(placed[0].price!)
    // Drag the trendline by its middle, 60 px right: both anchors later in time.
    const mid = await spotOf(page, 'trendline')
    await page.mouse.move(at(mid.x, mid.y).x, at(mid.x, mid.y).y)
    await page.mouse.down()
    await page.mouse.move(at(mid.x + 60, mid.y).x, at(mid.x + 60, mid.y).y, { steps: 4 })
    await page.mouse.up()
    await expect.poll(async () => (await setting<SavedDrawing[]>(key))[1].a!.time).toBeGreaterThan(line.a!.time)
    expect((await setting<SavedDrawing[]>(key))[1].b!.time).toBeGreaterThan(line.b!.time)
    await expect(pane).toHaveAttribute('data-visible-bars', visible!)
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(SCREENS, `chart-tools-drawings-${vp.name}.png`) })
    expect(await layoutDefects(page)).toEqual([])

    // A reload restores both; on the 5-minute chart of the instrument they are there too, anchored to the same times.
    const saved = await setting<SavedDrawing[]>(key)
    await page.reload()
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
    await page.getByTestId('symbol-picker').selectOption('XRPUSDT.BINANCE')
    await page.getByTestId('timeframe-1h').click()
    await expect(pane).toHaveAttribute('data-drawings', '2')
    await expect(page.getByTestId('drawing-chip')).toHaveCount(2)
    const after = await spotOf(page, 'trendline')
    expect(Math.abs(after.x - (mid.x + 60))).toBeLessThan(4)
    await page.getByTestId('timeframe-5m').click()
    await expect(page.getByTestId('timeframe-5m')).toHaveAttribute('aria-pressed', 'true')
    await expect(pane).toHaveAttribute('data-drawings', '2')
    // The 5-minute chart opens on its last 160 bars, after the trendline: zoom out (-) until it is in view.
    const chip = page.locator('[data-testid="drawing-chip"][data-kind="trendline"]')
    await expect(async () => {
      if (/^\d+,\d+$/.test((await chip.getAttribute('data-at')) ?? '')) return
      await page.mouse.click(box.x + 5, box.y + 5)
      await page.keyboard.press('-')
      throw new Error('trendline not in view yet')
    }).toPass({ timeout: 20_000, intervals: [200] })
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(SCREENS, `chart-tools-drawings-5m-${vp.name}.png`) })
    expect(await setting<SavedDrawing[]>(key)).toEqual(saved)

    // Back on the hourly chart (both in view: drawings do not widen the price scale, so on the zoomed-out 5-minute
    // chart the level may sit above the candles' range), click a drawing to select it; Delete or Backspace removes it.
    await page.getByTestId('timeframe-1h').click()
    await expect(pane).toHaveAttribute('data-bars-rendered', '100')
    const lv = await spotOf(page, 'level')
    await click(lv.x + 50, lv.y)
    await expect(page.locator('[data-testid="drawing-chip"][data-kind="level"]')).toHaveAttribute(
      'data-selected',
      'true',
    )
    await page.keyboard.press('Delete')
    await expect(pane).toHaveAttribute('data-drawings', '1')
    await expect.poll(async () => (await setting<SavedDrawing[]>(key)).map((d) => d.kind)).toEqual(['trendline'])
    const onLine = await spotOf(page, 'trendline')
    await click(onLine.x, onLine.y)
    await expect(chip).toHaveAttribute('data-selected', 'true')
    await page.keyboard.press('Backspace')
    await expect(pane).toHaveAttribute('data-drawings', '0')
    await expect.poll(async () => setting<SavedDrawing[]>(key)).toEqual([])
    expect(errors).toEqual([])
  })

  test(`shortcuts at ${vp.name}: the ? overlay lists every shortcut, traps focus, Esc closes; shortcuts work, not while typing`, async ({
    page,
  }) => {
    const pane = await openChart(page, 'XRPUSDT.BINANCE', vp.width, vp.height)
    await expect(page.getByTestId('timeframe-5m')).toHaveAttribute('aria-pressed', 'true')
    const button = page.getByTestId('shortcuts-button')
    await button.click()
    const dialog = page.getByTestId('shortcuts-dialog')
    await expect(dialog).toBeVisible()
    await expect(page.getByTestId('shortcuts-close')).toBeFocused()
    for (const id of [
      'view.switch',
      'view.switchAnywhere',
      'chart.timeframeUp',
      'chart.zoomIn',
      'chart.zoomOut',
      'chart.latest',
      'chart.goToDate',
      'layer.regime',
      'layer.probabilities',
      'layer.volume',
      'layer.overlays',
      'draw.level',
      'draw.trendline',
      'search.symbol',
      'help.shortcuts',
    ])
      await expect(dialog.locator(`[data-shortcut="${id}"]`), id).toHaveCount(1)
    await expect(dialog.locator('[data-shortcut="search.symbol"]')).toContainText('Ctrl')
    await expect(dialog.locator('[data-shortcut="chart.goToDate"] kbd')).toHaveText('g')
    await page.screenshot({ path: join(SCREENS, `chart-tools-shortcuts-${vp.name}.png`) })
    expect(await layoutDefects(page)).toEqual([])
    // Focus stays inside while tabbing either way; shortcuts do not fire underneath.
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab')
      expect(
        await page.evaluate(
          `document.querySelector('[data-testid="shortcuts-dialog"]').contains(document.activeElement)`,
        ),
      ).toBe(true)
    }
    await page.keyboard.press('v')
    await page.keyboard.press('2')
    await expect(pane).toHaveAttribute('data-volume-visible', 'true')
    await expect(page.getByTestId('view-chart')).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
    await expect(button).toBeFocused()
    // ? from the keyboard opens it too.
    await page.keyboard.press('Shift+?')
    await expect(dialog).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)

    // v hides the volume, ] moves to the next timeframe, + zooms in, End goes back to the latest bar.
    await page.keyboard.press('v')
    await expect(pane).toHaveAttribute('data-volume-visible', 'false')
    await page.keyboard.press('v')
    await expect(pane).toHaveAttribute('data-volume-visible', 'true')
    // ] and [ step through the switcher's timeframes (stored and resampled; chart-time-controls handles them).
    const switcher = await page.getByTestId('timeframe-picker').getByRole('button').allTextContents()
    await page.keyboard.press(']')
    await expect(page.getByTestId(`timeframe-${switcher[switcher.indexOf('5m') + 1]}`)).toHaveAttribute(
      'aria-pressed',
      'true',
    )
    await page.keyboard.press('[')
    await expect(page.getByTestId('timeframe-5m')).toHaveAttribute('aria-pressed', 'true')
    // The 5-minute bars are back with their opening view: the last 160 bars and the right margin (165 wide).
    await expect(pane).toHaveAttribute('data-bars-rendered', '1999')
    await expect(pane).toHaveAttribute('data-visible-bars', '165')
    const before = 165
    await page.keyboard.press('+')
    await expect.poll(async () => Number(await pane.getAttribute('data-visible-bars'))).toBeLessThan(before)
    await page.keyboard.press('-')
    await page.keyboard.press('-')
    // Both steps apply: 165 / 1.25 · 1.25² ≈ 206 (one step alone would give 165 back).
    await expect.poll(async () => Number(await pane.getAttribute('data-visible-bars'))).toBeGreaterThan(before + 30)

    // Typing in a field (the indicator search) types; it does not toggle layers.
    await page.keyboard.press('i')
    await expect(page.getByTestId('indicator-search')).toBeFocused()
    await page.keyboard.type('v')
    await expect(page.getByTestId('indicator-search')).toHaveValue('v')
    await expect(pane).toHaveAttribute('data-volume-visible', 'true')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('indicator-picker')).toHaveCount(0)
  })

  test(`OHLC legend at ${vp.name} with the Features panel open: every value stays visible`, async ({ page }) => {
    const pane = await openChart(page, 'BTCUSDT.BINANCE', vp.width, vp.height)
    await page.getByTestId('features-toggle').click()
    await expect(page.getByTestId('features-panel')).toHaveAttribute('data-state', 'ready')
    await page.mouse.move(0, 0)
    const legend = page.getByTestId('chart-legend')
    await expect(legend).toContainText('V')
    expect(await layoutDefects(page)).toEqual([])
    // The volume, the legend's last value, ends left of the price scale.
    const paneBox = (await pane.boundingBox())!
    const last = (await legend.locator('.chart-legend__values > span').last().boundingBox())!
    expect(last.x + last.width).toBeLessThan(paneBox.x + paneBox.width - 60)
    await page.screenshot({ path: join(SCREENS, `chart-tools-legend-features-${vp.name}.png`) })
  })
}

test.describe('with the embedded default (its own server: live replay, regime forecasts, alerts)', () => {
  let server: RunningArmada | undefined
  test.afterEach(async () => {
    await server?.stop()
    server = undefined
    removeTempDbs()
  })

  test('the ML layers legend lists only the layers present, names the probability lines, toggles each; overlays follow live bars', async ({
    page,
  }) => {
    test.setTimeout(240_000)
    server = await startArmada({
      db: tempDbPath('chart-tools'),
      port: await freePort(),
      args: ['--embedded', '--speed', '20'],
    })
    await page.setViewportSize({ width: 1600, height: 1000 })
    await page.goto(server.url)
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
    // The chart opens on the main feed's series, the one with regime forecasts.
    const pane = page.getByTestId('chart-pane')
    await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/, { timeout: 30_000 })
    await expect
      .poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 60_000 })
      .toBeGreaterThan(20)
    await expect.poll(async () => Number(await pane.getAttribute('data-probability-points'))).toBeGreaterThan(20)
    const toggles = page.getByTestId('layer-toggle')
    const layers = async () => toggles.evaluateAll((els) => els.map((e) => e.getAttribute('data-layer')))
    await expect.poll(layers).toEqual(expect.arrayContaining(['regime', 'probabilities', 'volume']))
    await expect(page.locator('[data-layer="regime"]')).toContainText('bullish')
    await expect(page.getByTestId('probability-name')).toHaveText([
      /^Bearish\d\.\d\d$/,
      /^Neutral\d\.\d\d$/,
      /^Bullish\d\.\d\d$/,
    ])

    // r and p switch regime shading and the probability pane off and on; so does a click on the entry.
    await page.keyboard.press('r')
    await expect(pane).toHaveAttribute('data-regime-shaded', '0')
    await expect(page.locator('[data-layer="regime"]')).toHaveAttribute('aria-pressed', 'false')
    await page.locator('[data-layer="regime"]').click()
    await expect.poll(async () => Number(await pane.getAttribute('data-regime-shaded'))).toBeGreaterThan(20)
    await page.keyboard.press('p')
    await expect(pane).toHaveAttribute('data-probability-points', '0')
    await expect(page.getByTestId('probability-legend')).toHaveCount(0)
    await page.keyboard.press('p')
    await expect.poll(async () => Number(await pane.getAttribute('data-probability-points'))).toBeGreaterThan(20)
    await expect(page.getByTestId('probability-legend')).toBeVisible()

    // An EMA overlay follows the replayed bars as they close.
    await page.keyboard.press('i')
    await page.keyboard.type('ema')
    await page.keyboard.press('Enter')
    const ema = page.locator('[data-testid="overlay-row"][data-title="EMA 20"]')
    await expect(ema).toHaveAttribute('data-points', /^[1-9]\d*$/)
    const points = Number(await ema.getAttribute('data-points'))
    await expect
      .poll(async () => Number(await ema.getAttribute('data-points')), { timeout: 30_000 })
      .toBeGreaterThan(points + 2)

    // Transition markers (the 48-bar horizon's): listed exactly when the chart has some (the demo's regime models seldom
    // reach p ≥ 0.7, so there may be none); m switches them.
    await page.getByTestId('forecast-h48').click()
    await expect
      .poll(
        async () => Number(await pane.getAttribute('data-markers')) > 0 === (await layers()).includes('transitions'),
      )
      .toBe(true)
    if (Number(await pane.getAttribute('data-markers')) > 0) {
      await page.keyboard.press('m')
      await expect(pane).toHaveAttribute('data-markers', '0')
      await page.keyboard.press('m')
    }
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(SCREENS, 'chart-tools-ml-legend-1600x1000.png') })
    expect(await layoutDefects(page)).toEqual([])
    await page.setViewportSize({ width: 1280, height: 720 })
    await expect(page.getByTestId('probability-legend')).toBeVisible()
    await page.screenshot({ path: join(SCREENS, 'chart-tools-ml-legend-1280x720.png') })
    expect(await layoutDefects(page)).toEqual([])

    // An alert shown on the chart from the Alerts view (Enter on its row): its basket symbol gets alert markers and their
    // entry (by severity), and no regime entries (no forecasts for it).
    await page.keyboard.press('2')
    const row = page.getByTestId('alert-row').first()
    await expect(row).toBeVisible({ timeout: 120_000 })
    await row.click()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('view-chart')).toBeVisible()
    await expect
      .poll(async () => Number(await pane.getAttribute('data-alert-markers')), { timeout: 30_000 })
      .toBeGreaterThan(0)
    await expect.poll(layers).toContain('alerts')
    expect(await layers()).not.toContain('regime')
    await expect(page.locator('[data-layer="alerts"]')).toContainText(/S[23]/)
    await page.keyboard.press('a')
    await expect(pane).toHaveAttribute('data-alert-markers', '0')
    await page.keyboard.press('a')
    await expect.poll(async () => Number(await pane.getAttribute('data-alert-markers'))).toBeGreaterThan(0)
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(SCREENS, 'chart-tools-alerts-legend-1280x720.png') })
    expect(await layoutDefects(page)).toEqual([])
    await page.setViewportSize({ width: 1600, height: 1000 })
    await page.screenshot({ path: join(SCREENS, 'chart-tools-alerts-legend-1600x1000.png') })
    expect(await layoutDefects(page)).toEqual([])
  })
})
