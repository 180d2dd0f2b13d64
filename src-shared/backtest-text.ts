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
export function mlActivity(summary: object | null | undefined, formatTime: (ms: number) => string): { readonly active: boolean; readonly text: string } | null {
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
    return { active: false, text: `ML never acted: no walk-forward window had enough closed earlier trades to train on (at most ${most}${need}), so ML on is ML off. Use a longer range or more symbols.` }
  return { active: true, text: `ML acted from ${formatTime(s.firstModelAt)}: ${trained} of ${windows.length} walk-forward windows had a model${algos ? ` (${algos})` : ''}; before that ML on is ML off.` }
}
