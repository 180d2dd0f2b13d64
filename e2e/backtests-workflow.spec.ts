import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BacktestDetail, JobInfo, RunBacktestRequest } from '../src-shared'
import { E2E_TOKEN } from '../playwright.config'
import { layoutDefects, VIEWPORTS } from './support/layout'

// Issue #13: the Backtests view fits and scrolls at both window sizes with past runs listed, strategy parameters and
// dates are set in the form and stored with the run, and a run's trades and metrics download as CSV.

const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })
const AUTH = { Authorization: `Bearer ${E2E_TOKEN}` }

/** Runs a backtest through the REST RPC (the same job the form starts) and waits for it; returns the stored run's id. */
async function runBacktest(request: APIRequestContext, req: RunBacktestRequest): Promise<number> {
  const res = await request.post('/api/rpc/runBacktest', { headers: AUTH, data: req })
  expect(res.ok(), await res.text()).toBe(true)
  const { id } = (await res.json()) as JobInfo
  let job: JobInfo | undefined
  await expect
    .poll(async () => {
      job = ((await (await request.get('/api/jobs?limit=100')).json()) as JobInfo[]).find((j) => j.id === id)
      return job?.state
    })
    .toMatch(/succeeded|failed/)
  expect(job?.state, job?.error).toBe('succeeded')
  return (job!.result as { id: number }).id
}

async function storedRun(request: APIRequestContext, id: number): Promise<BacktestDetail> {
  return (await (await request.post('/api/rpc/getBacktest', { headers: AUTH, data: { id } })).json()) as BacktestDetail
}

async function openBacktests(page: Page, viewport: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(viewport)
  await page.goto(`/#token=${E2E_TOKEN}`)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.getByTestId('nav-backtests').click()
  await expect(page.getByTestId('view-backtests')).toBeVisible()
}

/** A CSV written by the export (no quoted commas in these files): header → rows of cells. */
function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = text
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','))
  return { header, rows }
}

test.beforeAll(async ({ request }) => {
  // Past runs to list: several strategies and symbols, with and without ML.
  for (const symbols of [['BTCUSDT'], ['XRPUSDT'], ['BTCUSDT', 'XRPUSDT']])
    await runBacktest(request, { strategy: 'ma-crossover', symbols, timeframe: '1h', ml: false })
  await runBacktest(request, { strategy: 'battle-navale', symbols: ['BTCUSDT'], timeframe: '1h', ml: true })
})

