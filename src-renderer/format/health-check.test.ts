import { describe, expect, it } from 'vitest'
import type { ModelHealthPoint } from '../../src-shared'
import { healthCheckText } from './health-check'

const point: ModelHealthPoint = {
  time: Date.UTC(2024, 4, 2, 9, 30),
  versionId: '761115d5cc609b96aea38840918590372f9374907d909811be5f41e8ebb50227',
  health: 'healthy',
  rows: 473,
  window: {
    from: Date.UTC(2019, 9, 4, 11),
    to: Date.UTC(2019, 9, 24, 3),
    label: 'its training window (all 473 labelled rows)',
  },
  reference: { rows: 473, from: Date.UTC(2019, 8, 30, 7), to: Date.UTC(2019, 9, 24, 16) },
  maxPsi: 0,
  predictionPsi: 0,
  driftedFeatures: 0,
  watchFeatures: 0,
  reasons: [],
}

describe('healthCheckText', () => {
  it('names the version, the rows checked with their dates, the reference window and the largest PSI', () => {
    expect(healthCheckText(point)).toEqual({
      version: 'version 761115d5cc60 checked 2024-05-02 09:30 UTC',
      data: 'its training window (all 473 labelled rows), 2019-10-04 11:00 → 2019-10-24 03:00 UTC',
      reference: 'its training data, 473 rows, 2019-09-30 07:00 → 2019-10-24 16:00 UTC',
      psi: 'max feature PSI 0.000 · predicted-class PSI 0.000',
    })
  })

  it('says when an older check did not record its rows or reference', () => {
    const { window: _w, reference: _r, predictionPsi: _p, ...old } = point
    const t = healthCheckText({ ...old, rows: 200, maxPsi: 6.02 })
    expect(t.data).toBe('200 rows (this older check did not record which)')
    expect(t.reference).toBe('the reference distributions stored in its card')
    expect(t.psi).toBe('max feature PSI 6.020')
  })
})
