/**
 * Kills and restarts its own server on the same port; the page goes disconnected → connected.
 */
import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { importSeed } from './support/import-seed'

// A fixed token (as with ARMADA_TOKEN) so the page's remembered token stays valid across the restart.
const TOKEN = 'reconnect-session-token-01'
const SCREENS = join(__dirname, '..', 'test-results', 'screens')

let server: RunningArmada | undefined
test.afterEach(async () => {
  await server?.kill()
  server = undefined
  removeTempDbs()
})

test('reconnects after the server is killed and restarted on the same port', async ({ page }) => {
  const db = tempDbPath('reconnect')
  const port = await freePort()
  server = await startArmada({ db, port, token: TOKEN })
  await importSeed(server.url, TOKEN)
  await page.goto(server.url)
  const link = page.getByTestId('status-connection')
  await expect(link).toHaveAttribute('data-state', 'connected')
  await expect(page.getByTestId('chart-pane')).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)

  await server.kill()
  await expect(link).toHaveAttribute('data-state', 'disconnected')
  await expect(page.getByTestId('link-banner')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'disconnected.png') })

  server = await startArmada({ db, port, token: TOKEN })
  await expect(link).toHaveAttribute('data-state', 'connected', { timeout: 15_000 })
  // Health is fetched again after the reconnect, and the chart still has its bars.
  await expect(page.getByTestId('status-version')).toContainText('schema')
  await expect(page.getByTestId('link-banner')).toHaveCount(0)
  await expect(page.getByTestId('chart-pane')).toHaveAttribute('data-bars-rendered', /^[1-9]\d*$/)

  // The token survived in session storage: a reload (without the fragment) still has it.
  await page.reload()
  await expect(link).toHaveAttribute('data-state', 'connected')
  expect(await page.evaluate("sessionStorage.getItem('armada.token')")).toBe(TOKEN)
})
