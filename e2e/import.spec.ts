/**
 * Empty database → import from the Data view → the series is listed and charted.
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { TEST_DATA } from './support/import-seed'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

test('on an empty database, imports a file from the Data view and charts it', async ({ page }) => {
  const db = tempDbPath('import')
  server = await startArmada({ db, port: await freePort() })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await expect(page.getByTestId('empty-chart')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'empty-chart.png') })

  await page.keyboard.press('6')
  await expect(page.getByTestId('empty-data')).toBeVisible()
  await page.getByTestId('import-toggle').click()
  await page.getByTestId('import-submit').click()
  await expect(page.getByTestId('import-error')).toContainText('at least one file')

  await page.getByTestId('import-files').fill(join(TEST_DATA, 'freqtrade/futures/XRP_USDT_USDT-1h-futures.json'))
  await page.getByTestId('import-symbol').fill('xrpusdt')
  await page.getByTestId('import-venue').fill('binance')
  await page.getByTestId('import-timeframe').selectOption('1h')
  await page.screenshot({ path: join(SCREENS, 'import-form.png') })
  await page.getByTestId('import-submit').click()
  await expect(page.getByTestId('import-started')).toBeVisible()

  // The import runs as a job; when it succeeds the table lists the new series.
  const row = page.getByTestId('series-row')
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('XRPUSDT')
  await expect(row).toContainText('100')
  await page.getByTestId('jobs-toggle').click()
  await expect(page.getByTestId('job-row').first()).toHaveAttribute('data-state', 'succeeded')
  await page.keyboard.press('Escape')

  await row.click()
  await expect(page.getByTestId('chart-pane')).toHaveAttribute('data-bars-rendered', '100')
})
