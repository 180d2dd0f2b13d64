/**
 * Issue #21, the Backtests view's Sweeps tab: a `backtest.sweep` job started over the API (2 × 2 MA-crossover grid on
 * the seeded BTC/USDT hourly bars) shows its rows, a heatmap over the two swept parameters, the in-sample best beside
 * its out-of-sample result and rank, and rows sorted by a column both ways.
 */
import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobInfo } from '../src-shared'
import { E2E_TOKEN } from '../playwright.config'

/** Screenshots kept as artifacts (test-results/ is gitignored). */
const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })

test("the Backtests view's Sweeps tab: a sweep's rows sort, its heatmap, and in-sample best vs out-of-sample", async ({
  page,
  request,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`/#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.getByTestId('nav-backtests').click()
  await page.getByTestId('backtests-tab-sweeps').click()
  await expect(page.getByTestId('sweeps-panel')).toBeVisible()

  // A 2 × 2 grid of the MA crossover on the seeded real BTC/USDT hourly bars, started as a job over the API.
  const started = await request.post('/api/jobs', {
    headers: { Authorization: `Bearer ${E2E_TOKEN}` },
    data: {
      kind: 'backtest.sweep',
      params: {
        strategy: 'ma-crossover',
        symbols: ['BTCUSDT'],
        timeframe: '1h',
        grid: { fast: [5, 10], slow: [20, 40] },
        ml: false,
        workers: 1,
      },
    },
  })
  expect(started.ok(), await started.text()).toBe(true)
  const { id } = (await started.json()) as JobInfo
  await expect
    .poll(
      async () =>
        ((await (await request.get('/api/jobs?limit=100')).json()) as JobInfo[]).find((j) => j.id === id)?.state,
      {
        timeout: 60_000,
      },
    )
    .toBe('succeeded')

  const rows = page.getByTestId('sweep-rows').getByTestId('sweep-row')
  await expect(rows).toHaveCount(4)
  await expect(page.getByTestId('sweep-heatmap').getByTestId('sweep-heat-cell')).toHaveCount(4)
  const best = page.getByTestId('sweep-best-BTCUSDT')
  await expect(best).toContainText(/fast=\d+ slow=\d+/)
  await expect(best).toContainText(/\d\/4/)

  // Sorting by a column puts its values in order; a second click reverses it.
  const sortFast = page.getByTestId('sweep-sort-param:fast')
  await sortFast.click()
  await expect(sortFast).toHaveAttribute('aria-sort', 'descending')
  const fastColumn = async () => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[1].textContent)))
  expect(await fastColumn()).toEqual([10, 10, 5, 5])
  await sortFast.click()
  await expect(sortFast).toHaveAttribute('aria-sort', 'ascending')
  expect(await fastColumn()).toEqual([5, 5, 10, 10])
  await page.screenshot({ path: join(SCREENS, 'backtests-sweeps.png'), fullPage: true })
  expect(errors).toEqual([])
})
