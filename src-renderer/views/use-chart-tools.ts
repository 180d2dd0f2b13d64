import { useMemo } from 'react'
import { overlayDefinition, overlayTitle, type Drawing, type DrawingPoint } from '../../src-shared'
import type { ChartPaneProps, PaneOverlay } from '../chart'
import { useChartLayers, useDrawings, useOverlays, useStores } from '../store-hooks'
import { specOf } from '../stores'

/** The chart pane's overlays, drawings, layer switches and view requests, from their stores. */
export function useChartTools(): Pick<ChartPaneProps, 'overlays' | 'drawings' | 'layers' | 'viewport'> {
  const { overlays, drawings, chartLayers } = useStores()
  const list = useOverlays((s) => s.overlays)
  const values = useOverlays((s) => s.values)
  const editing = useOverlays((s) => s.editing?.id)
  const hidden = useChartLayers((s) => s.hidden)
  const viewport = useChartLayers((s) => s.viewport)
  const drawn = useDrawings((s) => s.drawings)
  const selected = useDrawings((s) => s.selected)
  const tool = useDrawings((s) => s.tool)
  const pending = useDrawings((s) => s.pending)

  const items = useMemo<PaneOverlay[]>(
    () =>
      list.map((o) => {
        const v = values[specOf(o)]
        const lines = overlayDefinition(o.kind).lines.map((output) => ({
          output,
          values: v?.outputs.find((x) => x.output === output)?.values ?? [],
        }))
        return {
          id: o.id,
          title: overlayTitle(o.kind, o.params),
          color: o.color,
          hidden: o.hidden,
          time: v?.time ?? [],
          lines,
        }
      }),
    [list, values],
  )
  const o = () => overlays.getState()
  const d = () => drawings.getState()
  return {
    overlays: useMemo(
      () => ({
        items,
        layerHidden: hidden.overlays,
        editing,
        onEdit: (id: string) => o().startEdit(id),
        onToggle: (id: string) => void o().toggleHidden(id),
        onRemove: (id: string) => void o().remove(id),
      }),
      [items, hidden.overlays, editing, overlays],
    ),
    drawings: useMemo(
      () => ({
        drawings: drawn,
        selected,
        tool,
        pending,
        onPlace: (at: DrawingPoint) => void d().place(at),
        onSelect: (id: string | undefined) => d().select(id),
        onChange: (drawing: Drawing) => d().update(drawing),
        onCommit: () => void d().commit(),
        onRemove: (id: string) => void d().remove(id),
      }),
      [drawn, selected, tool, pending, drawings],
    ),
    layers: useMemo(() => ({ hidden, onToggle: chartLayers.getState().toggle }), [hidden, chartLayers]),
    viewport,
  }
}
