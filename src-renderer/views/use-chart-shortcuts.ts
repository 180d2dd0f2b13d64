import { useEffect } from 'react'
import { useStores } from '../store-hooks'
import { addKeyboardShortcuts, isTypingTarget, matchShortcut, type AppStores, type ChartLayer } from '../stores'
import { CHART_TIME_SHORTCUTS } from './chart-time-controls'

const LAYER_KEYS: Readonly<Record<string, ChartLayer>> = {
  'layer.regime': 'regime',
  'layer.probabilities': 'probabilities',
  'layer.alerts': 'alerts',
  'layer.transitions': 'transitions',
  'layer.signals': 'signals',
  'layer.volume': 'volume',
  'layer.overlays': 'overlays',
}

/** The table's rows for the keys chart-time-controls handles (go to date, back to latest, timeframe steps), worded there. */
const CHART_TIME_IDS: Readonly<Record<string, string>> = {
  g: 'chart.goToDate',
  End: 'chart.latest',
  '[': 'chart.timeframeDown',
  ']': 'chart.timeframeUp',
}
addKeyboardShortcuts(
  CHART_TIME_SHORTCUTS.map((r) => ({
    id: CHART_TIME_IDS[r.key],
    keys: [r.key],
    label: r.does,
    group: 'Chart' as const,
    scope: 'chart' as const,
  })),
)

/** Runs the chart shortcut `id` (a `chart` row of KEYBOARD_SHORTCUTS); false when this view does not handle it. */
export function runChartShortcut(stores: AppStores, id: string): boolean {
  const { chartLayers, overlays, drawings } = stores
  const layer = LAYER_KEYS[id]
  if (layer) {
    chartLayers.getState().toggle(layer)
    return true
  }
  switch (id) {
    case 'chart.zoomIn':
      chartLayers.getState().requestViewport('zoomIn')
      return true
    case 'chart.zoomOut':
      chartLayers.getState().requestViewport('zoomOut')
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
 * typing in a field, not while the shortcuts overlay or another dialog has the keys, never with a repeat press. Rows
 * handled elsewhere (go to date, latest and timeframe steps in chart-time-controls, symbol search) are left to them.
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
