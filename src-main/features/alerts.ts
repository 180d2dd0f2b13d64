/**
 * The "alerts" feature set (DOMAIN.md §2) on a basket of ≥ 3 instruments with aligned bars. Asset 0 is the lead
 * ("BTC"), asset 1 the second major ("ETH"), the rest are alts. The 18 features, then `funding_missing`:
 * funding is 0 with the flag set when no funding series exists; market stress is 1 − Fear&Greed/100 when that
 * series exists, else the percentile of 24 h realised vol over 30 days.
 */
import type { Bar, BarColumns } from '../../src-shared/domain'
import * as averagesModule from './averages'
import type { SmaState } from './averages'
import * as featureSetModule from './feature-set'
import type { FeatureMatrix, FeatureSetDefinition } from './feature-set'
import * as kernelModule from './kernel'
import * as rollingModule from './rolling'
import type { CorrMatrixState, RankState, SlopeState, VarState } from './rolling'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { smaInit, smaUpdate } = averagesModule
const { specHash } = featureSetModule
const { snapshot } = kernelModule
const {
  corrMatrixInit,
  corrMatrixUpdate,
  largestEigenvalue,
  meanOffDiagonal,
  rankInit,
  rankUpdate,
  slopeInit,
  slopeUpdate,
  varInit,
  varPopulation,
  varPush,
  varSample,
} = rollingModule

/** Feature names in vector order. */
export const ALERTS_FEATURES: readonly string[] = Object.freeze([
  'corr_mean_6h',
  'corr_mean_24h',
  'corr_mean_168h',
  'corr_history_std',
  'corr_history_slope',
  'lead_pair_corr_24h',
  'alt_major_spread_30d',
  'concentration_24h',
  'cluster_stability',
  'realized_vol_24h',
  'realized_vol_96h',
  'vol_of_vol',
  'downside_upside_vol_30d',
  'lead_momentum_1h',
  'lead_momentum_4h',
  'volume_momentum',
  'market_stress',
  'funding_mean',
  'funding_missing',
])

/** Basket and bar-length parameters. */
export interface AlertsParams {
  /** Instruments in the basket (≥ 3); asset 0 is the lead, 1 the second major. */
  readonly assets: number
  /** Bars per hour (1 on 1h bars, 12 on 5m). */
  readonly barsPerHour: number
  /** Bars per year for annualising realised vol (8760 for 24/7 hourly markets). */
  readonly barsPerYear: number
}

/** Optional basket-wide inputs per bar. */
export interface AlertsContext {
  /** Mean funding rate across the basket's perpetuals. */
  fundingRate?: number
  /** Fear & Greed index 0–100. */
  fearGreed?: number
}

interface AssetState {
  prevClose: number
  closes: Float64Array
  pos: number
  count: number
  rv24: VarState
  rv96: VarState
  vol24: SmaState
  vol168: SmaState
}

/** Alerts state. */
export interface AlertsState {
  assets: AssetState[]
  m6: CorrMatrixState
  m24: CorrMatrixState
  m168: CorrMatrixState
  work: Float64Array
  histStd: VarState
  histSlope: SlopeState
  down: SmaState
  up: SmaState
  stressRank: RankState
  rets: Float64Array
}

/** Close n bars ago for one asset, NaN before it exists. */
function laggedClose(st: AssetState, n: number): number {
  const m = st.closes.length
  return n < st.count ? st.closes[(st.pos - 1 - n + 2 * m) % m] : NaN
}

/** Streaming + batch computer for the alerts set (one step shared by both). */
export class AlertsFeatures {
  readonly definition: FeatureSetDefinition
  readonly names = ALERTS_FEATURES
  readonly specHash: string
  private state: AlertsState
  private readonly h: number
  private readonly month: number

