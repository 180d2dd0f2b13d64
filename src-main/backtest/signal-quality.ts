/**
 * The signal-quality model of DOMAIN.md §4, trained from a strategy's own backtest trades, walk-forward inside
 * the backtest: the model used in a window is fitted only on trades whose outcome was known before the window
 * started (closed, bar close ≤ window start; trades still open are purged). Logistic regression first; GBDT
 * only when it beats logistic regression on an inner walk-forward of the same training trades.
 */
import type { Clock } from '../../src-shared'
import {
  evaluationReport,
  GbdtTrainer,
  LogregTrainer,
  walkForwardSplits,
  takeRows,
  type EvaluationReport,
  type TrainedModel,
} from '../ml'
import { BATTLE_NAVALE_FEATURES } from '../features'
import type { SignalQualityScorer } from '../strategies'
import type { ClosedTrade } from './simulated-broker'

/** The 12 signal features (DOMAIN.md §4), in vector order. */
export const SIGNAL_QUALITY_FEATURES: readonly string[] = BATTLE_NAVALE_FEATURES.slice(0, 12)

/** Which DOMAIN.md §4 label the model learns. */
export type SignalLabel = 'signalQuality' | 'profitable'

export interface WalkForwardMlOptions {
  /** Retrain every this many bars of the timeline (default: a tenth of it). */
  readonly retrainEveryBars?: number
  /** No model before this many closed training trades (ML off until then). */
  readonly minTrainTrades: number
  readonly label: SignalLabel
  /** Try GBDT against logistic regression on each retrain. */
  readonly compareTrees: boolean
  /** Fixes the model family (no comparison): `armada train signal-quality --algo`. */
  readonly algo?: 'logreg' | 'gbdt'
  readonly seed: number
}

export const WALK_FORWARD_ML_DEFAULTS: WalkForwardMlOptions = {
  minTrainTrades: 60,
  label: 'signalQuality',
  compareTrees: true,
  seed: 7,
}

/** Rows of trades that carry features: x `[n, 12]` float32 and labels. */
export function tradeRows(
  trades: readonly ClosedTrade[],
  label: SignalLabel,
): { x: Float32Array; y: Int32Array; n: number } {
  const use = trades.filter((t) => t.tag.features)
  const f = SIGNAL_QUALITY_FEATURES.length
  const x = new Float32Array(use.length * f)
  const y = new Int32Array(use.length)
  use.forEach((t, i) => {
    x.set(t.tag.features!.subarray(0, f), i * f)
    y[i] = label === 'signalQuality' ? t.signalQuality : t.profitable
  })
  return { x, y, n: use.length }
}

function dataset(x: Float32Array, y: Int32Array, n: number, label: SignalLabel) {
  return {
    x,
    y,
    n,
    features: SIGNAL_QUALITY_FEATURES,
    classes: ['no', 'yes'],
    card: {
      name: 'signal-quality',
      predictor: 'signal-quality' as const,
      label: label === 'signalQuality' ? '+1R before -1R (DOMAIN.md §4)' : 'net PnL > 0 (DOMAIN.md §4)',
    },
  }
}

function hasBothClasses(y: Int32Array): boolean {
  let ones = 0
  for (let i = 0; i < y.length; i++) ones += y[i]
  return ones > 0 && ones < y.length
}

/** Mean log loss of p(class 1) against y. */
function logLoss(y: Int32Array, p: Float32Array): number {
  let s = 0
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(1e-15, y[i] ? p[2 * i + 1] : p[2 * i]))
  return s / y.length
}

/** One fitted model and how it was chosen. */
export interface FittedSignalModel {
  readonly model: TrainedModel
  readonly algo: 'logreg' | 'gbdt'
  /** Inner walk-forward log loss of each candidate (NaN when too few rows to compare). */
  readonly innerLogLoss: { readonly logreg: number; readonly gbdt: number }
}

const GBDT_PARAMS = { n_estimators: 60, learning_rate: 0.05, num_leaves: 8, max_depth: 3, min_data_in_leaf: 20 }

