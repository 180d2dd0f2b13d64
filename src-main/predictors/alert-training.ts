import {
  ALERT_TYPES,
  baseRateRefusal,
  TIMEFRAME_MS,
  type AlertType,
  type BarColumns,
  type Clock,
  type ModelMetricSummary,
} from '../../src-shared'
import { AlertsFeatures } from '../features'
import {
  metricSummary,
  classificationMetrics,
  ForestTrainer,
  GbdtTrainer,
  mergeEnsembleOnnx,
  takeRows,
  TrainingCancelled,
  walkForwardSplits,
  type Dataset,
} from '../ml'
import { ModelRegistry, versionId } from '../registry'
import type { Db } from '../store'
import { alertLabels, alertLabelSeries } from './alert-labels'
import { ALERT_MEMBER_WEIGHTS } from './alert-policy'
import { NO_LABEL } from './regime-label'

/** Alert horizons of DOMAIN.md §2, in hours. */
export const ALERT_HORIZON_HOURS: readonly number[] = [4, 12, 24, 48]
/** Classes of an alert model: the rule does not / does fire within the horizon. */
export const ALERT_CLASSES = ['quiet', 'fires'] as const

export const ALERT_RF_DEFAULTS = { n_estimators: 60, max_depth: 6, min_samples_leaf: 50 } as const
export const ALERT_GBDT_DEFAULTS = {
  n_estimators: 80,
  learning_rate: 0.03,
  num_leaves: 7,
  min_data_in_leaf: 100,
  feature_fraction: 0.7,
} as const

/** A basket to train on: aligned columns (asset 0 = lead, 1 = second major), their names and bar length. */
export interface AlertTrainingRequest {
  readonly basket: readonly BarColumns[]
  /** Instrument ids in basket order (lineage). */
  readonly assets: readonly string[]
  readonly timeframe: '1h' | '5m' | '15m' | '4h'
  /** Bars per year for annualised vol (8760 for 24/7 hourly; trading hours for equities). */
  readonly barsPerYear: number
  readonly types?: readonly AlertType[]
  readonly horizonsHours?: readonly number[]
  readonly seed?: number
  readonly rf?: Readonly<Record<string, unknown>>
  readonly gbdt?: Readonly<Record<string, unknown>>
  readonly folds?: number
  /** Model name prefix (default `alerts`): names are `<prefix>-<type>-h<H>h`, lower case. */
  readonly name?: string
  /** Mean funding rate of the basket's perpetuals per aligned bar (NaN where none: `funding_missing = 1`). */
  readonly fundingRate?: Float64Array
}

/** One registered alert model and its walk-forward record next to the baselines on the same rows. */
export interface AlertModelResult {
  readonly name: string
  readonly type: AlertType
  readonly horizonHours: number
  readonly versionId: string
  readonly alias: 'champion' | 'challenger' | null
  readonly rows: number
  /** Share of labelled rows where the rule fires. */
  readonly baseRate: number
  readonly walkForward: ModelMetricSummary
  readonly members: { readonly rf: ModelMetricSummary; readonly gbdt: ModelMetricSummary }
  readonly baseline: {
    readonly majority: ModelMetricSummary
    readonly persistence: ModelMetricSummary
    readonly knownPersistence: ModelMetricSummary
  }
}

/** Unusable input (basket too short, one class only): one line for the UI/CLI. */
export class AlertTrainingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AlertTrainingError'
  }
}

/** The model name of an alert type at a horizon. */
export function alertModelName(type: AlertType, horizonHours: number, prefix = 'alerts'): string {
  return `${prefix}-${type}-h${horizonHours}h`.toLowerCase().replaceAll('_', '-')
}

/**
 * Trains the DOMAIN.md §2 alert models of a basket: for each (type, horizon) a random forest (0.6) and a GBDT (0.4)
 * on the 19-column alerts set, validated walk-forward (expanding, purge = H, embargo = max(H, 1 day of bars)) as their
 * ensemble next to majority, persistence and label-of-t−H baselines, then fitted on every labelled row, merged into
 * one ONNX graph and registered (champion for a new name, else challenger). Types whose labels have one class only are
 * skipped with a reason in `skipped`.
 */
