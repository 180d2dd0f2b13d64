import { isTimeframe, TRAIN_ALGOS, TRAIN_JOB_KIND, type ModelMetricSummary, type TrainAlgo } from '../../../src-shared'
import type { ModelTrainingResult } from '../../predictors'
import {
  optionalNumber,
  requireString,
  requireSymbol,
  storedVenue,
  UsageError,
  type Command,
  type OptionValues,
} from '../command'
import { jobResult, runJob } from '../run-job'

/** `--param k=v` (repeatable) as trainer params: numbers and booleans parsed, anything else kept as text. */
function trainerParams(values: OptionValues): Record<string, number | string | boolean> | undefined {
  const raw = values.param
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  if (!list.length) return undefined
  const out: Record<string, number | string | boolean> = {}
  for (const p of list) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(String(p))
    if (!m) throw new UsageError(`--param must be k=v, got "${String(p)}"`)
    const v = m[2]
    out[m[1]] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v
  }
  return out
}

const f3 = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—')
const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ')

function metricCells(m: ModelMetricSummary): string {
  return `${f3(m.f1).padStart(6)} ${f3(m.rocAuc).padStart(6)} ${f3(m.logLoss).padStart(7)} ${f3(m.accuracy).padStart(6)}`
}

/** Human report: folds and pooled metrics next to both baselines, gap, top features, the registered version. */
function report(r: ModelTrainingResult): string {
  const e = r.evaluation
  const head = `${'fold'.padEnd(6)}${'train'.padStart(7)}${'test'.padStart(6)}  ${'test window (UTC)'.padEnd(35)} ${'F1'.padStart(6)} ${'AUC'.padStart(6)} ${'logloss'.padStart(7)} ${'acc'.padStart(6)}   majority F1  persistence F1`
  const rows = e.folds.map(
    (f) =>
      `${String(f.fold).padEnd(6)}${String(f.trainRows).padStart(7)}${String(f.testRows).padStart(6)}  ${`${day(f.testFrom)} → ${day(f.testTo)}`.padEnd(35)} ${metricCells(f.test)}   ${f3(f.majority.f1).padStart(11)}  ${f3(f.persistence.f1).padStart(14)}`,
  )
  const p = e.pooled
  const beats = (base: ModelMetricSummary) =>
    p.model.f1 > base.f1 && p.model.logLoss < base.logLoss
      ? 'beats it (F1 and log loss)'
      : p.model.f1 > base.f1
        ? 'beats it on F1 only, not on log loss'
        : 'does NOT beat it on F1'
  const top = [...e.importance].sort((a, b) => b.gain - a.gain).slice(0, 8)
  return [
    `${r.name}: ${r.algo} on ${r.bars} bars → ${r.rows} labelled rows (H = ${r.horizon}, k = ${r.k}); walk-forward expanding, ${e.folds.length} folds, purge ${e.purge}, embargo ${e.embargo}`,
    '',
    head,
    ...rows,
    `${'all'.padEnd(6)}${''.padStart(7)}${String(p.model.n).padStart(6)}  ${'pooled out-of-fold'.padEnd(35)} ${metricCells(p.model)}   ${f3(p.majority.f1).padStart(11)}  ${f3(p.persistence.f1).padStart(14)}`,
    `${'majority baseline'.padEnd(56)} ${metricCells(p.majority)}`,
    `${'persistence baseline'.padEnd(56)} ${metricCells(p.persistence)}`,
    '',
    `vs majority baseline: ${beats(p.majority)}; vs persistence baseline: ${beats(p.persistence)}`,
    `train–test gap ${f3(e.gap)} (${e.folds[0]?.gapMetric ?? 'rocAuc'}): overfitting ${e.overfitting}`,
    `top features by gain: ${top.map((i) => `${i.feature} ${f3(i.gain)} (perm ${f3(i.permutation)})`).join(', ')}`,
    '',
    `registered ${r.versionId} ${r.created ? '' : '(already registered) '}${r.alias ? `as ${r.alias}` : '(aliases unchanged)'}`,
  ].join('\n')
}

const trainModelCommand: Command = {
  name: 'train model',
  summary: 'train a regime model on one stored series, validate it walk-forward next to baselines, register it',
  usage:
    'train model --symbol S --timeframe TF [--venue V] [--algo gbdt|rf|logreg] [--horizon 12] [--k 0.5] [--param k=v]… [--seed N] [--name NAME] [--db PATH] [--json]',
  details:
    'Label (DOMAIN.md §1): r = ln(C[t+H]/C[t]) against ±k·σ·√H, σ the 100-bar std of 1-bar log returns. Features: the regime set (43).\n' +
    'Walk-forward: expanding windows, purge = H, embargo = max(H, 1 day of bars); metrics per fold and pooled next to the majority-class\n' +
    'and persistence baselines. The final model is fitted on every labelled row and registered: champion for a new name, else challenger.',
  options: {
    symbol: { type: 'string' },
    venue: { type: 'string' },
    timeframe: { type: 'string' },
    algo: { type: 'string' },
    horizon: { type: 'string' },
    k: { type: 'string' },
    param: { type: 'string', multiple: true },
    seed: { type: 'string' },
    name: { type: 'string' },
  },
  async run(ctx) {
    const symbol = requireSymbol(ctx.values)
    const timeframe = requireString(ctx.values, 'timeframe')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe: unknown timeframe "${timeframe}"`)
    const algo = typeof ctx.values.algo === 'string' ? ctx.values.algo : 'gbdt'
    if (!(TRAIN_ALGOS as readonly string[]).includes(algo))
      throw new UsageError(`--algo must be one of ${TRAIN_ALGOS.join(', ')}, got "${algo}"`)
    const horizon = optionalNumber(ctx.values, 'horizon')
    const k = optionalNumber(ctx.values, 'k')
    const seed = optionalNumber(ctx.values, 'seed')
    const params = trainerParams(ctx.values)
    const core = ctx.openCore()
    const venue = storedVenue(ctx.values, await core.listSeries(), symbol, timeframe)
    let lastStage = ''
    const request = {
      symbol,
      venue,
      timeframe,
      algo: algo as TrainAlgo,
      ...(horizon !== undefined ? { horizon } : {}),
      ...(k !== undefined ? { k } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(params ? { params } : {}),
      ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}),
    }
    const done = await runJob(core, TRAIN_JOB_KIND, request, (message) => {
      // One stderr line per stage, not per boosting round.
      const stage = message.replace(/ on \d+ rows$/, '')
      if (stage !== lastStage) ctx.info(message)
      lastStage = stage
    })
    const result = jobResult<ModelTrainingResult>(done, 'training cancelled')
    const e = result.evaluation
    ctx.out(
      {
        name: result.name,
        versionId: result.versionId,
        created: result.created,
        alias: result.alias,
        algo: result.algo,
        symbol,
        venue,
        timeframe,
        horizon: result.horizon,
        k: result.k,
        bars: result.bars,
        rows: result.rows,
        window: result.window,
        featureSpecHash: result.featureSpecHash,
        walkForward: {
          mode: e.mode,
          purge: e.purge,
          embargo: e.embargo,
          folds: e.folds,
          metrics: e.pooled.model,
          gap: e.gap,
          overfitting: e.overfitting,
        },
        baselines: { majority: e.pooled.majority, persistence: e.pooled.persistence },
        calibration: e.calibration,
        confusion: e.confusion,
        importance: e.importance,
      },
      () => report(result),
    )
  },
}

/** `armada train …`: one command per predictor (`train model` now; `train regime` sits beside it). */
export const TRAIN_COMMANDS: readonly Command[] = [trainModelCommand]
