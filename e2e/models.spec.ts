/**
 * Models view on the seeded BTCUSDT 1h bars: train GBDT (champion) and RF (challenger) through the form with progress,
 * metrics next to baselines, reliability/importance/folds/health charts, a backfill of the champion's track record
 * (progress, forecasts stored and resolved), promote (reason required, refused without a gate, forced with a reason)
 * and roll back from the keyboard; the alias timeline grows; a run on the 1m BTC-PERP month is cancelled from the form
 * and registers nothing.
 */
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_TOKEN } from '../playwright.config'

/** Screenshots kept as artifacts (test-results/ is gitignored). */
const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })

async function openModels(page: Page): Promise<void> {
  await page.goto(`/#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.getByTestId('nav-models').click()
  await expect(page.getByTestId('view-models')).toBeVisible()
}

/** Starts training from the open form and waits for the job to succeed. */
async function train(page: Page, algo: 'gbdt' | 'rf' | 'logreg'): Promise<void> {
  await page.getByTestId('train-series').selectOption('BTCUSDT|BINANCE|1h')
  await page.getByTestId('train-algo').selectOption(algo)
  await page.getByTestId('train-horizon').fill('12')
  await page.getByTestId('train-submit').click()
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', /running|succeeded/)
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 })
  await expect(page.getByTestId('train-progress')).toHaveAttribute('aria-valuenow', '100')
}

test('trains a regime model from the Models view, shows metrics next to baselines with charts, promotes and rolls back with a reason', async ({
  page,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await openModels(page)
  await expect(page.getByTestId('empty-models')).toBeVisible()

  // Train a GBDT on the seeded real BTC/USDT hourly bars: it becomes the champion of a new name.
  await page.getByTestId('train-toggle').click()
  await expect(page.getByTestId('train-form')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'models-train-form.png') })
  await train(page, 'gbdt')
  const rows = page.getByTestId('version-row')
  await expect(rows).toHaveCount(1)
  await expect(page.getByTestId('model-tab')).toHaveAttribute('data-name', 'regime-btcusdt-1h-h12')
  await expect(rows.first().getByTestId('alias-champion')).toBeVisible()
  const champion = (await rows.first().getAttribute('data-version'))!

  // Metrics with both baselines beside them, and an honest verdict.
  for (const key of ['f1', 'rocAuc', 'logLoss', 'accuracy']) {
    const cell = rows.first().getByTestId(`metric-${key}`)
    await expect(cell).toContainText(/\d\.\d{3}/)
    // Log loss of a one-hot baseline can run into two digits.
    await expect(cell).toContainText(/M \d+\.\d{3}/)
    await expect(cell).toContainText(/P \d+\.\d{3}/)
  }
  await expect(rows.first().getByTestId('baseline-verdict')).toHaveText(
    /beats both baselines|below (persistence|majority|both baselines)/,
  )

  // The selected version's charts: reliability bins, importance bars, folds; health from the registration check.
  await expect(page.getByTestId('reliability-chart')).toHaveAttribute('data-points', /^[1-9]\d*$/)
  await expect(page.getByTestId('importance-chart')).toHaveAttribute('data-features', '15')
  await expect(page.getByTestId('folds-chart')).toHaveAttribute('data-folds', /^[1-4]$/)
  await expect(page.getByTestId('health-chart')).toHaveAttribute('data-points', '1')
  await expect(page.getByTestId('model-health')).toHaveAttribute('data-health', /healthy|degrading|failed/)
  await expect(page.getByTestId('confusion-matrix')).toBeVisible()
  await expect(page.getByTestId('alias-event')).toHaveCount(1)
  await page.screenshot({ path: join(SCREENS, 'models-champion.png') })

  // Backfill the champion's track record over the seeded series: a job with progress, forecasts stored and resolved.
  await page.getByTestId('backfill-series').selectOption('BTCUSDT|BINANCE|1h')
  await page.getByTestId('backfill-submit').click()
  await expect(page.getByTestId('backfill-status')).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 })
  await expect(page.getByTestId('backfill-progress')).toHaveAttribute('aria-valuenow', '100')
  await expect(page.getByTestId('backfill-message')).toContainText(
    /rows scored on (cpu|webgpu|cuda), [1-9]\d* stored, [1-9]\d* resolved/,
  )
  // The status bar names the batch device and, when it fell back to cpu, why.
  await expect(page.getByTestId('status-device')).toHaveAttribute('data-device', /^(cpu|webgpu|cuda)$/)

  // A second algorithm on the same series and horizon: challenger, listed first (newest).
  await train(page, 'rf')
  await expect(rows).toHaveCount(2)
  const challenger = (await rows.first().getAttribute('data-version'))!
  expect(challenger).not.toBe(champion)
  await expect(rows.first().getByTestId('alias-challenger')).toBeVisible()
  await page.getByTestId('train-toggle').click()

  // Promote the challenger: a reason is required; without a passing gate the champion needs force (and a reason).
  await rows.first().getByTestId('promote-button').click()
  const dialog = page.getByTestId('alias-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('dialog-confirm').click()
  await expect(page.getByTestId('dialog-error')).toHaveText('a reason is required')
  await page.getByTestId('dialog-reason').fill('random forest is better calibrated on the last folds')
  await page.getByTestId('dialog-confirm').click()
  await expect(page.getByTestId('dialog-error')).toContainText('needs a passing promotion gate')
  await page.getByTestId('dialog-force').check()
  await page.screenshot({ path: join(SCREENS, 'models-promote-dialog.png') })
  await page.getByTestId('dialog-confirm').click()
  await expect(dialog).toHaveCount(0)
  await expect(page.getByTestId('alias-slot-champion')).toContainText(challenger.slice(0, 12))
  // The new champion is no longer the challenger: one alias per version, the cleared challenger recorded.
  await expect(rows.first().getByTestId('alias-champion')).toBeVisible()
  await expect(rows.first().getByTestId('alias-challenger')).toHaveCount(0)
  await expect(page.getByTestId('alias-slot-challenger')).toContainText('—')
  const events = page.getByTestId('alias-event')
  await expect(events).toHaveCount(4)
  await expect(events.first()).toHaveAttribute('data-kind', 'promote')
  await expect(events.nth(1)).toHaveAttribute('data-kind', 'clear')
  await expect(events.first()).toContainText('random forest is better calibrated on the last folds')

  // Roll the champion back from the keyboard: the reason prompt, Enter confirms; the timeline grows.
  await page.getByTestId('rollback-champion').click()
  await page.getByTestId('dialog-reason').fill('live hit rate fell after the switch')
  await page.keyboard.press('Enter')
  await expect(dialog).toHaveCount(0)
  await expect(page.getByTestId('alias-slot-champion')).toContainText(champion.slice(0, 12))
  await expect(events).toHaveCount(5)
  await expect(events.first()).toHaveAttribute('data-kind', 'rollback')
  await expect(events.first()).toContainText('live hit rate fell after the switch')

  // Keyboard: arrows move the version selection and the charts follow.
  await rows.first().focus()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId('version-charts')).toHaveAttribute('data-version', champion)
  await page.keyboard.press('ArrowUp')
  await expect(page.getByTestId('version-charts')).toHaveAttribute('data-version', challenger)
  await page.screenshot({ path: join(SCREENS, 'models-versions.png') })
  await page.getByTestId('models-body').evaluate((el) => el.scrollTo(0, el.scrollHeight))
  await page.screenshot({ path: join(SCREENS, 'models-history.png') })
  expect(errors).toEqual([])
})

test('cancels a training run from the form; nothing is registered', async ({ page }) => {
  await openModels(page)
  const before = await page.getByTestId('model-tab').count()
  await page.getByTestId('train-toggle').click()
  // A month of 1-minute bars: long enough to cancel while the folds are fitting.
  await page.getByTestId('train-series').selectOption('BTC-PERP|FTX|1m')
  await page.getByTestId('train-algo').selectOption('gbdt')
  await page.getByTestId('train-submit').click()
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'running')
  await expect(page.getByTestId('train-progress')).not.toHaveAttribute('aria-valuenow', '0')
  await page.screenshot({ path: join(SCREENS, 'models-training.png') })
  await page.getByTestId('train-cancel').click()
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'cancelled', { timeout: 15_000 })
  await page.getByTestId('models-refresh').click()
  await expect(page.getByTestId('model-tab')).toHaveCount(before)
  await expect(page.getByTestId('model-tab').filter({ hasText: 'btc-perp' })).toHaveCount(0)
})
