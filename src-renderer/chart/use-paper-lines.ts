import { LineStyle, type IChartApi, type IPriceLine, type ISeriesApi } from 'lightweight-charts'
import { useEffect, useState } from 'react'
import type { PaperPosition } from '../../src-shared'
import { strategyTag } from './signal-markers'
import { isChartRemoved } from './use-chart'

/** Colours of a paper position's lines: entry in the accent blue, stop red, target green (dashed). */
export const PAPER_LINE_COLORS = { entry: '#3d8bfd', stop: '#ef5350', target: '#26a69a' } as const

/** One price line of a paper position, as drawn: which, at what price, and its axis title. */
export interface PaperLine {
  readonly kind: 'entry' | 'stop' | 'target'
  readonly price: number
  readonly title: string
}

/** The entry, stop and target lines of open paper positions (stop and target only where set). */
export function paperLines(positions: readonly PaperPosition[]): PaperLine[] {
  return positions.flatMap((p) => {
    const tag = strategyTag(p.strategy)
    const out: PaperLine[] = [{ kind: 'entry', price: p.entryPrice, title: `${tag} ${p.side} entry` }]
    if (p.stop !== null) out.push({ kind: 'stop', price: p.stop, title: `${tag} stop` })
    if (p.target !== null) out.push({ kind: 'target', price: p.target, title: `${tag} target` })
    return out
  })
}

/** Open paper positions of the charted series as price lines on the candles (entry, stop, target); returns how many are drawn. */
export function usePaperLines(
  chart: IChartApi | null,
  series: ISeriesApi<'Candlestick'> | null,
  positions: readonly PaperPosition[],
): number {
  const [drawn, setDrawn] = useState(0)
  useEffect(() => {
    if (!series) return
    const lines: IPriceLine[] = paperLines(positions).map((l) =>
      series.createPriceLine({
        price: l.price,
        color: PAPER_LINE_COLORS[l.kind],
        lineWidth: 1,
        lineStyle: l.kind === 'entry' ? LineStyle.Solid : LineStyle.Dashed,
        axisLabelVisible: true,
        title: l.title,
      }),
    )
    setDrawn(lines.length)
    return () => {
      setDrawn(0)
      if (!chart || !isChartRemoved(chart)) for (const l of lines) series.removePriceLine(l)
    }
  }, [chart, series, positions])
  return drawn
}
