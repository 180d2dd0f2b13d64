/**
 * Own `serve --embedded`: the Alerts view's basket editor chooses a basket of the trader's own stored series (AAPL lead,
 * SPY second, IBM; the demo replays real US-equity hours), refuses fewer than 3, restarts the loop on it (its models
 * named after it, none yet), "Train alert models" trains every (type, horizon) as one job with progress and names the
 * pairs it skipped with their reason, then the loop scores the basket with them and alerts fire on it (counted per
 * model, muted ones included). Layout at both `VIEWPORTS` (`screens/alert-basket-*.png`).
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { layoutDefects, VIEWPORTS } from './support/layout'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

test('the trader chooses an alert basket of stored series, trains its 16 models as one job and alerts fire on it', async ({
  page,
}) => {
  // Generous: 16 models are trained while the replay and the browser share two cores.
  test.setTimeout(420_000)
  server = await startArmada({ db: tempDbPath('alert-basket'), port: await freePort(), args: ['--embedded'] })
  await page.setViewportSize({ width: VIEWPORTS[0].width, height: VIEWPORTS[0].height })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await page.keyboard.press('2')
  await expect(page.getByTestId('view-alerts')).toBeVisible()
  await expect(page.getByTestId('alerts-basket-source')).toHaveAttribute('data-source', 'embedded', {
    timeout: 30_000,
  })

  // The editor offers the venues and timeframes storing ≥ 3 series: the demo's US-equity hours, once stored.
  await expect(page.getByTestId('alerts-state')).toHaveText('scoring', { timeout: 60_000 })
  await page.getByTestId('alerts-basket-edit').click()
  const editor = page.getByTestId('alert-basket-editor')
  await expect(editor).toBeVisible()
  await expect(editor.getByTestId('alert-basket-group')).toHaveValue('USA|1h', { timeout: 60_000 })
  await editor.getByTestId('alert-basket-lead').selectOption('AAPL')
  await editor.getByTestId('alert-basket-second').selectOption('SPY')
  const member = (s: string) => editor.locator(`[data-testid="alert-basket-member"][data-symbol="${s}"]`)
  await member('IBM').uncheck()
  await member('VXX').uncheck()
  await expect(editor.getByTestId('alert-basket-summary')).toContainText('2 instruments · at least 3')
  await expect(editor.getByTestId('alert-basket-save')).toBeDisabled()
  await member('IBM').check()
  await editor.getByTestId('alert-basket-name').fill('Tech trio')
  await editor.getByTestId('alert-basket-save').click()
  await expect(editor).toBeHidden()

  // The loop restarted on it: its models are named after it and none is registered yet.
  await expect(page.getByTestId('alerts-basket-name')).toHaveText('Tech trio')
  await expect(page.getByTestId('alerts-basket-source')).toHaveAttribute('data-source', 'trader')
  await expect(page.getByTestId('alerts-basket')).toContainText('AAPL SPY IBM')
  await expect(page.getByTestId('alert-model-reason').first()).toContainText('no alerts-tech-trio-', {
    timeout: 30_000,
  })
  expect(await layoutDefects(page)).toEqual([])

  // Every (type, horizon) as one job: progress while it runs, then what it trained and what it skipped, and why.
  const train = page.getByTestId('alert-basket-train')
  await page.getByTestId('alert-basket-train-start').click()
  await expect(train).toHaveAttribute('data-state', /queued|running/)
  await expect(page.getByTestId('alert-basket-train-progress')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'alert-basket-training.png') })
  await expect(train).toHaveAttribute('data-state', 'succeeded', { timeout: 360_000 })
  const done = page.getByTestId('alert-basket-train-done')
  await expect(done).toContainText(/^trained \d+ models on \d+ aligned bars/)
  const trained = Number((await done.textContent())!.match(/^trained (\d+)/)![1])
  const skipped = await page.getByTestId('alert-basket-train-skip').count()
  expect(trained + skipped).toBe(16)
  for (const s of await page.getByTestId('alert-basket-train-skip').all()) await expect(s).toContainText(' — ')

  // The loop scores the basket with its new champions: alerts fire on it (muted models' ones are counted, not shown).
  const models = page.locator('[data-testid="alert-model-row"][data-model^="alerts-tech-trio-"]')
  await expect(models).toHaveCount(trained, { timeout: 60_000 })
  await expect
    .poll(
      async () => {
        let fired = 0
        for (const m of await models.all()) fired += Number(await m.getAttribute('data-fired'))
        return fired
      },
      { timeout: 120_000 },
    )
    .toBeGreaterThan(0)
  await expect(page.getByTestId('alerts-state')).toHaveText('scoring')

  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height })
    expect(await layoutDefects(page), vp.name).toEqual([])
    await page.screenshot({ path: join(SCREENS, `alert-basket-${vp.name}.png`) })
  }
  // The editor at the small size too.
  await page.getByTestId('alerts-basket-edit').click()
  await expect(editor).toBeVisible()
  expect(await layoutDefects(page)).toEqual([])
  await page.screenshot({ path: join(SCREENS, 'alert-basket-editor.png') })
})
