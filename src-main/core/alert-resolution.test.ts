import { describe, expect, it } from 'vitest'
import { ALERT_TYPES } from '../../src-shared'
import { defaultBasketReplayFiles, loadReplayDataset } from '../data'
import { alignBasket, barsToColumns } from '../features'
import { alertLabels, alertLabelSeries, NO_LABEL } from '../predictors'
import { openDatabase, SqliteBarStore } from '../store'
import { labelLookbackBars, resolveOutcomes, type DueAlert } from './alert-resolution'
import { EMBEDDED_ALERT_BASKET } from './index'

const venue = 'BINANCE'
const assets = EMBEDDED_ALERT_BASKET.assets
const dataset = loadReplayDataset(defaultBasketReplayFiles())
const aligned = alignBasket(assets.map((s) => barsToColumns(dataset.bars.find((b) => b.symbol === s)!.bars)))

describe('resolveOutcomes (the alert resolver) on the bundled alt/BTC 5m basket', () => {
  it('reads only the bars each type needs, and every outcome equals the §2 label over the whole stored basket', () => {
    const db = openDatabase(':memory:')
    const bars = new SqliteBarStore(db)
    const n = aligned[0].time.length
    assets.forEach((symbol, a) => {
      const c = aligned[a]
      bars.upsert({ symbol, venue, timeframe: '5m' }, Array.from({ length: n }, (_, i) => ({ time: c.time[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] })))
    })
    const series = alertLabelSeries({ basket: aligned, barsPerHour: 12 })
    const spec = { assets, venue, timeframe: '5m' as const }
    // Alerts early in the history (windows not yet full: no label), in the middle and near the end, for every type.
    const at = [50, 200, 400, 3000, 5000, n - 700]
    const due: DueAlert[] = ALERT_TYPES.flatMap((type) => [4, 24].flatMap((hh) => at.map((i) => ({ id: `${type}:${hh}:${i}`, type, time: aligned[0].time[i], horizonHours: hh }))))
    const end = aligned[0].time[n - 1]
    // One call per alert (what the resolver reads for it alone) and one for all of them together.
    const alone = due.flatMap((a) => resolveOutcomes(bars, spec, [a], end))
    const together = resolveOutcomes(bars, spec, due, end)
    expect(together).toEqual(alone)
    let labelled = 0
    for (const o of alone) {
      const [type, hh, i] = o.id.split(':')
      const label = alertLabels(type as DueAlert['type'], series, Number(hh) * 12)[Number(i)]
      expect(o.outcome, o.id).toBe(label === NO_LABEL ? null : label === 1 ? 'hit' : 'miss')
      if (o.outcome) labelled++
    }
    expect(labelled).toBeGreaterThan(due.length / 2)
    expect(alone.filter((o) => o.id.startsWith('VOLATILITY_SPIKE_IMMINENT') && o.id.endsWith(':200')).every((o) => o.outcome === null)).toBe(true)
    db.close()
  })

  it('asks for a month of bars for the volatility percentile and about a day for the correlation and regime types', () => {
    expect(labelLookbackBars('VOLATILITY_SPIKE_IMMINENT', 12)).toBe(31 * 288 + 1)
    expect(labelLookbackBars('SPIKE_LIKELY', 12)).toBe(289)
    expect(labelLookbackBars('CORRELATION_BREAKDOWN', 1)).toBe(25)
    expect(labelLookbackBars('REGIME_CHANGE_PENDING', 12)).toBe(113)
  })
})
