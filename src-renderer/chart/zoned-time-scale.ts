import {
  defaultHorzScaleBehavior,
  type Mutable,
  type TickMarkWeightValue,
  type TimeScalePoint,
} from 'lightweight-charts'
import { zoneOffsets } from '../../src-shared'

const DAY = 86_400_000

// lightweight-charts' intraday tick weights (TickMarkWeight), finest first: a boundary of each divisor in wall time.
const INTRADAY: readonly (readonly [divisor: number, weight: number])[] = [
  [1_000, 10],
  [60_000, 20],
  [300_000, 21],
  [1_800_000, 22],
  [3_600_000, 30],
  [10_800_000, 31],
  [21_600_000, 32],
  [43_200_000, 33],
]

/**
 * Tick weight of a time-scale point from its wall time and the previous point's (both in the display zone, encoded as
 * UTC): 70 a new year, 60 a new month, 50 a new day, else the coarsest intraday boundary crossed (lightweight-charts'
 * rule, read on wall time instead of UTC so ticks fall on the zone's midnights and hours across DST changes).
 */
export function zonedTickWeight(wall: number, prevWall: number): number {
  if (Math.floor(wall / DAY) !== Math.floor(prevWall / DAY)) {
    const a = new Date(wall)
    const b = new Date(prevWall)
    if (a.getUTCFullYear() !== b.getUTCFullYear()) return 70
    return a.getUTCMonth() !== b.getUTCMonth() ? 60 : 50
  }
  for (let i = INTRADAY.length - 1; i >= 0; i--) {
    const d = INTRADAY[i][0]
    if (Math.floor(prevWall / d) !== Math.floor(wall / d)) return INTRADAY[i][1]
  }
  return 0
}

const DefaultTimeScale = defaultHorzScaleBehavior()

/**
 * The chart's time scale in a display zone: times stay UTC seconds (the data is never shifted, so the repeated hour of
 * an autumn DST change cannot produce duplicate times); only the tick weights — which points get labels — are computed
 * on the zone's wall time. Labels come from the chart options' formatters.
 */
export class ZonedTimeScale extends DefaultTimeScale {
  constructor(readonly zone: string) {
    super()
  }

  override fillWeightsForPoints(points: readonly Mutable<TimeScalePoint>[], startIndex: number): void {
    if (points.length === 0) return
    const z = zoneOffsets(this.zone)
    const wallOf = (p: TimeScalePoint): number => {
      const ms = (p.originalTime as number) * 1000
      return ms + z.at(ms)
    }
    let prev = startIndex > 0 ? wallOf(points[startIndex - 1]) : NaN
    for (let i = startIndex; i < points.length; i++) {
      const wall = wallOf(points[i])
      if (i > 0) points[i].timeWeight = zonedTickWeight(wall, prev) as TickMarkWeightValue
      prev = wall
    }
    if (startIndex === 0 && points.length > 1) {
      // The first point has no predecessor: weigh it against one average step before it (as lightweight-charts does).
      const first = wallOf(points[0])
      const step = Math.ceil((prev - first) / (points.length - 1))
      points[0].timeWeight = zonedTickWeight(first, first - step) as TickMarkWeightValue
    }
  }
}
