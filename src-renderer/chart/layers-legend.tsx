import type { PredictionPoint, Regime } from '../../src-shared'
import { ALERT_MARKER_COLORS } from './alert-markers'
import { SIGNAL_MARKER_COLORS } from './signal-markers'
import { PROBABILITY_COLORS } from './use-probability-pane'
import { regimeShade } from './use-regime-shading'
import { transitionMarker } from './use-markers'

/** Chart layers the legend can switch (the chart layers store's names). */
export type LegendLayer = 'regime' | 'probabilities' | 'alerts' | 'transitions' | 'signals' | 'volume' | 'overlays'

/** Which layers the chart has, which are hidden, and how to switch one. */
export interface LayersLegendProps {
  /** Layers with something to show on this chart, in legend order; the others are not listed. */
  readonly present: readonly LegendLayer[]
  readonly hidden: Readonly<Partial<Record<LegendLayer, boolean>>>
  /** Alert severities on the chart (only these get a swatch). */
  readonly severities: readonly ('S2' | 'S3')[]
  onToggle(layer: LegendLayer): void
}

/**
 * Layers with something to show, in legend order: ML layers and strategy signals only where their data is on the chart,
 * volume wherever there are bars.
 */
export function presentLayers(
  predictions: readonly PredictionPoint[],
  transitions: readonly PredictionPoint[],
  hasAlerts: boolean,
  hasBars: boolean,
  hasSignals = false,
  hasShading = false,
): LegendLayer[] {
  const out: LegendLayer[] = []
  if (hasShading || predictions.length > 0) out.push('regime')
  if (predictions.length > 0) out.push('probabilities')
  if (hasAlerts) out.push('alerts')
  if (transitions.length > 0) out.push('transitions')
  if (hasSignals) out.push('signals')
  if (hasBars) out.push('volume')
  return out
}

const REGIMES: readonly Regime[] = ['bullish', 'neutral', 'bearish']
const GLYPHS: Readonly<Record<string, string>> = { arrowUp: '▲', arrowDown: '▼', circle: '●', square: '■' }

/** The marker of a transition to `regime`, as the chart draws it (shape and colour from `transitionMarker`). */
function transitionGlyph(regime: Regime): { glyph: string; color: string } {
  const m = transitionMarker({ id: 0, regime, time: 0 } as PredictionPoint)
  return { glyph: GLYPHS[m.shape] ?? '●', color: m.color ?? '' }
}

/** Legend label and swatches of each layer. */
const LABELS: Readonly<Record<LegendLayer, string>> = {
  regime: 'Regime',
  probabilities: 'Probabilities',
  alerts: 'Alerts',
  transitions: 'Transitions',
  signals: 'Signals',
  volume: 'Volume',
  overlays: 'Overlays',
}

function Swatches({ layer, severities }: { layer: LegendLayer; severities: readonly ('S2' | 'S3')[] }) {
  switch (layer) {
    case 'regime':
      return REGIMES.map((r) => (
        <span key={r} className="layers-legend__key">
          <i className="layers-legend__shade" style={{ background: regimeShade(r, 0.4) }} />
          {r}
        </span>
      ))
    case 'probabilities':
      return (['bearish', 'neutral', 'bullish'] as const).map((r, k) => (
        <span key={r} className="layers-legend__key">
          <i className="layers-legend__line" style={{ background: PROBABILITY_COLORS[k] }} />
          {r}
        </span>
      ))
    case 'alerts':
      return severities.map((s) => (
        <span key={s} className="layers-legend__key">
          <b style={{ color: ALERT_MARKER_COLORS[s] }}>{GLYPHS.square}</b>
          {s}
        </span>
      ))
    case 'transitions':
      return REGIMES.map((r) => {
        const g = transitionGlyph(r)
        return (
          <span key={r} className="layers-legend__key">
            <b style={{ color: g.color }}>{g.glyph}</b>
            {r}
          </span>
        )
      })
    case 'signals':
      return (
        <>
          <span className="layers-legend__key">
            <b style={{ color: SIGNAL_MARKER_COLORS.long }}>{GLYPHS.arrowUp}</b>
            long
          </span>
          <span className="layers-legend__key">
            <b style={{ color: SIGNAL_MARKER_COLORS.short }}>{GLYPHS.arrowDown}</b>
            short
          </span>
          <span className="layers-legend__key">
            <b style={{ color: SIGNAL_MARKER_COLORS.longSkipped }}>{GLYPHS.arrowUp}</b>
            skipped
          </span>
        </>
      )
    default:
      return null
  }
}

/**
 * A compact legend of the chart's ML layers (regime shading, probability lines, alert markers by severity, transition
 * markers), strategy signal markers and volume, listing only the layers this chart has; each entry switches its layer on and off.
 */
export function LayersLegend({ present, hidden, severities, onToggle }: LayersLegendProps) {
  if (present.length === 0) return null
  return (
    <div className="layers-legend" role="group" aria-label="Chart layers" data-testid="layers-legend">
      {present.map((layer) => (
        <button
          key={layer}
          type="button"
          className="layers-legend__item"
          aria-pressed={!hidden[layer]}
          title={`${hidden[layer] ? 'Show' : 'Hide'} ${LABELS[layer].toLowerCase()}`}
          data-testid="layer-toggle"
          data-layer={layer}
          onClick={() => onToggle(layer)}
        >
          <span className="layers-legend__label">{LABELS[layer]}</span>
          <Swatches layer={layer} severities={severities} />
        </button>
      ))}
    </div>
  )
}
