/**
 * A small regime feature table from OHLCV bars, for tests, benchmarks and demos of the ML engine (the
 * production feature sets live in src-main/features). Labels follow DOMAIN.md §1: r = ln(C[t+H]/C[t]),
 * bullish if r > k·σ·√H, bearish if r < −k·σ·√H, σ = std of 1-bar log returns over 100 bars at t.
 */
export interface BarArrays {
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

export interface DemoTable {
  readonly features: readonly string[]
  /** Row-major `[n, F]`, NaN during warm-up. */
  readonly x: Float32Array
  /** 0 bearish, 1 neutral, 2 bullish. */
  readonly regime: Int32Array
  readonly time: Float64Array
  readonly n: number
}

/** Parses a CryptoDataDownload CSV (banner line, `date,symbol,open,high,low,close,volume_btc,volume`, newest first) into ascending bars. */
export function parseCryptoDataDownload(text: string): BarArrays {
  const lines = text.split('\n').filter((l) => l.trim())
  const head = lines.findIndex((l) => l.startsWith('date,'))
  const rows = lines.slice(head + 1).reverse()
  const n = rows.length
  const out = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  }
  rows.forEach((l, i) => {
    const c = l.split(',')
    const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2})-(AM|PM))?/.exec(c[0])
    let h = m?.[2] ? Number(m[2]) % 12 : 0
    if (m?.[3] === 'PM') h += 12
    out.time[i] = m ? Date.parse(`${m[1]}T00:00:00Z`) + h * 3_600_000 : NaN
    out.open[i] = Number(c[2])
    out.high[i] = Number(c[3])
    out.low[i] = Number(c[4])
    out.close[i] = Number(c[5])
    out.volume[i] = Number(c[6])
  })
  return out
}

function rollingStd(x: Float64Array, i: number, w: number): number {
  if (i < w) return NaN
  let s = 0
  let s2 = 0
  for (let k = i - w + 1; k <= i; k++) {
    s += x[k]
    s2 += x[k] * x[k]
  }
  const m = s / w
  return Math.sqrt(Math.max(0, s2 / w - m * m))
}

/** Builds the table; rows without a label (first 100 bars, last `horizon` bars) are dropped. */
export function regimeDemoTable(b: BarArrays, horizon = 12, k = 0.5): DemoTable {
  const n = b.close.length
  const r1 = new Float64Array(n)
  for (let i = 1; i < n; i++) r1[i] = Math.log(b.close[i] / b.close[i - 1])
  const ema = (p: number) => {
    const out = new Float64Array(n)
    const a = 2 / (p + 1)
    out[0] = b.close[0]
    for (let i = 1; i < n; i++) out[i] = out[i - 1] + a * (b.close[i] - out[i - 1])
    return out
  }
  const e20 = ema(20)
  const e50 = ema(50)
  const features = [
    'ret1',
    'ret5',
    'ret10',
    'ret20',
    'ret200',
    'vol10',
    'vol20',
    'vol50',
    'range',
    'closePos',
    'volRatio',
    'rsi14',
    'ema20',
    'ema50',
    'trend',
    'zscore20',
  ]
  const f = features.length
  // Wilder RSI.
  const rsi = new Float64Array(n).fill(NaN)
  let up = 0
  let dn = 0
  for (let i = 1; i < n; i++) {
    const d = b.close[i] - b.close[i - 1]
    if (i <= 14) {
      up += Math.max(d, 0) / 14
      dn += Math.max(-d, 0) / 14
    } else {
      up = (up * 13 + Math.max(d, 0)) / 14
      dn = (dn * 13 + Math.max(-d, 0)) / 14
    }
    if (i >= 14) rsi[i] = dn === 0 ? 100 : 100 - 100 / (1 + up / dn)
  }
  const rows: number[] = []
  for (let i = 100; i + horizon < n; i++) rows.push(i)
  const x = new Float32Array(rows.length * f)
  const regime = new Int32Array(rows.length)
  const time = new Float64Array(rows.length)
  rows.forEach((i, q) => {
    const c = b.close[i]
    const ret = (w: number) => (i >= w ? Math.log(c / b.close[i - w]) : NaN)
    let vm = 0
    for (let j = i - 19; j <= i; j++) vm += b.volume[j] / 20
    let cm = 0
    for (let j = i - 19; j <= i; j++) cm += b.close[j] / 20
    let cs = 0
    for (let j = i - 19; j <= i; j++) cs += (b.close[j] - cm) ** 2 / 20
    const hl = b.high[i] - b.low[i]
    const v = [
      ret(1),
      ret(5),
      ret(10),
      ret(20),
      ret(200),
      rollingStd(r1, i, 10),
      rollingStd(r1, i, 20),
      rollingStd(r1, i, 50),
      hl / c,
      hl > 0 ? (c - b.low[i]) / hl : NaN,
      vm > 0 ? Math.log((b.volume[i] + 1e-9) / vm) : NaN,
      rsi[i],
      e20[i] / c - 1,
      e50[i] / c - 1,
      (e20[i] - e50[i]) / c,
      cs > 0 ? (c - cm) / Math.sqrt(cs) : 0,
    ]
    for (let j = 0; j < f; j++) x[q * f + j] = v[j]
    const sigma = rollingStd(r1, i, 100)
    const r = Math.log(b.close[i + horizon] / c)
    const t = k * sigma * Math.sqrt(horizon)
    regime[q] = r > t ? 2 : r < -t ? 0 : 1
    time[q] = b.time[i]
  })
  return { features, x, regime, time, n: rows.length }
}
