import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
let paused = false
test.afterEach(async () => {
  // A server paused by the test (SIGSTOP) must run again to handle its SIGTERM.
  if (paused) server?.child.kill('SIGCONT')
  paused = false
  await server?.stop()
  server = undefined
  removeTempDbs()
})

test('serve --embedded on an empty database shows candles, regime shading, the probability pane, transition markers with tooltips and the forecast card', async ({ page }) => {
  test.setTimeout(120_000)
  const db = tempDbPath('forecasts')
  // 20 bars per second: enough replayed bars for transition markers within the test's minute.
  server = await startArmada({ db, port: await freePort(), args: ['--embedded', '--speed', '20'] })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  const pane = page.getByTestId('chart-pane')
  // The embedded default also replays an alt/BTC basket (alerts); the chart opens on the main feed's BTCUSDT 5m,
  // whose regime models ship in models/.
  await expect(page.getByTestId('chart-legend')).toContainText('BTCUSDT', { timeout: 20_000 })
  await expect(pane).not.toHaveAttribute('data-bars-rendered', '0')

  // The shipped default models are imported on the first closed bar; forecasts then arrive with every bar.
  const card = page.getByTestId('forecast-card')
  await expect(card).toHaveAttribute('data-horizons', '2', { timeout: 30_000 })
  await expect(card).toHaveAttribute('data-stale', 'false')
  await expect(page.getByTestId('forecast-h12')).toBeVisible()
  await expect(page.getByTestId('forecast-h48')).toBeVisible()
  await expect.poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 30_000 }).toBeGreaterThan(20)
  await expect.poll(async () => Number(await pane.getAttribute('data-probability-points'))).toBeGreaterThan(20)

  // H = 48 signals transitions more often; show it on the chart and wait for a marker in view.
  await page.getByTestId('forecast-h48').click()
  await expect.poll(async () => Number(await pane.getAttribute('data-markers')), { timeout: 60_000 }).toBeGreaterThan(0)
  // Live bars scroll the chart (and a marker away from under the mouse) while the replay can go a while without a
  // transition: pause the server (SIGSTOP) so the chart holds still, then drag the view into the past until the newest
  // transition marker in view sits well inside it.
  server.child.kill('SIGSTOP')
  paused = true
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
  await page.screenshot({ path: join(SCREENS, 'forecasts-chart.png') })

  // Hover the newest marker: its tooltip names probability, confidence, horizon and model version.
  const [x, y] = ((await pane.getAttribute('data-marker-at')) ?? '0,0').split(',').map(Number)
  await page.mouse.move(box.x + x, box.y + y)
  const tooltip = page.getByTestId('marker-tooltip')
  await expect(tooltip).toBeVisible()
  await expect(tooltip).toContainText('confidence')
  await expect(tooltip).toContainText('horizon 48 bars')
  await expect(tooltip).toContainText('regime-btcusdt-5m-h48')
  await page.screenshot({ path: join(SCREENS, 'forecasts-tooltip.png') })
  server.child.kill('SIGCONT')
  paused = false

  // The card is live while replayed bars arrive; its age is shown next to the state.
  await expect(page.getByTestId('forecast-age')).toContainText(/live · \d+ s old/)
})