/** Fits the signal-quality model on time-ordered rows: logreg, or GBDT when it beats logreg walk-forward. */
export async function fitSignalModel(
  x: Float32Array,
  y: Int32Array,
  n: number,
  o: WalkForwardMlOptions,
): Promise<FittedSignalModel> {
  const f = SIGNAL_QUALITY_FEATURES.length
  const logreg = new LogregTrainer()
  const gbdt = new GbdtTrainer()
  let ll = { logreg: NaN, gbdt: NaN }
  if (o.algo === 'gbdt')
    return {
      model: await gbdt.fit(dataset(x, y, n, o.label), { ...GBDT_PARAMS, seed: o.seed }),
      algo: 'gbdt',
      innerLogLoss: ll,
    }
  if (o.compareTrees && !o.algo && n >= 100) {
    const splits = walkForwardSplits(n, {
      nSplits: 3,
      testSize: Math.floor(n / 5),
      horizon: 1,
      embargo: 1,
      mode: 'expanding',
    })
    let a = 0
    let b = 0
    let m = 0
    for (const s of splits) {
      const ytr = Int32Array.from(s.train, (i) => y[i])
      const yte = Int32Array.from(s.test, (i) => y[i])
      if (!hasBothClasses(ytr)) continue
      const d = dataset(takeRows(x, f, s.train), ytr, s.train.length, o.label)
      const xte = takeRows(x, f, s.test)
      const pl = (await logreg.fit(d, { C: 0.1, seed: o.seed })).predict(xte, s.test.length)
      const pg = (await gbdt.fit(d, { ...GBDT_PARAMS, seed: o.seed })).predict(xte, s.test.length)
      a += logLoss(yte, pl) * yte.length
      b += logLoss(yte, pg) * yte.length
      m += yte.length
    }
    if (m > 0) ll = { logreg: a / m, gbdt: b / m }
  }
  const d = dataset(x, y, n, o.label)
  if (ll.gbdt < ll.logreg)
    return { model: await gbdt.fit(d, { ...GBDT_PARAMS, seed: o.seed }), algo: 'gbdt', innerLogLoss: ll }
  return { model: await logreg.fit(d, { C: 0.1, seed: o.seed }), algo: 'logreg', innerLogLoss: ll }
}

/** One walk-forward window: signals whose decision time (bar close) falls in [start, end) use `model`. */
export interface MlWindow {
  readonly start: number
  readonly end: number
  readonly trainTrades: number
  readonly model: FittedSignalModel | null
}

/** Picks the window's model by the clock (the decision time); NaN where a window has no model. */
export class ScheduledSignalScorer implements SignalQualityScorer {
  private readonly row = new Float32Array(SIGNAL_QUALITY_FEATURES.length)

  constructor(private readonly windows: readonly MlWindow[]) {}

  /** Index of the window whose model answers at `t`, or −1. */
  private windowAt(t: number): number {
    const w = this.windows
    for (let i = w.length - 1; i >= 0; i--) if (w[i].start <= t) return t < w[i].end && w[i].model ? i : -1
    return -1
  }

  modelVersion(_symbol: string, clock: Clock): string | null {
    const k = this.windowAt(clock.now())
    return k >= 0
      ? `walk-forward window ${k + 1} (${this.windows[k].model!.algo}, ${this.windows[k].trainTrades} trades)`
      : null
  }

  probability(features: Float64Array, _symbol: string, clock: Clock): number {
    const k = this.windowAt(clock.now())
    const m = k >= 0 ? this.windows[k].model : null
    if (!m) return NaN
    for (let j = 0; j < this.row.length; j++) this.row[j] = features[j]
    return m.model.predict(this.row, 1)[1]
  }
}

/** The walk-forward schedule plus pooled out-of-sample and in-sample evaluations on the base trades. */
export interface WalkForwardMl {
  readonly windows: readonly MlWindow[]
  readonly scorer: ScheduledSignalScorer
  /** Out-of-sample report (test = base trades signalled inside each window, scored by that window's model). */
  readonly evaluation: EvaluationReport | null
  readonly oosTrades: number
  readonly algos: Record<'logreg' | 'gbdt', number>
}

