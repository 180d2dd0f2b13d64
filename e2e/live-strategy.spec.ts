/**
 * Own `serve --embedded`: Battle Navale enabled on BTC/USD 1h from the chart's strategy menu (keyboard `l`, Space; a bad
 * parameter refused with its reason first); warm-up signals become markers, a live one's tooltip names s, base
 * confidence, ML probability, enhanced confidence, tier, outcome and model; ML on without a model says it acts as off;
 * ML off → the next signals carry no probability and no model; a signal-quality model trained through the API and
 * force-promoted, ML on → the next signals carry its probability and version; a paper position with entry/stop/target lines and open
 * PnL, the equity curve grows; a Signals row centres the chart on its bar. The Strategies view enables it too and trains
 * its signal-quality model with progress. Layout at both `VIEWPORTS` (`screens/live-strategy-*.png`).
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, rpc, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { layoutDefects, VIEWPORTS } from './support/layout'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

/** The newest row of the Signals panel (newest first) and its id. */
async function newestSignal(page: Page): Promise<{ row: Locator; id: number }> {
  const row = page.getByTestId('signal-row').first()
  return { row, id: Number(await row.getAttribute('data-id')) }
}

/** What a signal's tooltip block said when it was read (the replay moves the chart on right after). */
interface SignalTooltip {
  readonly id: number
  readonly text: string
  readonly ml: string
  readonly mlProbability: string
  readonly model: string
}

/**
 * Hovers the newest signal marker in view until its tooltip shows a signal newer than `minId`, and reads that block at
 * once: replayed bars keep moving the view (and the tooltip goes with the next bar).
 */
async function hoverNewestSignalMarker(page: Page, minId = 0): Promise<SignalTooltip> {
  const pane = page.getByTestId('chart-pane')
  const block = page.getByTestId('signal-tooltip').first()
  let read: SignalTooltip | undefined
  await expect(async () => {
    const at = await pane.getAttribute('data-signal-marker-at')
    if (!at) throw new Error('no signal marker in view')
    const box = (await pane.boundingBox())!
    const [x, y] = at.split(',').map(Number)
    await page.mouse.move(box.x + x - 30, box.y + y)
    await page.mouse.move(box.x + x, box.y + y)
    read = await block.evaluate(
      (el) => ({
        id: Number(el.getAttribute('data-id')),
        text: el.textContent ?? '',
        ml: el.getAttribute('data-ml') ?? '',
        mlProbability: el.getAttribute('data-ml-probability') ?? '',
        model: el.getAttribute('data-model') ?? '',
      }),
      undefined,
      { timeout: 1000 },
    )
    expect(read.id).toBeGreaterThan(minId)
  }).toPass({ timeout: 60_000, intervals: [200, 500] })
  return read!
}