for (const v of VIEWPORTS) {
  test(`form, past runs and the open run fit and scroll at ${v.name}`, async ({ page }) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await openBacktests(page, v)
    const runs = page.getByTestId('backtest-runs')
    await expect(runs.locator('tbody tr')).not.toHaveCount(0)
    expect(await runs.locator('tbody tr').count()).toBeGreaterThanOrEqual(4)
    await expect(page.getByTestId('backtest-detail')).toBeVisible()

    // Every column of the past runs is in view: the table is not wider than its panel.
    const fit = await page.getByTestId('backtest-runs-panel').evaluate((panel) => {
      const scroller = panel.querySelector('.backtest-runs__scroll')!
      const last = panel.querySelector('thead th:last-child')!
      return {
        over: scroller.scrollWidth - scroller.clientWidth,
        lastRight: last.getBoundingClientRect().right,
        panelRight: panel.getBoundingClientRect().right,
      }
    })
    expect(fit.over).toBeLessThanOrEqual(1)
    expect(fit.lastRight).toBeLessThanOrEqual(fit.panelRight)
    // The symbol checklist: one row per series, none overlapping the next.
    const rows = await page
      .getByTestId('backtest-series')
      .locator('label')
      .evaluateAll((ls) =>
        ls.map((l) => l.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom, height: r.height })),
      )
    expect(rows.length).toBeGreaterThanOrEqual(5)
    for (let i = 1; i < rows.length; i++) expect(rows[i].top).toBeGreaterThanOrEqual(rows[i - 1].bottom - 0.5)
    for (const r of rows) expect(r.height).toBeGreaterThanOrEqual(18)

    expect(await layoutDefects(page, '[data-testid=view-backtests]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `backtests-layout-${v.name}.png`) })
    // The view scrolls as one down to the trades of the open run.
    await page.getByTestId('backtest-trades-panel').scrollIntoViewIfNeeded()
    await expect(page.getByTestId('trades-chart')).toBeInViewport()
    expect(await layoutDefects(page, '[data-testid=view-backtests]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `backtests-layout-scrolled-${v.name}.png`) })
    expect(errors).toEqual([])
  })

  test(`strategy parameters and dates from the form are stored with the run; its trades and metrics download as CSV (${v.name})`, async ({
    page,
    request,
  }) => {
    await openBacktests(page, v)
    await page.getByTestId('backtest-strategy').selectOption('ma-crossover')
    for (const id of [
      'backtest-series-BTCUSDT-1h',
      'backtest-series-XRPUSDT-1h',
      'backtest-series-XRPUSDT-5m',
      'backtest-series-ETHBTC-5m',
      'backtest-series-BTC-PERP-1m',
    ])
      if (await page.getByTestId(id).isChecked()) await page.getByTestId(id).uncheck()
    await page.getByTestId('backtest-series-BTCUSDT-1h').check()
    const ml = page.getByTestId('backtest-ml')
    if (await ml.isChecked()) await ml.uncheck()
    // Defaults are shown; refusals sit next to their field.
    await expect(page.getByTestId('backtest-param-fast')).toHaveAttribute('placeholder', '20')
    await expect(page.getByTestId('backtest-params-form')).toContainText('default 50')
    await page.getByTestId('backtest-from').fill('2019-10-20')
    await page.getByTestId('backtest-to').fill('2019-10-05')
    await expect(page.getByTestId('backtest-error-from')).toHaveText(
      '"From" (2019-10-20) must be before "To" (2019-10-05)',
    )
    await page.getByTestId('backtest-param-fast').fill('60')
    await expect(page.getByTestId('backtest-error-param.fast')).toHaveText('fast (60) must be below slow (50)')
    await page.getByTestId('backtest-param-stopAtr').fill('0')
    await expect(page.getByTestId('backtest-error-param.stopAtr')).toHaveText(
      'stopAtr must be a number > 0 and ≤ 50, got 0',
    )
    await page.getByTestId('backtest-submit').click()
    await expect(page.getByTestId('backtest-error')).toHaveText('3 fields need fixing (marked above)')
    expect(await layoutDefects(page, '[data-testid=backtest-run-panel]')).toEqual([])
    await page
      .getByTestId('backtest-run-panel')
      .screenshot({ path: join(SCREENS, `backtests-form-errors-${v.name}.png`) })

    await page.getByTestId('backtest-from').fill('2019-10-01')
    await page.getByTestId('backtest-to').fill('2019-10-20')
    await page.getByTestId('backtest-param-fast').fill('10')
    await page.getByTestId('backtest-param-slow').fill('30')
    await page.getByTestId('backtest-param-stopAtr').fill('2.5')
    await page.getByTestId('backtest-param-signalFeatures').uncheck()
    await expect(page.getByTestId('backtest-form').locator('[role=alert]')).toHaveCount(0)
    await page.getByTestId('backtest-submit').click()
    await expect(page.getByTestId('backtest-status')).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 })

    // The run that opened is the new one, and it stored exactly what the form said.
    const title = await page.getByTestId('backtest-detail').locator('.panel__title').textContent()
    const id = Number(/^#(\d+) ma-crossover/.exec(title ?? '')?.[1])
    const run = await storedRun(request, id)
    expect(run.config.strategyParams).toEqual({
      fast: 10,
      slow: 30,
      stopAtr: 2.5,
      targetR: 3,
      confidence: 0.75,
      signalFeatures: false,
    })
    expect(run.from).toBeGreaterThanOrEqual(Date.UTC(2019, 9, 1))
    expect(run.to).toBeLessThanOrEqual(Date.UTC(2019, 9, 21) - 1)
    expect(run.to).toBeGreaterThanOrEqual(Date.UTC(2019, 9, 20))
    await expect(page.getByTestId('backtest-params')).toContainText('fast 10')
    await expect(page.getByTestId('backtest-params')).toContainText('signalFeatures false')
    expect(run.trades.length).toBeGreaterThan(0)

    // Trades CSV: one row per stored trade, the same trades.
    const [tradesDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-trades').click(),
    ])
    expect(tradesDownload.suggestedFilename()).toBe(`backtest-${id}-ma-crossover-trades.csv`)
    const trades = parseCsv(readFileSync((await tradesDownload.path())!, 'utf8'))
    expect(trades.header).toEqual([
      'variant',
      'symbol',
      'side',
      'qty',
      'entry_time',
      'entry_time_ms',
      'entry_price',
      'exit_time',
      'exit_time_ms',
      'exit_price',
      'exit_reason',
      'pnl',
      'r',
      'fees',
      'confidence',
      'ml_probability',
      'signal_quality',
    ])
    expect(trades.rows).toHaveLength(run.trades.length)
    const col = (name: string) => trades.header.indexOf(name)
    run.trades.forEach((t, i) => {
      const row = trades.rows[i]
      expect(row[col('variant')]).toBe(t.variant)
      expect(row[col('symbol')]).toBe(t.symbol)
      expect(row[col('side')]).toBe(t.side)
      expect(Number(row[col('entry_time_ms')])).toBe(t.entryTime)
      expect(row[col('entry_time')]).toBe(new Date(t.entryTime).toISOString())
      expect(Number(row[col('entry_price')])).toBe(t.entryPrice)
      expect(Number(row[col('exit_time_ms')])).toBe(t.exitTime)
      expect(Number(row[col('exit_price')])).toBe(t.exitPrice)
      expect(row[col('exit_reason')]).toBe(t.exitReason)
      expect(Number(row[col('pnl')])).toBe(t.pnl)
      expect(Number(row[col('qty')])).toBe(t.qty)
      expect(Number(row[col('fees')])).toBe(t.fees)
    })
    await expect(page.getByTestId('export-status')).toHaveText(
      `saved backtest-${id}-ma-crossover-trades.csv to your downloads`,
    )

    // Metrics CSV: ML off beside (empty) ML on, the stored values, and the parameters.
    const [metricsDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-metrics').click(),
    ])
    const metrics = parseCsv(readFileSync((await metricsDownload.path())!, 'utf8'))
    expect(metrics.header).toEqual(['metric', 'ml_off', 'ml_on'])
    const get = (name: string) => metrics.rows.find((r) => r[0] === name)
    for (const key of ['totalReturn', 'maxDrawdown', 'winRate', 'trades', 'fees'])
      expect(Number(get(key)?.[1]), key).toBe(run.metrics[key])
    expect(get('trades')?.[2]).toBe('')
    expect(get('param.fast')?.[1]).toBe('10')
    expect(await layoutDefects(page, '[data-testid=view-backtests]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `backtests-params-run-${v.name}.png`) })
  })
}
