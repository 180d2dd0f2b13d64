import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Rng } from '../ml'
import { openDatabase, type Db } from '../store'
import { REPO_ROOT } from '../testing'
import { tempDir } from './registry.test-support'

const tmp = tempDir()
afterAll(() => tmp.cleanup())

/** Starts the looping child, waits until it has done `minTicks` operations plus `delayMs`, then SIGKILLs it. */
function runAndKill(db: string, seed: number, delayMs: number): Promise<{ ticks: number; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', join(__dirname, 'crash-child.test-support.ts'), db, String(seed)],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let ticks = 0
    let armed = false
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      ticks += (d.toString().match(/^tick/gm) ?? []).length
      if (!armed && /ready/.test(d.toString())) {
        armed = true
        setTimeout(() => child.kill('SIGKILL'), delayMs)
      }
    })
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve({ ticks, signal })
        : reject(new Error(`child exited with ${code}: ${stderr.split('\n').slice(-5).join(' ')}`)),
    )
  })
}

/** The registry invariants: sound file, whole versions, aliases pointing at versions, history agreeing with aliases. */
function checkInvariants(db: Db): { versions: number; moves: number } {
  expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok')
  expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([])
  const versions = db.prepare('SELECT id, name, card, onnx, size FROM models').all() as {
    id: string
    name: string
    card: string
    onnx: Buffer
    size: number
  }[]
  for (const v of versions) {
    expect(createHash('sha256').update(v.onnx).digest('hex')).toBe(v.id)
    expect(v.onnx.length).toBe(v.size)
    expect((JSON.parse(v.card) as { name: string }).name).toBe(v.name)
  }
  const ids = new Set(versions.map((v) => v.id))
  const aliases = db.prepare('SELECT name, alias, version_id FROM aliases').all() as {
    name: string
    alias: string
    version_id: string
  }[]
  for (const a of aliases) expect(ids.has(a.version_id)).toBe(true)
  const history = db.prepare('SELECT name, alias, from_version, to_version FROM alias_history ORDER BY seq').all() as {
    name: string
    alias: string
    from_version: string | null
    to_version: string | null
  }[]
  const last = new Map<string, string | null>()
  for (const h of history) {
    const key = `${h.name}/${h.alias}`
    expect(h.from_version).toBe(last.get(key) ?? null)
    if (h.to_version) expect(ids.has(h.to_version)).toBe(true)
    last.set(key, h.to_version)
  }
  for (const a of aliases) expect(last.get(`${a.name}/${a.alias}`)).toBe(a.version_id)
  for (const [key, to] of last) if (to === null) expect(aliases.some((a) => `${a.name}/${a.alias}` === key)).toBe(false)
  return { versions: versions.length, moves: history.length }
}

describe('crash consistency', () => {
  it('SIGKILL at random moments during registration and promotion leaves no half version and no alias pointing nowhere', async () => {
    const file = join(tmp.dir, 'crash.db')
    const rng = new Rng(2024)
    let ticks = 0
    for (let k = 0; k < 6; k++) {
      const r = await runAndKill(file, k, 150 + Math.floor(rng.next() * 900))
      ticks += r.ticks
      const db = openDatabase(file)
      try {
        checkInvariants(db)
      } finally {
        db.close()
      }
    }
    const db = openDatabase(file)
    const final = checkInvariants(db)
    db.close()
    expect(ticks).toBeGreaterThan(5)
    expect(final.versions).toBeGreaterThan(5)
    expect(final.moves).toBeGreaterThan(3)
  }, 120_000)
})
