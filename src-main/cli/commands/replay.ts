import { systemClock } from '../../../src-shared'
import { ImportError, startEmbeddedReplay, type ReplaySpeed } from '../../data'
import { InputError, optionalNumber, UsageError, type Command } from '../command'
import { importOptions, INFLATE_LIMIT_DETAILS, INFLATE_LIMIT_OPTIONS, INFLATE_LIMIT_USAGE } from './import'

/** `--speed 5` = 5 bars per second; `--speed 60x` = 60 × real time. */
function parseSpeed(v: unknown): ReplaySpeed {
  if (v === undefined) return { barsPerSecond: 2 }
  const s = String(v).trim()
  const n = Number(s.endsWith('x') ? s.slice(0, -1) : s)
  if (!(n > 0) || !Number.isFinite(n))
    throw new UsageError(`--speed must be bars per second (e.g. 5) or a multiplier (e.g. 60x), got "${s}"`)
  return s.endsWith('x') ? { multiplier: n } : { barsPerSecond: n }
}

/** `armada replay FILE…`: a Binance-protocol replay server on 127.0.0.1 until interrupted. */
export const replayCommand: Command = {
  name: 'replay',
  summary:
    'serve files over the Binance WebSocket + REST klines protocol on 127.0.0.1 (a local exchange for the live client)',
  usage: `replay FILE… [--port P] [--speed X] [--start N] [--no-loop] [--symbol S] [--timeframe TF] [--format F] ${INFLATE_LIMIT_USAGE} [--json]`,
  details:
    'X: bars per second (default 2) or a time multiplier with an x suffix (60x).\n' +
    'Streams <symbol>@kline_<tf> (forming updates, then the closed kline with x=true), @aggTrade for trade files and\n' +
    '@markPrice@1s for funding files at /stream?streams=…; REST klines at /api/v3/klines and /fapi/v1/klines.\n' +
    '--start N puts the first N bars in the past (REST history); the replay loops forward in time unless --no-loop.\n' +
    'Prints the ws and rest URLs, then serves until interrupted.\n' +
    INFLATE_LIMIT_DETAILS,
  options: {
    port: { type: 'string' },
    speed: { type: 'string' },
    start: { type: 'string' },
    'no-loop': { type: 'boolean' },
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    format: { type: 'string' },
    ...INFLATE_LIMIT_OPTIONS,
  },
  allowPositionals: true,
  keepsRunning: true,
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UsageError('at least one FILE is required')
    const port = optionalNumber(ctx.values, 'port') ?? 0
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0…65535, got ${port}`)
    const startIndex = optionalNumber(ctx.values, 'start')
    const speed = parseSpeed(ctx.values.speed)
    let replay
    try {
      replay = await startEmbeddedReplay(
        { files: ctx.positionals, importOptions: importOptions(ctx.values) },
        { port, speed, loop: !ctx.values['no-loop'], ...(startIndex === undefined ? {} : { startIndex }) },
        systemClock,
      )
    } catch (err) {
      if (err instanceof ImportError) throw new InputError(err.message)
      throw err
    }
    const streams = replay.streams.map((s) =>
      s.kind === 'kline'
        ? `${s.symbol.toLowerCase()}@kline_${s.timeframe}`
        : s.kind === 'markPrice'
          ? `${s.symbol.toLowerCase()}@markPrice@1s`
          : `${s.symbol.toLowerCase()}@${s.kind}`,
    )
    ctx.out(
      {
        ws: `${replay.wsBase}/stream?streams=${streams.join('/')}`,
        wsBase: replay.wsBase,
        rest: `${replay.restBase}/api/v3/klines`,
        restBase: replay.restBase,
        streams,
      },
      (r) => `replaying on 127.0.0.1 (Ctrl+C stops)\nws   ${r.ws}\nrest ${r.rest}`,
    )
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop())
      process.once('SIGTERM', () => resolveStop())
    })
    ctx.info('stopping…')
    await replay.stop()
  },
}
