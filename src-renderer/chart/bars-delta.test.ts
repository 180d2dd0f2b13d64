import { describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared'
import { barsDelta } from './bars-delta'

const bar = (time: number, close = 1): Bar => ({ time, open: 1, high: 2, low: 0.5, close, volume: 3 })

describe('barsDelta', () => {
  const prev = [bar(1), bar(2), bar(3)]

  it('is none for the same array and reset for the first data', () => {
    expect(barsDelta(prev, prev)).toEqual({ kind: 'none' })
    expect(barsDelta(undefined, prev)).toEqual({ kind: 'reset' })
    expect(barsDelta([], prev)).toEqual({ kind: 'reset' })
  })

  it('updates when the forming bar is replaced, one bar is appended, or both (a resampled bar closes)', () => {
    const replaced = [prev[0], prev[1], bar(3, 9)]
    expect(barsDelta(prev, replaced)).toEqual({ kind: 'update', bars: [replaced[2]] })
    const appended = [...prev, bar(4)]
    expect(barsDelta(prev, appended)).toEqual({ kind: 'update', bars: [appended[3]] })
    const both = [prev[0], prev[1], bar(3, 9), bar(4)]
    expect(barsDelta(prev, both)).toEqual({ kind: 'update', bars: [both[2], both[3]] })
    const single = [bar(1)]
    expect(barsDelta(single, [bar(1, 5)])).toEqual({ kind: 'update', bars: [bar(1, 5)] })
  })

  it('tells a page joined on the left or right from a reload', () => {
    expect(barsDelta(prev, [bar(-1), bar(0), ...prev])).toEqual({ kind: 'prepend', count: 2 })
    expect(barsDelta(prev, [...prev, bar(4), bar(5)])).toEqual({ kind: 'append', count: 2 })
  })

  it('resets for another series or a reload', () => {
    expect(barsDelta(prev, [bar(1), bar(2), bar(3)])).toEqual({ kind: 'reset' })
    expect(barsDelta(prev, [prev[0], prev[1], bar(5)])).toEqual({ kind: 'reset' })
    expect(barsDelta(prev, [prev[0], bar(2, 7), bar(3, 7)])).toEqual({ kind: 'reset' })
    expect(barsDelta(prev, [bar(0), ...prev.slice(1)])).toEqual({ kind: 'reset' })
    expect(barsDelta(prev, [prev[0], prev[1], bar(3, 9), bar(2)])).toEqual({ kind: 'reset' })
  })
})
