import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { SqliteAlertStore, type NewAlert } from './alert-store'

const base: NewAlert = {
  id: 'a1',
  type: 'CORRELATION_BREAKDOWN',
  severity: 'S2',
  time: 1_000_000,
  targetTime: 1_000_000 + 4 * 3_600_000,
  horizonHours: 4,
  probability: 0.81,
  pRf: 0.85,
  pGbdt: 0.75,
  confidence: 0.9,
  escalated: false,
  modelName: 'alerts-correlation-breakdown-h4h',
  modelVersion: 'v'.repeat(64),
  basket: 'alt-btc-5m',
  timeframe: '5m',
  assets: ['ETHBTC', 'ETCBTC', 'ADABTC'],
}

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

describe('SqliteAlertStore', () => {
  it('stores every field once per id, filters, resolves due alerts once, and keeps an acknowledgement across a reopen', () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-alert-store-'))
    const file = join(dir, 'a.db')
    let db = openDatabase(file)
    let s = new SqliteAlertStore(db)
    const a = s.insert(base)!
    expect(a).toEqual({ ...base, acknowledged: false })
    expect(s.insert(base)).toBeNull()
    s.insert({
      ...base,
      id: 'a2',
      type: 'SPIKE_LIKELY',
      severity: 'S3',
      time: base.time + 300_000,
      targetTime: base.targetTime + 300_000,
      assets: ['XLMBTC', 'TRXBTC', 'NXTBTC'],
    })
    expect(s.list().map((x) => x.id)).toEqual(['a2', 'a1'])
    expect(s.list({ minSeverity: 'S3' }).map((x) => x.id)).toEqual(['a2'])
    expect(s.list({ symbol: 'ADABTC' }).map((x) => x.id)).toEqual(['a1'])
    expect(s.list({ types: ['SPIKE_LIKELY'], status: 'open' }).map((x) => x.id)).toEqual(['a2'])
    expect(s.due('alt-btc-5m', base.targetTime - 1)).toHaveLength(0)
    expect(s.due('alt-btc-5m', base.targetTime).map((x) => x.id)).toEqual(['a1'])
    expect(s.resolve('a1', 'hit', 5)).toBe(true)
    expect(s.resolve('a1', 'miss', 6)).toBe(false)
    expect(s.get('a1')).toMatchObject({ outcome: 'hit', resolvedAt: 5 })
    expect(s.list({ status: 'resolved' }).map((x) => x.id)).toEqual(['a1'])
    expect(s.records('alt-btc-5m')).toEqual(
      expect.arrayContaining([{ modelName: base.modelName, fired: 2, resolved: 1, hits: 1 }]),
    )
    expect(s.acknowledge('a2', 77)).toMatchObject({ acknowledged: true, acknowledgedAt: 77 })
    expect(s.acknowledge('a2', 99).acknowledgedAt).toBe(77)
    expect(() => s.acknowledge('nope', 1)).toThrow(/no alert "nope"/)
    db.close()
    db = openDatabase(file)
    s = new SqliteAlertStore(db)
    expect(s.get('a2')).toMatchObject({
      acknowledged: true,
      acknowledgedAt: 77,
      severity: 'S3',
      assets: ['XLMBTC', 'TRXBTC', 'NXTBTC'],
    })
    expect(s.list({ acknowledged: false }).map((x) => x.id)).toEqual(['a1'])
    expect(s.openCount('alt-btc-5m')).toBe(1)
    db.close()
  })
})
