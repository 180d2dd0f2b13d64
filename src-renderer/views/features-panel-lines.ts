import { useMemo } from 'react'
import { FEATURE_COLORS, type FeatureLine, type FeaturePanesProps } from '../chart'
import { useFeatures, useStores } from '../store-hooks'
import { featureColumn } from '../stores'

/** Colour of a feature's line and swatch: by its index in the set, so it keeps its colour while plotted. */
export function featureColor(index: number): string {
  return FEATURE_COLORS[index % FEATURE_COLORS.length]
}

/** The plotted features as chart lines (bar-aligned columns of the held rows) and how to remove one. */
export function useFeatureLines(): FeaturePanesProps {
  const plotted = useFeatures((s) => s.plotted)
  const names = useFeatures((s) => s.names)
  const time = useFeatures((s) => s.time)
  const rows = useFeatures((s) => s.rows)
  const { features } = useStores()
  const lines = useMemo<FeatureLine[]>(
    () =>
      plotted.flatMap((name) => {
        const col = featureColumn({ names, time, rows }, name)
        return col ? [{ name, color: featureColor(names.indexOf(name)), time: col.time, values: col.values }] : []
      }),
    [plotted, names, time, rows],
  )
  return useMemo(() => ({ lines, onClose: (name: string) => features.getState().unplot(name) }), [lines, features])
}
