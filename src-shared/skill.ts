/**
 * Whether a model has skill on walk-forward, and whether a label can be trained at all (DOMAIN.md §2, §6).
 * Shared by the core (which mutes alert models without skill and refuses degenerate labels) and the renderer
 * (which shows the verdict with its numbers).
 */

/** The walk-forward numbers the verdict reads: the model's pooled metrics next to its naive baselines. */
export interface SkillInput {
  readonly validation: { readonly logLoss: number; readonly f1: number }
  readonly majority: { readonly logLoss: number; readonly f1: number }
  /** The §6 persistence baseline: the label of t − H, the newest one known at t (scored on F1: its 0/1 forecasts have no usable log loss). */
  readonly persistence?: { readonly f1: number }
}

/** The verdict and the comparison it rests on, in one line. */
export interface SkillVerdict {
  readonly skill: boolean
  /** e.g. "log loss 0.547 < majority 0.642; F1 0.820 > majority 0.801 and label of t−H 0.696". */
  readonly detail: string
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '—')

/** "Beats" means by at least this much, so a win is visible in the three decimals the verdict prints. */
export const SKILL_MARGIN = 0.001

/**
 * A model has skill when, on its pooled walk-forward test rows, it beats the majority class on log loss (its
 * probabilities carry information) and beats both the majority class and the label of t − H on F1 (its decisions do),
 * each by at least SKILL_MARGIN.
 * Persistence's log loss is not compared: its forecasts are 0/1, so any miss costs an unbounded log loss.
 */
export function walkForwardSkill(m: SkillInput): SkillVerdict {
  const ll = m.validation.logLoss <= m.majority.logLoss - SKILL_MARGIN
  const f1Majority = m.validation.f1 >= m.majority.f1 + SKILL_MARGIN
  const f1Persistence = m.persistence === undefined || m.validation.f1 >= m.persistence.f1 + SKILL_MARGIN
  const parts = [
    `log loss ${f3(m.validation.logLoss)} ${ll ? '<' : '≥'} majority ${f3(m.majority.logLoss)}`,
    `F1 ${f3(m.validation.f1)} ${f1Majority ? '>' : '≤'} majority ${f3(m.majority.f1)}` +
      (m.persistence ? ` ${f1Persistence ? 'and >' : 'and ≤'} label of t−H ${f3(m.persistence.f1)}` : ''),
  ]
  return { skill: ll && f1Majority && f1Persistence, detail: parts.join('; ') }
}

/** A label firing on more than this share of the training rows is refused for training (DOMAIN.md §2). */
export const MAX_BASE_RATE = 0.95
/** A label firing on fewer than this share of the training rows is refused for training (DOMAIN.md §2). */
export const MIN_BASE_RATE = 0.005

/**
 * Why a label cannot be trained, or undefined when it can (DOMAIN.md §2). A binary label (`positive` = the index of
 * its "fires" class) is refused when it fires on more than 95 % of the labelled rows (no model beats "always fires")
 * or fewer than 0.5 % (too rare to learn or validate). A multiclass label is refused when one class holds more than
 * 95 % of the rows or any class fewer than 0.5 %. `counts` are rows per class in class order, `classes` their names.
 */
export function baseRateRefusal(
  counts: readonly number[],
  classes: readonly string[],
  positive?: number,
): string | undefined {
  const n = counts.reduce((a, c) => a + c, 0)
  if (n === 0) return 'no labelled rows'
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`
  const checked = positive === undefined ? counts.map((_, i) => i) : [positive]
  for (const i of checked) {
    const rate = counts[i] / n
    const what = positive === undefined ? `class "${classes[i]}" holds` : `"${classes[i]}" fires on`
    if (rate > MAX_BASE_RATE)
      return `base rate too high: ${what} ${pct(rate)} of ${n} labelled rows (above ${pct(MAX_BASE_RATE)}), so no model can beat always predicting it`
    if (rate < MIN_BASE_RATE)
      return `base rate too low: ${what} ${pct(rate)} of ${n} labelled rows (below ${pct(MIN_BASE_RATE)}), too rare to learn or validate`
  }
  return undefined
}

/**
 * The verdict of a registry record's walk-forward metrics (`{ validation, baselines: { majority, knownPersistence } }`,
 * as Armada's trainers store them), or undefined when the record lacks the numbers (an imported model without metrics).
 */
export function recordSkill(metrics: unknown): SkillVerdict | undefined {
  const m = metrics as {
    validation?: { logLoss?: unknown; f1?: unknown }
    baselines?: { majority?: { logLoss?: unknown; f1?: unknown }; knownPersistence?: { f1?: unknown } }
  } | null
  const v = m?.validation
  const maj = m?.baselines?.majority
  const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)
  if (!v || !maj || !num(v.logLoss) || !num(v.f1) || !num(maj.logLoss) || !num(maj.f1)) return undefined
  const pf1 = m?.baselines?.knownPersistence?.f1
  return walkForwardSkill({
    validation: { logLoss: v.logLoss, f1: v.f1 },
    majority: { logLoss: maj.logLoss, f1: maj.f1 },
    ...(num(pf1) ? { persistence: { f1: pf1 } } : {}),
  })
}

/** The bars a model was trained on (open time of the first, close of the last) from its card's `training.window`, if recorded. */
export function cardTrainingWindow(card: { readonly training?: unknown }): { from: number; to: number } | undefined {
  const w = (card.training as { window?: { from?: unknown; to?: unknown } } | undefined)?.window
  return w && typeof w.from === 'number' && typeof w.to === 'number' ? { from: w.from, to: w.to } : undefined
}
