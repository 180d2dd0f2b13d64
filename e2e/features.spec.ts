/**
 * Chart view Features panel on the seeded BTCUSDT 1h bars: liquidation set with `*_missing` flags and "—", regime set
 * (43 rows), filter, `rsi_14` plotted by click and `atr_14` by Enter in panes (`data-points` ≈ bars), removed by close
 * button and second click, follows the series.
 */
import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_TOKEN } from '../playwright.config'

/** Screenshots kept as artifacts (test-results/ is gitignored). */
const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })

test('Features panel: regime vector of the chart series, filter, plot features in panes under the candles', async ({
  page,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await page.goto(`/#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.getByTestId('nav-chart').click()
  const chart = page.getByTestId('chart-pane')
  await page.getByTestId('symbol-picker').selectOption('BTCUSDT.BINANCE')
  await expect(chart).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)
  const bars = Number(await chart.getAttribute('data-bars-rendered'))

  // Open the panel and choose the regime set with the keyboard-accessible select.
  await expect(page.getByTestId('features-panel')).toHaveCount(0)
  await page.getByTestId('features-toggle').click()
  await expect(page.getByTestId('features-toggle')).toHaveAttribute('aria-pressed', 'true')
  const panel = page.getByTestId('features-panel')
  await page.getByTestId('features-set').selectOption('liquidation')
  await expect(panel).toHaveAttribute('data-state', 'ready')
  // Availability flags stay visible; missing inputs read "—" (no order book or liquidations in bar files).
  await expect(page.locator('[data-testid="feature-row"][data-feature="funding_missing"]')).toBeVisible()
  await expect(page.locator('[data-testid="feature-row"][data-missing="true"]').first()).toContainText('—')
  await page.screenshot({ path: join(SCREENS, 'features-liquidation.png') })
  await page.getByTestId('features-set').focus()
  await page.getByTestId('features-set').selectOption('regime')
  await expect(panel).toHaveAttribute('data-state', 'ready')
  const rows = page.getByTestId('feature-row')
  await expect(rows).toHaveCount(43)
  await expect(page.getByTestId('features-meta')).toContainText('43 features')
  const rsi = page.locator('[data-testid="feature-row"][data-feature="rsi_14"]')
  await expect(rsi.locator('td.num')).toHaveText(/^\d+(\.\d+)?$/)

  // Filter narrows the table; clearing it shows every row again.
  await page.getByTestId('features-filter').fill('rsi')
  await expect(rows).toHaveCount(3)
  await expect(page.getByTestId('features-filter-count')).toHaveText('3/43')
  await page.getByTestId('features-filter').fill('')
  await expect(rows).toHaveCount(43)

  // Click plots rsi_14 in its own pane, aligned with the candles (one point per bar after the warm-up).
  await rsi.click()
  await expect(rsi).toHaveAttribute('aria-selected', 'true')
  const rsiPane = page.locator('[data-testid="feature-pane"][data-feature="rsi_14"]')
  await expect(rsiPane).toBeVisible()
  // The table loads the latest rows only; plotting fetches the history, so the pane spans the candles.
  await expect.poll(async () => Number(await rsiPane.getAttribute('data-points'))).toBeGreaterThan(bars - 30)
  expect(Number(await rsiPane.getAttribute('data-points'))).toBeLessThanOrEqual(bars)

  // Enter on a focused row plots a second feature; both panes sit under the price pane.
  await rsi.focus()
  for (let i = 0; i < 14; i++) await page.keyboard.press('ArrowDown')
  const focused = await page.locator(':focus').getAttribute('data-feature')
  expect(focused).toBe('atr_14')
  await page.keyboard.press('Enter')
  const atrPane = page.locator('[data-testid="feature-pane"][data-feature="atr_14"]')
  await expect(atrPane).toHaveAttribute('data-points', /^[1-9]\d*$/)
  await expect(page.getByTestId('feature-pane')).toHaveCount(2)
  await expect(page.getByTestId('features-toggle')).toContainText('2')
  const rsiTop = (await rsiPane.boundingBox())!.y
  const atrTop = (await atrPane.boundingBox())!.y
  expect(atrTop).toBeGreaterThan(rsiTop + 40)
  await page.mouse.move(10, 10)
  await page.screenshot({ path: join(SCREENS, 'features-panel.png') })

  // The close button removes a pane; a second click on the row removes the other.
  await atrPane.getByTestId('feature-pane-close').click()
  await expect(atrPane).toHaveCount(0)
  await expect(page.locator('[data-testid="feature-row"][data-feature="atr_14"]')).toHaveAttribute(
    'aria-selected',
    'false',
  )
  await rsi.click()
  await expect(page.getByTestId('feature-pane')).toHaveCount(0)

  // Another series reloads the vector; closing the panel keeps the chart.
  await rsi.click()
  await page.getByTestId('symbol-picker').selectOption('XRPUSDT.BINANCE')
  await expect(page.getByTestId('chart-legend')).toContainText('XRPUSDT.BINANCE')
  await expect(panel).toHaveAttribute('data-state', 'ready')
  await expect(rows).toHaveCount(43)
  await expect(rsiPane).toHaveAttribute('data-points', /^[1-9]\d*$/)
  await page.getByTestId('features-close').click()
  await expect(panel).toHaveCount(0)
  await expect(chart).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)

  expect(errors).toEqual([])
})
