import { describe, expect, it } from 'vitest'
import type { PredictionPoint } from '../../src-shared'
import { presentLayers } from './layers-legend'
import { overlayValuesAt } from './overlay-legend'
import { zoomedRange, ZOOM_STEP } from './use-viewport-command'

describe('chart tools', () => {
  it('a zoom step keeps the right edge (the latest bars stay in view) and never zooms in below 10 bars', () => {
    expect(zoomedRange({ from: 0, to: 100 }, 'zoomIn')).toEqual({ from: 100 - 100 / ZOOM_STEP, to: 100 })
    expect(zoomedRange({ from: 0, to: 100 }, 'zoomOut')).toEqual({ from: 100 - 100 * ZOOM_STEP, to: 100 })
    expect(zoomedRange({ from: 90, to: 100 }, 'zoomIn')).toEqual({ from: 90, to: 100 })
  })

  it('an overlay legend shows the values at the hovered bar, else at the latest; none where the bar has none', () => {
    const o = {
      time: [10, 20, 30],
      lines: [
        { output: 'upper', values: [null, 2, 3] },
        { output: 'lower', values: [null, 1, null] },
      ],
    }
    expect(overlayValuesAt(o, undefined)).toEqual([3, null])
    expect(overlayValuesAt(o, 20)).toEqual([2, 1])
    expect(overlayValuesAt(o, 10)).toEqual([null, null])
    expect(overlayValuesAt(o, 25)).toEqual([null, null])
    expect(overlayValuesAt({ time: [], lines: [{ output: '', values: [] }] }, undefined)).toEqual([null])
  })

  it('the layers legend lists only the layers the chart has: forecasts give regime and probabilities, then alerts, transitions, volume', () => {
    const p = { id: 1, transition: true } as PredictionPoint
    expect(presentLayers([], [], false, false)).toEqual([])
    expect(presentLayers([], [], false, true)).toEqual(['volume'])
    expect(presentLayers([p], [], false, true)).toEqual(['regime', 'probabilities', 'volume'])
    expect(presentLayers([p], [p], true, true)).toEqual(['regime', 'probabilities', 'alerts', 'transitions', 'volume'])
    expect(presentLayers([], [], true, true)).toEqual(['alerts', 'volume'])
  })
})
