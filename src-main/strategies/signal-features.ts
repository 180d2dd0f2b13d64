/** The 12 Battle Navale features per symbol (DOMAIN.md §4), kept streaming so any strategy's signal can carry them for ML. */
import { featureStream, type FeatureStream } from '../features'
import type { FeedBar } from './strategy'

const COUNT = 12

/** Streams the battle-navale set per symbol; `current(symbol)` copies the latest 12 values. */
export class SignalFeatureTracker {
  private readonly streams = new Map<string, { stream: FeatureStream<unknown>; out: Float64Array }>()

  /** Advances the symbol's stream by one closed bar. */
  update(bar: FeedBar): void {
    let e = this.streams.get(bar.symbol)
    if (!e) {
      const stream = featureStream('battle-navale', bar.timeframe)
      e = { stream, out: new Float64Array(stream.names.length) }
      this.streams.set(bar.symbol, e)
    }
    e.stream.update(bar, undefined, e.out)
  }

  /** A copy of the latest 12 features of the symbol (throws when it has seen no bar). */
  current(symbol: string): Float64Array {
    const e = this.streams.get(symbol)
    if (!e) throw new Error(`no bars seen for ${symbol}`)
    return e.out.slice(0, COUNT)
  }
}
