/**
 * Indicator spec strings (DESIGN.md "Indicator specs"): parse `rsi:14`, `macd:12:26:9`, `bb:20:2`, … into kernels,
 * and compute them over bars, batch (`computeIndicators`) or streaming (`IndicatorEngine`), with one update rule.
 * Optional trailing words pick a reference convention: `ema:N:first` (seed with the first value, Tulip/StockCharts),
 * likewise for dema/tema/macd/keltner; `macd:12:26:9:tulip` (Appel's 0.15/0.075); `dema:N:tulip`/`tema:N:tulip` (each
 * stage seeded with its first input, Tulip); `atr:N:sma` (simple mean, DESIGN.md) and `atr:N:talib` (TA-Lib seeding);
 * `rsi:N:ewm`, `stochrsi:…:ewm` (pandas-ewm RSI seeding); `adx|adxr|dx|dm:N:tulip` (Tulip's n−1 seeding and tie rule);
 * `sar:AF:MAX:touch` (a touch reverses); `donchian:N:prev` (channel of the n bars before). Beyond DESIGN.md's list:
 * `rocr:N` (C/C[N]), `logr:N` (ln(C/C[N])), `adxr:N`, `dx:N`, `dm:N` (.plus .minus) — TA-Lib names.
 */
import { setBarRow, type Bar, type BarColumns } from '../../src-shared/domain'
import { dema, ema, kama, sma, tema, wma, type EmaSeed, type MultiEmaSeed } from './averages'
import { emptyBarRow, onClose, snapshot, type BarKernel, type BarRow } from './kernel'
import {
  cciKernel,
  logr,
  macdInit,
  macdUpdate,
  mfiKernel,
  mom,
  roc,
  rocp,
  rocr,
  rsi,
  stochKernel,
  stochRsiKernel,
  willrKernel,
  type MacdSeed,
  type MacdState,
} from './oscillators'
import { rollingMax, rollingMin, rollingQuantile, slope, stddev, zscore } from './rolling'
import { adxKernel, adxrKernel, dmKernel, type DmiMode, dxKernel, sarKernel } from './trend'
import {
  atrKernel,
  bollingerKernel,
  donchianKernel,
  garmanKlassKernel,
  keltnerKernel,
  parkinsonKernel,
  trKernel,
} from './volatility'
import { obvKernel, rollingVwapKernel, vwapKernel } from './volume'

/** A parsed indicator spec: canonical text, parameters, output column names. */
export interface IndicatorSpec {
  /** Canonical spelling, e.g. `macd:12:26:9`. */
  readonly text: string
  readonly name: string
  readonly params: readonly number[]
  /** Convention word (`first`, `sma`, `talib`) when given. */
  readonly option?: string
  /** Output column names: `text` or `text.output`. */
  readonly columns: readonly string[]
}

/** Bad spec text, with the offending spec and the reason (shown to users as one line). */
export class IndicatorSpecError extends Error {
  constructor(
    readonly spec: string,
    readonly reason: string,
  ) {
    super(`indicator spec "${spec}": ${reason}`)
    this.name = 'IndicatorSpecError'
  }
}

type AnyKernel = BarKernel<unknown>

interface Definition {
  /** Parameter defaults; spec may give fewer (defaults fill in) but not more. */
  readonly defaults: readonly number[]
  readonly options?: readonly string[]
  /** Which parameters must be integers ≥ 1. */
  readonly intParams: number
  build(p: readonly number[], option: string | undefined): AnyKernel
}

const seedOf = (option: string | undefined): EmaSeed => (option === 'first' ? 'first' : 'sma')
const multiSeedOf = (option: string | undefined): MultiEmaSeed => (option === 'tulip' ? 'tulip' : seedOf(option))
const dmiOf = (option: string | undefined): DmiMode => (option === 'tulip' ? 'tulip' : 'wilder')
const k = <S>(kernel: BarKernel<S>): AnyKernel => kernel as unknown as AnyKernel

