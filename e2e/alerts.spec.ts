/**
 * Own `serve --embedded` on an empty database (the alt/BTC 5m basket with shipped alert models): BTCUSDT shading and
 * probability pane, the card's alert lines; Alerts view — scoring basket, 16 (type, horizon) model cells, history
 * alerts, a new one arriving live, the resolved filter (hit/miss); `j` then `a` acknowledges, still acknowledged after
 * a reload; Enter charts the alert on a basket symbol with alert markers; hovering one shows type, severity,
 * probability, confidence, horizon, model version and outcome (`screens/alerts-view.png`, `alerts-chart.png`).
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

test('serve --embedded on an empty database fires alerts on the US-equity basket: feed, model status, muted models, keyboard acknowledgement that survives a reload, markers on the chart with tooltips', async ({
  page,
}) => {
  // Generous: on a loaded 2-core machine the replay, scoring and training share the CPU with the browser (36 s idle, 2.2 min loaded).
  test.setTimeout(240_000)
  const db = tempDbPath('alerts')
  server = await startArmada({ db, port: await freePort(), args: ['--embedded', '--speed', '20'] })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')

  // BTCUSD (the regime-forecast series): candles, regime shading and the probability pane, and the card's alert lines.
  const pane = page.getByTestId('chart-pane')
  await expect(page.getByTestId('symbol-picker').locator('option[value^="BTCUSD."]')).toHaveCount(1, {
    timeout: 20_000,
  })
  await page
    .getByTestId('symbol-picker')
    .selectOption((await page.getByTestId('symbol-picker').locator('option[value^="BTCUSD."]').getAttribute('value'))!)
  await expect(page.getByTestId('chart-legend')).toContainText('BTCUSD')
  await expect(pane).not.toHaveAttribute('data-bars-rendered', '0')
  await expect
    .poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 45_000 })
    .toBeGreaterThan(20)
  await expect.poll(async () => Number(await pane.getAttribute('data-probability-points'))).toBeGreaterThan(20)
  await expect(page.getByTestId('forecast-alerts')).toHaveAttribute('data-state', 'scoring', { timeout: 45_000 })
  await expect(page.getByTestId('forecast-alerts').getByRole('button')).toHaveCount(4)

  // The Alerts view (key 2): the basket is scored, history alerts are listed, every (type, horizon) model is shown
  // with its probability or the reason it is missing.
  await page.keyboard.press('2')
  await expect(page.getByTestId('view-alerts')).toBeVisible()
  await expect(page.getByTestId('alerts-state')).toHaveText('scoring')
  const feed = page.getByTestId('alerts-feed')
  await expect.poll(async () => Number(await feed.getAttribute('data-count')), { timeout: 45_000 }).toBeGreaterThan(0)
  await expect(page.getByTestId('alert-model-row')).toHaveCount(16)
  // Models without walk-forward skill run muted (DOMAIN.md §2): the volatility-spike ones, which never cross 0.5, say so.
  const vol4 = page.locator('[data-testid="alert-model-row"][data-type="VOLATILITY_SPIKE_IMMINENT"][data-horizon="4"]')
  await expect(vol4).toHaveAttribute('data-muted', 'true')
  await expect(vol4.getByTestId('alert-model-mute')).toContainText('no skill — muted')
  await expect(vol4.getByTestId('alert-model-mute')).toHaveAttribute(
    'title',
    /^walk-forward: log loss \d\.\d{3} [<≥] majority \d\.\d{3}; F1 .* ≤ label of t−H/,
  )
  const corr24 = page.locator('[data-testid="alert-model-row"][data-type="CORRELATION_BREAKDOWN"][data-horizon="24"]')
  await expect(corr24).toHaveAttribute('data-muted', 'false')
  await expect(corr24.getByTestId('alert-model-mute')).toContainText('skill — fires')
  // The trader can unmute one (persisted by the core): it survives the reload below.
  await vol4.getByTestId('alert-model-mute-button').click()
  await expect(vol4).toHaveAttribute('data-muted', 'false')
  await expect(vol4.getByTestId('alert-model-mute')).toContainText('no skill — unmuted by you')
  // A label that fires on nearly every row was refused for training, with the reason.
  await expect(
    page
      .locator('[data-testid="alert-model-row"][data-type="REGIME_CHANGE_PENDING"][data-horizon="48"]')
      .getByTestId('alert-model-reason'),
  ).toContainText('base rate too high')
  await expect(page.getByTestId('alert-model-pbar').first()).toBeVisible()
  await expect(page.getByTestId('alert-model-reason').first()).toContainText(/\w/)
  const rows = page.getByTestId('alert-row')
  await expect(rows.first().getByTestId('alert-severity')).toHaveText(/^S[23]$/)
  await expect(rows.first()).toContainText('%')
  await expect(rows.first()).toContainText(/[0-9a-f]{8} alerts-[a-z-]+-h\d+h/)

  // New alerts arrive through the `alert` topic while bars are replayed, without a reload.
  const before = Number(await page.getByTestId('alerts-summary').getAttribute('data-count'))
  await expect
    .poll(async () => Number(await page.getByTestId('alerts-summary').getAttribute('data-count')), { timeout: 60_000 })
    .toBeGreaterThan(before)

  // Resolved outcomes: the resolved filter keeps only hit/miss rows.
  await page.getByTestId('alerts-filter-status').getByRole('button', { name: 'resolved' }).click()
  await expect(rows.first().getByTestId('alert-outcome')).toHaveText(/^(hit|miss)$/)
  await expect
    .poll(async () =>
      (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-outcome')))).every(
        (o) => o === 'hit' || o === 'miss',
      ),
    )
    .toBe(true)
  await page.screenshot({ path: join(SCREENS, 'alerts-view.png') })

  // Keyboard: click a row, j moves the selection (and focus) to the next one, a acknowledges it. Rows are addressed by
  // id: new alerts keep arriving at the top.
  const firstId = (await rows.first().getAttribute('data-id'))!
  const byId = (id: string) => page.locator(`[data-testid="alert-row"][data-id="${id}"]`)
  await byId(firstId).click()
  await expect(byId(firstId)).toHaveAttribute('aria-selected', 'true')
  await expect(byId(firstId)).toBeFocused()
  await page.keyboard.press('j')
  await expect(byId(firstId)).toHaveAttribute('aria-selected', 'false')
  const selected = page.locator('[data-testid="alert-row"][aria-selected="true"]')
  await expect(selected).toHaveCount(1)
  await expect(selected).toBeFocused()
  const ackedId = (await selected.getAttribute('data-id'))!
  await page.keyboard.press('a')
  await expect(byId(ackedId)).toHaveAttribute('data-acknowledged', 'true')
  await expect(byId(ackedId).getByTestId('alert-acked')).toBeVisible()
  await expect(byId(firstId)).toHaveAttribute('data-acknowledged', 'false')

  // The acknowledgement is stored: still there after a reload, and the acknowledged filter finds it.
  await page.reload()
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.keyboard.press('2')
  await expect(vol4).toHaveAttribute('data-muted', 'false')
  await page.getByTestId('alerts-filter-ack').getByRole('button', { name: 'ack’d' }).click()
  const acked = byId(ackedId)
  await expect(acked).toHaveAttribute('data-acknowledged', 'true')
  await expect(page.getByTestId('alert-row')).toHaveCount(1)
  await page.getByTestId('alerts-filter-ack').getByRole('button', { name: 'all' }).click()

  // Enter on a row shows the alert on the chart: one of its assets (the charted one when it is), scrolled to its bar.
  const assets = ((await acked.locator('.alert-assets').getAttribute('title')) ?? '').split(', ')
  expect(assets.length).toBeGreaterThan(2)
  await acked.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('view-chart')).toBeVisible()
  await expect
    .poll(async () => assets.includes((await page.getByTestId('symbol-picker').inputValue()).split('.')[0]))
    .toBe(true)
  await expect
    .poll(async () => Number(await pane.getAttribute('data-alert-markers')), { timeout: 20_000 })
    .toBeGreaterThan(0)
  await expect(pane).not.toHaveAttribute('data-alert-marker-at', '')

  // Drag the view 10 px into the past so live bars stop scrolling it, then hover the newest alert marker in view.
  const box = (await pane.boundingBox())!
  await page.mouse.move(box.x + 100, box.y + 150)
  await page.mouse.down()
  await page.mouse.move(box.x + 110, box.y + 150, { steps: 2 })
  await page.mouse.up()
  const at = async () => ((await pane.getAttribute('data-alert-marker-at')) || '-1,-1').split(',').map(Number)
  await expect.poll(async () => (await at())[0]).toBeGreaterThan(0)
  await expect.poll(async () => (await at())[0]).toBeLessThan(box.width - 80)
  const [x, y] = await at()
  await page.mouse.move(box.x + x, box.y + y)
  const tooltip = page.getByTestId('alert-tooltip').first()
  await expect(tooltip).toBeVisible()
  await expect(tooltip).toHaveAttribute('data-severity', /^S[23]$/)
  await expect(tooltip).toContainText(
    /S[23] (volatility spike imminent|correlation spike likely|correlation breakdown|regime change pending) \(p \d+%\)/,
  )
  await expect(tooltip).toContainText(/confidence \d\.\d\d · horizon \d+ h/)
  await expect(tooltip).toContainText(/model alerts-[a-z-]+-h\d+h @ [0-9a-f]{12}/)
  await expect(tooltip).toContainText(/outcome (hit|miss)|open until/)
  await page.screenshot({ path: join(SCREENS, 'alerts-chart.png') })
})
