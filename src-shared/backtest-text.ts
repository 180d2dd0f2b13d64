/** The ML summary fields an ML-on backtest stores about its walk-forward windows (absent in runs stored before them). */
interface MlWindowsSummary {
  readonly firstModelAt?: number | null
  readonly minTrainTrades?: number
  readonly windows?: readonly { readonly trainTrades: number; readonly algo: string | null }[]
  readonly algos?: Readonly<Record<string, number>>
}

/**
 * When ML acted in an ML-on backtest, in one sentence: from which bar the walk-forward had a model, or why it never
 * had one (then the ML-on run is the ML-off run, which would otherwise read as "ML changed nothing"). Null without a
 * summary. `formatTime` renders a UTC time (the UI and the CLI each have their own).
 */
export function mlActivity(
  summary: object | null | undefined,
  formatTime: (ms: number) => string,
): { readonly active: boolean; readonly text: string } | null {
  if (!summary) return null
  const s = summary as MlWindowsSummary
  const windows = s.windows ?? []
  const trained = windows.filter((w) => w.algo !== null).length
  const most = windows.reduce((m, w) => Math.max(m, w.trainTrades), 0)
  const need = s.minTrainTrades !== undefined ? `; a model needs ${s.minTrainTrades}` : ''
  const algos = Object.entries(s.algos ?? {})
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${a} ${n}`)
    .join(', ')
  if (s.firstModelAt === null || s.firstModelAt === undefined)
    return {
      active: false,
      text: `ML never acted: no walk-forward window had enough closed earlier trades to train on (at most ${most}${need}), so ML on is ML off. Use a longer range or more symbols.`,
    }
  return {
    active: true,
    text: `ML acted from ${formatTime(s.firstModelAt)}: ${trained} of ${windows.length} walk-forward windows had a model${algos ? ` (${algos})` : ''}; before that ML on is ML off.`,
  }
}

/** The ML-impact bootstrap an ML-on backtest stores (`mlSummary.impact`; absent in older runs). */
interface MlImpactSummary {
  readonly impact?: { readonly blocks: number; readonly meanDelta: number; readonly confidence: number } | null
}

/**
 * The ML sentence of a backtest: "ML helped (confidence 0.97)" when the paired bootstrap of ML-on vs ML-off PnL
 * over time blocks is at least 0.95 sure the difference is positive, else "no evidence that ML helped". Null
 * without a stored bootstrap.
 */
export function mlImpactText(
  summary: object | null | undefined,
): { readonly helped: boolean; readonly text: string } | null {
  const impact = (summary as MlImpactSummary | null | undefined)?.impact
  if (!impact || !(impact.blocks > 0) || impact.confidence !== impact.confidence) return null
  const c = impact.confidence.toFixed(2)
  const per = `${impact.meanDelta >= 0 ? '+' : ''}${impact.meanDelta.toFixed(2)} PnL per block over ${impact.blocks} blocks`
  return impact.confidence >= 0.95
    ? { helped: true, text: `ML helped (confidence ${c}; ${per}).` }
    : { helped: false, text: `No evidence that ML helped (confidence ${c}; ${per}).` }
}
