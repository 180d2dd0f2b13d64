import { describe, expect, it } from 'vitest'
import { ALERT_TYPES } from '../../src-shared'
import { defaultBasketReplayFiles, loadReplayDataset } from '../data'
import { alignBasket, barsToColumns } from '../features'
import {
  alertLabels,
  alertLabelSeries,
  labelLookbackBars,
  NO_LABEL,
  resolveOutcomes,
  type DueAlert,
} from '../predictors'
import { openDatabase, SqliteBarStore } from '../store'
import { EMBEDDED_ALERT_BASKET } from './index'

const venue = 'USA'
const assets = EMBEDDED_ALERT_BASKET.assets
const dataset = loadReplayDataset(defaultBasketReplayFiles())
// The first 3000 aligned hours (2009-01-30 → 2010-09): long enough for every window, short enough to resolve 48 alerts one by one.
const aligned = alignBasket(assets.map((s) => barsToColumns(dataset.bars.find((b) => b.symbol === s)!.bars))).map(
  (c) => ({
    time: c.time.slice(0, 3000),
    open: c.open.slice(0, 3000),
    high: c.high.slice(0, 3000),
    low: c.low.slice(0, 3000),
    close: c.close.slice(0, 3000),
    volume: c.volume.slice(0, 3000),
    takerBuyVolume: c.takerBuyVolume.slice(0, 3000),
  }),
)

describe('resolveOutcomes (the alert resolver) on the bundled US-equity 1h basket', () => {
  it('reads only the bars each type needs, and every outcome equals the §2 label over the whole stored basket', () => {
    const db = openDatabase(':memory:')
    const bars = new SqliteBarStore(db)
    const n = aligned[0].time.length
    assets.forEach((symbol, a) => {
      const c = aligned[a]
      bars.upsert(
        { symbol, venue, timeframe: '1h' },
        Array.from({ length: n }, (_, i) => ({
          time: c.time[i],
          open: c.open[i],
          high: c.high[i],
          low: c.low[i],
          close: c.close[i],
          volume: c.volume[i],
        })),
      )
    })
    const series = alertLabelSeries({ basket: aligned, barsPerHour: 1 })
    const spec = { assets, venue, timeframe: '1h' as const }
    // Alerts early in the history (windows not yet full: no label), in the middle and near the end, for every type.
    const at = [50, 200, 400, 1200, 2400, n - 100]
    const due: DueAlert[] = ALERT_TYPES.flatMap((type) =>
      [4, 24].flatMap((hh) =>
        at.map((i) => ({ id: `${type}:${hh}:${i}`, type, time: aligned[0].time[i], horizonHours: hh })),
      ),
    )
    const end = aligned[0].time[n - 1]
    // One call per alert (what the resolver reads for it alone) and one for all of them together.
    const alone = due.flatMap((a) => resolveOutcomes(bars, spec, [a], end))
    const together = resolveOutcomes(bars, spec, due, end)
    expect(together.map((o) => `${o.id} ${o.outcome}`)).toEqual(alone.map((o) => `${o.id} ${o.outcome}`))
    let labelled = 0
    for (const o of alone) {
      const [type, hh, i] = o.id.split(':')
      const label = alertLabels(type as DueAlert['type'], series, Number(hh))[Number(i)]
      expect(o.outcome, o.id).toBe(label === NO_LABEL ? null : label === 1 ? 'hit' : 'miss')
      if (o.outcome) labelled++
    }
    expect(labelled).toBeGreaterThan(due.length / 2)
    expect(
      alone
        .filter((o) => o.id.startsWith('VOLATILITY_SPIKE_IMMINENT') && o.id.endsWith(':200'))
        .every((o) => o.outcome === null),
    ).toBe(true)
    // An alert whose H bars have not all closed by `time` is left out, to be asked again: its target time passed in
    // calendar hours overnight, long before 24 trading hours did.
    const late = { id: 'late', type: 'SPIKE_LIKELY' as const, time: aligned[0].time[n - 10], horizonHours: 24 }
    expect(resolveOutcomes(bars, spec, [late], end)).toEqual([])
    expect(resolveOutcomes(bars, spec, [{ ...late, time: aligned[0].time[n - 30] }], end)).toHaveLength(1)
    db.close()
  })

  it('asks for a month of bars for the volatility percentile and about a day for the correlation and regime types', () => {
    expect(labelLookbackBars('VOLATILITY_SPIKE_IMMINENT', 12)).toBe(31 * 288 + 1)
    expect(labelLookbackBars('SPIKE_LIKELY', 12)).toBe(289)
    expect(labelLookbackBars('CORRELATION_BREAKDOWN', 1)).toBe(25)
    expect(labelLookbackBars('REGIME_CHANGE_PENDING', 12)).toBe(113)
  })
})
