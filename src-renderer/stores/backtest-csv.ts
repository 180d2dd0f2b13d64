import type { BacktestDetail } from '../../src-shared'

/** One CSV field: numbers in full precision (NaN, ±Infinity and null empty), text quoted when it holds `,` `"` or a line break. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

const line = (cells: readonly unknown[]): string => cells.map(csvField).join(',')
const iso = (ms: number): string => new Date(ms).toISOString()

/** Columns of the trades CSV, in order (times both as ISO-8601 UTC and epoch ms, so a spreadsheet and a script both read them). */
export const TRADE_CSV_COLUMNS = [
  'variant',
  'symbol',
  'side',
  'qty',
  'entry_time',
  'entry_time_ms',
  'entry_price',
  'exit_time',
  'exit_time_ms',
  'exit_price',
  'exit_reason',
  'pnl',
  'r',
  'fees',
  'confidence',
  'ml_probability',
  'signal_quality',
] as const

/** Every closed trade of a stored run, both variants (`base` = ML off, `ml` = ML on), in the run's order; CRLF-free, one header line. */
export function tradesCsv(run: BacktestDetail): string {
  const rows = run.trades.map((t) =>
    line([
      t.variant,
      t.symbol,
      t.side,
      t.qty,
      iso(t.entryTime),
      t.entryTime,
      t.entryPrice,
      iso(t.exitTime),
      t.exitTime,
      t.exitPrice,
      t.exitReason,
      t.pnl,
      t.r,
      t.fees,
      t.confidence,
      t.mlProbability,
      t.signalQuality,
    ]),
  )
  return [TRADE_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n'
}

/**
 * A run's metrics as `metric,ml_off,ml_on` (ml_on empty for a run without ML), every stored metric in the stored order,
 * then the run's strategy parameters as `param.<name>` rows (one value: the same for both variants).
 */
export function metricsCsv(run: BacktestDetail): string {
  const off = flatMetrics(run.metrics)
  const on = run.mlMetrics ? flatMetrics(run.mlMetrics) : undefined
  const keys = [...new Set([...off.keys(), ...(on?.keys() ?? [])])]
  const rows = keys.map((k) => line([k, off.get(k), on ? on.get(k) : null]))
  const params = run.config.strategyParams
  const paramRows =
    params && typeof params === 'object'
      ? Object.entries(params as Record<string, unknown>).map(([k, v]) => line([`param.${k}`, v, run.ml ? v : null]))
      : []
  return ['metric,ml_off,ml_on', ...rows, ...paramRows].join('\n') + '\n'
}

/** Metrics as name → value, nested counts (`signals`) as `signals.<name>`. */
function flatMetrics(m: Readonly<Record<string, unknown>>): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const [k, v] of Object.entries(m)) {
    if (v !== null && typeof v === 'object')
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out.set(`${k}.${k2}`, v2)
    else out.set(k, v)
  }
  return out
}

/** File name of an export: `backtest-12-battle-navale-trades.csv`. */
export function exportFileName(run: Pick<BacktestDetail, 'id' | 'strategy'>, kind: 'trades' | 'metrics'): string {
  return `backtest-${run.id}-${run.strategy.replace(/[^A-Za-z0-9-]/g, '_')}-${kind}.csv`
}
