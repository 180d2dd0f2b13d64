import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type WorkstationCore } from '../../core'
import { testData } from '../../testing'
import type { Command, CommandContext } from '../command'
import { InputError, UsageError } from '../command'
import { barsCommand } from './bars'
import { importCommand } from './import'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'armada-cli-data-'))
  dirs.push(d)
  return d
}

/** Runs a command the way run-cli does (parseArgs with the command's options, a core opened on demand), capturing output and the exit code. */
async function run(command: Command, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  let core: WorkstationCore | undefined
  try {
    const parsed = parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean' }, ...command.options },
      allowPositionals: true,
      strict: true,
    })
    const json = parsed.values.json === true
    const ctx: CommandContext = {
      values: parsed.values as CommandContext['values'],
      positionals: parsed.positionals,
      json,
      dbPath: String(parsed.values.db),
      dbExplicit: true,
      out: (data, human) => void (stdout += (json || !human ? JSON.stringify(data) : human(data)) + '\n'),
      info: (m) => void (stderr += m + '\n'),
      openCore: () => {
        if (!core) {
          core = createCore({ dbPath: String(parsed.values.db), shell: 'cli', jobs: 'inline' })
          core.start()
        }
        return core
      },
    }
    return { code: (await command.run(ctx)) ?? 0, stdout, stderr }
  } catch (err) {
    const code = err instanceof UsageError || err instanceof InputError ? 2 : 1
    return { code, stdout, stderr: stderr + (err as Error).message.split('\n')[0] + '\n' }
  } finally {
    await core?.dispose()
  }
}

describe('armada import / bars', () => {
  it('imports files, reports counts per file, and exits 2 naming a refused file while keeping the others', async () => {
    const db = join(tmp(), 'a.db')
    const bad = join(tmp(), 'notes.csv')
    writeFileSync(bad, 'TIMESTAMP,BID,ASK\n1,2,3\n')
    const r = await run(importCommand, [
      '--db',
      db,
      testData('freqtrade/spot/XRP_ETH-5m.json'),
      bad,
      testData('lean/equity_daily/spy.csv.gz'),
    ])
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(
      /XRP_ETH-5m\.json: freqtrade-candles → XRPETH\.LOCAL-5m bars: imported 712, duplicates 0, rejected 0, gaps 0 \(0 missing bars\), 2019-10-11T00:00:00Z … 2019-10-13T11:15:00Z/,
    )
    expect(r.stdout).toMatch(/spy\.csv\.gz: lean → SPY\.USA-1d bars: imported 5849/)
    expect(r.stderr).toMatch(/notes\.csv:1: unrecognised format/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    const again = await run(importCommand, ['--db', db, '--json', testData('freqtrade/spot/XRP_ETH-5m.json')])
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout).files[0]).toMatchObject({ imported: 0, duplicates: 712 })
  })

  it('exits 2 on bad usage: no file, unknown format or timeframe', async () => {
    expect((await run(importCommand, ['--db', join(tmp(), 'a.db')])).code).toBe(2)
    expect((await run(importCommand, ['--db', join(tmp(), 'a.db'), '--format', 'excel', 'x.csv'])).stderr).toMatch(
      /unknown format "excel"/,
    )
    expect((await run(importCommand, ['--db', join(tmp(), 'a.db'), '--timeframe', '7m', 'x.csv'])).code).toBe(2)
  })

  it('lists rejected rows with line and reason', async () => {
    const file = join(tmp(), 'BTCUSDT-1m-2024-01-01.csv')
    writeFileSync(
      file,
      '1704067200000,1,2,0.5,1.5,10,1704067259999,15,3,5,7.5,0\n1704067260000,1,0.9,0.5,1.5,10,1704067319999,15,3,5,7.5,0\n',
    )
    const r = await run(importCommand, ['--db', join(tmp(), 'a.db'), file])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('imported 1, duplicates 0, rejected 1')
    expect(r.stdout).toContain('  line 2: high 0.9 is below max(open 1, close 1.5)')
  })

  it('bars exports a stored series as CSV that re-imports to the same bars', async () => {
    const db = join(tmp(), 'a.db')
    await run(importCommand, ['--db', db, testData('nautilus_trader/binance_ADABTC-1m-2021-11-27.csv')])
    const csv = await run(barsCommand, [
      'ADABTC',
      '--db',
      db,
      '--timeframe',
      '1m',
      '--from',
      '2021-11-27T00:02:00Z',
      '--to',
      '1637971620000',
      '--csv',
    ])
    expect(csv.code).toBe(0)
    const lines = csv.stdout.trim().split('\n')
    expect(lines[0]).toBe('time,open,high,low,close,volume,quote_volume,trades,taker_buy_volume')
    expect(lines).toHaveLength(1 + 6)
    expect(lines[1]).toBe(
      '2021-11-27T00:02:00.000Z,0.00002859,0.0000286,0.00002857,0.00002859,26547.3,0.75867802,50,5425.9',
    )
    const copy = join(tmp(), 'ADABTC_copy_1m.csv')
    writeFileSync(copy, csv.stdout)
    const db2 = join(tmp(), 'b.db')
    expect((await run(importCommand, ['--db', db2, '--symbol', 'ADABTC', '--venue', 'BINANCE', copy])).code).toBe(0)
    const json = await run(barsCommand, ['adabtc', '--db', db2, '--timeframe', '1m', '--json'])
    const original = await run(barsCommand, [
      'ADABTC',
      '--db',
      db,
      '--timeframe',
      '1m',
      '--from',
      '1637971320000',
      '--to',
      '1637971620000',
      '--json',
    ])
    // The generic CSV keeps OHLCV; quote volume, trades and taker volume are Binance-kline columns.
    const ohlcv = (rows: Record<string, number>[]): number[][] =>
      rows.map((b) => [b.time, b.open, b.high, b.low, b.close, b.volume])
    expect(ohlcv(JSON.parse(json.stdout))).toEqual(ohlcv(JSON.parse(original.stdout)))
  })

  it('bars exits 2 for an unknown series or missing --timeframe', async () => {
    const db = join(tmp(), 'a.db')
    await run(importCommand, ['--db', db, testData('nautilus_trader/binance_ADABTC-1m-2021-11-27.csv')])
    expect((await run(barsCommand, ['ETHUSDT', '--db', db, '--timeframe', '1m'])).stderr).toMatch(
      /no stored 1m bars for ETHUSDT/,
    )
    expect((await run(barsCommand, ['ADABTC', '--db', db])).code).toBe(2)
  })
})