function macdKernel(fast: number, slow: number, signal: number, seed: MacdSeed): BarKernel<MacdState> {
  return {
    outputs: ['macd', 'signal', 'hist'],
    init: () => macdInit(fast, slow, signal, seed),
    update: (s, b, out, at) => {
      const line = macdUpdate(s, b.close)
      out[at] = line
      out[at + 1] = line === line ? s.signal : NaN
      out[at + 2] = line === line ? s.hist : NaN
    },
  }
}

const DEFINITIONS: Readonly<Record<string, Definition>> = {
  sma: { defaults: [20], intParams: 1, build: (p) => k(onClose(sma(p[0]))) },
  ema: { defaults: [20], intParams: 1, options: ['first'], build: (p, o) => k(onClose(ema(p[0], seedOf(o)))) },
  wma: { defaults: [20], intParams: 1, build: (p) => k(onClose(wma(p[0]))) },
  dema: {
    defaults: [20],
    intParams: 1,
    options: ['first', 'tulip'],
    build: (p, o) => k(onClose(dema(p[0], multiSeedOf(o)))),
  },
  tema: {
    defaults: [20],
    intParams: 1,
    options: ['first', 'tulip'],
    build: (p, o) => k(onClose(tema(p[0], multiSeedOf(o)))),
  },
  kama: { defaults: [10, 2, 30], intParams: 3, build: (p) => k(onClose(kama(p[0], p[1], p[2]))) },
  rsi: {
    defaults: [14],
    intParams: 1,
    options: ['ewm'],
    build: (p, o) => k(onClose(rsi(p[0], o === 'ewm' ? 'ewm' : 'sma'))),
  },
  macd: {
    defaults: [12, 26, 9],
    intParams: 3,
    options: ['first', 'tulip'],
    build: (p, o) => k(macdKernel(p[0], p[1], p[2], o === 'tulip' ? 'tulip' : seedOf(o))),
  },
  bb: { defaults: [20, 2], intParams: 1, build: (p) => k(bollingerKernel(p[0], p[1])) },
  tr: { defaults: [], intParams: 0, build: () => k(trKernel) },
  atr: {
    defaults: [14],
    intParams: 1,
    options: ['sma', 'talib'],
    build: (p, o) => k(atrKernel(p[0], o === 'sma' ? 'sma' : o === 'talib' ? 'wilder-talib' : 'wilder')),
  },
  stoch: { defaults: [14, 3, 3], intParams: 3, build: (p) => k(stochKernel(p[0], p[1], p[2])) },
  stochrsi: {
    defaults: [14, 14, 3, 3],
    intParams: 4,
    options: ['ewm'],
    build: (p, o) => k(stochRsiKernel(p[0], p[1], p[2], p[3], o === 'ewm' ? 'ewm' : 'sma')),
  },
  willr: { defaults: [14], intParams: 1, build: (p) => k(willrKernel(p[0])) },
  cci: { defaults: [20], intParams: 1, build: (p) => k(cciKernel(p[0])) },
  mfi: { defaults: [14], intParams: 1, build: (p) => k(mfiKernel(p[0])) },
  obv: { defaults: [], intParams: 0, build: () => k(obvKernel) },
  mom: { defaults: [10], intParams: 1, build: (p) => k(onClose(mom(p[0]))) },
  roc: { defaults: [10], intParams: 1, build: (p) => k(onClose(roc(p[0]))) },
  rocp: { defaults: [10], intParams: 1, build: (p) => k(onClose(rocp(p[0]))) },
  rocr: { defaults: [10], intParams: 1, build: (p) => k(onClose(rocr(p[0]))) },
  logr: { defaults: [1], intParams: 1, build: (p) => k(onClose(logr(p[0]))) },
  adx: { defaults: [14], intParams: 1, options: ['tulip'], build: (p, o) => k(adxKernel(p[0], dmiOf(o))) },
  adxr: { defaults: [14], intParams: 1, options: ['tulip'], build: (p, o) => k(adxrKernel(p[0], dmiOf(o))) },
  dx: { defaults: [14], intParams: 1, options: ['tulip'], build: (p, o) => k(dxKernel(p[0], dmiOf(o))) },
  dm: { defaults: [14], intParams: 1, options: ['tulip'], build: (p, o) => k(dmKernel(p[0], dmiOf(o))) },
  keltner: {
    defaults: [20, 2, 10],
    intParams: 1,
    options: ['first'],
    build: (p, o) => k(keltnerKernel(p[0], p[1], p[2], seedOf(o))),
  },
  donchian: { defaults: [20], intParams: 1, options: ['prev'], build: (p, o) => k(donchianKernel(p[0], o === 'prev')) },
  vwap: { defaults: [], intParams: 1, build: (p) => (p.length > 0 ? k(rollingVwapKernel(p[0])) : k(vwapKernel())) },
  sar: {
    defaults: [0.02, 0.2],
    intParams: 0,
    options: ['touch'],
    build: (p, o) => k(sarKernel(p[0], p[1], o === 'touch')),
  },
  std: { defaults: [20], intParams: 1, build: (p) => k(onClose(stddev(p[0]))) },
  zscore: { defaults: [20], intParams: 1, build: (p) => k(onClose(zscore(p[0]))) },
  parkinson: { defaults: [20], intParams: 1, build: (p) => k(parkinsonKernel(p[0])) },
  gk: { defaults: [20], intParams: 1, build: (p) => k(garmanKlassKernel(p[0])) },
  slope: { defaults: [20], intParams: 1, build: (p) => k(onClose(slope(p[0]))) },
  min: { defaults: [20], intParams: 1, build: (p) => k(onClose(rollingMin(p[0]))) },
  max: { defaults: [20], intParams: 1, build: (p) => k(onClose(rollingMax(p[0]))) },
  quantile: { defaults: [20, 0.5], intParams: 1, build: (p) => k(onClose(rollingQuantile(p[0], p[1]))) },
}

