import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  ALERT_TIMEFRAMES,
  CallRefused,
  isTimeframe,
  parseFollowList,
  parseAlertBasket,
  parseLiveStrategies,
  STRATEGY_CATALOG,
  strategyInfo,
  type AlertBasketSpec,
  type FollowSeriesRequest,
  type LiveStrategySpec,
} from '../../../src-shared'
import { HeadlessServer, tokenProblem } from '../../api'
import { createCore, defaultDatabasePath, demoDatabasePath, EMBEDDED_VENUE, type LiveConfig } from '../../core'
import { contextStreams, ImportError } from '../../data'
import {
  InputError,
  optionalDevice,
  optionalNumber,
  symbolArgument,
  UsageError,
  type Command,
  type CommandContext,
  type OptionValues,
} from '../command'
import { INFLATE_LIMIT_DETAILS, INFLATE_LIMIT_OPTIONS, INFLATE_LIMIT_USAGE, inflateLimits } from './import'

/** What the embedded default replays, in one line (DEMO_WINDOWS: the shipped models never saw these bars). */
const EMBEDDED_SOURCE =
  'replay of the bundled real sample, out of sample for the shipped models: Coinbase BTC/USD 1h from 2019-01-01 (regime forecasts) and US equities SPY, AAPL, IBM, VXX 1h from 2018-01-02 (predictive alerts)'

/** How long a graceful shutdown may take before the process names the stalled step and exits. */
const SHUTDOWN_LIMIT_MS = 15_000

/** The built renderer: beside the bundle (out/main → out/renderer), or out/renderer from the source tree. */
export function rendererDir(): string {
  const candidates = [
    join(__dirname, '..', 'renderer'),
    resolve(__dirname, '..', '..', 'out', 'renderer'),
    resolve(__dirname, '..', '..', '..', 'out', 'renderer'),
  ]
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]
}

/** The live source chosen by serve's flags: --replay files, --embedded (bundled sample), --feed-ws (exchange), or none. */
function liveConfig(ctx: CommandContext): LiveConfig | undefined {
  const v = ctx.values
  const replay = (v.replay as string[] | undefined) ?? []
  const barsPerSecond = optionalNumber(v, 'speed')
  if (barsPerSecond !== undefined && !(barsPerSecond > 0)) throw new UsageError('--speed must be > 0 (bars per second)')
  if (typeof v['feed-ws'] === 'string') {
    const symbols = String(v.symbols ?? '')
      .split(',')
      .filter((s) => s.trim())
      .map((s) => symbolArgument(s, '--symbols'))
    const timeframe = String(v.timeframe ?? '1m')
    if (symbols.length === 0) throw new UsageError('--symbols is required with --feed-ws (e.g. BTCUSDT,ETHUSDT)')
    if (!isTimeframe(timeframe)) throw new UsageError(`unknown timeframe "${timeframe}"`)
    if (v.market !== undefined && v.market !== 'spot' && v.market !== 'usdm')
      throw new UsageError(`--market must be spot or usdm, got "${String(v.market)}"`)
    const market = v.market === 'usdm' ? 'usdm' : 'spot'
    const context = v.context ?? 'full'
    if (context !== 'full' && context !== 'klines')
      throw new UsageError(`--context must be full or klines, got "${String(context)}"`)
    const restBase =
      typeof v['feed-rest'] === 'string'
        ? v['feed-rest']
        : market === 'usdm'
          ? 'https://fapi.binance.com'
          : 'https://api.binance.com'
    return {
      kind: 'exchange',
      feed: {
        wsBase: v['feed-ws'],
        restBase,
        market,
        initialHistoryBars: 1000,
        streams: contextStreams(symbols, timeframe, market, context),
      },
    }
  }
  if (replay.length > 0) return { kind: 'replay', files: replay, ...(barsPerSecond ? { barsPerSecond } : {}) }
  if (v.embedded) return { kind: 'replay', ...(barsPerSecond ? { barsPerSecond } : {}) }
  return undefined
}

/** `--strategies`: strategy@SYMBOL[.VENUE]:TF items, each strategy known; a missing venue is `venue` ('' = stored). */
function liveStrategies(values: OptionValues, venue: string): LiveStrategySpec[] {
  if (typeof values.strategies !== 'string') return []
  let specs: LiveStrategySpec[]
  try {
    specs = parseLiveStrategies(values.strategies, () => venue)
  } catch (err) {
    throw new UsageError(`--strategies: ${(err as Error).message}`)
  }
  for (const s of specs)
    if (!strategyInfo(s.strategy))
      throw new UsageError(
        `--strategies: unknown strategy "${s.strategy}" (one of ${STRATEGY_CATALOG.map((x) => x.name).join(', ')})`,
      )
  return specs
}

