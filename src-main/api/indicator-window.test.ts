import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  OVERLAY_DEFINITIONS,
  overlayDefaults,
  overlaySpec,
  type IndicatorsResult,
  type StoredBar,
} from '../../src-shared'
import { MarketDataImporter } from '../data'
import { computeIndicators } from '../features'
import { testData } from '../testing'
import { createCore, type WorkstationCore } from '../core'
import { ApiError, dispatch } from './dispatch'

/** The chart's overlays (picker defaults) and two long recursive ones. */
const SPECS = [
  ...OVERLAY_DEFINITIONS.map((d) => overlaySpec(d.kind, overlayDefaults(d.kind))),
  'ema:200',
  'keltner:50:1.5:30',
]
const SERIES = { symbol: 'ETHBTC', venue: 'BITTREX', timeframe: '5m' as const }

let dir: string
let core: WorkstationCore
let all: StoredBar[]

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-indicators-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  core.start()
  new MarketDataImporter(core.database).importFile(testData('freqtrade', 'spot', 'ETH_BTC-5m.json.gz'), {
    symbol: 'ETHBTC',
    venue: 'BITTREX',
  })
  all = [...core.bars.pages(SERIES)].flat()
})
afterAll(async () => {
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

/** Largest difference between an answer's values and the batch kernels over every stored bar, per column's scale. */
function worstAgainstBatch(r: IndicatorsResult): number {
  const full = computeIndicators(
    all,
    r.indicators.map((i) => i.canonical),
  )
  const offset = all.findIndex((b) => b.time === r.time[0])
  let worst = 0
  let column = 0
  for (const ind of r.indicators) {
    for (const out of ind.outputs) {
      const batch = full.columns[column++]
      const scale = Math.max(1e-12, ...out.values.map((v) => Math.abs(v ?? 0)))
      out.values.forEach((v, i) => {
        const b = batch[offset + i]
        if (v === null || Number.isNaN(b)) worst = v === null && Number.isNaN(b) ? worst : Infinity
        else worst = Math.max(worst, Math.abs(v - b) / scale)
      })
    }
  }
  return worst
}

describe('getIndicators', () => {
  it('answers the bars getBars answers, each value equal to the batch kernels over the whole stored history', async () => {
    // 1500 bars leave enough history before them for the longest warm-up (ema:200), so the warm-up is really cut short.
    const r = await core.getIndicators({ ...SERIES, specs: SPECS, limit: 1500 })
    const bars = await core.getBars({ ...SERIES, limit: 1500 })
    expect(all.length - 1500).toBeGreaterThan(r.warmupBars)
    expect(r.time).toEqual(bars.map((b) => b.time))
    expect(r.indicators.map((i) => i.spec)).toEqual(SPECS)
    expect(r.indicators.find((i) => i.spec === 'bb:20:2')!.outputs.map((o) => o.column)).toEqual([
      'bb:20:2.upper',
      'bb:20:2.middle',
      'bb:20:2.lower',
      'bb:20:2.width',
      'bb:20:2.percent_b',
    ])
    expect(r.indicators[0].outputs[0]).toMatchObject({ column: 'sma:20', output: '' })
    // Warm-up: the first bar's values are already the full-history ones (no nulls at the start of the window).
    expect(r.warmupBars).toBeGreaterThan(3500)
    for (const ind of r.indicators) for (const o of ind.outputs) expect(o.values[0], o.column).not.toBeNull()
    expect(worstAgainstBatch(r)).toBeLessThan(1e-9)
  })

  it('a from/to window in the middle of the history has the full-history values too', async () => {
    const from = all[3000].time
    const to = all[3400].time
    const r = await core.getIndicators({ ...SERIES, specs: ['ema:50', 'keltner:20:2:10', 'vwap'], from, to })
    expect(r.time[0]).toBe(from)
    expect(r.time).toHaveLength(401)
    expect(worstAgainstBatch(r)).toBeLessThan(1e-9)
  })

  it('streaming equals batch: asking from the last held bar after a close gives the values a full request gives', async () => {
    const full = await core.getIndicators({ ...SERIES, specs: SPECS, limit: 300 })
    const tail = await core.getIndicators({ ...SERIES, specs: SPECS, from: full.time[full.time.length - 2] })
    expect(tail.time).toEqual(full.time.slice(-2))
    tail.indicators.forEach((ind, k) =>
      ind.outputs.forEach((o, j) => {
        const whole = full.indicators[k].outputs[j].values.slice(-2)
        o.values.forEach((v, i) => expect(v, o.column).toBeCloseTo(whole[i]!, 9))
      }),
    )
  })

  it('the start of the stored history is null during the warm-up, like the batch kernels', async () => {
    const r = await core.getIndicators({ ...SERIES, specs: ['sma:20'], to: all[30].time })
    expect(r.warmupBars).toBe(0)
    expect(r.indicators[0].outputs[0].values.slice(0, 19)).toEqual(Array(19).fill(null))
    expect(r.indicators[0].outputs[0].values[19]).toBeCloseTo(
      all.slice(0, 20).reduce((s, b) => s + b.close, 0) / 20,
      14,
    )
    const none = await core.getIndicators({ symbol: 'NOPE', timeframe: '5m', specs: ['ema:20'] })
    expect(none.time).toEqual([])
  })

  it('refuses a bad spec with one bad-request line naming it, through the transport validator', async () => {
    const call = (specs: unknown) => dispatch(core, 'getIndicators', { ...SERIES, specs })
    const refusal = async (specs: unknown) => {
      const err = await call(specs).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ApiError)
      expect((err as ApiError).code).toBe('bad-request')
      expect((err as ApiError).message).not.toContain('\n')
      return (err as ApiError).message
    }
    expect(await refusal(['ema:0'])).toBe('getIndicators: indicator spec "ema:0": parameter 1 must be an integer ≥ 1')
    expect(await refusal(['bb:20:2x'])).toBe('getIndicators: indicator spec "bb:20:2x": parameter "2x" is not a number')
    expect(await refusal(['keltner:20:2:2.5'])).toMatch(
      /^getIndicators: indicator spec "keltner:20:2:2.5": atr: period must be an integer/,
    )
    expect(await refusal(['nope:3'])).toMatch(/^getIndicators: indicator spec "nope:3": unknown indicator "nope"/)
    expect(await refusal(['ema:20', 'ema:20'])).toBe(
      'getIndicators: indicator spec "ema:20": given twice (each output column must have one name)',
    )
    expect(await refusal([])).toBe('getIndicators: "specs" must be 1 to 16 indicator specs such as "ema:20"')
    const ok = (await call('ema:20, sma:5')) as IndicatorsResult
    expect(ok.indicators.map((i) => i.canonical)).toEqual(['ema:20', 'sma:5'])
  })
})
