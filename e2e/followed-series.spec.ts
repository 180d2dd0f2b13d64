/**
 * Own `serve --embedded`: the Data view's Followed series panel follows SPY 1h from the replay feed with regime
 * forecasts on (the demo streams the US-equity hours, which it otherwise only feeds to the alert loop); a symbol the
 * replay does not stream is refused with the reason; SPY gets a forecaster trained and its candles and regime shading
 * show on the chart; forecasts off and Stop following persist across a reload (`screens/followed-series-*.png`).
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { layoutDefects, VIEWPORTS } from './support/layout'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

test('follow a series from the Data view: refused with the reason, then followed, forecast on the chart, unfollowed', async ({
  page,
}) => {
  // Generous: a forecaster is trained for SPY while the replay and the browser share two cores.
  test.setTimeout(360_000)
  server = await startArmada({ db: tempDbPath('followed'), port: await freePort(), args: ['--embedded'] })
  await page.setViewportSize({ width: VIEWPORTS[0].width, height: VIEWPORTS[0].height })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.keyboard.press('6')
  await expect(page.getByTestId('view-data')).toBeVisible()
  const panel = page.getByTestId('followed-series')
  await expect(panel.getByTestId('followed-none')).toBeVisible()

  // A symbol the replay does not stream: refused, naming what it streams.
  await panel.getByTestId('follow-symbol').fill('ETHUSD')
  await panel.getByTestId('follow-timeframe').selectOption('1h')
  await panel.getByTestId('follow-add').click()
  await expect(panel.getByTestId('follow-error')).toContainText('the feed does not stream ETHUSD 1h (it streams ')
  await expect(panel.getByTestId('followed-none')).toBeVisible()

  // SPY 1h from the feed with forecasts on.
  await panel.getByTestId('follow-symbol').fill('SPY')
  await panel.getByTestId('follow-add').click()
  const row = panel.locator('[data-testid="followed-row"][data-key="SPY.USA-1h"]')
  await expect(row).toBeVisible()
  await expect(row).toHaveAttribute('data-forecast', 'true')
  await expect(panel.getByTestId('follow-error')).toBeHidden()
  expect(await layoutDefects(page)).toEqual([])
  await page.screenshot({ path: join(SCREENS, 'followed-series-data.png') })

  // Its forecaster is trained (a regime.train job), then the chart shows its candles and regime shading.
  await row.getByTestId('followed-open').click()
  await expect(page.getByTestId('chart-legend')).toContainText('SPY.USA · 1h', { timeout: 30_000 })
  const pane = page.getByTestId('chart-pane')
  await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)
  await expect
    .poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 300_000, intervals: [2000] })
    .toBeGreaterThan(20)
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height })
    expect(await layoutDefects(page), vp.name).toEqual([])
    await page.screenshot({ path: join(SCREENS, `followed-series-chart-${vp.name}.png`) })
  }

  // Forecasts off, then Stop following: both stored (a reload shows them).
  await page.keyboard.press('6')
  // The box follows the stored answer (a click asks the core; the row changes when it answers).
  await row.getByTestId('followed-forecast').click()
  await expect(row).toHaveAttribute('data-forecast', 'false')
  await page.reload()
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.keyboard.press('6')
  await expect(row).toHaveAttribute('data-forecast', 'false')
  await row.getByTestId('followed-remove').click()
  await expect(row).toBeHidden()
  await expect(panel.getByTestId('followed-none')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'followed-series-data-1280x720.png') })
})
