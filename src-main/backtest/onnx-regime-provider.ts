/**
 * A `RegimeForecastProvider` that scores a registered ONNX regime model (DOMAIN.md §1) on the `regime` feature
 * set, streamed bar by bar per symbol: the same features and the same model file as live inference.
 */
import type { ModelCard, Timeframe } from '../../src-shared'
import { featureStream, type FeatureStream } from '../features'
import { OnnxInferenceEngine } from '../ml'
import type { FeedBar, RegimeForecastProvider, RegimeProbabilities } from '../strategies'

/** Scores one regime model; `dispose()` closes its session. */
export class OnnxRegimeProvider implements RegimeForecastProvider {
  readonly description: string
  private readonly engine = new OnnxInferenceEngine()
  private readonly streams = new Map<
    string,
    { stream: FeatureStream<unknown>; row: Float32Array; pick: Int32Array; out: Float64Array }
  >()
  private loaded = false
  /** Output column of bearish, neutral, bullish (the card's class order). */
  private readonly order: Int32Array

  constructor(
    private readonly id: string,
    private readonly bytes: Uint8Array,
    private readonly card: ModelCard,
  ) {
    if (card.classes.length !== 3)
      throw new Error(`model ${card.name} is not a 3-class regime model (classes: ${card.classes.join(', ')})`)
    this.description = `${card.name} ${id.slice(0, 12)}`
    this.order = Int32Array.from(['bearish', 'neutral', 'bullish'], (c) => {
      const k = card.classes.indexOf(c)
      if (k < 0) throw new Error(`model ${card.name} has no "${c}" class (classes: ${card.classes.join(', ')})`)
      return k
    })
  }

  private state(symbol: string, timeframe: Timeframe) {
    let s = this.streams.get(symbol)
    if (!s) {
      const stream = featureStream('regime', timeframe)
      const pick = Int32Array.from(this.card.features, (f) => {
        const j = stream.names.indexOf(f)
        if (j < 0)
          throw new Error(`regime model ${this.card.name} reads feature "${f}", which the regime set does not have`)
        return j
      })
      s = { stream, row: new Float32Array(pick.length), pick, out: new Float64Array(stream.names.length) }
      this.streams.set(symbol, s)
    }
    return s
  }

  async forecast(bar: FeedBar): Promise<RegimeProbabilities | null> {
    if (!this.loaded) {
      this.engine.load(this.id, this.bytes, this.card)
      this.loaded = true
    }
    const s = this.state(bar.symbol, bar.timeframe)
    s.stream.update(bar, undefined, s.out)
    let any = false
    for (let j = 0; j < s.pick.length; j++) {
      const v = s.out[s.pick[j]]
      s.row[j] = v
      if (v === v) any = true
    }
    if (!any) return null
    const p = (await this.engine.score(this.id, s.row, 1)).probabilities
    return [p[this.order[0]], p[this.order[1]], p[this.order[2]]]
  }

  async dispose(): Promise<void> {
    await this.engine.dispose()
  }
}
