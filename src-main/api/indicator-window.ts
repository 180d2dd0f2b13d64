import {
  symbolKey,
  TIMEFRAME_MS,
  type BarsQuery,
  type IndicatorsQuery,
  type IndicatorsResult,
  type StoredBar,
} from '../../src-shared'
import {
  computeIndicators,
  IndicatorEngine,
  IndicatorSpecError,
  parseIndicatorSpec,
  warmupBars,
  type IndicatorSpec,
} from '../features'

/** Most bars one `getBars` call answers (core.getBars' cap): the warm-up of a cumulative indicator stops there. */
export const MAX_WARMUP_BARS = 100_000

/**
 * Parses indicator specs for `getIndicators` and checks each one starts (a kernel refuses some parameters only then,
 * e.g. keltner's ATR period); throws IndicatorSpecError naming the spec and the reason.
 */
export function parseIndicatorSpecs(specs: readonly string[]): IndicatorSpec[] {
  if (specs.length === 0) throw new IndicatorSpecError('', 'no indicator given')
  const parsed = specs.map((s) => {
    const spec = parseIndicatorSpec(s)
    try {
      new IndicatorEngine([spec.text])
    } catch (err) {
      throw err instanceof IndicatorSpecError ? err : new IndicatorSpecError(s.trim(), (err as Error).message)
    }
    return spec
  })
  new IndicatorEngine(parsed.map((p) => p.text))
  return parsed
}

/**
 * Indicator values over the bars `loadBars` answers for `q` (the core's getBars, so a resampled timeframe is read
 * the same way the chart reads it), computed from `warmupBars` earlier bars on: the first value equals the one over
 * the whole stored history. Values are NaN → null.
 */
export async function indicatorWindow(
  q: IndicatorsQuery & { venue: string },
  loadBars: (q: BarsQuery) => Promise<StoredBar[]>,
): Promise<IndicatorsResult> {
  const specs = parseIndicatorSpecs(q.specs)
  const series = { symbol: symbolKey(q.symbol), venue: q.venue, timeframe: q.timeframe }
  const visible = await loadBars({ ...series, from: q.from, to: q.to, limit: q.limit })
  const warm = Math.min(MAX_WARMUP_BARS, Math.max(0, ...specs.map((s) => warmupBars(s, TIMEFRAME_MS[q.timeframe]))))
  const earlier =
    visible.length > 0 && warm > 0 ? await loadBars({ ...series, to: visible[0].time - 1, limit: warm }) : []
  const table = computeIndicators(
    [...earlier, ...visible],
    specs.map((s) => s.text),
  )
  const skip = earlier.length
  let column = 0
  const indicators = specs.map((spec, i) => {
    const outputs = spec.columns.map((name) => {
      const values = Array.from(table.columns[column++].subarray(skip), (v) => (Number.isNaN(v) ? null : v))
      return { column: name, output: name === spec.text ? '' : name.slice(spec.text.length + 1), values }
    })
    return { spec: q.specs[i], canonical: spec.text, outputs }
  })
  return { ...series, time: visible.map((b) => b.time), indicators, warmupBars: skip }
}
