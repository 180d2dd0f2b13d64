import { defineConfig, type ReporterDescription } from '@playwright/test'

/** Port and token of the seeded headless workstation the UI tests run against. */
export const E2E_PORT = Number(process.env.ARMADA_E2E_PORT ?? 4173)
export const E2E_TOKEN = 'e2e-session-token-0001'

// Reporter from the environment: CI sets PLAYWRIGHT_JSON_OUTPUT_NAME and gets list + json (TOOLCHAIN.md).
const reporter: ReporterDescription[] = process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']]

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter,
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  // Seeds a temporary database with real bars, then `node out/main/cli.js serve --port … --db … --json`.
  webServer: {
    command: `npx tsx e2e/support/serve-seeded.ts ${E2E_PORT} ${E2E_TOKEN}`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // SIGTERM (not the default SIGKILL): the server shuts down cleanly and serve-seeded deletes its temporary database.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
})
