import type { Clock, ModelMetricSummary } from '../../src-shared'
import { classificationMetrics, metricSummary } from '../ml'
import type { SqliteModelRegistryStore } from '../store'
import type { ModelAliases } from './model-aliases'
import type { LabelledRows, ModelVersions } from './model-versions'
import { RegistryError, type ModelVersion } from './types'
import type { VersionScorer } from './version-scorer'

/** Margins a candidate must beat the champion by on the same held-out window. */
export interface GateMargins {
  /** Metric compared; log loss is lower-is-better, the others higher-is-better. */
  readonly metric: 'f1' | 'accuracy' | 'rocAuc' | 'logLoss'
  /** candidate − champion must be ≥ this (champion − candidate for log loss). */
  readonly absolute: number
  /** … and the improvement must be ≥ this share of the champion's score. */
  readonly relative: number
}

export const GATE_DEFAULTS: GateMargins = { metric: 'f1', absolute: 0.005, relative: 0 }

/** A stored promotion-gate evaluation. */
export interface GateResult {
  readonly id: number
  readonly name: string
  readonly candidate: string
  readonly champion: string | null
  readonly time: number
  readonly passed: boolean
  readonly margins: GateMargins
  readonly window: {
    readonly n: number
    readonly from?: number
    readonly to?: number
    readonly symbols?: readonly string[]
  }
  readonly candidateMetrics: ModelMetricSummary
  readonly championMetrics?: ModelMetricSummary
  /** One line: the comparison and the verdict. */
  readonly reason: string
}

/**
 * The promotion gate: a candidate and the current champion scored on the same held-out window, the verdict stored
 * (a passing gate is what lets `promote` move the champion without force).
 */
export class PromotionGate {
  constructor(
    private readonly store: SqliteModelRegistryStore,
    private readonly clock: Clock,
    private readonly scorer: VersionScorer,
    private readonly versions: ModelVersions,
    private readonly aliases: ModelAliases,
  ) {}

  /**
   * Scores the candidate and the current champion on the same held-out window and stores the verdict:
   * passed when the candidate beats the champion by both margins (always, when there is no champion).
   */
  async evaluate(
    ref: string,
    window: LabelledRows & { from?: number; to?: number; symbols?: readonly string[] },
    margins: Partial<GateMargins> = {},
  ): Promise<GateResult> {
    const m: GateMargins = { ...GATE_DEFAULTS, ...margins }
    const cand = this.versions.get(ref)
    const champId = this.aliases.current(cand.name).champion ?? null
    const c = cand.card.classes.length
    const evalOn = async (v: ModelVersion) =>
      metricSummary(
        classificationMetrics(
          window.y,
          await this.scorer.score(v.id, this.versions.onnx(v.id), v.card, window.x, window.n),
          window.n,
          c,
        ),
      )
    const candidateMetrics = await evalOn(cand)
    const champ = champId && champId !== cand.id ? this.versions.get(champId) : undefined
    if (
      champ &&
      (champ.card.features.join() !== cand.card.features.join() ||
        champ.card.classes.join() !== cand.card.classes.join())
    )
      throw new RegistryError(
        'invalid',
        `candidate and champion of "${cand.name}" differ in features or classes; they cannot be compared on one window`,
      )
    const championMetrics = champ ? await evalOn(champ) : undefined
    let passed = true
    let reason = `no champion: ${m.metric} ${candidateMetrics[m.metric].toFixed(4)} on ${window.n} rows`
    if (championMetrics) {
      const a = candidateMetrics[m.metric]
      const b = championMetrics[m.metric]
      const lower = m.metric === 'logLoss'
      const gain = lower ? b - a : a - b
      passed = gain >= m.absolute && gain >= m.relative * Math.abs(b)
      reason = `${m.metric} ${a.toFixed(4)} vs champion ${b.toFixed(4)} (${gain >= 0 ? '+' : ''}${gain.toFixed(4)}${lower ? ' lower is better' : ''}); needs ≥ ${m.absolute} absolute and ≥ ${(100 * m.relative).toFixed(1)} % relative: ${passed ? 'passed' : 'failed'}`
    } else if (champId === cand.id) reason = `candidate is already the champion`
    const result = {
      margins: m,
      window: {
        n: window.n,
        ...(window.from !== undefined ? { from: window.from } : {}),
        ...(window.to !== undefined ? { to: window.to } : {}),
        ...(window.symbols ? { symbols: window.symbols } : {}),
      },
      candidateMetrics,
      ...(championMetrics ? { championMetrics } : {}),
      reason,
    }
    const row = this.store.insertGate({
      name: cand.name,
      candidate: cand.id,
      champion: champ?.id ?? null,
      time: this.clock.now(),
      passed: passed ? 1 : 0,
      result: JSON.stringify(result),
    })
    return {
      id: row.id,
      name: cand.name,
      candidate: cand.id,
      champion: champ?.id ?? null,
      time: row.time,
      passed,
      ...result,
    }
  }

  /** Stored gate results of a model name, newest first. */
  results(name: string): GateResult[] {
    return this.store.gates({ name }).map((g) => ({
      id: g.id,
      name: g.name,
      candidate: g.candidate,
      champion: g.champion,
      time: g.time,
      passed: g.passed === 1,
      ...(JSON.parse(g.result) as Omit<GateResult, 'id' | 'name' | 'candidate' | 'champion' | 'time' | 'passed'>),
    }))
  }
}
