import { useEffect } from 'react'
import { useStores } from '../store-hooks'
import { isTypingTarget, matchShortcut, timeframesFor, type AppStores, type ChartLayer } from '../stores'

const LAYER_KEYS: Readonly<Record<string, ChartLayer>> = {
  'layer.regime': 'regime',
  'layer.probabilities': 'probabilities',
  'layer.alerts': 'alerts',
  'layer.transitions': 'transitions',
  'layer.volume': 'volume',
  'layer.overlays': 'overlays',
}

/** Runs the chart shortcut `id` (a `chart` row of KEYBOARD_SHORTCUTS); false when this view does not handle it. */
export function runChartShortcut(stores: AppStores, id: string): boolean {
  const { chart, chartLayers, overlays, drawings } = stores
  const layer = LAYER_KEYS[id]
  if (layer) {
    chartLayers.getState().toggle(layer)
    return true
  }
  switch (id) {
    case 'chart.timeframeDown':
    case 'chart.timeframeUp': {
      const { series, selection } = chart.getState()
      if (!selection) return true
      const tfs = timeframesFor(series, selection.symbol, selection.venue)
      const next = tfs[tfs.indexOf(selection.timeframe) + (id === 'chart.timeframeUp' ? 1 : -1)]
      if (next) void chart.getState().select({ timeframe: next })
      return true
    }
    case 'chart.zoomIn':
      chartLayers.getState().requestViewport('zoomIn')
      return true
    case 'chart.zoomOut':
      chartLayers.getState().requestViewport('zoomOut')
      return true
    case 'chart.latest':
      chartLayers.getState().requestViewport('latest')
      return true
    case 'chart.indicators':
      overlays.getState().openPicker()
      return true
    case 'draw.level':
      drawings.getState().setTool('level')
      return true
    case 'draw.trendline':
      drawings.getState().setTool('trendline')
      return true
    case 'draw.delete':
      return drawings.getState().selected !== undefined && (void drawings.getState().removeSelected(), true)
    case 'draw.cancel': {
      const d = drawings.getState()
      if (!d.tool && !d.pending && !d.selected) return false
      d.cancel()
      return true
    }
    default:
      return false
  }
}

/**
 * The Chart view's keyboard shortcuts (the `chart` rows of KEYBOARD_SHORTCUTS), while the view is shown: not while
 * typing in a field, not while the shortcuts overlay or another dialog has the keys, never with a repeat press.
 */
export function useChartShortcuts(): void {
  const stores = useStores()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || isTypingTarget(e.target) || stores.chartLayers.getState().helpOpen) return
      if ((e.target as Element | null)?.closest?.('[role="dialog"]')) return
      const row = matchShortcut(e, 'chart')
      if (row && runChartShortcut(stores, row.id)) e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [stores])
}
