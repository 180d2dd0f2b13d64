import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { TIMEFRAME_MS, type Bar, type Clock, type Disposable, type Funding, type Timeframe, type Trade } from '../../src-shared'
import type { InstrumentKey, SeriesKey, SqliteBarStore, SqliteFundingStore, SqliteTradeStore } from '../store'
import type { FeedStream } from './binance-feed'
import { ImportError, type ImportOptions } from './import-types'
import { parseImportFile, seriesSymbol } from './market-data-importer'
import { ReplayServer, type ReplayDataset, type ReplaySeries, type ReplaySpeed } from './replay-server'
import { validateRecords } from './validate-records'

/** Stored series to replay: bar series, and optionally stored trades and funding rates per instrument. */
export interface StoredReplaySource {
  readonly store: SqliteBarStore
  readonly series: readonly SeriesKey[]
  readonly trades?: { readonly store: SqliteTradeStore; readonly instruments: readonly InstrumentKey[] }
  readonly funding?: { readonly store: SqliteFundingStore; readonly instruments: readonly InstrumentKey[] }
}

/** Where the replay's data comes from: files (any importable format) or stored data. */
export type ReplaySource = { readonly files: readonly string[]; readonly importOptions?: ImportOptions } | StoredReplaySource

/** Options for {@link startEmbeddedReplay}. */
export interface EmbeddedReplayOptions {
  readonly port?: number
  /** Default: 2 bars per second. */
  readonly speed?: ReplaySpeed
  /** Bars already in the past when the replay starts (served by REST as history). Default: half the first series, at most 1000. */
  readonly startIndex?: number
  /** Open time of the latest bar already stored for a series: the replay resumes after it for the first series. */
  readonly lastStored?: (symbol: string, timeframe: Timeframe) => number | undefined
  /** Default true: after the last bar the data starts again, shifted forward, so bars keep arriving. */
  readonly loop?: boolean
}

/** A running replay plus what a {@link BinanceFeed} needs to follow it. */
export interface EmbeddedReplay extends Disposable {
  readonly server: ReplayServer
  readonly wsBase: string
  readonly restBase: string
  readonly streams: readonly FeedStream[]
  readonly dataset: ReplayDataset
  /** Stops the server and waits for the port to be released. */
  stop(): Promise<void>
}

/**
 * Folder of the bundled sample data: `ARMADA_SAMPLE_DATA`, else `resources/sample-data` found above this module
 * (source tree, `out/main` build, or an app's resources folder).
 */
export function sampleDataDir(): string {
  if (process.env.ARMADA_SAMPLE_DATA) return process.env.ARMADA_SAMPLE_DATA
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'sample-data')
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) throw new Error(`bundled sample data not found above ${__dirname} (set ARMADA_SAMPLE_DATA)`)
  }
}

/** The files the embedded default replays: real BTC/USDT 5m candles (see resources/sample-data/PROVENANCE.md). */
export function defaultReplayFiles(): string[] {
  return [resolve(sampleDataDir(), 'BTC_USDT-5m.json.gz')]
}

/**
 * The embedded default's alert basket files: the 7 real Bittrex alt/BTC 5m pairs (2018-01-10 → 01-30), ETH/BTC first
 * (the basket's lead). They are replayed by a second server with its own cursor (their dates differ from BTC/USDT's).
 */
export function defaultBasketReplayFiles(): string[] {
  return ['ETH_BTC', 'ETC_BTC', 'DASH_BTC', 'ADA_BTC', 'XLM_BTC', 'TRX_BTC', 'NXT_BTC'].map((s) => resolve(sampleDataDir(), `${s}-5m.json.gz`))
}

