import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import {
  TIMEFRAME_MS,
  type Bar,
  type Clock,
  type Disposable,
  type Funding,
  type Timeframe,
  type Trade,
} from '../../../src-shared'
import type {
  InstrumentKey,
  MarkPrice,
  SeriesKey,
  SqliteBarStore,
  SqliteFundingStore,
  SqliteTradeStore,
} from '../../store'
import { ImportError, parseImportFile, seriesSymbol, validateRecords, type ImportOptions } from '../import'
import type { FeedStream } from '../live'
import { ReplayServer, type ReplayDataset, type ReplaySeries, type ReplaySpeed } from './replay-server'

/** Stored series to replay: bar series, and optionally stored trades and funding rates per instrument. */
export interface StoredReplaySource {
  readonly store: SqliteBarStore
  readonly series: readonly SeriesKey[]
  readonly trades?: { readonly store: SqliteTradeStore; readonly instruments: readonly InstrumentKey[] }
  readonly funding?: { readonly store: SqliteFundingStore; readonly instruments: readonly InstrumentKey[] }
}

/** Where the replay's data comes from: files (any importable format) or stored data. */
export type ReplaySource =
  { readonly files: readonly string[]; readonly importOptions?: ImportOptions } | StoredReplaySource

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
  /** Only bars (and trades, funding) at or after this time are replayed: the window the shipped models never saw. */
  readonly from?: number
}

/** A running replay plus what a {@link BinanceFeed} needs to follow it. */
export interface EmbeddedReplay extends Disposable {
  readonly server: ReplayServer
  readonly wsBase: string
  readonly restBase: string
  readonly streams: readonly FeedStream[]
  readonly dataset: ReplayDataset
  /** Periods of the first series' timeframe from its first replayed bar to the replay's start: what a feed needs to backfill it all. */
  readonly historyPeriods: number
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
    if (dirname(dir) === dir)
      throw new Error(`bundled sample data not found above ${__dirname} (set ARMADA_SAMPLE_DATA)`)
  }
}

/**
 * The embedded demo's windows. The shipped models (models/README.md) were trained only on bars before `from`; the demo
 * replays only bars from `from` on, so every forecast and alert it shows is out of sample.
 * - regime: Coinbase BTC/USD 1h, trained 2017-07-01 → 2018-12-31, replayed 2019-01-01 → 2019-10-17;
 * - alerts: LEAN's US-equity hourly basket SPY, AAPL, IBM, VXX, trained 2009-01-30 → 2017-12-31, replayed 2018-01-02 → 2021-03-31.
 */
export const DEMO_WINDOWS = {
  regime: { trainedTo: Date.UTC(2018, 11, 31, 23), from: Date.UTC(2019, 0, 1) },
  alerts: { trainedTo: Date.UTC(2017, 11, 31, 23), from: Date.UTC(2018, 0, 1) },
} as const

/** The files the embedded default replays: real Coinbase BTC/USD 1h candles (see resources/sample-data/PROVENANCE.md). */
export function defaultReplayFiles(): string[] {
  return [resolve(sampleDataDir(), 'Coinbase_BTCUSD_1h.csv.gz')]
}

/**
 * The embedded default's alert basket files: LEAN's real US-equity hourly bars, SPY first (the basket's lead), then
 * AAPL, IBM and VXX. They are replayed by a second server with its own cursor (their dates differ from BTC/USD's).
 */
export function defaultBasketReplayFiles(): string[] {
  return ['spy', 'aapl', 'ibm', 'vxx'].map((s) => resolve(sampleDataDir(), 'lean', 'equity_hour', `${s}.csv.gz`))
}

/** The part of a dataset at or after `from` (every series, trade list and funding list). */
export function datasetFrom(d: ReplayDataset, from: number): ReplayDataset {
  return {
    bars: d.bars.map((s) => ({ ...s, bars: s.bars.filter((b) => b.time >= from) })),
    ...(d.trades ? { trades: d.trades.map((t) => ({ ...t, trades: t.trades.filter((x) => x.time >= from) })) } : {}),
    ...(d.funding
      ? { funding: d.funding.map((f) => ({ ...f, funding: f.funding.filter((x) => x.time >= from) })) }
      : {}),
    ...(d.marks ? { marks: d.marks.map((m) => ({ ...m, marks: m.marks.filter((x) => x.time >= from) })) } : {}),
    ...(d.bookTops ? { bookTops: d.bookTops.map((b) => ({ ...b, tops: b.tops.filter((x) => x.time >= from) })) } : {}),
    ...(d.depth ? { depth: d.depth.map((b) => ({ ...b, snapshots: b.snapshots.filter((x) => x.time >= from) })) } : {}),
    ...(d.liquidations
      ? {
          liquidations: d.liquidations.map((l) => ({
            ...l,
            liquidations: l.liquidations.filter((x) => x.time >= from),
          })),
        }
      : {}),
  }
}