  constructor(private readonly p: AlertsParams) {
    if (!(Number.isInteger(p.assets) && p.assets >= 3))
      throw new RangeError(`alerts: a basket needs ≥ 3 instruments, got ${p.assets}`)
    this.h = p.barsPerHour
    this.month = 720 * p.barsPerHour
    this.definition = Object.freeze({
      name: 'alerts',
      version: 1,
      params: Object.freeze({
        ...p,
        returns: 'log',
        corrHistory: 20,
        stress: '1-fg/100 else rv24 percentile over 30d',
      }),
      features: ALERTS_FEATURES,
    })
    this.specHash = specHash(this.definition)
    this.state = this.init()
  }

  private init(): AlertsState {
    const h = this.h
    const k = this.p.assets
    return {
      assets: Array.from({ length: k }, () => ({
        prevClose: NaN,
        closes: new Float64Array(this.month + 1).fill(NaN),
        pos: 0,
        count: 0,
        rv24: varInit(24 * h),
        rv96: varInit(96 * h),
        vol24: smaInit(24 * h),
        vol168: smaInit(168 * h),
      })),
      m6: corrMatrixInit(k, 6 * h),
      m24: corrMatrixInit(k, 24 * h),
      m168: corrMatrixInit(k, 168 * h),
      work: new Float64Array(k * k),
      histStd: varInit(20),
      histSlope: slopeInit(20),
      down: smaInit(this.month),
      up: smaInit(this.month),
      stressRank: rankInit(this.month),
      rets: new Float64Array(k),
    }
  }

  /** Advances one aligned basket bar (closes and volumes per asset). */
  step(closes: ArrayLike<number>, volumes: ArrayLike<number>, ctx: AlertsContext | undefined, out: Float64Array): void {
    const s = this.state
    const k = this.p.assets
    const h = this.h
    const annual = Math.sqrt(this.p.barsPerYear)
    let rv24Sum = 0,
      rv24Sq = 0,
      rv96Sum = 0,
      volMom = 0,
      basketRet = 0
    let spreadMajors = 0,
      spreadAlts = 0
    let lead1 = NaN,
      lead4 = NaN
    for (let a = 0; a < k; a++) {
      const st = s.assets[a]
      const c = closes[a]
      const r = Math.log(c / st.prevClose)
      st.prevClose = c
      s.rets[a] = r
      basketRet += r / k
      const m = st.closes.length
      st.closes[st.pos] = c
      st.pos = (st.pos + 1) % m
      if (st.count < m) st.count++
      const r30 = Math.log(c / laggedClose(st, this.month))
      if (a < 2) spreadMajors += r30 / 2
      else spreadAlts += r30 / (k - 2)
      if (a === 0) {
        lead1 = Math.log(c / laggedClose(st, h))
        lead4 = Math.log(c / laggedClose(st, 4 * h))
      }
      const v24 = r === r && varPush(st.rv24, r) ? Math.sqrt(varSample(st.rv24)) * annual : NaN
      const v96 = r === r && varPush(st.rv96, r) ? Math.sqrt(varSample(st.rv96)) * annual : NaN
      rv24Sum += v24
      rv24Sq += v24 * v24
      rv96Sum += v96
      volMom += Math.log(smaUpdate(st.vol24, volumes[a]) / smaUpdate(st.vol168, volumes[a])) / k
    }
    const retsOk = basketRet === basketRet
    const c6 = retsOk ? meanOffDiagonal(corrMatrixUpdate(s.m6, s.rets), k) : NaN
    const m24 = retsOk ? corrMatrixUpdate(s.m24, s.rets) : null
    const c24 = m24 ? meanOffDiagonal(m24, k) : NaN
    const c168 = retsOk ? meanOffDiagonal(corrMatrixUpdate(s.m168, s.rets), k) : NaN
    out[0] = c6
    out[1] = c24
    out[2] = c168
    out[3] = c24 === c24 && varPush(s.histStd, c24) ? Math.sqrt(varPopulation(s.histStd)) : NaN
    out[4] = c24 === c24 ? slopeUpdate(s.histSlope, c24) : NaN
    out[5] = m24 ? m24[1] : NaN
    out[6] = spreadAlts - spreadMajors
    out[7] = m24 ? largestEigenvalue(m24, k, s.work) / k : NaN
    const mc = (c6 + c24 + c168) / 3
    out[8] = Math.exp(-10 * (((c6 - mc) ** 2 + (c24 - mc) ** 2 + (c168 - mc) ** 2) / 3))
    const rv24 = rv24Sum / k
    out[9] = rv24
    out[10] = rv96Sum / k
    out[11] = Math.sqrt(Math.max(0, rv24Sq / k - rv24 * rv24))
    const down = retsOk ? smaUpdate(s.down, basketRet < 0 ? basketRet * basketRet : 0) : NaN
    const up = retsOk ? smaUpdate(s.up, basketRet > 0 ? basketRet * basketRet : 0) : NaN
    out[12] = up > 0 ? Math.sqrt(down / up) : NaN
    out[13] = lead1
    out[14] = lead4
    out[15] = volMom
    const pct = rv24 === rv24 ? rankUpdate(s.stressRank, rv24) : NaN
    const fg = ctx?.fearGreed
    out[16] = fg !== undefined && fg === fg ? 1 - fg / 100 : pct
    const f = ctx?.fundingRate
    const hasFunding = f !== undefined && f === f
    out[17] = hasFunding ? f : 0
    out[18] = hasFunding ? 0 : 1
  }

