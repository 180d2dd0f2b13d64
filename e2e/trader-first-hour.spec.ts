/**
 * XRPUSDT 5m has no regime model — the card says so and trains one with progress (Enter on the button), then shows the
 * forecast card; Models view: the newest health check names version, data (its training window) and reference, PSI 0;
 * a refused promotion asks for the Force control (no `--force`), forcing leaves one alias per version; symbol search
 * (`/`, Ctrl+K, pair spellings, ↑/↓, Enter, Esc) and the watchlist (add from the chart and from the search,
 * click/Enter charts, Delete and × remove, collapse persists across a reload; a live bar and a forecast pushed through
 * a preload-style bridge move last price, change and regime). Layout checked at 1600×1000 and 1280×720. Runs after
 * models.spec, which needs an empty registry.
 */
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { API_METHOD_NAMES } from '../src-shared'
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

test('a series without a regime model says so, trains one from the card with progress, then shows the forecast card', async ({
  page,
}) => {
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
  await expect
    .poll(async () => Number(await page.getByTestId('forecast-train-progress').getAttribute('aria-valuenow')), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0)
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

/** Trains one model from the Models view's form and waits until its name lists `versions` versions. */
async function trainFromForm(
  page: Page,
  series: string,
  algo: 'gbdt' | 'rf' | 'logreg',
  horizon: string,
  name: string,
  versions: number,
): Promise<void> {
  await page.getByTestId('train-series').selectOption(series)
  await page.getByTestId('train-algo').selectOption(algo)
  await page.getByTestId('train-horizon').fill(horizon)
  await page.getByTestId('train-submit').click()
  await expect(page.getByTestId('model-tab').filter({ hasText: name })).toContainText(`${versions} v`, {
    timeout: 90_000,
  })
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-state', 'succeeded')
}

test('Models view: the health check names version, data and reference; a forced promotion asks for Force and leaves one alias per version', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await openChart(page, 1600, 1000)
  await page.getByTestId('nav-models').click()
  await page.getByTestId('train-toggle').click()
  // Horizon 24 is a model name of its own (regime-xrpusdt-5m-h24): nothing else trains it.
  await trainFromForm(page, 'XRPUSDT|BINANCE|5m', 'logreg', '24', 'regime-xrpusdt-5m-h24', 1)
  await trainFromForm(page, 'XRPUSDT|BINANCE|5m', 'gbdt', '24', 'regime-xrpusdt-5m-h24', 2)
  await page.getByTestId('train-toggle').click()
  await page.getByTestId('model-tab').filter({ hasText: 'regime-xrpusdt-5m-h24' }).click()
  const rows = page.getByTestId('version-row')
  await expect(rows).toHaveCount(2)
  const challenger = (await rows.first().getAttribute('data-version'))!
  await expect(rows.first().getByTestId('alias-challenger')).toBeVisible()

  // The newest check is the challenger's, on its own training window against its training reference: PSI 0, healthy.
  const check = page.getByTestId('health-check')
  await expect(check).toHaveAttribute('data-version', challenger)
  await expect(check).toHaveAttribute('data-health', 'healthy')
  await expect(page.getByTestId('health-check-version')).toContainText(`version ${challenger.slice(0, 12)} checked`)
  await expect(page.getByTestId('health-check-data')).toHaveText(
    /^its training window \(all [\d,]+ labelled rows\), 2021-11-1\d \d\d:\d\d → 2021-11-2\d \d\d:\d\d UTC$/,
  )
  await expect(page.getByTestId('health-check-reference')).toHaveText(
    /^its training data, \d[\d,]* rows, 2021-11-15 00:00 → 2021-11-21 22:35 UTC$/,
  )
  await expect(page.getByTestId('health-check-psi')).toContainText('max feature PSI 0.000')
  await expect(check).toContainText('< 0.1 stable, 0.1–0.2 watch, > 0.2 drift')
  await expect(page.getByTestId('model-health')).toContainText(
    `health healthy · ${challenger.slice(0, 12)} · max PSI 0.000`,
  )

  // Promote the challenger: refused without a gate in GUI words (the Force control, no CLI flag), then forced.
  await rows.first().getByTestId('promote-button').click()
  await page.getByTestId('dialog-reason').fill('gbdt separates the classes better on the last folds')
  await page.getByTestId('dialog-confirm').click()
  const refusal = page.getByTestId('dialog-error')
  await expect(refusal).toContainText('needs a passing promotion gate')
  await expect(refusal).toContainText('tick “Force” and give a reason')
  await expect(refusal).not.toContainText('--')
  await page.screenshot({ path: join(SCREENS, 'defects-promote-refused-1600x1000.png') })
  await page.getByTestId('dialog-force').check()
  await page.getByTestId('dialog-confirm').click()
  await expect(page.getByTestId('alias-dialog')).toHaveCount(0)
  await expect(page.getByTestId('alias-slot-champion')).toContainText(challenger.slice(0, 12))
  await expect(page.getByTestId('alias-slot-challenger')).toContainText('—')
  for (const row of await rows.all())
    await expect(row.getByTestId('version-aliases').locator('.alias-badge')).toHaveCount(
      (await row.getAttribute('data-version')) === challenger ? 1 : 0,
    )
  await expect(page.getByTestId('alias-event').nth(1)).toHaveAttribute('data-kind', 'clear')

  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height })
    await expect(check).toBeVisible()
    expect(await layoutDefects(page, '[data-testid=view-models]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `defects-models-${vp.name}.png`) })
    await check.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENS, `defects-health-check-${vp.name}.png`) })
  }
  expect(errors).toEqual([])
})