test('Battle Navale enabled from the chart menu on the embedded replay: live signal markers with tooltips, ML switch acting on the next signals, paper position and equity', async ({
  page,
}) => {
  // Generous: warm-up, replay and the browser share two loaded cores.
  test.setTimeout(300_000)
  server = await startArmada({
    db: tempDbPath('live-strategy'),
    port: await freePort(),
    args: ['--embedded', '--speed', '8'],
  })
  await page.setViewportSize({ width: VIEWPORTS[0].width, height: VIEWPORTS[0].height })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  // The chart opens on the main feed's series (BTC/USD 1h, replayed live).
  await expect(page.getByTestId('chart-legend')).toContainText('BTCUSD.COINBASE · 1h', { timeout: 30_000 })
  const pane = page.getByTestId('chart-pane')
  await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/, { timeout: 30_000 })
  await expect(pane).toHaveAttribute('data-signal-markers', '0')

  // The chart header's strategy menu, from the keyboard: l opens it, Space enables Battle Navale on this series.
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('l')
  const menu = page.getByTestId('strategy-menu')
  await expect(menu).toBeVisible()
  await expect(menu).toContainText('BTCUSD.COINBASE · 1h')
  const enable = page.getByTestId('live-enable-battle-navale')
  await expect(enable).toBeFocused()
  await expect(enable).not.toBeChecked()
  // Parameters show their defaults; a bad value is refused with its reason before anything is sent.
  await page.getByTestId('live-params-battle-navale').click()
  const stopAtr = menu.locator('[data-testid="live-param"][data-param="stopAtr"] input')
  await expect(stopAtr).toHaveAttribute('placeholder', '1.5')
  await stopAtr.fill('0')
  await expect(menu.getByTestId('live-param-error')).toHaveText('stopAtr must be a number > 0 and ≤ 50, got 0')
  await enable.click()
  await expect(page.getByTestId('live-error-battle-navale')).toContainText('stopAtr must be a number > 0')
  await expect(enable).not.toBeChecked()
  await stopAtr.fill('')
  await enable.focus()
  await page.keyboard.press('Space')
  await expect(enable).toBeChecked({ timeout: 60_000 })
  await expect(page.getByTestId('live-status-battle-navale')).toContainText(/live · \d+ bars/, { timeout: 60_000 })
  // ML is on by default; without a champion signal-quality model the node says it acts as off.
  const note = page.getByTestId('live-ml-note-battle-navale')
  await expect(note).toContainText(/^ML on(, no model: acting as off|:)/)
  await expect(page.getByTestId('strategy-menu-button')).toHaveAttribute('data-running', '1')
  expect(await layoutDefects(page)).toEqual([])
  await page.screenshot({ path: join(SCREENS, 'live-strategy-menu.png') })
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await expect(page.getByTestId('strategy-menu-button')).toBeFocused()

  // The warm-up's signals are markers at once; the Signals panel lists them newest first.
  await expect
    .poll(async () => Number(await pane.getAttribute('data-signal-markers')), { timeout: 30_000 })
    .toBeGreaterThan(0)
  await expect(page.getByTestId('layer-toggle').and(page.locator('[data-layer="signals"]'))).toBeVisible()
  await page.getByTestId('signals-toggle').click()
  const panel = page.getByTestId('signals-panel')
  await expect(panel).toBeVisible()
  await expect(page.getByTestId('signal-row').first()).toBeVisible()
  const warm = await newestSignal(page)

  // A live signal (after the warm-up) arrives as a new marker and row; its tooltip names every stored field.
  await expect.poll(async () => (await newestSignal(page)).id, { timeout: 120_000 }).toBeGreaterThan(warm.id)
  let tooltip = await hoverNewestSignalMarker(page, warm.id)
  await page.screenshot({ path: join(SCREENS, 'live-strategy-tooltip.png') })
  expect(tooltip.text).toContain('Battle Navale')
  expect(tooltip.text).toMatch(/(LONG|SHORT) · (taken|skipped)/)
  expect(tooltip.text).toMatch(/s [+-]?\d\.\d\d · base confidence \d\.\d\d/)
  expect(tooltip.text).toMatch(/ML probability .* · enhanced \d\.\d\d/)
  expect(tooltip.text).toMatch(/tier ×[\d.]+ · (taken|skipped)/)
  expect(tooltip.text).toMatch(/model /)
  expect(tooltip.text).toContain('BTCUSD 1h')

  // ML off: the next signals carry no ML probability and no model.
  await page.keyboard.press('l')
  await page.getByTestId('live-ml-battle-navale').uncheck()
  await expect(note).toHaveText('ML off', { timeout: 30_000 })
  await page.keyboard.press('Escape')
  let before = (await newestSignal(page)).id
  await expect
    .poll(
      async () => {
        const n = await newestSignal(page)
        return n.id > before ? await n.row.getAttribute('data-ml') : 'none yet'
      },
      { timeout: 120_000 },
    )
    .toBe('false')
  let newest = (await newestSignal(page)).row
  await expect(newest).toHaveAttribute('data-ml-probability', '')
  await expect(newest).toHaveAttribute('data-model', '')
  tooltip = await hoverNewestSignalMarker(page, Number(await newest.getAttribute('data-id')) - 1)
  expect(tooltip.ml).toBe('false')
  expect(tooltip.text).toContain('ML probability — (ML off)')
  expect(tooltip.text).toContain('model none (ML off)')

  // A champion signal-quality model for the series: trained by the Strategies view's job (through the API here), and
  // promoted with force — the demo's model fails DOMAIN.md §4 (bench/RESULTS.md says so), which only --force overrides.
  const job = await rpc<{ id: string }>(server, 'trainSignalQuality', {
    strategy: 'battle-navale',
    symbol: 'BTCUSD',
    venue: 'COINBASE',
    timeframe: '1h',
  })
  let trained: { state: string; result?: { versionId?: string } } | undefined
  await expect
    .poll(
      async () => {
        const jobs = await rpc<{ id: string; state: string; result?: { versionId?: string } }[]>(server!, 'listJobs', {
          limit: 50,
        })
        trained = jobs.find((j) => j.id === job.id)
        return trained?.state
      },
      { timeout: 240_000, intervals: [1000] },
    )
    .toBe('succeeded')
  const versionId = trained!.result!.versionId!
  await rpc(server, 'promoteModel', { id: versionId, alias: 'champion', reason: 'e2e: an ML-on scorer', force: true })
  const modelLabel = `signal-quality-battle-navale-btcusd-1h@${versionId.slice(0, 12)}`

  // ML on again: the node names the champion, and the next signals carry its probability and version.
  await page.keyboard.press('l')
  await page.getByTestId('live-ml-battle-navale').check()
  await expect(note).toHaveText(`ML on: ${modelLabel}`, { timeout: 30_000 })
  await page.keyboard.press('Escape')
  before = (await newestSignal(page)).id
  await expect
    .poll(
      async () => {
        const n = await newestSignal(page)
        return n.id > before ? await n.row.getAttribute('data-ml') : 'none yet'
      },
      { timeout: 120_000 },
    )
    .toBe('true')
  newest = (await newestSignal(page)).row
  await expect(newest).toHaveAttribute('data-ml-probability', /^0?\.\d+|^1$|^0$/)
  await expect(newest).toHaveAttribute('data-model', new RegExp(versionId.slice(0, 12)))
  tooltip = await hoverNewestSignalMarker(page, Number(await newest.getAttribute('data-id')) - 1)
  expect(tooltip.ml).toBe('true')
  expect(tooltip.text).toContain(`ML probability ${Number(tooltip.mlProbability).toFixed(2)}`)
  expect(tooltip.text).toContain(`model ${tooltip.model}`)
  expect(tooltip.model).toContain(versionId.slice(0, 12))

  // Paper trading: a position opens with entry/stop/target lines and open PnL; the equity curve grows with the bars.
  const account = panel.getByTestId('paper-account')
  await expect(account).toBeVisible()
  const points = Number(await account.getByTestId('equity-curve').getAttribute('data-points'))
  await expect
    .poll(async () => Number(await account.getByTestId('equity-curve').getAttribute('data-points')), {
      timeout: 60_000,
    })
    .toBeGreaterThan(points)
  // Positions open and close as the replay runs: catch one while it is open.
  await expect(async () => {
    await expect(page.getByTestId('paper-position')).toBeVisible({ timeout: 500 })
    await expect(page.getByTestId('paper-open-pnl')).toContainText(/open PnL [+−]\d/, { timeout: 500 })
    expect(Number(await pane.getAttribute('data-paper-lines'))).toBeGreaterThanOrEqual(2)
    await expect(account.getByTestId('paper-account-position')).toBeVisible({ timeout: 500 })
  }).toPass({ timeout: 180_000, intervals: [250] })
  await page.screenshot({ path: join(SCREENS, 'live-strategy-paper.png') })
  const equity = await account.getAttribute('data-equity')
  await expect.poll(async () => account.getAttribute('data-equity'), { timeout: 120_000 }).not.toBe(equity)

  // A row click centres the chart on that signal's bar.
  const olderId = await page.getByTestId('signal-row').nth(5).getAttribute('data-id')
  const older = page.locator(`[data-testid="signal-row"][data-id="${olderId}"]`)
  const t = Number(await older.getAttribute('data-time'))
  await older.click()
  await expect(older).toHaveAttribute('aria-selected', 'true')
  await expect.poll(async () => Number(await pane.getAttribute('data-visible-from'))).toBeLessThanOrEqual(t)
  await expect.poll(async () => Number(await pane.getAttribute('data-visible-to'))).toBeGreaterThanOrEqual(t)

  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height })
    await page.mouse.move(0, 0)
    expect(await layoutDefects(page), vp.name).toEqual([])
    await page.screenshot({ path: join(SCREENS, `live-strategy-panel-${vp.name}.png`) })
  }
})