  /** Streaming: one bar per asset (same open time), returns the feature vector. */
  update(
    bars: readonly Bar[],
    ctx?: AlertsContext,
    out: Float64Array = new Float64Array(ALERTS_FEATURES.length),
  ): Float64Array {
    if (bars.length !== this.p.assets)
      throw new RangeError(`alerts: expected ${this.p.assets} bars, got ${bars.length}`)
    const t = bars[0].time
    if (bars.some((b) => b.time !== t)) throw new RangeError(`alerts: basket bars are not aligned at ${t}`)
    this.step(
      bars.map((b) => b.close),
      bars.map((b) => b.volume),
      ctx,
      out,
    )
    return out
  }

  /** Deep copy of the state. */
  snapshot(): AlertsState {
    return snapshot(this.state)
  }

  /** Restores a `snapshot()`. */
  restore(s: AlertsState): void {
    this.state = snapshot(s)
  }

  /** Batch over aligned basket columns (fresh state; the streaming state is untouched). */
  batch(basket: readonly BarColumns[], ctx?: { fundingRate?: Float64Array; fearGreed?: Float64Array }): FeatureMatrix {
    const saved = this.state
    this.state = this.init()
    const k = this.p.assets
    const n = basket[0].close.length
    const f = ALERTS_FEATURES.length
    const data = new Float64Array(n * f)
    const closes = new Float64Array(k)
    const vols = new Float64Array(k)
    const c: AlertsContext = {}
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < k; a++) {
        closes[a] = basket[a].close[i]
        vols[a] = basket[a].volume[i]
      }
      c.fundingRate = ctx?.fundingRate?.[i]
      c.fearGreed = ctx?.fearGreed?.[i]
      this.step(closes, vols, c, data.subarray(i * f, i * f + f))
    }
    this.state = saved
    return { names: ALERTS_FEATURES, specHash: this.specHash, rows: n, time: basket[0].time.slice(), data }
  }
}

/** Inner join of several bar series on open time (the basket must be aligned before the alerts set sees it). */
export function alignBasket(series: readonly BarColumns[]): BarColumns[] {
  const sets = series.map((s) => new Set(s.time))
  const common = Array.from(series[0].time).filter((t) => sets.every((x) => x.has(t)))
  return series.map((s) => {
    const idx = new Map<number, number>()
    s.time.forEach((t, i) => idx.set(t, i))
    const pick = (col: Float64Array) => Float64Array.from(common, (t) => col[idx.get(t) as number])
    return {
      time: Float64Array.from(common),
      open: pick(s.open),
      high: pick(s.high),
      low: pick(s.low),
      close: pick(s.close),
      volume: pick(s.volume),
      takerBuyVolume: pick(s.takerBuyVolume),
    }
  })
}
