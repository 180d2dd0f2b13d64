import { LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import type { BacktestDetail } from '../../../src-shared'
import { CHART_COLORS, useChart } from '../../chart'

/** Colours of the curves: run without ML, with ML, and the compared run. */
export const CURVE_COLORS = { base: '#8b94a3', ml: '#4fc3f7', compare: '#ffb74d' } as const

type Curve = readonly { readonly time: number; readonly equity: number }[]

function points(c: Curve, drawdown: boolean): { time: UTCTimestamp; value: number }[] {
  let peak = -Infinity
  let last = -Infinity
  const out: { time: UTCTimestamp; value: number }[] = []
  for (const p of c) {
    const t = Math.floor(p.time / 1000)
    if (t <= last) continue
    last = t
    peak = Math.max(peak, p.equity)
    out.push({ time: t as UTCTimestamp, value: drawdown ? (p.equity / peak - 1) * 100 : p.equity })
  }
  return out
}

function useLines(
  chart: IChartApi | null,
  curves: readonly { key: string; color: string; data: Curve }[],
  drawdown: boolean,
): void {
  const series = useRef(new Map<string, ISeriesApi<'Line'>>())
  useEffect(() => {
    if (!chart) return
    const m = series.current
    for (const [k, s] of m) {
      if (!curves.some((c) => c.key === k)) {
        chart.removeSeries(s)
        m.delete(k)
      }
    }
    for (const c of curves) {
      let s = m.get(c.key)
      if (!s) {
        s = chart.addSeries(LineSeries, {
          color: c.color,
          lineWidth: 2,
          priceLineVisible: false,
          lastValueVisible: true,
          title: c.key,
        })
        m.set(c.key, s)
      }
      s.setData(points(c.data, drawdown))
    }
    chart.timeScale().fitContent()
  }, [chart, curves, drawdown])
  useEffect(() => () => series.current.clear(), [chart])
}

/** Equity curves (without ML, with ML, and a compared run) overlaid; the drawdown curves in a second chart below. */
export function EquityChart({ run, compare }: { run: BacktestDetail; compare?: BacktestDetail | undefined }) {
  const eqRef = useRef<HTMLDivElement>(null)
  const ddRef = useRef<HTMLDivElement>(null)
  const eq = useChart(eqRef)
  const dd = useChart(ddRef)
  const curves = [
    { key: 'ML off', color: CURVE_COLORS.base, data: run.equity.base },
    ...(run.equity.ml.length ? [{ key: 'ML on', color: CURVE_COLORS.ml, data: run.equity.ml }] : []),
    ...(compare
      ? [
          {
            key: `#${compare.id}`,
            color: CURVE_COLORS.compare,
            data: compare.equity.ml.length ? compare.equity.ml : compare.equity.base,
          },
        ]
      : []),
  ]
  useLines(eq, curves, false)
  useLines(dd, curves, true)
  return (
    <div data-testid="backtest-charts">
      <div
        className="legend"
        data-testid="equity-legend"
        style={{ fontSize: 11, color: CHART_COLORS.text, display: 'flex', gap: 12 }}
      >
        {curves.map((c) => (
          <span key={c.key} data-testid={`curve-${c.key.replace(/\W+/g, '-')}`}>
            <span style={{ color: c.color }}>━</span> {c.key}
          </span>
        ))}
      </div>
      <div ref={eqRef} data-testid="equity-chart" style={{ height: 260 }} />
      <div style={{ fontSize: 11, color: CHART_COLORS.text }}>Drawdown (%)</div>
      <div ref={ddRef} data-testid="drawdown-chart" style={{ height: 140 }} />
    </div>
  )
}
