import {
  createSeriesMarkers,
  type ISeriesMarkersPluginApi,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { BacktestDetail, BacktestTrade, StoredBar } from '../../../src-shared'
import { CHART_COLORS, chartTime, isChartRemoved, useCandles, useChart } from '../../chart'
import { formatCount, formatMetric, formatPrice, formatUtc, pricePrecision } from '../../format'
import { chartBarsKey, MAX_CHART_BARS, type TradesVariant } from '../../stores/backtests-store'
import { chartTrades, TRADE_MARKER_COLORS, tradeMarkers, tradeWindow, type ChartTrades } from './trade-markers'
import { useBacktests, useBacktestsStore } from './use-backtests'

const NO_BARS: readonly StoredBar[] = []

/** Candles of one symbol over the run's range with its trades of one variant marked; a clicked trade row scrolls here. */
export function TradesChart({
  run,
  variant,
  symbol,
  trades,
}: {
  run: BacktestDetail
  variant: TradesVariant
  symbol: string
  trades: ChartTrades
}) {
  const store = useBacktestsStore()
  const container = useRef<HTMLDivElement>(null)
  const chart = useChart(container)
  const loaded = useBacktests((s) => s.chartBars[chartBarsKey(run, symbol)])
  const focused = useBacktests((s) => (s.focusedTrade?.runId === run.id ? s.focusedTrade : undefined))
  useEffect(() => void store.getState().loadChartBars(run, symbol), [store, run, symbol])

  const bars = loaded?.bars ?? NO_BARS
  const precision = useMemo(() => pricePrecision(bars.map((b) => b.close)), [bars])
  const candles = useCandles(chart, bars, precision)
  const times = useMemo(() => bars.map((b) => chartTime(b.time)), [bars])
  useEffect(() => {
    // A finished run: no last-price line; room above the candles for the legend, none kept for a volume pane.
    candles.series?.applyOptions({ lastValueVisible: false, priceLineVisible: false })
    chart?.priceScale('right').applyOptions({ scaleMargins: { top: 0.14, bottom: 0.06 } })
  }, [chart, candles.series])
  const barSeconds = times.length > 1 ? times[1] - times[0] : 60

  // Markers (series-markers plugin on the candles); drawn = what the plugin holds after the last update.
  const [plugin, setPlugin] = useState<ISeriesMarkersPluginApi<Time> | null>(null)
  const [drawn, setDrawn] = useState(0)
  useEffect(() => {
    const series = candles.series
    if (!chart || !series) return
    const m = createSeriesMarkers<Time>(series, [])
    setPlugin(m)
    return () => {
      setPlugin(null)
      if (!isChartRemoved(chart)) m.detach()
    }
  }, [chart, candles.series])
  const markers = useMemo(() => tradeMarkers(trades.marked, times, focused?.index), [trades, times, focused?.index])
  useEffect(() => {
    if (!plugin) return
    plugin.setMarkers(markers)
    setDrawn(plugin.markers().length)
  }, [plugin, markers])

  // Whole run in view when its candles arrive (the most recent 400 bars of a long run); a clicked trade in view after that.
  const viewed = useRef<string | undefined>(undefined)
  const seriesKey = `${chartBarsKey(run, symbol)}#${candles.rendered}`
  useEffect(() => {
    if (!chart || candles.rendered === 0 || viewed.current === seriesKey) return
    viewed.current = seriesKey
    const n = candles.rendered
    if (n <= 600) chart.timeScale().fitContent()
    else chart.timeScale().setVisibleLogicalRange({ from: n - 400, to: n + 4 })
  }, [chart, candles.rendered, seriesKey])
  useEffect(() => {
    if (!chart || !focused || candles.rendered === 0) return
    const t = run.trades[focused.index]
    if (!t || t.symbol !== symbol) return
    const w = tradeWindow(t, barSeconds)
    chart.timeScale().setVisibleRange({ from: w.from as UTCTimestamp, to: w.to as UTCTimestamp })
  }, [chart, focused, run, symbol, candles.rendered, barSeconds])

  // Visible range (for tests) and the trade under the pointer.
  const [visible, setVisible] = useState<{ from: number; to: number } | null>(null)
  const [hovered, setHovered] = useState<number | undefined>(undefined)
  useEffect(() => {
    if (!chart) return
    const onRange = () => {
      const r = chart.timeScale().getVisibleRange()
      setVisible(r ? { from: r.from as number, to: r.to as number } : null)
    }
    const onMove = (p: MouseEventParams<Time>) => {
      const id = typeof p.hoveredObjectId === 'string' ? /^(?:entry|exit)-(\d+)$/.exec(p.hoveredObjectId) : null
      setHovered(id ? Number(id[1]) : undefined)
    }
    // A click on a marker selects its trade (the row is highlighted and scrolled to in the table).
    const onClick = (p: MouseEventParams<Time>) => {
      const id = typeof p.hoveredObjectId === 'string' ? /^(?:entry|exit)-(\d+)$/.exec(p.hoveredObjectId) : null
      if (id) store.getState().focusTrade(run, Number(id[1]))
    }
    chart.timeScale().subscribeVisibleTimeRangeChange(onRange)
    chart.subscribeCrosshairMove(onMove)
    chart.subscribeClick(onClick)
    return () => {
      if (isChartRemoved(chart)) return
      chart.timeScale().unsubscribeVisibleTimeRangeChange(onRange)
      chart.unsubscribeCrosshairMove(onMove)
      chart.unsubscribeClick(onClick)
    }
  }, [chart, store, run])

  const detailIndex = hovered ?? focused?.index
  const detail = detailIndex !== undefined ? run.trades[detailIndex] : undefined
  const state = loaded?.state ?? 'loading'
  return (
    <div
      data-testid="trades-chart"
      data-state={state}
      data-symbol={symbol}
      data-variant={variant}
      data-candles={candles.rendered}
      data-markers={drawn}
      data-trades={trades.total}
      data-marked-trades={trades.marked.length}
      data-capped={trades.capped}
      data-focused-trade={focused?.index ?? ''}
      data-visible-from={visible?.from ?? ''}
      data-visible-to={visible?.to ?? ''}
      style={{
        position: 'relative',
        height: 380,
        border: `1px solid ${CHART_COLORS.border}`,
        borderRadius: 3,
        overflow: 'hidden',
      }}
    >
      <div ref={container} style={{ position: 'absolute', inset: 0 }} />
      <div
        data-testid="trades-chart-legend"
        style={{
          position: 'absolute',
          top: 6,
          left: 10,
          zIndex: 2,
          maxWidth: 'calc(100% - 100px)',
          pointerEvents: 'none',
          fontSize: 11,
          lineHeight: '16px',
          color: CHART_COLORS.text,
        }}
      >
        <div style={{ color: '#eef1f5', fontWeight: 600, fontSize: 12 }}>
          {`${symbol}.${run.venue} · ${run.timeframe}`}
          <span
            style={{ color: CHART_COLORS.text, fontWeight: 400, marginLeft: 8 }}
          >{`ML ${variant === 'ml' ? 'on' : 'off'} trades`}</span>
        </div>
        {detail ? <TradeLine trade={detail} precision={precision} /> : <MarkerKey />}
      </div>
      {state !== 'ready' && (
        <div
          className="panel__empty"
          data-testid="trades-chart-status"
          style={{
            position: 'absolute',
            inset: 0,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            zIndex: 3,
          }}
        >
          {state === 'error' ? `candles could not be loaded: ${loaded?.error ?? ''}` : 'loading candles…'}
        </div>
      )}
      {state === 'ready' && bars.length === 0 && (
        <div
          className="panel__empty"
          style={{
            position: 'absolute',
            inset: 0,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            zIndex: 3,
          }}
        >
          no stored bars for {symbol} over the run's range
        </div>
      )}
      {bars.length >= MAX_CHART_BARS && (
        <div
          data-testid="trades-chart-bars-capped"
          style={{ position: 'absolute', bottom: 30, left: 10, zIndex: 2, fontSize: 11, color: '#ffb74d' }}
        >
          {`the run's most recent ${formatCount(MAX_CHART_BARS)} candles are loaded; earlier trades are not drawn`}
        </div>
      )}
    </div>
  )
}

function Swatch({ color, glyph }: { color: string; glyph: string }) {
  return <span style={{ color, marginRight: 3 }}>{glyph}</span>
}

/** What the markers mean. */
function MarkerKey() {
  return (
    <div style={{ display: 'flex', gap: 12 }}>
      <span>
        <Swatch color={TRADE_MARKER_COLORS.long} glyph="▲" />
        long entry
      </span>
      <span>
        <Swatch color={TRADE_MARKER_COLORS.short} glyph="▼" />
        short entry
      </span>
      <span>
        <Swatch color={TRADE_MARKER_COLORS.win} glyph="●" />
        winning exit
      </span>
      <span>
        <Swatch color={TRADE_MARKER_COLORS.loss} glyph="●" />
        losing exit
      </span>
    </div>
  )
}

/** One trade in a line: side, entry and exit, reason, R and PnL. */
function TradeLine({ trade: t, precision }: { trade: BacktestTrade; precision: number }) {
  const win = t.pnl > 0
  return (
    <div
      data-testid="trades-chart-trade"
      style={{ fontFamily: "'JetBrains Mono', 'SF Mono', Menlo, Consolas, monospace" }}
    >
      <span
        style={{ color: t.side === 'long' ? TRADE_MARKER_COLORS.long : TRADE_MARKER_COLORS.short, fontWeight: 600 }}
      >
        {t.side.toUpperCase()}
      </span>
      {` ${formatUtc(t.entryTime)} @ ${formatPrice(t.entryPrice, precision)} → ${formatUtc(t.exitTime)} @ ${formatPrice(t.exitPrice, precision)} · ${t.exitReason} · `}
      <span
        style={{ color: win ? TRADE_MARKER_COLORS.win : TRADE_MARKER_COLORS.loss }}
      >{`${t.r >= 0 ? '+' : ''}${formatMetric(t.r, 2)}R · PnL ${formatMetric(t.pnl, 2)}`}</span>
    </div>
  )
}