test('symbol search (/ and Ctrl+K) charts a series; the watchlist adds, charts, persists, collapses and removes rows', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  for (const [i, vp] of VIEWPORTS.entries()) {
    await openChart(page, vp.width, vp.height)
    const pane = page.getByTestId('chart-pane')
    const widthBefore = (await pane.boundingBox())!.width

    // `/` opens the search; a pair spelling finds the series; Enter charts it.
    await page.locator('body').press('/')
    const search = page.getByTestId('symbol-search')
    await expect(search).toBeVisible()
    await expect(page.getByTestId('symbol-search-input')).toBeFocused()
    await page.keyboard.type('eth/btc')
    await expect(page.getByTestId('symbol-search-result')).toHaveCount(1)
    expect(await layoutDefects(page, '[data-testid=symbol-search]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `search-${vp.name}.png`) })
    await page.keyboard.press('Enter')
    await expect(search).toHaveCount(0)
    await expect(page.getByTestId('chart-legend')).toContainText('ETHBTC.BITTREX · 5m')

    // Ctrl+K; ↓ moves the highlight; Esc closes without charting.
    await page.keyboard.press('Control+k')
    await expect(search).toBeVisible()
    await page.keyboard.type('xrp')
    await expect(page.getByTestId('symbol-search-result')).toHaveCount(2)
    await page.keyboard.press('ArrowDown')
    await expect(page.getByTestId('symbol-search-result').nth(1)).toHaveAttribute('aria-selected', 'true')
    await page.keyboard.press('Escape')
    await expect(search).toHaveCount(0)
    await expect(page.getByTestId('chart-legend')).toContainText('ETHBTC.BITTREX · 5m')

    const watchlist = page.getByTestId('watchlist')
    const rows = page.getByTestId('watch-row')
    if (i === 0) {
      // Add the chart's series, then XRP/USDT 1h through the search in watch mode.
      await expect(page.getByTestId('watchlist-empty')).toBeVisible()
      await page.getByTestId('watchlist-add-current').click()
      await page.getByTestId('watchlist-add').click()
      await expect(search).toHaveAttribute('data-mode', 'watch')
      await page.keyboard.type('xrp 1h')
      await page.keyboard.press('Enter')
      await expect(rows).toHaveCount(2)
      await expect(page.getByTestId('chart-legend')).toContainText('ETHBTC.BITTREX · 5m')
    }
    await expect(rows).toHaveCount(2)
    const xrp = rows.filter({ hasText: 'XRPUSDT' })
    const eth = rows.filter({ hasText: 'ETHBTC' })
    await expect(xrp).toHaveAttribute('data-state', 'ready')
    await expect(xrp.getByTestId('watch-last')).toHaveText(/^\d+\.\d+$/)
    await expect(xrp.getByTestId('watch-change')).toHaveText(/^[+−]\d+\.\d{2}%$/)
    await expect(xrp.getByTestId('watch-change')).toHaveAttribute(
      'title',
      /^Change over the last 24 h of bars: close of 2021-\d\d-\d\d \d\d:\d\d → close of 2021-\d\d-\d\d \d\d:\d\d UTC$/,
    )
    await expect(xrp.getByTestId('watch-regime')).toHaveText('—')
    await expect(xrp.getByTestId('watch-regime')).toHaveAttribute('title', /No regime model for this series/)
    await expect(eth.getByTestId('watch-risk')).toHaveText('—')
    await expect(eth.getByTestId('watch-risk')).toHaveAttribute('title', /Liquidation risk .* is not built yet/)
    await expect(eth).toHaveAttribute('aria-current', 'true')
    // The watchlist shares the forecast card's column: the chart keeps its width.
    expect((await pane.boundingBox())!.width).toBe(widthBefore)
    expect(await layoutDefects(page, '[data-testid=view-chart]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `watchlist-${vp.name}.png`) })

    // Click charts a row; from the keyboard ↑ and Enter chart the other one.
    await xrp.click()
    await expect(page.getByTestId('chart-legend')).toContainText('XRPUSDT.BINANCE · 1h')
    await xrp.focus()
    await page.keyboard.press('ArrowUp')
    await expect(eth).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('chart-legend')).toContainText('ETHBTC.BITTREX · 5m')

    // Collapsed to one line, the forecast card takes the height; the state is saved.
    await page.getByTestId('watchlist-toggle').click()
    await expect(watchlist).toHaveAttribute('data-collapsed', 'true')
    await expect(rows).toHaveCount(0)
    expect(await layoutDefects(page, '[data-testid=view-chart]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `watchlist-collapsed-${vp.name}.png`) })
    await page.reload()
    await expect(page.getByTestId('watchlist')).toHaveAttribute('data-collapsed', 'true')
    await page.getByTestId('watchlist-toggle').click()
    await expect(page.getByTestId('watch-row')).toHaveCount(2)
  }

  // Delete removes the focused row, the × button the other; both stay removed after a reload.
  const rows = page.getByTestId('watch-row')
  await rows.filter({ hasText: 'XRPUSDT' }).focus()
  await page.keyboard.press('Delete')
  await expect(rows).toHaveCount(1)
  await rows.first().getByTestId('watch-remove').click()
  await expect(rows).toHaveCount(0)
  await page.reload()
  await expect(page.getByTestId('watchlist-empty')).toBeVisible()
  expect(errors).toEqual([])
})

/**
 * Stands in for the Electron preload (as preload-bridge.spec does): `window.armada` whose calls go to the seeded
 * server's REST `/api/rpc/<method>` and whose events the test pushes with `window.__emit`.
 */
function installBridge({ token, methods }: { token: string; methods: readonly string[] }): void {
  const listeners = new Map<string, Set<(e: unknown) => void>>()
  const api: Record<string, unknown> = {
    subscribe: (topic: string, l: (e: unknown) => void) => {
      if (!listeners.has(topic)) listeners.set(topic, new Set())
      listeners.get(topic)!.add(l)
      return { dispose: () => listeners.get(topic)!.delete(l) }
    },
  }
  for (const m of methods)
    api[m] = async (params?: unknown) => {
      const res = await fetch(`/api/rpc/${m}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(params ?? null),
      })
      const body = (await res.json()) as { error?: { message?: string } }
      if (!res.ok) throw new Error(body.error?.message ?? `${m} failed`)
      return body
    }
  Object.assign(globalThis, {
    armada: api,
    __emit: (topic: string, e: unknown) => listeners.get(topic)?.forEach((l) => l(e)),
  })
}

test('a live bar moves a watched row’s last price and 24 h change', async ({ page }) => {
  await page.addInitScript(installBridge, { token: E2E_TOKEN, methods: API_METHOD_NAMES })
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto('/')
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.getByTestId('symbol-picker').selectOption('XRPUSDT.BINANCE')
  await page.getByTestId('timeframe-1h').click()
  await expect(page.getByTestId('chart-legend')).toContainText('XRPUSDT.BINANCE · 1h')
  await page.getByTestId('watchlist-add-current').click()
  const row = page.getByTestId('watch-row').filter({ hasText: 'XRPUSDT' })
  await expect(row).toHaveAttribute('data-state', 'ready')
  const last = (await page.evaluate(
    `window.armada.getBars({ symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '1h', limit: 25 })`,
  )) as { time: number; close: number }[]
  const top = last[last.length - 1]
  const shown = async () => Number((await row.getByTestId('watch-last').textContent())!.replace(/,/g, ''))
  await expect.poll(shown).toBeCloseTo(top.close, 6)
  const before = await row.getByTestId('watch-change').textContent()

  // The next hourly bar closes 10 % higher: last price and change follow, the window moves one bar on.
  const next = {
    symbol: 'XRPUSDT',
    venue: 'BINANCE',
    timeframe: '1h',
    time: top.time + 3_600_000,
    open: top.close,
    high: top.close * 1.1,
    low: top.close,
    close: top.close * 1.1,
    volume: 1000,
  }
  await page.evaluate(`window.__emit('bar', ${JSON.stringify(next)})`)
  await expect.poll(shown).toBeCloseTo(next.close, 5)
  const pct = (100 * (next.close / last[1].close - 1)).toFixed(2)
  await expect(row.getByTestId('watch-change')).toHaveText(
    `${Number(pct) >= 0 ? '+' : '−'}${Math.abs(Number(pct)).toFixed(2)}%`,
  )
  expect(await row.getByTestId('watch-change').textContent()).not.toBe(before)
  // A forecast stored for the series (the `prediction` topic) shows as its current regime, with its source in the tooltip.
  const forecast = {
    ...next,
    id: 1,
    modelName: 'regime-xrpusdt-1h-h12',
    modelVersion: 'ab'.repeat(32),
    horizon: 12,
    probabilities: [0.1, 0.2, 0.7],
    regime: 'bullish',
    confidence: 0.3,
    quality: 0.8,
    transition: false,
    sizeMultiplier: 0.2,
    outcome: null,
    hit: null,
    currentRegime: 'neutral',
  }
  await page.evaluate(`window.__emit('prediction', ${JSON.stringify(forecast)})`)
  await expect(row.getByTestId('watch-regime')).toHaveText('bullish')
  await expect(page.getByTestId('forecast-h12')).toHaveAttribute('data-regime', 'bullish')
  await expect(page.getByTestId('forecast-no-model')).toHaveCount(0)
  await expect(row.getByTestId('watch-regime')).toHaveAttribute(
    'title',
    /^bullish \(p 0\.70\) for the next 12 bars, forecast on the bar of 2021-11-21 \d\d:00 UTC by regime-xrpusdt-1h-h12 @ abababababab$/,
  )
  await page.screenshot({ path: join(SCREENS, 'watchlist-live-bar-1280x720.png') })

  // With the Features panel open too, the chart keeps a usable width and the side column still fits. (The OHLC legend
  // clips at this width with or without the watchlist: chart-tools' legend work, not checked here.)
  await page.getByTestId('features-toggle').click()
  await expect(page.getByTestId('features-panel')).toBeVisible()
  expect((await page.getByTestId('chart-pane').boundingBox())!.width).toBeGreaterThan(450)
  expect(await layoutDefects(page, '[data-testid=chart-side]')).toEqual([])
  await page.screenshot({ path: join(SCREENS, 'watchlist-features-1280x720.png') })
  await page.getByTestId('features-toggle').click()
  await row.getByTestId('watch-remove').click()
  await expect(page.getByTestId('watchlist-empty')).toBeVisible()
})
