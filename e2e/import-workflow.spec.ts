import { expect, test, type Page } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDamagedBtcCsv } from '../src-main/testing'
import { freePort, removeTempDbs, startArmada, tempDbPath, type RunningArmada } from './support/armada-server'
import { layoutDefects, VIEWPORTS } from './support/layout'

// Issue #13, a trader's first hour: imports that fail say so, imports that work say what they did, and files can be
// picked or dropped in the browser (uploaded to the headless shell) as well as named by path.

const SCREENS = join(__dirname, '..', 'test-results', 'screens')
mkdirSync(SCREENS, { recursive: true })

let server: RunningArmada | undefined
let dir: string
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-e2e-files-'))
})
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  removeTempDbs()
  rmSync(dir, { recursive: true, force: true })
})

async function openEmpty(page: Page, viewport: { width: number; height: number }, withToken = true): Promise<void> {
  server = await startArmada({ db: tempDbPath('import-wf'), port: await freePort() })
  await page.setViewportSize(viewport)
  await page.goto(withToken ? server.url : server.url.replace(/#.*$/, ''))
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'connected')
}

/** Drops `files` (name → bytes) on the element like a file manager would: dragenter, dragover, drop with a DataTransfer. */
async function dropFiles(page: Page, testId: string, files: Record<string, Buffer>): Promise<void> {
  const payload = Object.entries(files).map(([name, bytes]) => ({ name, b64: bytes.toString('base64') }))
  const dataTransfer = await page.evaluateHandle(
    `(() => { const dt = new DataTransfer(); for (const f of ${JSON.stringify(payload)}) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name)); return dt })()`,
  )
  const target = page.getByTestId(testId)
  await target.dispatchEvent('dragenter', { dataTransfer })
  await target.dispatchEvent('dragover', { dataTransfer })
  await expect(page.getByTestId('drop-hint')).toBeVisible()
  await target.dispatchEvent('drop', { dataTransfer })
  await expect(page.getByTestId('drop-hint')).toHaveCount(0)
}

for (const v of VIEWPORTS) {
  test(`a failed import shows FAILED with each file's reason in the Data view and the jobs tray (${v.name})`, async ({
    page,
  }) => {
    await openEmpty(page, v)
    const missing = join(dir, 'missing.csv')
    const garbage = join(dir, 'garbage.csv')
    writeFileSync(garbage, 'hello,world\nfoo,bar\n1,2\n')
    await page.keyboard.press('6')
    await page.getByTestId('import-toggle').click()
    await page.getByTestId('import-files').fill(`${missing}, ${garbage}`)
    await page.getByTestId('import-submit').click()

    const outcome = page.getByTestId('import-outcome')
    await expect(outcome).toHaveAttribute('data-state', 'failed')
    await expect(outcome.locator('.badge')).toHaveText(/failed/i)
    // GUI words, not the CLI flag: the failure says what to do in the form.
    await expect(page.getByTestId('import-outcome-line')).toHaveText(
      `all 2 files failed: ${missing}: cannot read (ENOENT); ${garbage}:1: unrecognised format (first line "hello,world"); save it as a supported file (a CSV with a time,open,high,low,close,volume header works)`,
    )
    await expect(page.getByTestId('import-failed-file')).toHaveText([
      /missing\.csv: cannot read \(ENOENT\)/,
      /garbage\.csv:1: unrecognised format/,
    ])
    await expect(page.getByTestId('import-report')).toHaveCount(0)
    await expect(page.getByTestId('empty-data')).toBeVisible()

    // Random bytes in a .json.gz, picked in the browser: uploaded, refused by the importer under the name the user gave it.
    await page
      .getByTestId('import-file-input')
      .setInputFiles({ name: 'XRP_USDT-5m.json.gz', mimeType: 'application/gzip', buffer: randomBytes(4096) })
    await expect(page.getByTestId('import-outcome-line')).toHaveText(/^XRP_USDT-5m\.json\.gz: /)
    await expect(outcome).toHaveAttribute('data-state', 'failed')

    // The status bar names the newest failure until the jobs panel has shown it; the panel shows each as FAILED with its reason.
    await expect(page.getByTestId('jobs-failed')).toContainText(/failed\s*data\.import\s*XRP_USDT-5m\.json\.gz: /i)
    expect(await layoutDefects(page, '[data-testid=view-data]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `import-failed-${v.name}.png`) })
    await page.getByTestId('jobs-failed').click()
    const rows = page.getByTestId('job-row')
    await expect(rows).toHaveCount(2)
    for (const row of await rows.all()) await expect(row).toHaveAttribute('data-state', 'failed')
    await expect(rows.nth(1).locator('.job__message')).toHaveText(
      /^all 2 files failed: .*missing\.csv: cannot read \(ENOENT\); .*garbage\.csv:1: unrecognised format/,
    )
    expect(await layoutDefects(page, '[data-testid=jobs-panel]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `import-failed-jobs-${v.name}.png`) })
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('jobs-failed')).toHaveCount(0)
  })

  test(`a picked file is uploaded and imported with its counts; dropped again, every bar is a duplicate (${v.name})`, async ({
    page,
  }) => {
    await openEmpty(page, v)
    const damaged = writeDamagedBtcCsv(dir)
    await page.keyboard.press('6')
    await page.getByTestId('import-toggle').click()
    await page.getByTestId('import-timeframe').selectOption('1h')
    await page.getByTestId('import-file-input').setInputFiles(damaged.path)

    const outcome = page.getByTestId('import-outcome')
    await expect(outcome).toHaveAttribute('data-state', 'succeeded')
    await expect(page.getByTestId('import-outcome-line')).toHaveText(
      'imported 37 bars from 1 file · 0 duplicates · 1 rejected · 2 gaps',
    )
    const row = page.getByTestId('import-report-row')
    await expect(row).toHaveCount(1)
    await expect(row).toHaveAttribute('data-file', 'btc_usdt_1h.csv')
    await expect(row).toContainText('BTCUSDT.LOCAL · 1h bars')
    await expect(row.locator('[data-field=imported]')).toHaveText('37')
    await expect(row.locator('[data-field=duplicates]')).toHaveText('0')
    await expect(row.locator('[data-field=rejected]')).toHaveText('1')
    await expect(row.locator('[data-field=gaps]')).toHaveText('2 (2)')
    await expect(page.getByTestId('import-rejected-row')).toHaveText([
      /^btc_usdt_1h\.csv:20: high 1 is below max\(open [\d.]+, close [\d.]+\)$/,
    ])
    await expect(page.getByTestId('series-row')).toHaveCount(1)
    await expect(page.getByTestId('series-row')).toContainText('BTCUSDT')
    expect(await layoutDefects(page, '[data-testid=view-data]')).toEqual([])
    await page.screenshot({ path: join(SCREENS, `import-counts-${v.name}.png`) })
    // The job's tray entry is the same one line.
    await page.getByTestId('jobs-toggle').click()
    await expect(page.getByTestId('job-row').first()).toHaveAttribute('data-state', 'succeeded')
    await expect(page.getByTestId('job-row').first().locator('.job__message')).toHaveText(
      'imported 37 bars from 1 file · 0 duplicates · 1 rejected · 2 gaps',
    )
    await page.keyboard.press('Escape')

    // Dropped onto the Data view: the same file again, now 37 duplicates.
    await page.getByTestId('import-dismiss').click()
    await expect(outcome).toHaveCount(0)
    await dropFiles(page, 'data-drop', { 'btc_usdt_1h.csv': readFileSync(damaged.path) })
    await expect(outcome).toHaveAttribute('data-state', 'succeeded')
    await expect(page.getByTestId('import-outcome-line')).toHaveText(
      'imported 0 bars from 1 file · 37 duplicates · 1 rejected · 2 gaps',
    )
    await expect(row.locator('[data-field=duplicates]')).toHaveText('37')
  })
}

test('files dropped on the empty chart are uploaded, imported and charted', async ({ page }) => {
  await openEmpty(page, VIEWPORTS[0])
  await expect(page.getByTestId('empty-chart')).toBeVisible()
  const damaged = writeDamagedBtcCsv(dir)
  const xrp = readFileSync(join(__dirname, '..', 'test-data', 'freqtrade', 'futures', 'XRP_USDT_USDT-1h-futures.json'))
  await dropFiles(page, 'chart-drop', {
    'btc_usdt_1h.csv': readFileSync(damaged.path),
    'XRP_USDT_USDT-1h-futures.json': xrp,
  })
  // The import ends, the series are listed and the chart opens on one of them.
  await expect(page.getByTestId('chart-pane')).toHaveAttribute('data-bars-rendered', /^(37|100)$/)
  await expect(page.getByTestId('empty-chart')).toHaveCount(0)
  await page.keyboard.press('6')
  await expect(page.getByTestId('import-report-row')).toHaveCount(2)
  await expect(page.getByTestId('import-outcome-line')).toHaveText(
    'imported 137 bars from 2 files · 0 duplicates · 1 rejected · 2 gaps',
  )
})

test('without the session token an upload is refused with one line, and nothing is imported', async ({ page }) => {
  await openEmpty(page, VIEWPORTS[1], false)
  await page.keyboard.press('6')
  await page.getByTestId('import-file-input').setInputFiles(writeDamagedBtcCsv(dir).path)
  await expect(page.getByTestId('import-error')).toHaveText(
    'uploads change state and need the session token (Authorization: Bearer <token>)',
  )
  await expect(page.getByTestId('import-outcome')).toHaveCount(0)
  await expect(page.getByTestId('empty-data')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'import-no-token-1280x720.png') })
})