export async function trainAlertModels(
  db: Db,
  clock: Clock,
  req: AlertTrainingRequest,
  opts: { onProgress?: (fraction: number, message: string) => void; signal?: AbortSignal } = {},
): Promise<{ results: AlertModelResult[]; skipped: { type: AlertType; horizonHours: number; reason: string }[] }> {
  const progress = opts.onProgress ?? (() => undefined)
  const barsPerHour = TIMEFRAME_MS['1h'] / TIMEFRAME_MS[req.timeframe]
  const computer = new AlertsFeatures({ assets: req.basket.length, barsPerHour, barsPerYear: req.barsPerYear })
  const feats = computer.batch(req.basket, req.fundingRate ? { fundingRate: req.fundingRate } : undefined)
  const f = feats.names.length
  const series = alertLabelSeries({ basket: req.basket, barsPerHour })
  const types = req.types ?? ALERT_TYPES
  const horizons = req.horizonsHours ?? ALERT_HORIZON_HOURS
  const seed = req.seed ?? 0
  const rfParams = { ...ALERT_RF_DEFAULTS, ...(req.rf ?? {}), seed }
  const gbdtParams = { ...ALERT_GBDT_DEFAULTS, ...(req.gbdt ?? {}), seed }
  const wRf = ALERT_MEMBER_WEIGHTS.rf
  const wGbdt = ALERT_MEMBER_WEIGHTS.gbdt
  const blend = (a: Float32Array, b: Float32Array) => Float32Array.from(a, (v, i) => wRf * v + wGbdt * b[i])
  const registry = new ModelRegistry(db, clock)
  const results: AlertModelResult[] = []
  const skipped: { type: AlertType; horizonHours: number; reason: string }[] = []
  const jobs = types.flatMap((type) => horizons.map((hh) => ({ type, hh })))
  // Open time of the first bar to the close of the last: forecasts after `to` are out of sample.
  const times = req.basket[0].time
  const window = { from: times[0], to: times[times.length - 1] + TIMEFRAME_MS[req.timeframe] }
  try {
    for (const [q, { type, hh }] of jobs.entries()) {
      if (opts.signal?.aborted) throw new TrainingCancelled()
      progress(q / jobs.length, `${type} h${hh}h`)
      const h = Math.max(1, Math.round(hh * barsPerHour))
      const labels = alertLabels(type, series, h)
      const keep: number[] = []
      for (let i = 0; i < labels.length; i++) if (labels[i] !== NO_LABEL) keep.push(i)
      const n = keep.length
      const x = new Float32Array(n * f)
      const y = new Int32Array(n)
      keep.forEach((i, r) => {
        for (let j = 0; j < f; j++) x[r * f + j] = feats.data[i * f + j]
        y[r] = labels[i]
      })
      const positives = y.reduce((a, v) => a + v, 0)
      const refusal = baseRateRefusal([n - positives, positives], ALERT_CLASSES, 1)
      if (refusal) {
        skipped.push({ type, horizonHours: hh, reason: refusal })
        continue
      }
      if (positives < 20 || n - positives < 20) {
        skipped.push({
          type,
          horizonHours: hh,
          reason: `${positives} of ${n} labelled rows fire: too few of one class`,
        })
        continue
      }
      const folds = req.folds ?? 4
      const testSize = Math.floor(n / (folds + 2))
      if (testSize < 50) throw new AlertTrainingError(`${n} labelled rows are too few for ${folds} walk-forward folds`)
      const embargo = Math.max(h, Math.round(24 * barsPerHour))
      const splits = walkForwardSplits(n, { nSplits: folds, testSize, mode: 'expanding', horizon: h, embargo })
      const name = alertModelName(type, hh, req.name)
      const card = {
        predictor: 'alerts' as const,
        horizon: { bars: h, timeframe: req.timeframe },
        featureSpecHash: computer.specHash,
        label: `${type} fires within (t, t+${hh}h] (DOMAIN.md §2)`,
      }
      const data = (rows: Int32Array | null, member: string): Dataset => ({
        x: rows ? takeRows(x, f, rows) : x,
        y: rows ? Int32Array.from(rows, (i) => y[i]) : y,
        n: rows ? rows.length : n,
        features: feats.names,
        classes: ALERT_CLASSES,
        card: { ...card, name: `${name}-${member}` },
      })
      const pooled = {
        y: [] as number[],
        ens: [] as number[],
        rf: [] as number[],
        gbdt: [] as number[],
        maj: [] as number[],
        pers: [] as number[],
        known: [] as number[],
      }
      for (const s of splits) {
        const rf = await new ForestTrainer().fit(data(s.train, 'rf'), rfParams, undefined, opts.signal)
        const gb = await new GbdtTrainer().fit(data(s.train, 'gbdt'), gbdtParams, undefined, opts.signal)
        const test = data(s.test, 'rf')
        const pr = rf.predict(test.x, test.n)
        const pg = gb.predict(test.x, test.n)
        const pe = blend(pr, pg)
        const rate = Array.from(s.train, (i) => y[i]).reduce((a, v) => a + v, 0) / s.train.length
        for (let i = 0; i < test.n; i++) {
          const row = keep[s.test[i]]
          pooled.y.push(test.y[i])
          pooled.rf.push(pr[2 * i], pr[2 * i + 1])
          pooled.gbdt.push(pg[2 * i], pg[2 * i + 1])
          pooled.ens.push(pe[2 * i], pe[2 * i + 1])
          pooled.maj.push(1 - rate, rate)
          const prev = i === 0 ? y[s.train[s.train.length - 1]] : test.y[i - 1]
          pooled.pers.push(1 - prev, prev)
          const past = row - h >= 0 && labels[row - h] !== NO_LABEL ? labels[row - h] : rate >= 0.5 ? 1 : 0
          pooled.known.push(1 - past, past)
        }
      }
      const m = (p: number[]) => metricSummary(classificationMetrics(pooled.y, p, pooled.y.length, 2))
      const rf = await new ForestTrainer().fit(data(null, 'rf'), rfParams, undefined, opts.signal)
      const gb = await new GbdtTrainer().fit(data(null, 'gbdt'), gbdtParams, undefined, opts.signal)
      const merged = mergeEnsembleOnnx(
        [
          { id: versionId(rf.onnx), onnx: rf.onnx, card: rf.card, weight: wRf },
          { id: versionId(gb.onnx), onnx: gb.onnx, card: gb.card, weight: wGbdt },
        ],
        name,
      )
      const walkForward = m(pooled.ens)
      const baseline = { majority: m(pooled.maj), persistence: m(pooled.pers), knownPersistence: m(pooled.known) }
      const members = { rf: m(pooled.rf), gbdt: m(pooled.gbdt) }
      const { version, alias } = await registry.registerTrained(
        name,
        {
          onnx: merged.onnx,
          card: {
            ...merged.card,
            name,
            predictor: 'alerts',
            task: 'binary',
            horizon: card.horizon,
            featureSpecHash: computer.specHash,
            label: card.label,
            training: { ...(merged.card.training ?? {}), window },
          },
          lineage: {
            symbols: [...req.assets],
            featureSpecHash: computer.specHash,
            params: { rf: rfParams, gbdt: gbdtParams },
            seed,
            trainingWindow: window,
          },
          metrics: { validation: walkForward, baselines: baseline, members, baseRate: positives / n },
          tags: ['alerts', type, `h${hh}h`, 'ensemble'],
        },
        { challenger: `retrained ${type} h${hh}h`, champion: `first ${type} h${hh}h model` },
      )
      results.push({
        name,
        type,
        horizonHours: hh,
        versionId: version.id,
        alias,
        rows: n,
        baseRate: positives / n,
        walkForward,
        members,
        baseline,
      })
    }
  } finally {
    await registry.dispose()
  }
  progress(1, `registered ${results.length} alert models`)
  return { results, skipped }
}
