/**
 * Candles drawn (`data-bars-rendered`), pickers, crosshair legend, all six views by click and by keyboard (1–6,
 * Alt+1–6), focus ring, Data → Chart; jobs progress and cancel.
 */
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_PORT, E2E_TOKEN } from '../playwright.config'

/** Screenshots kept as artifacts (test-results/ is gitignored). */
const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })

const VIEWS = ['chart', 'alerts', 'models', 'strategies', 'backtests', 'data'] as const

async function openApp(page: Page): Promise<void> {
  await page.goto(`/#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
}

test('draws candles for the stored series and switches through every view by click and keyboard', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await openApp(page)

  // The token moved from the address bar to session storage.
  expect(new URL(page.url()).hash).toBe('')
  expect(await page.evaluate("sessionStorage.getItem('armada.token')")).toBe(E2E_TOKEN)

  const pane = page.getByTestId('chart-pane')
  await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)
  await expect(pane.locator('canvas').first()).toBeVisible()
  await expect(page.getByTestId('status-db')).toContainText('armada.db')
  await expect(page.getByTestId('status-version')).toContainText('schema')
  await page.screenshot({ path: join(SCREENS, 'chart.png') })

  // The longest seed series is capped at the 5000 most recent bars.
  await page.getByTestId('symbol-picker').selectOption('BTC-PERP.FTX')
  await expect(pane).toHaveAttribute('data-bars-rendered', '5000')
  await expect(page.getByTestId('chart-legend')).toContainText('BTC-PERP.FTX · 1m')

  // Timeframes of the chosen instrument; switching reloads the bars.
  await page.getByTestId('symbol-picker').selectOption('XRPUSDT.BINANCE')
  await expect(page.getByTestId('timeframe-picker').getByRole('button')).toHaveText(['5m', '15m', '1h', '4h', '1d'])
  await page.getByTestId('timeframe-1h').click()
  await expect(pane).toHaveAttribute('data-bars-rendered', '100')
  await pane.hover({ position: { x: 700, y: 300 } })
  await expect(page.getByTestId('chart-legend')).toHaveAttribute('data-live', 'false')
  await page.screenshot({ path: join(SCREENS, 'chart-crosshair.png') })

  for (const [i, view] of VIEWS.entries()) {
    await page.getByTestId(`nav-${view}`).click()
    await expect(page.getByTestId(`view-${view}`)).toBeVisible()
    await expect(page.getByTestId(`nav-${view}`)).toHaveAttribute('aria-current', 'page')
    await page.screenshot({ path: join(SCREENS, `view-${i + 1}-${view}.png`) })
  }

  await expect(page.getByTestId('series-row')).toHaveCount(5)
  await expect(page.getByTestId('empty-data')).toHaveCount(0)

  // Keyboard: digits and Alt+digits; the focused nav button shows a focus ring.
  await page.getByTestId('nav-data').focus()
  for (const [i, view] of VIEWS.entries()) {
    await page.keyboard.press(`Digit${i + 1}`)
    await expect(page.getByTestId(`view-${view}`)).toBeVisible()
  }
  for (const [i, view] of [...VIEWS.entries()].reverse()) {
    await page.keyboard.press(`Alt+Digit${i + 1}`)
    await expect(page.getByTestId(`view-${view}`)).toBeVisible()
  }
  await page.keyboard.press('Tab')
  const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')
  expect(outline).toBe('solid')

  // A Data row opens its series on the chart.
  await page.keyboard.press('Alt+Digit6')
  await page.getByTestId('series-row').filter({ hasText: 'ETHBTC' }).click()
  await expect(page.getByTestId('view-chart')).toBeVisible()
  await expect(page.getByTestId('chart-legend')).toContainText('ETHBTC.BITTREX · 5m')
  await expect(pane).toHaveAttribute('data-bars-rendered', '5000')
  await page.screenshot({ path: join(SCREENS, 'chart-ethbtc.png') })

  expect(errors).toEqual([])
})

test('shows a running job with progress and cancels it', async ({ page, request }) => {
  await openApp(page)
  const started = await request.post(`http://127.0.0.1:${E2E_PORT}/api/jobs`, {
    headers: { Authorization: `Bearer ${E2E_TOKEN}` },
    data: { kind: 'diagnostics.wait', params: { steps: 400, stepMs: 50 } },
  })
  expect(started.ok()).toBe(true)
  const job = (await started.json()) as { id: string }

  await expect(page.getByTestId('jobs-count')).toHaveText('1')
  await expect(page.getByTestId('jobs-progress')).toBeVisible()
  await expect
    .poll(async () => Number(await page.getByTestId('jobs-progress').getAttribute('aria-valuenow')))
    .toBeGreaterThan(0)
  await page.getByTestId('jobs-toggle').click()
  const row = page.locator(`[data-testid="job-row"][data-job-id="${job.id}"]`)
  await expect(row).toHaveAttribute('data-state', 'running')
  await page.screenshot({ path: join(SCREENS, 'jobs-running.png') })
  await row.getByTestId('job-cancel').click()
  await expect(row).toHaveAttribute('data-state', 'cancelled')
  await expect(page.getByTestId('jobs-count')).toHaveText('0')
  await expect(page.getByTestId('jobs-active')).toHaveCount(0)
  await page.screenshot({ path: join(SCREENS, 'jobs-cancelled.png') })
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('jobs-panel')).toHaveCount(0)
})
