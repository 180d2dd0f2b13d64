import { describe, expect, it } from 'vitest'
import { OVERLAY_DEFINITIONS, overlayDefaults, overlayParamError, overlaySpec } from '../../src-shared'
import { IndicatorEngine, parseIndicatorSpec } from './indicator-spec'

describe('chart overlay catalog (src-shared/chart-overlays.ts) against the spec parser', () => {
  it('every overlay spec parses to itself and draws outputs the indicator has', () => {
    for (const d of OVERLAY_DEFINITIONS) {
      const text = overlaySpec(d.kind, overlayDefaults(d.kind))
      const spec = parseIndicatorSpec(text)
      expect(spec.text, d.kind).toBe(text)
      const outputs = spec.columns.map((c) => (c === spec.text ? '' : c.slice(spec.text.length + 1)))
      for (const line of d.lines) expect(outputs, `${d.kind} ${line}`).toContain(line)
    }
  })

  it('a value the picker accepts parses, and the parser refuses what the picker refuses at the edges', () => {
    for (const d of OVERLAY_DEFINITIONS) {
      d.params.forEach((p, i) => {
        const withValue = (v: number) =>
          overlaySpec(
            d.kind,
            overlayDefaults(d.kind).map((x, k) => (k === i ? v : x)),
          )
        expect(overlayParamError(p, String(p.max))).toBeUndefined()
        expect(() => parseIndicatorSpec(withValue(p.max))).not.toThrow()
        const lowest = p.minExclusive ? p.min + 0.01 : p.min
        expect(overlayParamError(p, String(lowest))).toBeUndefined()
        expect(() => parseIndicatorSpec(withValue(lowest))).not.toThrow()
        for (const bad of p.integer ? [0, -3, 2.5] : [0, -1]) {
          expect(overlayParamError(p, String(bad)), `${d.kind} ${p.label} ${bad}`).toMatch(
            new RegExp(`^${p.label} must be`),
          )
          // The engine, not the parser alone: keltner's ATR period is checked when its kernel starts.
          expect(() => new IndicatorEngine(withValue(bad)), `${d.kind} ${bad}`).toThrow()
        }
      })
    }
  })

  it('names the parameter and the range in one line; text that is not a number is refused', () => {
    const period = OVERLAY_DEFINITIONS.find((d) => d.kind === 'ema')!.params[0]
    expect(overlayParamError(period, 'abc')).toBe('Period must be a whole number from 1 to 1000')
    expect(overlayParamError(period, '')).toBe('Period must be a whole number from 1 to 1000')
    expect(overlayParamError(period, '1001')).toBe('Period must be a whole number from 1 to 1000')
    expect(overlayParamError(period, ' 30 ')).toBeUndefined()
    const k = OVERLAY_DEFINITIONS.find((d) => d.kind === 'bb')!.params[1]
    expect(overlayParamError(k, '0')).toBe('Multiplier must be a number above 0 and at most 10')
    expect(overlayParamError(k, '2.5')).toBeUndefined()
  })
})
