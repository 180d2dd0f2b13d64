import {
  ALERT_TIMEFRAMES,
  ALERT_TYPES,
  ALERTS_TRAIN_JOB_KIND,
  isTimeframe,
  REGIME_TRAIN_JOB_KIND,
  TIMEFRAME_MS,
  venuesStoring,
  type AlertType,
  type ModelMetricSummary,
} from '../../../src-shared'
import type {
  AlertModelResult,
  AlertsTrainJobResult,
  RegimeTrainJobModel,
  RegimeTrainJobResult,
} from '../../predictors'
import {
  InputError,
  optionalNumber,
  requireString,
  requireSymbol,
  requireSymbolList,
  storedVenue,
  timeRange,
  UsageError,
  type Command,
  type OptionValues,
} from '../command'
import { jobResult, runJob } from '../run-job'

const f3 = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—')

/** `--horizons 12,48` as positive integers. */
function horizons(values: OptionValues): number[] | undefined {
  if (typeof values.horizons !== 'string') return undefined
  const list = values.horizons
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
  if (!list.length || list.some((h) => !Number.isInteger(h) || h < 1))
    throw new UsageError(`--horizons must be positive integers separated by commas, got "${values.horizons}"`)
  return list
}

/** `--rf k=v,k=v` / `--gbdt k=v,…` as numeric trainer params. */
function memberParams(values: OptionValues, key: 'rf' | 'gbdt'): Record<string, number> | undefined {
  const raw = values[key]
  if (typeof raw !== 'string') return undefined
  const out: Record<string, number> = {}
  for (const part of raw.split(',').filter(Boolean)) {
    const m = /^([a-z_]+)=(-?[0-9.]+)$/.exec(part.trim())
    if (!m) throw new UsageError(`--${key} must be k=v pairs separated by commas (numbers), got "${part}"`)
    out[m[1]] = Number(m[2])
  }
  return out
}

function row(label: string, m: ModelMetricSummary): string {
  return `  ${label.padEnd(22)} F1 ${f3(m.f1)}  AUC ${f3(m.rocAuc)}  log loss ${f3(m.logLoss)}  acc ${f3(m.accuracy)}  Brier ${f3(m.brier)}`
}

function report(results: readonly RegimeTrainJobModel[]): string {
  return results
    .map((r) =>
      [
        `${r.name}: rf + gbdt ensemble, H = ${r.horizon}, ${r.rows} labelled rows of ${r.bars} bars; walk-forward ${r.folds.length} folds, purge ${r.purge}, embargo ${r.embargo} (pooled ${r.walkForward.n} test rows)`,
        row('ensemble', r.walkForward),
        ...r.members.map((m) => row(`${m.algo} (w ${m.weight.toFixed(2)})`, m.walkForward)),
        row('majority baseline', r.baseline.majority),
        row('persistence baseline', r.baseline.persistence),
        row('label of t−H baseline', r.baseline.knownPersistence),
        `  gap ${f3(r.gap)} (overfitting ${r.overfitting}); registered ${r.versionId} ${r.alias ? `as ${r.alias}` : '(already registered)'}`,
      ].join('\n'),
    )
    .join('\n\n')
}

