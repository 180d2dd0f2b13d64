import { describe, expect, it } from 'vitest'
import { HINT_WORDS, rewordHints, type InputHint } from './input-hint'

const CLI: Record<InputHint, string> = {
  format: 'pass --format',
  symbol: 'pass --symbol',
  timeframe: 'pass --timeframe',
  venue: 'pass --venue',
  force: 'pass --force with a reason',
  database: 'pass --db',
  maxInflated: 'limit --max-inflated-mb',
  maxInflateRatio: 'limit --max-inflate-ratio',
}

describe('rewordHints', () => {
  it('swaps the neutral words of a core message for the edge words', () => {
    expect(
      rewordHints(`a.csv: cannot infer the timeframe from fewer than two bars; ${HINT_WORDS.timeframe}`, CLI),
    ).toBe('a.csv: cannot infer the timeframe from fewer than two bars; pass --timeframe')
    expect(rewordHints(`needs a passing gate, or ${HINT_WORDS.force}`, CLI)).toBe(
      'needs a passing gate, or pass --force with a reason',
    )
  })

  it('leaves a message without hints as it is', () => {
    expect(rewordHints('no stored bars for BTCUSDT 1h', CLI)).toBe('no stored bars for BTCUSDT 1h')
  })
})