/** Names of every supported indicator. */
export const INDICATOR_NAMES: readonly string[] = Object.freeze(Object.keys(DEFINITIONS))

interface Parsed {
  spec: IndicatorSpec
  kernel: AnyKernel
}

function parse(text: string): Parsed {
  const raw = text.trim()
  const parts = raw.split(':').map((x) => x.trim())
  const name = parts[0].toLowerCase()
  const def = DEFINITIONS[name]
  if (!def) throw new IndicatorSpecError(raw, `unknown indicator "${parts[0]}" (known: ${INDICATOR_NAMES.join(', ')})`)
  let option: string | undefined
  let rest = parts.slice(1)
  const last = rest[rest.length - 1]
  if (last !== undefined && /^[a-z]+$/i.test(last)) {
    option = last.toLowerCase()
    if (!def.options?.includes(option)) throw new IndicatorSpecError(raw, `unknown option "${last}" for ${name}`)
    rest = rest.slice(0, -1)
  }
  const maxParams = name === 'vwap' ? 1 : def.defaults.length
  if (rest.length > maxParams) throw new IndicatorSpecError(raw, `${name} takes at most ${maxParams} parameter(s)`)
  const given = rest.map((x) => {
    const v = Number(x)
    if (x === '' || !Number.isFinite(v)) throw new IndicatorSpecError(raw, `parameter "${x}" is not a number`)
    return v
  })
  const params = name === 'vwap' ? given : def.defaults.map((d, i) => (i < given.length ? given[i] : d))
  for (let i = 0; i < params.length; i++) {
    if (i < def.intParams && !(Number.isInteger(params[i]) && params[i] >= 1))
      throw new IndicatorSpecError(raw, `parameter ${i + 1} must be an integer ≥ 1`)
    const isQ = name === 'quantile' && i === 1
    if (isQ ? !(params[i] >= 0 && params[i] <= 1) : !(params[i] > 0))
      throw new IndicatorSpecError(raw, isQ ? 'quantile q must be in [0, 1]' : `parameter ${i + 1} must be positive`)
  }
  const canonical = [name, ...params.map(String), ...(option ? [option] : [])].join(':')
  let kernel: AnyKernel
  try {
    kernel = def.build(params, option)
  } catch (e) {
    throw new IndicatorSpecError(raw, (e as Error).message)
  }
  const columns = kernel.outputs.map((o) => (o === '' ? canonical : `${canonical}.${o}`))
  return { spec: { text: canonical, name, params, option, columns }, kernel }
}