/**
 * Builds the schedule over [first, last + barMs) from the base (ML off) run's trades. `barMs` turns a trade's exit
 * bar open time into the time its outcome was known.
 */
export async function walkForwardSignalQuality(
  baseTrades: readonly ClosedTrade[],
  first: number,
  last: number,
  barMs: number,
  options: Partial<WalkForwardMlOptions> = {},
  signal?: AbortSignal,
): Promise<WalkForwardMl> {
  const o = { ...WALK_FORWARD_ML_DEFAULTS, ...options }
  const totalBars = Math.max(1, Math.round((last - first) / barMs) + 1)
  const every = Math.max(1, o.retrainEveryBars ?? Math.ceil(totalBars / 10))
  const trades = baseTrades
    .filter((t) => t.tag.features)
    .slice()
    .sort((a, b) => a.tag.signalTime - b.tag.signalTime)
  const windows: MlWindow[] = []
  const yTr: number[] = []
  const pTr: number[] = []
  const yTe: number[] = []
  const pTe: number[] = []
  const algos = { logreg: 0, gbdt: 0 }
  for (let start = first + every * barMs; start <= last + barMs; start += every * barMs) {
    if (signal?.aborted) throw new Error('cancelled')
    const end = start + every * barMs
    // Outcome known at the exit bar's close: only those trades may train the model used from `start` on.
    const known = trades.filter((t) => t.exitTime + barMs <= start)
    const { x, y, n } = tradeRows(known, o.label)
    const model = n >= o.minTrainTrades && hasBothClasses(y) ? await fitSignalModel(x, y, n, o) : null
    windows.push({ start, end, trainTrades: n, model })
    if (!model) continue
    algos[model.algo]++
    const pin = model.model.predict(x, n)
    for (let i = 0; i < n; i++) {
      yTr.push(y[i])
      pTr.push(pin[2 * i], pin[2 * i + 1])
    }
    const test = trades.filter((t) => t.tag.signalTime + barMs >= start && t.tag.signalTime + barMs < end)
    const r = tradeRows(test, o.label)
    const pout = model.model.predict(r.x, r.n)
    for (let i = 0; i < r.n; i++) {
      yTe.push(r.y[i])
      pTe.push(pout[2 * i], pout[2 * i + 1])
    }
  }
  const evaluation = yTe.length > 0 && yTr.length > 0 ? evaluationReport(yTr, pTr, yTe, pTe, 2) : null
  return { windows, scorer: new ScheduledSignalScorer(windows), evaluation, oosTrades: yTe.length, algos }
}

/** One condition of the DOMAIN.md §4 promotion rule. */
export interface PromotionCheck {
  readonly name: string
  readonly value: number
  readonly rule: string
  readonly passed: boolean
}

/** The DOMAIN.md §4 verdict: every condition must pass on purged walk-forward out-of-sample data. */
export interface PromotionVerdict {
  readonly promote: boolean
  readonly checks: readonly PromotionCheck[]
}

/** Applies the rule: OOS accuracy > 0.55, F1 > 0.5, train–test gap < 0.10, max drawdown with ML ≤ without. */
export function promotionVerdict(
  evaluation: EvaluationReport | null,
  maxDrawdownWithMl: number,
  maxDrawdownWithout: number,
): PromotionVerdict {
  const acc = evaluation ? evaluation.test.accuracy : NaN
  const f1 = evaluation ? evaluation.test.f1 : NaN
  const gap = evaluation ? Math.abs(evaluation.gap) : NaN
  const checks: PromotionCheck[] = [
    { name: 'accuracy', value: acc, rule: '> 0.55', passed: acc > 0.55 },
    { name: 'f1', value: f1, rule: '> 0.5', passed: f1 > 0.5 },
    { name: 'train-test gap', value: gap, rule: '< 0.10', passed: gap < 0.1 },
    {
      name: 'max drawdown with ML',
      value: maxDrawdownWithMl,
      rule: `≤ ${maxDrawdownWithout.toFixed(4)} (without ML)`,
      passed: maxDrawdownWithMl <= maxDrawdownWithout,
    },
  ]
  return { promote: checks.every((c) => c.passed), checks }
}