/** `--alert-basket [NAME=]LEAD,SECOND,…@VENUE:TF`: ≥ 3 distinct instruments on an alert timeframe. */
function alertBasketOption(values: Record<string, unknown>): AlertBasketSpec | undefined {
  if (values['alert-basket'] === undefined) return undefined
  if (typeof values['alert-basket'] !== 'string') throw new UsageError('--alert-basket needs a value')
  let b: AlertBasketSpec
  try {
    b = parseAlertBasket(values['alert-basket'])
  } catch (err) {
    throw new UsageError(`--alert-basket ${(err as Error).message}`)
  }
  if (b.assets.length < 3)
    throw new UsageError(`--alert-basket needs at least 3 instruments (the lead first), got ${b.assets.length}`)
  if (new Set(b.assets).size !== b.assets.length) throw new UsageError('--alert-basket lists an instrument twice')
  if (!(ALERT_TIMEFRAMES as readonly string[]).includes(b.timeframe))
    throw new UsageError(
      `--alert-basket: the timeframe must be one of ${ALERT_TIMEFRAMES.join(', ')}, got "${b.timeframe}"`,
    )
  return b
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'headless workstation: web UI, WebSocket RPC, REST and metrics on 127.0.0.1',
  usage:
    'serve [--port P] [--token T] [--max-upload-mb N] [--embedded | --replay FILE… | --feed-ws URL --symbols A,B [--timeframe TF] [--market spot|usdm] [--context full|klines] [--feed-rest URL]] [--speed BARS_PER_S] [--strategies S@SYM[.VENUE]:TF,…] [--alert-basket [NAME=]LEAD,SECOND,…@VENUE:TF] [--follow SYM[.VENUE]:TF,…] [--device auto|cpu|webgpu|cuda] ' +
    INFLATE_LIMIT_USAGE,
  details:
    'Prints the URL (with the per-run token in its fragment) and serves until interrupted.\n' +
    'State-changing calls need the token: RPC field "token", REST header "Authorization: Bearer <token>".\n' +
    'ARMADA_TOKEN sets a fixed token for scripts (--token and ARMADA_TOKEN: 16 to 256 visible ASCII characters).\n' +
    'Files dropped or picked in the web UI are uploaded (POST /api/uploads, token required, --max-upload-mb limit,\n' +
    'default 1024) into a private temporary folder, imported, then deleted.\n' +
    'Live data: --embedded replays the bundled real sample through a Binance-protocol server on 127.0.0.1 and\n' +
    'the live feed client (what `npm start` uses); --replay FILE… does the same for any importable files;\n' +
    '--feed-ws connects to an exchange (e.g. wss://stream.binance.com:9443) and backfills gaps over REST. With\n' +
    '--context full (default) it also stores the market context the feature sets read: trades (taker side), book\n' +
    'ticker and 20-level depth (kept feeds.bookRetentionHours, default 72), and on --market usdm mark price,\n' +
    'funding and liquidations; --context klines follows the bars only.\n' +
    '--strategies battle-navale@BTCUSD:1h,… runs strategies live on those series (paper broker, signals stored), added\n' +
    "to those enabled in the UI; a missing venue is the embedded one, the feed's (BINANCE), or the one storing the series.\n" +
    '--follow BTCUSDT:5m,ETHUSDT:1h follows those series (on the feed when it streams them, else as stored) with regime\n' +
    'forecasts on, as the Data view does (stored: they stay followed); a forecaster is trained for one that has none.\n' +
    '--alert-basket SPY,AAPL,IBM@USA:1h makes that basket (≥ 3 series, lead first) the one the alert loop scores, as the\n' +
    "Alerts view's basket editor does (stored: it stays chosen on the next start); its models are alerts-<name>-….\n" +
    '--device picks where batch work runs (backfills, evaluations): auto (default: the `inference.device` setting, else\n' +
    'auto) probes webgpu then cuda once at start and uses one for a batch only where a probe batch ran faster; live\n' +
    'single-row scoring stays on cpu. /api/health and the status bar show the device and, on fallback, why.\n' +
    'The inflate limits apply to uploads, imports and --replay files:\n' +
    INFLATE_LIMIT_DETAILS,
  options: {
    port: { type: 'string' },
    token: { type: 'string' },
    embedded: { type: 'boolean' },
    replay: { type: 'string', multiple: true },
    speed: { type: 'string' },
    'feed-ws': { type: 'string' },
    'feed-rest': { type: 'string' },
    symbols: { type: 'string' },
    timeframe: { type: 'string' },
    market: { type: 'string' },
    context: { type: 'string' },
    strategies: { type: 'string' },
    'alert-basket': { type: 'string' },
    follow: { type: 'string' },
    'max-upload-mb': { type: 'string' },
    device: { type: 'string' },
    ...INFLATE_LIMIT_OPTIONS,
  },
  allowPositionals: true,
  keepsRunning: true,
  async run(ctx) {
    const port = optionalNumber(ctx.values, 'port') ?? 7420
    // `--replay a.csv b.csv`: parseArgs takes the first after the flag, the rest arrive as positionals.
    const replayFiles = [
      ...((ctx.values.replay as string[] | undefined) ?? []),
      ...(ctx.values.replay ? ctx.positionals : []),
    ]
    if (!ctx.values.replay && ctx.positionals.length > 0)
      throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`)
    const live = liveConfig({
      ...ctx,
      values: { ...ctx.values, ...(replayFiles.length ? { replay: replayFiles } : {}) },
    })
    // A fixed token is checked before anything starts: a short one would let any local page or process guess it.
    const token = (ctx.values.token as string | undefined) ?? (process.env.ARMADA_TOKEN || undefined)
    const problem = token === undefined ? undefined : tokenProblem(token)
    if (problem) throw new UsageError(`${ctx.values.token !== undefined ? '--token' : 'ARMADA_TOKEN'}: ${problem}`)
    const maxUploadMb = optionalNumber(ctx.values, 'max-upload-mb')
    if (maxUploadMb !== undefined && !(maxUploadMb > 0)) throw new UsageError('--max-upload-mb must be > 0')
    // The embedded demo keeps to its own database unless --db names one: the user's armada.db is never written by it.
    const demo = ctx.values.embedded === true && !ctx.dbExplicit
    const dbPath = demo ? demoDatabasePath() : ctx.dbPath
    const limits = inflateLimits(ctx.values)
    const strategies = liveStrategies(
      ctx.values,
      ctx.values.embedded === true ? EMBEDDED_VENUE : live?.kind === 'exchange' ? 'BINANCE' : '',
    )
    const alertBasket = alertBasketOption(ctx.values)
    const device = optionalDevice(ctx.values)
    let follow: FollowSeriesRequest[] = []
    if (typeof ctx.values.follow === 'string')
      try {
        follow = parseFollowList(ctx.values.follow)
      } catch (err) {
        throw new UsageError(`--follow: ${(err as Error).message}`)
      }
    const core = createCore({
      dbPath,
      shell: 'headless',
      ...(live ? { live } : {}),
      ...(alertBasket ? { alertBasket } : {}),
      ...(Object.keys(limits).length > 0 ? { inflateLimits: limits } : {}),
      ...(strategies.length ? { strategies } : {}),
      ...(device ? { device } : {}),
    })
    core.start()
    // `auto` probes the GPU providers once, at start (health and the status bar show the outcome).
    void core.device()
    try {
      await core.startLive()
      for (const f of follow) await core.followSeries(f)
    } catch (err) {
      await core.dispose()
      // A --replay file that cannot be read, is refused or inflates past a limit is bad input, as in `armada replay`;
      // so is a --follow series the feed cannot stream and nothing stores.
      if (err instanceof CallRefused) throw new InputError(`--follow: ${err.message.replace(/^followSeries: /, '')}`)
      throw err instanceof ImportError ? new InputError(err.message) : err
    }
    const server = new HeadlessServer(core, {
      port,
      staticDir: rendererDir(),
      uploads: core.uploads,
      ...(core.metrics ? { metrics: core.metrics } : {}),
      ...(maxUploadMb !== undefined ? { maxUploadBytes: Math.round(maxUploadMb * 1024 * 1024) } : {}),
      ...(token ? { token } : {}),
    })
    const addr = await server.start()
    const feed = await core.getFeedStatus()
    const source = live
      ? live.kind === 'replay'
        ? live.files
          ? `replay of ${live.files.join(', ')}`
          : EMBEDDED_SOURCE
        : (feed.url ?? 'exchange')
      : 'none'
    ctx.out(
      { url: addr.url, port: addr.port, token: addr.token, db: dbPath, demo, feed: feed.url ?? null },
      (o) =>
        `Armada is serving at ${o.url}\n` +
        (demo
          ? `(demo database ${o.db} — your own database ${defaultDatabasePath()} is not touched; --db PATH uses another)\n`
          : `(database ${o.db})\n`) +
        `live feed: ${source}; Ctrl+C stops`,
    )
    await new Promise<void>((resolveStop) => {
      const stop = (): void => resolveStop()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    ctx.info('stopping…')
    // A shutdown that stalls names the step it stalls at and exits; a second Ctrl+C / SIGTERM exits at once.
    let step = 'HTTP server'
    const stalled = setTimeout(() => {
      console.error(
        `[armada] shutdown stalled for ${SHUTDOWN_LIMIT_MS / 1000} s at: ${step === 'core' ? (core.disposeStep ?? 'core') : step}; exiting`,
      )
      process.exit(1)
    }, SHUTDOWN_LIMIT_MS)
    stalled.unref()
    const force = (): never => process.exit(130)
    process.once('SIGINT', force)
    process.once('SIGTERM', force)
    await server.dispose()
    step = 'core'
    await core.dispose()
    clearTimeout(stalled)
  },
}
