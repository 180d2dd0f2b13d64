import { describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared'
import { CHART_COLORS } from './chart-theme'
import { toCandle } from './use-candles'
import { legendBar } from './use-crosshair-bar'
import { toVolume } from './use-volume'

const bars: Bar[] = [
  { time: 1_700_000_000_000, open: 10, high: 12, low: 9, close: 11, volume: 5 },
  { time: 1_700_000_060_000, open: 11, high: 11.5, low: 10, close: 10.5, volume: 7 },
]

describe('chart data', () => {
  it('maps bars to candles and direction-coloured volume at UTC seconds', () => {
    expect(toCandle(bars[0])).toEqual({ time: 1_700_000_000, open: 10, high: 12, low: 9, close: 11 })
    expect(toVolume(bars[0])).toEqual({ time: 1_700_000_000, value: 5, color: CHART_COLORS.upVolume })
    expect(toVolume(bars[1]).color).toBe(CHART_COLORS.downVolume)
  })

  it('shows the latest bar in the legend unless one is hovered, with the change against the bar before', () => {
    expect(legendBar(undefined, bars)).toEqual({ bar: bars[1], previousClose: 11, live: true })
    const hovered = { ...bars[0] }
    expect(legendBar(hovered, bars)).toEqual({ bar: hovered, previousClose: undefined, live: false })
    expect(legendBar(undefined, [])).toEqual({ bar: undefined, previousClose: undefined, live: true })
  })
})