/** `armada train regime`: the DOMAIN.md §1 forecaster for one stored series, one ensemble per horizon. */
export const trainRegimeCommand: Command = {
  name: 'train regime',
  summary: 'train the regime forecaster (rf + gbdt ensemble per horizon) on one stored series and register it',
  usage:
    'train regime --symbol S --timeframe TF [--venue V] [--horizons 12,48] [--k 0.5] [--from T] [--to T] [--seed N] [--rf k=v,…] [--gbdt k=v,…] [--db PATH] [--json]',
  details:
    'Label (DOMAIN.md §1) per horizon; the 43 regime features; random forest 0.2 + GBDT 0.4 (renormalised) merged into one ONNX graph,\n' +
    'validated walk-forward (expanding, purge = H, embargo = max(H, 1 day of bars)) next to the majority and persistence baselines.\n' +
    '--from/--to (ISO-8601 or epoch ms) limit training to those bars (labels never look past --to): forecasts after --to are\n' +
    'out of sample, and the card records the window. A label whose class shares are degenerate (a class > 95 % or < 0.5 %) is refused.\n' +
    'JSON: one entry per horizon with `walkForward` (pooled ensemble metrics) and `baseline` ({majority, persistence}).',
  options: {
    symbol: { type: 'string' },
    venue: { type: 'string' },
    timeframe: { type: 'string' },
    horizons: { type: 'string' },
    k: { type: 'string' },
    seed: { type: 'string' },
    rf: { type: 'string' },
    gbdt: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
  async run(ctx) {
    const symbol = requireSymbol(ctx.values)
    const window = timeRange(ctx.values)
    const timeframe = requireString(ctx.values, 'timeframe')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe: unknown timeframe "${timeframe}"`)
    const hs = horizons(ctx.values)
    const k = optionalNumber(ctx.values, 'k')
    const seed = optionalNumber(ctx.values, 'seed')
    const rf = memberParams(ctx.values, 'rf')
    const gbdt = memberParams(ctx.values, 'gbdt')
    const core = ctx.openCore()
    const venue = storedVenue(ctx.values, await core.listSeries(), symbol, timeframe)
    let lastMessage = ''
    const request = {
      symbol,
      venue,
      timeframe,
      ...window,
      ...(hs ? { horizons: hs } : {}),
      ...(k !== undefined ? { k } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(rf ? { rf } : {}),
      ...(gbdt ? { gbdt } : {}),
    }
    const done = await runJob(core, REGIME_TRAIN_JOB_KIND, request, (message) => {
      if (message !== lastMessage) ctx.info(message)
      lastMessage = message
    })
    const results = jobResult<RegimeTrainJobResult>(done, 'training cancelled').models
    ctx.out(
      {
        symbol,
        venue,
        timeframe,
        horizons: results.map((r) => ({
          name: r.name,
          horizon: r.horizon,
          versionId: r.versionId,
          created: r.created,
          alias: r.alias,
          bars: r.bars,
          rows: r.rows,
          members: r.members,
          walkForward: r.walkForward,
          baseline: r.baseline,
          folds: r.folds,
          purge: r.purge,
          embargo: r.embargo,
          gap: r.gap,
          overfitting: r.overfitting,
          confusion: r.confusion,
        })),
      },
      () => report(results),
    )
  },
}

function alertReport(
  results: readonly AlertModelResult[],
  skipped: readonly { type: string; horizonHours: number; reason: string }[],
): string {
  const lines = results.flatMap((r) => [
    `${r.name}: ${r.rows} labelled rows, base rate ${(100 * r.baseRate).toFixed(1)} %; registered ${r.versionId.slice(0, 12)} ${r.alias ? `as ${r.alias}` : '(already registered)'}`,
    row('ensemble (rf 0.6 + gbdt 0.4)', r.walkForward),
    row('majority baseline', r.baseline.majority),
    row('persistence baseline', r.baseline.persistence),
    row('label of t−H baseline', r.baseline.knownPersistence),
  ])
  return [...lines, ...skipped.map((s) => `skipped ${s.type} h${s.horizonHours}h: ${s.reason}`)].join('\n')
}

/** `armada train alerts`: the DOMAIN.md §2 alert models of a basket of stored series (≥ 3, first = lead). */
export const trainAlertsCommand: Command = {
  name: 'train alerts',
  summary: 'train the predictive alert models (4 types × horizons) on a basket of stored series and register them',
  usage:
    'train alerts --basket LEAD,SECOND,ALT… --timeframe TF [--types T,…] [--horizons 4,12,24,48] [--bars-per-year N] [--from T] [--to T] [--seed N] [--name PREFIX] [--db PATH] [--json]',
  details:
    'Labels (DOMAIN.md §2): VOLATILITY_SPIKE_IMMINENT, SPIKE_LIKELY, CORRELATION_BREAKDOWN, REGIME_CHANGE_PENDING within H hours.\n' +
    'Features: the alerts set (19 columns) on the basket aligned by bar time. One rf 0.6 + gbdt 0.4 model per (type, horizon),\n' +
    'validated walk-forward next to majority, persistence and label-of-t−H baselines; registered as alerts-<type>-h<H>h\n' +
    '(--name alerts-<basket>: the models of a basket chosen in the Alerts view or with serve --alert-basket).\n' +
    '--from/--to (ISO-8601 or epoch ms) limit training to those aligned bars (labels never look past --to); the card records the window.\n' +
    'A (type, horizon) whose label fires on more than 95 % or fewer than 0.5 % of the rows is skipped with that reason.\n' +
    '--symbols is accepted as another name for --basket.',
  options: {
    basket: { type: 'string' },
    symbols: { type: 'string' },
    timeframe: { type: 'string' },
    types: { type: 'string' },
    horizons: { type: 'string' },
    'bars-per-year': { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    name: { type: 'string' },
  },
  async run(ctx) {
    const basketKey = typeof ctx.values.basket === 'string' ? 'basket' : 'symbols'
    if (basketKey === 'symbols' && typeof ctx.values.symbols !== 'string')
      throw new UsageError('--basket is required: LEAD,SECOND,ALT… (at least 3 stored series)')
    const symbols = requireSymbolList(ctx.values, basketKey)
    if (symbols.length < 3)
      throw new UsageError(`--${basketKey} needs at least 3 instruments (the first is the lead), got ${symbols.length}`)
    const given = requireString(ctx.values, 'timeframe')
    const timeframe = ALERT_TIMEFRAMES.find((t) => t === given)
    if (!timeframe) throw new UsageError(`--timeframe must be 5m, 15m, 1h or 4h, got "${given}"`)
    const types =
      typeof ctx.values.types === 'string' ? ctx.values.types.split(',').map((t) => t.trim().toUpperCase()) : undefined
    if (types?.some((t) => !(ALERT_TYPES as readonly string[]).includes(t)))
      throw new UsageError(`--types must be among ${ALERT_TYPES.join(', ')}`)
    const hs = horizons(ctx.values)
    const seed = optionalNumber(ctx.values, 'seed')
    const window = timeRange(ctx.values)
    const barsPerYear =
      optionalNumber(ctx.values, 'bars-per-year') ?? Math.round((365 * 24 * 3_600_000) / TIMEFRAME_MS[timeframe])
    const core = ctx.openCore()
    const series = await core.listSeries()
    const assets = symbols.map((symbol) => {
      const venues = venuesStoring(series, symbol, timeframe)
      if (venues.length !== 1)
        throw new InputError(
          venues.length
            ? `${symbol} ${timeframe} is stored for several venues`
            : `no stored bars for ${symbol} ${timeframe} (armada import … first)`,
        )
      return { symbol, venue: venues[0] }
    })
    const request = {
      assets,
      timeframe,
      barsPerYear,
      ...window,
      ...(types ? { types: types as AlertType[] } : {}),
      ...(hs ? { horizonsHours: hs } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}),
    }
    const out = jobResult<AlertsTrainJobResult>(
      await runJob(core, ALERTS_TRAIN_JOB_KIND, request, (m) => ctx.info(m)),
      'training cancelled',
    )
    ctx.out({ symbols, timeframe, bars: out.bars, models: out.models, skipped: out.skipped }, () =>
      alertReport(out.models, out.skipped),
    )
  },
}
