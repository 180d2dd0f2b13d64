import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock, type Bar, type Funding } from '../../src-shared'
import { parseImportFile, ReplayServer } from '../data'
import { openDatabase, type MarkPrice } from '../store'
import { ARMADA_CLI_ARGS, REPO_ROOT, runArmada, testData } from '../testing'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function counts(db: string): Record<string, number> {
  const d = openDatabase(db, { readonly: true })
  try {
    const n = (t: string) => (d.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
    return { bars: n('bars'), funding: n('funding'), marks: n('mark_prices') }
  } finally {
    d.close()
  }
}

describe('armada serve --feed-ws (full market context)', () => {
  it('subscribes klines, mark price and funding on a USD-M market and stores them (replay of real XRP/USDT)', async () => {
    const ft = (f: string) => parseImportFile(testData('freqtrade', 'futures', f)).data.records
    const from = Date.UTC(2021, 10, 18)
    const to = Date.UTC(2021, 10, 18, 20)
    const bars = (ft('XRP_USDT_USDT-5m-futures.json.gz') as Bar[]).filter((b) => b.time >= from && b.time < to)
    const funding = (ft('XRP_USDT_USDT-8h-funding_rate.json') as Funding[]).filter((f) => f.time < to + 8 * 3_600_000)
    const marks = (ft('XRP_USDT_USDT-1h-mark.json') as MarkPrice[]).filter((m) => m.time >= from && m.time < to)
    const server = new ReplayServer(
      {
        bars: [{ symbol: 'XRPUSDT', timeframe: '5m', bars }],
        funding: [{ symbol: 'XRPUSDT', funding }],
        marks: [{ symbol: 'XRPUSDT', marks }],
      },
      { speed: { barsPerSecond: 100 } },
      systemClock,
    )
    const { wsBase, restBase } = await server.start()
    cleanups.push(() => server.stop())
    const dir = mkdtempSync(join(tmpdir(), 'armada-serve-feed-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const db = join(dir, 'a.db')
    const args = ['serve', '--port', '0', '--json', '--db', db, '--feed-ws', wsBase, '--feed-rest', restBase]
    const p = spawn(
      process.execPath,
      [...ARMADA_CLI_ARGS, ...args, '--symbols', 'XRPUSDT', '--timeframe', '5m', '--market', 'usdm'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    cleanups.push(async () => {
      p.kill('SIGTERM')
      if (p.exitCode === null) await new Promise((r) => p.once('exit', r))
    })
    await new Promise<void>((resolve, reject) => {
      p.stdout!.on('data', (d) => String(d).includes('\n') && resolve())
      p.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
    })
    const t0 = performance.now()
    let c = counts(db)
    while (!(c.bars === bars.length && c.marks >= marks.length && c.funding >= 2)) {
      if (performance.now() - t0 > 60_000) throw new Error(`timed out: ${JSON.stringify(c)}`)
      await new Promise((r) => setTimeout(r, 100))
      c = counts(db)
    }
    expect(c.funding).toBeGreaterThanOrEqual(funding.filter((f) => f.time < to).length)
  }, 90_000)

  it('refuses an unknown --context or --market with exit 2 and one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armada-serve-feed-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const base = ['serve', '--port', '0', '--db', join(dir, 'a.db'), '--feed-ws', 'ws://127.0.0.1:9', '--symbols', 'X']
    const r = runArmada([...base, '--context', 'everything'], {}, 30_000)
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      'armada serve: --context must be full or klines, got "everything" (see armada serve --help)',
    )
    expect(runArmada([...base, '--market', 'coinm'], {}, 30_000).code).toBe(2)
  })
})
