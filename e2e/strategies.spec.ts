/**
 * Strategies view lists the four strategies with their parameters; Battle Navale's ML switch off (keyboard) persists
 * across a reload; "Backtest…" opens the Backtests form with the strategy and a matching ML checkbox; the switch is
 * put back on at the end (`screens/strategies.png`).
 */
import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_TOKEN } from '../playwright.config'

/** Screenshots kept as artifacts (test-results/ is gitignored). */
const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })

const PARAMS = {
  'battle-navale': ['signalThreshold', 'stopAtr', 'targetR', 'maxHoldBars'],
  'regime-following': ['minProbability', 'stopAtr', 'targetR', 'signalFeatures'],
  'ma-crossover': ['fast', 'slow', 'stopAtr', 'targetR', 'confidence', 'signalFeatures'],
  switcher: ['threshold', 'horizon', 'stopAtr', 'targetR', 'signalFeatures'],
} as const

// Tests share one seeded server: the ML switch is put back on at the end, as the seed has it.
test('Strategies view: four strategies with parameters, a persisted ML switch, and Backtest… opening the form', async ({
  page,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const openStrategies = async () => {
    await page.goto(`/#token=${E2E_TOKEN}`)
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
    await page.getByTestId('nav-strategies').click()
    await expect(page.getByTestId('view-strategies')).toHaveAttribute('data-loaded', 'true')
  }
  await openStrategies()
  for (const [name, params] of Object.entries(PARAMS)) {
    await expect(page.getByTestId(`strategy-${name}`)).toBeVisible()
    for (const p of params) await expect(page.getByTestId(`strategy-param-${name}-${p}`)).toBeVisible()
    await expect(page.getByTestId(`strategy-params-${name}`).locator('tbody tr')).toHaveCount(params.length)
    await expect(page.getByTestId(`strategy-latest-${name}`)).toBeVisible()
  }
  await expect(page.getByTestId('strategy-param-battle-navale-signalThreshold')).toContainText('0.25')
  await expect(page.getByTestId('strategy-param-ma-crossover-slow')).toContainText('50')

  // Battle Navale's switch off (from the keyboard) survives a reload: it is stored in the core's SQLite settings.
  const ml = page.getByTestId('strategy-ml-battle-navale')
  await expect(ml).toBeChecked()
  await ml.focus()
  await page.keyboard.press('Space')
  await expect(ml).not.toBeChecked()
  await page.screenshot({ path: join(SCREENS, 'strategies.png') })
  await openStrategies()
  await expect(page.getByTestId('strategy-ml-battle-navale')).not.toBeChecked()
  await expect(page.getByTestId('strategy-ml-ma-crossover')).toBeChecked()

  // Backtest… opens the Backtests form with the strategy picked and its ML checkbox from the switch.
  await page.getByTestId('strategy-backtest-battle-navale').click()
  await expect(page.getByTestId('view-backtests')).toBeVisible()
  await expect(page.getByTestId('backtest-strategy')).toHaveValue('battle-navale')
  await expect(page.getByTestId('backtest-ml')).not.toBeChecked()
  // Picking a strategy in the form also takes its switch as the ML default.
  await page.getByTestId('backtest-strategy').selectOption('ma-crossover')
  await expect(page.getByTestId('backtest-ml')).toBeChecked()
  await page.getByTestId('backtest-strategy').selectOption('battle-navale')
  await expect(page.getByTestId('backtest-ml')).not.toBeChecked()

  // Back on, as found; again from a fresh page so the stored value is what is checked.
  await page.getByTestId('nav-strategies').click()
  await page.getByTestId('strategy-ml-battle-navale').check()
  await expect(page.getByTestId('strategy-ml-battle-navale')).toBeChecked()
  await openStrategies()
  await expect(page.getByTestId('strategy-ml-battle-navale')).toBeChecked()
  await page.getByTestId('strategy-backtest-ma-crossover').click()
  await expect(page.getByTestId('backtest-strategy')).toHaveValue('ma-crossover')
  await expect(page.getByTestId('backtest-ml')).toBeChecked()
  expect(errors).toEqual([])
})