/** Reads files into a replay dataset (validated like an import, nothing stored). Throws {@link ImportError} per bad file. */
export function loadReplayDataset(files: readonly string[], options: ImportOptions = {}): ReplayDataset {
  const bars: ReplaySeries[] = []
  const trades: { symbol: string; trades: Trade[] }[] = []
  const funding: { symbol: string; funding: Funding[] }[] = []
  const marks: { symbol: string; marks: MarkPrice[] }[] = []
  for (const file of files) {
    const parsed = parseImportFile(file, options)
    const v = validateRecords(file, parsed, options.timeframe)
    // Binance stream names have no dashes, so a contract's dash goes too (BTC-PERP streams as btcperp@kline_1m).
    const symbol = seriesSymbol(file, options.symbol ?? parsed.hints.symbol).replace(/-/g, '')
    if (v.data.kind === 'bars')
      bars.push({ symbol, timeframe: v.timeframe as Timeframe, bars: v.data.records as Bar[] })
    else if (v.data.kind === 'trades') trades.push({ symbol, trades: v.data.records })
    else if (v.data.kind === 'funding') funding.push({ symbol, funding: v.data.records })
    else marks.push({ symbol, marks: v.data.records })
  }
  return { bars, trades, funding, ...(marks.length ? { marks } : {}) }
}

function loadStored(src: StoredReplaySource): ReplayDataset {
  return {
    bars: src.series.map((k) => ({
      symbol: k.symbol,
      timeframe: k.timeframe,
      bars: [...src.store.pages(k)].flat().map(({ symbol: _s, venue: _v, timeframe: _t, partial: _p, ...bar }) => bar),
    })),
    trades: (src.trades?.instruments ?? []).map((k) => ({
      symbol: k.symbol,
      trades: [...src.trades!.store.pages(k)].flat(),
    })),
    funding: (src.funding?.instruments ?? []).map((k) => ({
      symbol: k.symbol,
      funding: [...src.funding!.store.pages(k)].flat(),
    })),
  }
}

/**
 * Streams a feed should subscribe to for a dataset: klines per series, aggTrade per trade list, markPrice per symbol
 * with funding or marks, bookTicker, depth20 and forceOrder per book-top, depth and liquidation list.
 */
export function replayStreams(dataset: ReplayDataset): FeedStream[] {
  const markSymbols = [...new Set([...(dataset.funding ?? []), ...(dataset.marks ?? [])].map((x) => x.symbol))]
  return [
    ...dataset.bars.map((s): FeedStream => ({ kind: 'kline', symbol: s.symbol, timeframe: s.timeframe })),
    ...(dataset.trades ?? []).map((t): FeedStream => ({ kind: 'aggTrade', symbol: t.symbol })),
    ...markSymbols.map((symbol): FeedStream => ({ kind: 'markPrice', symbol })),
    ...(dataset.bookTops ?? []).map((b): FeedStream => ({ kind: 'bookTicker', symbol: b.symbol })),
    ...(dataset.depth ?? []).map((b): FeedStream => ({ kind: 'depth20', symbol: b.symbol })),
    ...(dataset.liquidations ?? []).map((l): FeedStream => ({ kind: 'forceOrder', symbol: l.symbol })),
  ]
}

/**
 * The replay start index that continues a looping series right after `after` (the last bar a previous session
 * stored), so a restarted embedded default keeps moving forward instead of replaying times already stored.
 * Returns `fallback` when nothing newer than the series' own start is stored.
 */
export function resumeIndex(
  bars: readonly Bar[],
  timeframe: Timeframe,
  after: number | undefined,
  fallback: number,
): number {
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
export async function startEmbeddedReplay(
  source: ReplaySource | undefined,
  options: EmbeddedReplayOptions,
  clock: Clock,
): Promise<EmbeddedReplay> {
  const loaded = !source
    ? loadReplayDataset(defaultReplayFiles())
    : 'files' in source
      ? loadReplayDataset(source.files, source.importOptions)
      : loadStored(source)
  const dataset = options.from === undefined ? loaded : datasetFrom(loaded, options.from)
  const lead = dataset.bars[0]
  const first = lead?.bars.length ?? 0
  const startIndex = resumeIndex(
    lead?.bars ?? [],
    lead?.timeframe ?? '1m',
    lead ? options.lastStored?.(lead.symbol, lead.timeframe) : undefined,
    options.startIndex ?? Math.min(1000, Math.floor(first / 2)),
  )
  const server = new ReplayServer(
    dataset,
    { port: options.port ?? 0, speed: options.speed ?? { barsPerSecond: 2 }, startIndex, loop: options.loop ?? true },
    clock,
  )
  const { wsBase, restBase } = await server.start()
  return {
    server,
    wsBase,
    restBase,
    dataset,
    historyPeriods: historyPeriods(lead, startIndex),
    streams: replayStreams(dataset),
    stop: () => server.stop(),
    dispose: () => server.dispose(),
  }
}

/**
 * Timeframe periods from a series' first bar to the bar at (looped) index `start`: a feed asking for that many bars of
 * history gets all of them even where the series has gaps (US equities trade 7 of 24 hours). Capped at 200 000.
 */
function historyPeriods(series: ReplaySeries | undefined, start: number): number {
  const n = series?.bars.length ?? 0
  if (!series || n === 0) return 0
  const tf = TIMEFRAME_MS[series.timeframe]
  const period = series.bars[n - 1].time - series.bars[0].time + tf
  const startTime = series.bars[start % n].time + Math.floor(start / n) * period
  return Math.min(200_000, Math.ceil((startTime - series.bars[0].time) / tf) + 1)
}
