import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared'
import { openDatabase, SqliteBarStore, WalCheckpointer, type Db } from './index'

const dirs: string[] = []
const cleanup: (() => unknown)[] = []
function tmpDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'armada-wal-'))
  dirs.push(d)
  return join(d, 'a.db')
}
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
const bar = (i: number): Bar => ({
  time: 60_000 * i,
  open: 100,
  high: 101,
  low: 99,
  close: 100 + (i % 5) / 10,
  volume: i,
})

function started(path: string, options = {}): { db: Db; bars: SqliteBarStore; checkpointer: WalCheckpointer } {
  const db = openDatabase(path)
  const checkpointer = new WalCheckpointer(db, { intervalMs: 3_600_000, ...options })
  checkpointer.start()
  cleanup.push(
    () => db.open && db.close(),
    () => checkpointer.dispose(),
  )
  return { db, bars: new SqliteBarStore(db), checkpointer }
}

/** One bar per transaction, as the live feed writes. */
function appendLive(bars: SqliteBarStore, from: number, n: number): void {
  for (let i = from; i < from + n; i++) bars.upsert(key, [bar(i)])
}

describe('WalCheckpointer', () => {
  it('turns auto-checkpoint off on the writer and copies the whole WAL into the database from its own connection', async () => {
    const { db, bars, checkpointer } = started(tmpDb())
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    appendLive(bars, 0, 300)
    const r = await checkpointer.checkpointNow()
    expect(r).toMatchObject({ mode: 'PASSIVE', busy: 0 })
    expect(r.log).toBeGreaterThan(0)
    expect(r.checkpointed).toBe(r.log)
    expect(checkpointer.checkpoints).toBe(1)
    await checkpointer.dispose()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  })

  it('keeps the WAL bounded under a steady stream of live bars (the log restarts after each complete checkpoint)', async () => {
    const path = tmpDb()
    const { bars, checkpointer } = started(path)
    const logs: number[] = []
    const sizes: number[] = []
    for (let round = 0; round < 6; round++) {
      appendLive(bars, round * 200, 200)
      logs.push((await checkpointer.checkpointNow()).log)
      sizes.push(statSync(`${path}-wal`).size)
    }
    // Without checkpoints the log would hold every round's frames (6× the first); with them each round starts over.
    for (const log of logs.slice(1)) expect(log).toBeLessThanOrEqual(logs[0] + 8)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(sizes[0] + 8 * 4096 + 1024)
    expect(bars.count(key)).toBe(1200)
  })

  it('restarts the log once it reaches restartFrames, so a writer that never pauses cannot grow it forever', async () => {
    const { bars, checkpointer } = started(tmpDb(), { restartFrames: 50 })
    appendLive(bars, 0, 200)
    const r = await checkpointer.checkpointNow()
    expect(r.mode).toBe('RESTART')
    expect(r.checkpointed).toBe(r.log)
  })

  it('gives the writer its auto-checkpoint back when the worker cannot run', async () => {
    const path = tmpDb()
    const db = openDatabase(path)
    cleanup.push(() => db.close())
    // The writer keeps its open handle; the worker's own connection cannot open a file that is gone.
    rmSync(path)
    const checkpointer = new WalCheckpointer(db)
    checkpointer.start()
    expect((await checkpointer.checkpointNow()).log).toBe(-1)
    expect(checkpointer.error).toBeTruthy()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    await checkpointer.dispose()
  })

  it('is a no-op for in-memory databases', async () => {
    const db = openDatabase(':memory:')
    const checkpointer = new WalCheckpointer(db)
    checkpointer.start()
    await expect(checkpointer.checkpointNow()).rejects.toThrow(/not running/)
    await checkpointer.dispose()
    db.close()
  })

  it('kill -9 while live bars commit and checkpoints run loses no committed bar and leaves a sound file', async () => {
    const path = tmpDb()
    openDatabase(path).close()
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', join(__dirname, 'wal-crash-child.test-support.ts'), path],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exit = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        // Enough bars for several checkpoints and log restarts, then kill in the middle of the stream.
        if ((out.match(/\n/g) ?? []).length > 3000 && /^checkpoints [3-9]/m.test(out)) resolve()
      })
      void exit.then(() => reject(new Error(`child exited early: ${stderr.split('\n').slice(-5).join(' ')}`)))
    })
    child.kill('SIGKILL')
    expect(await exit).toBe('SIGKILL')
    const committed = out
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number)
    const db = openDatabase(path)
    cleanup.push(() => db.close())
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok')
    const stored = new Set(db.prepare('SELECT open_time FROM bars').pluck().all() as number[])
    expect(committed.length).toBeGreaterThan(2000)
    expect(committed.filter((t) => !stored.has(t))).toEqual([])
  })
})

describe('WalCheckpointer lifetime', () => {
  it('keeps the process alive while dispose() waits for the last checkpoint (the worker is otherwise unref-ed)', async () => {
    const path = tmpDb()
    const script = `
      const { openDatabase, WalCheckpointer } = require(${JSON.stringify(join(__dirname, 'index.ts'))})
      const db = openDatabase(${JSON.stringify(path)})
      const c = new WalCheckpointer(db)
      c.start()
      db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run()
      c.dispose().then(() => { db.close(); process.stdout.write('disposed') })`
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await new Promise((resolve) => child.on('exit', resolve))
    expect(out).toBe('disposed')
  })
})