/** Reads files into a replay dataset (validated like an import, nothing stored). Throws {@link ImportError} per bad file. */
export function loadReplayDataset(files: readonly string[], options: ImportOptions = {}): ReplayDataset {
  const bars: ReplaySeries[] = []
  const trades: { symbol: string; trades: Trade[] }[] = []
  const funding: { symbol: string; funding: Funding[] }[] = []
  for (const file of files) {
    const parsed = parseImportFile(file, options)
    const v = validateRecords(file, parsed, options.timeframe)
    // Binance stream names have no dashes, so a contract's dash goes too (BTC-PERP streams as btcperp@kline_1m).
    const symbol = seriesSymbol(file, options.symbol ?? parsed.hints.symbol).replace(/-/g, '')
    if (v.data.kind === 'bars') bars.push({ symbol, timeframe: v.timeframe as Timeframe, bars: v.data.records as Bar[] })
    else if (v.data.kind === 'trades') trades.push({ symbol, trades: v.data.records })
    else if (v.data.kind === 'funding') funding.push({ symbol, funding: v.data.records })
    else throw new ImportError(file, 'mark-price files cannot be replayed')
  }
  return { bars, trades, funding }
}

function loadStored(src: StoredReplaySource): ReplayDataset {
  return {
    bars: src.series.map((k) => ({
      symbol: k.symbol,
      timeframe: k.timeframe,
      bars: [...src.store.pages(k)].flat().map(({ symbol: _s, venue: _v, timeframe: _t, partial: _p, ...bar }) => bar),
    })),
    trades: (src.trades?.instruments ?? []).map((k) => ({ symbol: k.symbol, trades: [...src.trades!.store.pages(k)].flat() })),
    funding: (src.funding?.instruments ?? []).map((k) => ({ symbol: k.symbol, funding: [...src.funding!.store.pages(k)].flat() })),
  }
}

/** Streams a feed should subscribe to for a dataset: klines per series, aggTrade per trade list, markPrice per funding list. */
export function replayStreams(dataset: ReplayDataset): FeedStream[] {
  return [
    ...dataset.bars.map((s): FeedStream => ({ kind: 'kline', symbol: s.symbol, timeframe: s.timeframe })),
    ...(dataset.trades ?? []).map((t): FeedStream => ({ kind: 'aggTrade', symbol: t.symbol })),
    ...(dataset.funding ?? []).map((f): FeedStream => ({ kind: 'markPrice', symbol: f.symbol })),
  ]
}

/**
 * The replay start index that continues a looping series right after `after` (the last bar a previous session
 * stored), so a restarted embedded default keeps moving forward instead of replaying times already stored.
 * Returns `fallback` when nothing newer than the series' own start is stored.
 */
export function resumeIndex(bars: readonly Bar[], timeframe: Timeframe, after: number | undefined, fallback: number): number {
  const n = bars.length
  if (n === 0 || after === undefined || after < bars[0].time) return fallback
  const period = bars[n - 1].time - bars[0].time + TIMEFRAME_MS[timeframe]
  const loops = Math.floor((after - bars[0].time) / period)
  let j = 0
  while (j < n && bars[j].time + loops * period <= after) j++
  return Math.max(fallback, loops * n + j)
}

/**
 * Starts a {@link ReplayServer} on 127.0.0.1 over files or stored series (default: the bundled sample), looping and
 * starting from an offset so live bars keep arriving. The lead's core connects a {@link BinanceFeed} to `wsBase`/`restBase`.
 */
export async function startEmbeddedReplay(source: ReplaySource | undefined, options: EmbeddedReplayOptions, clock: Clock): Promise<EmbeddedReplay> {
  const dataset = !source ? loadReplayDataset(defaultReplayFiles()) : 'files' in source ? loadReplayDataset(source.files, source.importOptions) : loadStored(source)
  const first = dataset.bars[0]?.bars.length ?? 0
  const server = new ReplayServer(
    dataset,
    {
      port: options.port ?? 0,
      speed: options.speed ?? { barsPerSecond: 2 },
      startIndex: resumeIndex(
        dataset.bars[0]?.bars ?? [],
        dataset.bars[0]?.timeframe ?? '1m',
        dataset.bars[0] ? options.lastStored?.(dataset.bars[0].symbol, dataset.bars[0].timeframe) : undefined,
        options.startIndex ?? Math.min(1000, Math.floor(first / 2)),
      ),
      loop: options.loop ?? true,
    },
    clock,
  )
  const { wsBase, restBase } = await server.start()
  return { server, wsBase, restBase, dataset, streams: replayStreams(dataset), stop: () => server.stop(), dispose: () => server.dispose() }
}
