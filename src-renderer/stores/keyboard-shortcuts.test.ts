import { describe, expect, it } from 'vitest'
import { createChartLayersStore } from './chart-layers-store'
import {
  addKeyboardShortcuts,
  chordMatches,
  isTypingTarget,
  KEYBOARD_SHORTCUTS,
  matchShortcut,
  SHORTCUT_GROUPS,
  type KeyPress,
} from './keyboard-shortcuts'

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
})

describe('keyboard shortcuts', () => {
  it('matches letters without Shift, punctuation typed with Shift, named keys and Ctrl (or ⌘) chords', () => {
    expect(chordMatches('g', press('g'))).toBe(true)
    expect(chordMatches('g', press('G', { shiftKey: true }))).toBe(false)
    expect(chordMatches('g', press('g', { ctrlKey: true }))).toBe(false)
    expect(chordMatches('?', press('?', { shiftKey: true }))).toBe(true)
    expect(chordMatches('+', press('+', { shiftKey: true }))).toBe(true)
    expect(chordMatches('Ctrl++', press('+', { ctrlKey: true }))).toBe(true)
    expect(chordMatches('End', press('End'))).toBe(true)
    expect(chordMatches('Ctrl+K', press('k', { ctrlKey: true }))).toBe(true)
    expect(chordMatches('Ctrl+K', press('k', { metaKey: true }))).toBe(true)
    expect(chordMatches('Ctrl+K', press('k'))).toBe(false)
    expect(chordMatches('Shift+ArrowUp', press('ArrowUp', { shiftKey: true }))).toBe(true)
    expect(chordMatches('Shift+ArrowUp', press('ArrowUp'))).toBe(false)
    expect(chordMatches('1 … 6', press('1'))).toBe(false)
  })

  it('finds the chart row of a press, and app rows only in app scope', () => {
    expect(matchShortcut(press('='), 'chart')?.id).toBe('chart.zoomIn')
    expect(matchShortcut(press('End'), 'chart')?.id).toBe('chart.latest')
    expect(matchShortcut(press('/'), 'chart')?.id).toBe('search.symbol')
    expect(matchShortcut(press('Backspace'), 'chart')?.id).toBe('draw.delete')
    expect(matchShortcut(press('?', { shiftKey: true }), 'chart')).toBeUndefined()
    expect(matchShortcut(press('?', { shiftKey: true }), 'app')?.id).toBe('help.shortcuts')
    expect(matchShortcut(press('s'), 'chart')?.id).toBe('layer.signals')
    expect(matchShortcut(press('x'), 'chart')).toBeUndefined()
  })

  it('lists the view keys, go-to-date and symbol search; every row has a known group and keys no other row has', () => {
    const ids = KEYBOARD_SHORTCUTS.map((r) => r.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'view.switch',
        'view.switchAnywhere',
        'chart.goToDate',
        'search.symbol',
        'help.shortcuts',
      ]),
    )
    expect(KEYBOARD_SHORTCUTS.find((r) => r.id === 'search.symbol')!.keys).toEqual(['/', 'Ctrl+K'])
    for (const r of KEYBOARD_SHORTCUTS) expect(SHORTCUT_GROUPS).toContain(r.group)
    const chords = KEYBOARD_SHORTCUTS.flatMap((r) =>
      r.keys.map((k) => `${r.scope === 'app' ? '' : r.scope}:${k.toLowerCase()}`),
    )
    expect(new Set(chords).size).toBe(chords.length)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('other code adds rows; a row with the same id replaces the old one', () => {
    const n = KEYBOARD_SHORTCUTS.length
    addKeyboardShortcuts([{ id: 'test.row', keys: ['Ctrl+J'], label: 'a test row', group: 'Chart', scope: 'chart' }])
    addKeyboardShortcuts([{ id: 'test.row', keys: ['Ctrl+J'], label: 'the test row', group: 'Chart', scope: 'chart' }])
    expect(KEYBOARD_SHORTCUTS).toHaveLength(n + 1)
    expect(matchShortcut(press('j', { ctrlKey: true }), 'chart')?.label).toBe('the test row')
    KEYBOARD_SHORTCUTS.splice(n)
  })

  it('tells typing in a field from a press elsewhere', () => {
    expect(isTypingTarget({ tagName: 'INPUT' })).toBe(true)
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true)
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})

describe('chart layers store', () => {
  it('toggles one layer at a time, opens the shortcuts overlay and numbers view requests', () => {
    const s = createChartLayersStore()
    s.getState().toggle('volume')
    expect(s.getState().hidden).toEqual({
      regime: false,
      probabilities: false,
      alerts: false,
      transitions: false,
      signals: false,
      volume: true,
      overlays: false,
    })
    s.getState().toggle('volume')
    expect(s.getState().hidden.volume).toBe(false)
    s.getState().setHelpOpen(true)
    expect(s.getState().helpOpen).toBe(true)
    s.getState().requestViewport('zoomIn')
    s.getState().requestViewport('zoomIn')
    s.getState().requestViewport('zoomOut')
    expect(s.getState().viewport).toEqual([
      { action: 'zoomIn', seq: 1 },
      { action: 'zoomIn', seq: 2 },
      { action: 'zoomOut', seq: 3 },
    ])
    for (let i = 0; i < 20; i++) s.getState().requestViewport('zoomOut')
    expect(s.getState().viewport).toHaveLength(16)
    expect(s.getState().viewport.at(-1)!.seq).toBe(23)
  })
})