describe('armada replay', () => {
  it('prints its ws/rest URLs, serves REST klines, and stops on SIGINT with exit 0', async () => {
    const script = join(tmp(), 'replay-cli.ts')
    writeFileSync(
      script,
      `import { parseArgs } from 'node:util'
import { replayCommand } from ${JSON.stringify(resolve(__dirname, 'replay'))}
const args = ${JSON.stringify(['--json', '--speed', '50', '--start', '100', testData('freqtrade/spot/XRP_ETH-5m.json')])}
const parsed = parseArgs({ args, options: { json: { type: 'boolean' }, ...replayCommand.options }, allowPositionals: true })
replayCommand.run({ values: parsed.values as never, positionals: parsed.positionals, json: true, dbPath: ':memory:', dbExplicit: true,
  out: (d) => process.stdout.write(JSON.stringify(d) + '\\n'), info: (m) => process.stderr.write(m + '\\n'), openCore: () => { throw new Error('no core') } })
  .then((code) => process.exit(code ?? 0), (e) => { process.stderr.write(String(e) + '\\n'); process.exit(1) })
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    await new Promise<void>((r) =>
      child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), out.includes('\n') && r())),
    )
    const info = JSON.parse(out) as { ws: string; rest: string; restBase: string }
    expect(info.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/stream\?streams=xrpeth@kline_5m$/)
    const klines = (await (await fetch(`${info.rest}?symbol=XRPETH&interval=5m&limit=3`)).json()) as unknown[][]
    expect(klines).toHaveLength(3)
    expect(klines[2][0]).toBe(1570752000000 + 99 * 300_000)
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    child.kill('SIGINT')
    expect(await exit).toBe(0)
  })
})