test('the Strategies view lists the live strategy with its paper account and trains its signal-quality model with progress', async ({
  page,
}) => {
  test.setTimeout(300_000)
  server = await startArmada({
    db: tempDbPath('live-strategy-view'),
    port: await freePort(),
    args: ['--embedded', '--speed', '8'],
  })
  await page.setViewportSize({ width: VIEWPORTS[1].width, height: VIEWPORTS[1].height })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await expect(page.getByTestId('chart-legend')).toContainText('BTCUSD.COINBASE · 1h', { timeout: 30_000 })

  await page.keyboard.press('4')
  const live = page.getByTestId('strategy-live-battle-navale')
  await expect(live).toBeVisible()
  await expect(live.getByTestId('strategy-live-series-battle-navale')).toHaveValue('BTCUSD|COINBASE|1h')
  await live.getByTestId('live-enable-battle-navale').click()
  await expect(live.getByTestId('live-enable-battle-navale')).toBeChecked({ timeout: 60_000 })
  await expect(live.getByTestId('live-status-battle-navale')).toContainText(/live · \d+ bars/, { timeout: 60_000 })
  await expect(live).toHaveAttribute('data-running', '1')
  await expect(live.getByTestId('paper-account')).toBeVisible()
  await expect(live.getByTestId('equity-curve')).toBeVisible()
  expect(await layoutDefects(page)).toEqual([])

  // The DOMAIN.md §4 model of the strategy on this series, as a job with progress; it ends registered or says why not.
  await live.getByTestId('sq-train-start-battle-navale').click()
  const train = live.getByTestId('sq-train-battle-navale')
  await expect(train).toHaveAttribute('data-state', /queued|running|succeeded|failed/)
  await expect(train).toHaveAttribute('data-state', /succeeded|failed/, { timeout: 240_000 })
  if ((await train.getAttribute('data-state')) === 'succeeded')
    await expect(train.getByTestId('sq-train-done')).toContainText(
      /^signal-quality-battle-navale-btcusd-1h [0-9a-f]{12} on \d+ trades: /,
    )
  else await expect(train.getByTestId('sq-train-error')).toContainText('Training did not finish: ')
  await page.screenshot({ path: join(SCREENS, 'live-strategy-strategies-view.png') })
  expect(await layoutDefects(page)).toEqual([])
})
