/**
 * Own `serve --embedded`: the chart's regime shading switched to the HMM says how to fit one when the series has none;
 * once `armada train hmm`'s job has fitted it (through the API here), the price pane is shaded by the HMM's filtered
 * regimes, and Forecast switches back (`screens/hmm-shading-*.png`).
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, rpc, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { layoutDefects, VIEWPORTS } from './support/layout'

const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
})

test('regime shading by the HMM: the reason without one, the shading once fitted, back to the forecast', async ({
  page,
}) => {
  test.setTimeout(240_000)
  server = await startArmada({ db: tempDbPath('hmm-shading'), port: await freePort(), args: ['--embedded'] })
  await page.setViewportSize({ width: VIEWPORTS[0].width, height: VIEWPORTS[0].height })
  await page.goto(server.url)
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
  await expect(page.getByTestId('chart-legend')).toContainText('BTCUSD.COINBASE · 1h', { timeout: 30_000 })
  const pane = page.getByTestId('chart-pane')
  await expect(pane).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/, { timeout: 30_000 })

  await page.getByTestId('regime-source-hmm').click()
  await expect(page.getByTestId('regime-source-hmm')).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('hmm-note')).toHaveText(
    'no regime HMM for BTCUSD 1h: fit one with armada train hmm --symbol BTCUSD --timeframe 1h',
  )
  await expect(pane).toHaveAttribute('data-regime-shaded', '0')

  // Fit it (the job `armada train hmm` runs), then the shading reads it.
  const job = await rpc<{ id: string }>(server, 'startJob', {
    kind: 'hmm.train',
    params: { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h', restarts: 2 },
  })
  await expect
    .poll(
      async () =>
        (await rpc<{ id: string; state: string }[]>(server!, 'listJobs', { limit: 20 })).find((j) => j.id === job.id)
          ?.state,
      {
        timeout: 120_000,
      },
    )
    .toBe('succeeded')
  await page.getByTestId('regime-source-forecast').click()
  await page.getByTestId('regime-source-hmm').click()
  await expect(page.getByTestId('hmm-note')).toBeHidden()
  await expect
    .poll(async () => Number(await pane.getAttribute('data-regime-shaded')), { timeout: 30_000 })
    .toBeGreaterThan(100)
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height })
    // The chart lays its panes out again after a resize: the layout is read once it has.
    await expect.poll(() => layoutDefects(page), { message: vp.name }).toEqual([])
    await page.screenshot({ path: join(SCREENS, `hmm-shading-${vp.name}.png`) })
  }
  const hmmShaded = Number(await pane.getAttribute('data-regime-shaded'))
  await page.getByTestId('regime-source-forecast').click()
  await expect.poll(async () => Number(await pane.getAttribute('data-regime-shaded'))).not.toBe(hmmShaded)
})
