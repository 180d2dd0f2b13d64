import type { SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts'
import { strategyInfo, type SignalView, type StoredBar } from '../../src-shared'
import { formatUtc } from '../format'
import { chartTime } from './bars-delta'

/**
 * Colours of strategy signals: long blue, short magenta (apart from the regime transitions' teal and red arrows and the
 * alerts' amber and red squares); a skipped signal is the same colour, faded.
 */
export const SIGNAL_MARKER_COLORS = {
  long: '#3d8bfd',
  short: '#d05ce3',
  longSkipped: 'rgba(61, 139, 253, 0.38)',
  shortSkipped: 'rgba(208, 92, 227, 0.38)',
} as const

/** Two-letter tag of a strategy drawn next to its taken signals (`BN` for Battle Navale). */
export function strategyTag(strategy: string): string {
  const label = strategyInfo(strategy)?.label ?? strategy
  const words = label
    .replace(/\(.*\)/, '')
    .split(/[\s-]+/)
    .filter(Boolean)
  // An abbreviation stays as it is ("MA crossover" → MA); otherwise the initials of the first two words.
  if (/^[A-Z]{2,3}$/.test(words[0] ?? '')) return words[0]
  return (words.length > 1 ? words[0][0] + words[1][0] : label.slice(0, 2)).toUpperCase()
}

/** The signal's colour as drawn: by side, faded when skipped. */
export function signalColor(s: Pick<SignalView, 'side' | 'outcome'>): string {
  const taken = s.outcome === 'taken'
  if (s.side === 'long') return taken ? SIGNAL_MARKER_COLORS.long : SIGNAL_MARKER_COLORS.longSkipped
  return taken ? SIGNAL_MARKER_COLORS.short : SIGNAL_MARKER_COLORS.shortSkipped
}

/** A signal as a marker: long an arrow up under the bar, short an arrow down over it; taken solid with its strategy's tag, skipped faded. */
export function signalMarker(s: SignalView): SeriesMarker<Time> {
  const taken = s.outcome === 'taken'
  const long = s.side === 'long'
  return {
    id: `signal:${s.id}`,
    time: chartTime(s.time) as UTCTimestamp,
    position: long ? 'belowBar' : 'aboveBar',
    shape: long ? 'arrowUp' : 'arrowDown',
    color: signalColor(s),
    size: taken ? 1.1 : 0.8,
    ...(taken ? { text: strategyTag(s.strategy) } : {}),
  }
}

/** Signals on the loaded bars (markers at times without a bar would be drawn at the wrong place), oldest first. */
export function signalsOnBars(signals: readonly SignalView[], bars: readonly Pick<StoredBar, 'time'>[]): SignalView[] {
  if (bars.length === 0) return []
  const first = bars[0].time
  const last = bars[bars.length - 1].time
  return signals.filter((s) => s.time >= first && s.time <= last)
}

const num = (v: number) => v.toFixed(2)

/** The ML part of a signal in words: its probability, or why there is none. */
export function signalMlText(s: Pick<SignalView, 'ml' | 'mlProbability' | 'modelVersion'>): string {
  if (!s.ml) return 'ML probability — (ML off)'
  if (s.mlProbability === null) return 'ML probability — (ML on, no model: acting as off)'
  return `ML probability ${num(s.mlProbability)}`
}

/**
 * What a signal marker's tooltip says: strategy, side and outcome; s and base confidence; ML probability and enhanced
 * confidence; the tier and the reason; the model version; the bar time and series.
 */
export function signalLines(s: SignalView): string[] {
  const label = strategyInfo(s.strategy)?.label ?? s.strategy
  return [
    `${label} ${s.side.toUpperCase()} · ${s.outcome}`,
    `s ${s.score === null ? '—' : `${s.score >= 0 ? '+' : ''}${num(s.score)}`} · base confidence ${num(s.baseConfidence)}`,
    `${signalMlText(s)} · enhanced ${num(s.enhancedConfidence)}`,
    `tier ×${s.tier} · ${s.outcome}${s.reason ? `: ${s.reason}` : ''}`,
    `model ${s.modelVersion ?? (s.ml ? 'none (no champion)' : 'none (ML off)')}`,
    `${formatUtc(s.time)} · ${s.symbol} ${s.timeframe}`,
  ]
}
