import { expect, test, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_TOKEN } from '../playwright.config'
import { layoutDefects, VIEWPORTS } from './support/layout'

/**
 * Issue #13, "A trader's first hour": a series without a regime model says so and trains one from the card; the
 * Models view after a forced promotion and a training run (one alias per version, a health check that names its
 * version, data and reference, GUI words instead of CLI flags). Runs after models.spec (which needs an empty registry).
 */

/** Screenshots kept as artifacts (test-results/ is gitignored). */
const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })

async function openChart(page: Page, width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height })
  await page.goto(`/#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await expect(page.getByTestId('view-chart')).toBeVisible()
}

/** Opens XRP/USDT 5m, a seeded series no other spec trains a regime model for. */
async function chartXrp5m(page: Page): Promise<void> {
  await page.getByTestId('symbol-picker').selectOption('XRPUSDT.BINANCE')
  await page.getByTestId('timeframe-5m').click()
  await expect(page.getByTestId('chart-legend')).toContainText('XRPUSDT.BINANCE · 5m')
}

test('a series without a regime model says so, trains one from the card with progress, then shows the forecast card', async ({ page }) => {
  test.setTimeout(180_000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  for (const vp of VIEWPORTS) {
    await openChart(page, vp.width, vp.height)
    await chartXrp5m(page)
    const card = page.getByTestId('forecast-card')
    await expect(card).toHaveAttribute('data-models', '0')
    const missing = page.getByTestId('forecast-no-model')
    await expect(missing).toContainText('No regime model for XRPUSDT.BINANCE · 5m')
    await expect(missing).toContainText('1,999 stored bars')
    await expect(card).not.toContainText('waiting for the next closed bar')
    await expect(page.getByTestId('forecast-train')).toBeEnabled()
    expect(await layoutDefects(page, '[data-testid=view-chart]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `forecast-no-model-${vp.name}.png`) })
  }

  // Train from the card (keyboard: focus and Enter): progress in the card, then the models are there.
  await page.getByTestId('forecast-train').focus()
  await page.keyboard.press('Enter')
  const status = page.getByTestId('forecast-train-status')
  await expect(status).toHaveAttribute('data-state', /queued|running/)
  await expect.poll(async () => Number(await page.getByTestId('forecast-train-progress').getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0)
  expect(await layoutDefects(page, '[data-testid=view-chart]')).toEqual([])
  await page.screenshot({ path: join(SCREENS, 'forecast-training-1280x720.png') })
  await expect(page.getByTestId('forecast-card')).not.toHaveAttribute('data-models', '0', { timeout: 150_000 })
  await expect(page.getByTestId('forecast-no-model')).toHaveCount(0)
  // With models the card behaves as before: no live feed in this server, so no forecast until a bar closes.
  await expect(page.getByTestId('forecast-card')).toContainText('no forecast yet: waiting for the next closed bar')
  await page.screenshot({ path: join(SCREENS, 'forecast-trained-1280x720.png') })

  // The Models view lists the two regime ensembles the card trained.
  await page.getByTestId('nav-models').click()
  await expect(page.getByTestId('model-tab').filter({ hasText: 'regime-xrpusdt-5m-h12' })).toHaveCount(1)
  await expect(page.getByTestId('model-tab').filter({ hasText: 'regime-xrpusdt-5m-h48' })).toHaveCount(1)
  expect(errors).toEqual([])
})