/** Parses one spec (`rsi:14`); throws IndicatorSpecError naming the spec and the reason. */
export function parseIndicatorSpec(text: string): IndicatorSpec {
  return parse(text).spec
}

/** Splits a comma-separated spec list (`"rsi:14,macd:12:26:9"`). */
export function splitSpecList(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** Named indicator columns, aligned with the input bars (NaN during warm-up). */
export interface IndicatorTable {
  readonly names: readonly string[]
  readonly columns: readonly Float64Array[]
}

/** Streaming indicator computer: `update(bar)` returns every output column's value for that bar. */
export class IndicatorEngine {
  readonly specs: readonly IndicatorSpec[]
  readonly names: readonly string[]
  private readonly kernels: AnyKernel[]
  private states: unknown[]
  private readonly row: BarRow = emptyBarRow()

  constructor(specs: string | readonly string[]) {
    const list = typeof specs === 'string' ? splitSpecList(specs) : specs
    if (list.length === 0) throw new IndicatorSpecError('', 'no indicator given')
    const parsed = list.map(parse)
    this.specs = parsed.map((p) => p.spec)
    this.kernels = parsed.map((p) => p.kernel)
    this.names = this.specs.flatMap((s) => s.columns)
    const twice = this.specs.find((s, i) => this.specs.findIndex((t) => t.text === s.text) !== i)
    if (twice) throw new IndicatorSpecError(twice.text, 'given twice (each output column must have one name)')
    this.states = this.kernels.map((x) => x.init())
  }

  /** Advances every indicator by one closed bar; writes into `out` (length = names.length) and returns it. */
  update(bar: Bar, out: Float64Array = new Float64Array(this.names.length)): Float64Array {
    const r = this.row
    r.time = bar.time
    r.open = bar.open
    r.high = bar.high
    r.low = bar.low
    r.close = bar.close
    r.volume = bar.volume
    r.takerBuyVolume = bar.takerBuyVolume ?? NaN
    this.step(r, out)
    return out
  }

  /** Advances by one row already in BarRow form (the batch path uses this too). */
  step(r: BarRow, out: Float64Array): void {
    let at = 0
    for (let i = 0; i < this.kernels.length; i++) {
      this.kernels[i].update(this.states[i], r, out, at)
      at += this.kernels[i].outputs.length
    }
  }

  /** A deep copy of all indicator states. */
  snapshot(): unknown[] {
    return snapshot(this.states)
  }

  /** Restores states from `snapshot()`. */
  restore(states: unknown[]): void {
    this.states = snapshot(states)
  }
}

/** Columnar view of a list of bars for the kernels (taker-buy volume NaN where absent; no quote-volume or trade columns). */
export function barsToColumns(bars: readonly Bar[]): BarColumns {
  const col = () => new Float64Array(bars.length)
  const c = { time: col(), open: col(), high: col(), low: col(), close: col(), volume: col(), takerBuyVolume: col() }
  for (let i = 0; i < bars.length; i++) setBarRow(c, i, bars[i])
  return c
}

/** Loads row i of columnar bars into a reusable row. */
export function loadRow(c: BarColumns, i: number, r: BarRow): void {
  r.time = c.time[i]
  r.open = c.open[i]
  r.high = c.high[i]
  r.low = c.low[i]
  r.close = c.close[i]
  r.volume = c.volume[i]
  r.takerBuyVolume = c.takerBuyVolume[i]
}

/** Batch form: every spec's outputs over all bars, by the same step the streaming engine uses. */
export function computeIndicators(
  bars: BarColumns | readonly Bar[],
  specs: string | readonly string[],
): IndicatorTable {
  const cols = Array.isArray(bars) ? barsToColumns(bars as readonly Bar[]) : (bars as BarColumns)
  const engine = new IndicatorEngine(specs)
  const n = cols.close.length
  const m = engine.names.length
  const columns = Array.from({ length: m }, () => new Float64Array(n))
  const row = emptyBarRow()
  const out = new Float64Array(m)
  for (let i = 0; i < n; i++) {
    loadRow(cols, i, row)
    engine.step(row, out)
    for (let j = 0; j < m; j++) columns[j][i] = out[j]
  }
  return { names: engine.names, columns }
}
