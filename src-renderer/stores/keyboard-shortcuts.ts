/**
 * The keyboard shortcuts of the workstation as one table: the `?` overlay lists it, and the chart's key handler
 * matches its `chart` rows against key presses, so what is listed is what works. Features that bring their own keys
 * add rows (`addKeyboardShortcuts`) and handle them where they live.
 */

/** Sections of the shortcuts overlay, in the order it shows them. */
export const SHORTCUT_GROUPS = ['Views', 'Chart', 'Layers', 'Drawing', 'Search', 'Help'] as const
/** A section of the shortcuts overlay. */
export type ShortcutGroup = (typeof SHORTCUT_GROUPS)[number]

/** One row of the table. */
export interface KeyboardShortcut {
  /** What it does, as handlers know it (`chart.zoomIn`). */
  readonly id: string
  /**
   * Key chords, each one way to press it: a `KeyboardEvent.key` with modifiers (`g`, `End`, `Ctrl+K`, `Shift+ArrowUp`).
   * Rows handled elsewhere may show a range (`1 … 6`); such text never matches a key press.
   */
  readonly keys: readonly string[]
  readonly label: string
  readonly group: ShortcutGroup
  /** `chart`: only while the Chart view is shown; `app`: everywhere. Neither fires while typing in a field. */
  readonly scope: 'app' | 'chart'
}

/** Every shortcut (append with `addKeyboardShortcuts`). */
export const KEYBOARD_SHORTCUTS: KeyboardShortcut[] = [
  {
    id: 'view.switch',
    keys: ['1 … 6'],
    label: 'Switch view: Chart, Alerts, Models, Strategies, Backtests, Data',
    group: 'Views',
    scope: 'app',
  },
  {
    id: 'view.switchAnywhere',
    keys: ['Alt+1 … 6'],
    label: 'Switch view, even while typing',
    group: 'Views',
    scope: 'app',
  },
  { id: 'chart.timeframeDown', keys: ['['], label: 'Shorter timeframe', group: 'Chart', scope: 'chart' },
  { id: 'chart.timeframeUp', keys: [']'], label: 'Longer timeframe', group: 'Chart', scope: 'chart' },
  { id: 'chart.zoomIn', keys: ['+', '='], label: 'Zoom in', group: 'Chart', scope: 'chart' },
  { id: 'chart.zoomOut', keys: ['-'], label: 'Zoom out', group: 'Chart', scope: 'chart' },
  { id: 'chart.latest', keys: ['End'], label: 'Back to the newest bars (live)', group: 'Chart', scope: 'chart' },
  { id: 'chart.goToDate', keys: ['g'], label: 'Go to a date', group: 'Chart', scope: 'chart' },
  {
    id: 'chart.indicators',
    keys: ['i'],
    label: 'Add an indicator overlay (type to search)',
    group: 'Chart',
    scope: 'chart',
  },
  { id: 'layer.regime', keys: ['r'], label: 'Regime shading on/off', group: 'Layers', scope: 'chart' },
  { id: 'layer.probabilities', keys: ['p'], label: 'Probability pane on/off', group: 'Layers', scope: 'chart' },
  { id: 'layer.alerts', keys: ['a'], label: 'Alert markers on/off', group: 'Layers', scope: 'chart' },
  { id: 'layer.transitions', keys: ['m'], label: 'Transition markers on/off', group: 'Layers', scope: 'chart' },
  { id: 'layer.signals', keys: ['s'], label: 'Strategy signal markers on/off', group: 'Layers', scope: 'chart' },
  { id: 'layer.volume', keys: ['v'], label: 'Volume on/off', group: 'Layers', scope: 'chart' },
  { id: 'layer.overlays', keys: ['o'], label: 'Indicator overlays on/off', group: 'Layers', scope: 'chart' },
  { id: 'draw.level', keys: ['h'], label: 'Horizontal level (click to place)', group: 'Drawing', scope: 'chart' },
  { id: 'draw.trendline', keys: ['t'], label: 'Trendline (click, click)', group: 'Drawing', scope: 'chart' },
  {
    id: 'draw.delete',
    keys: ['Delete', 'Backspace'],
    label: 'Delete the selected drawing',
    group: 'Drawing',
    scope: 'chart',
  },
  {
    id: 'draw.cancel',
    keys: ['Escape'],
    label: 'Cancel drawing, put the tool down, deselect',
    group: 'Drawing',
    scope: 'chart',
  },
  {
    id: 'search.symbol',
    keys: ['/', 'Ctrl+K'],
    label: 'Search stored series (pair and timeframe words work)',
    group: 'Search',
    scope: 'chart',
  },
  { id: 'help.shortcuts', keys: ['?'], label: 'Show these shortcuts (Esc closes)', group: 'Help', scope: 'app' },
]

/** Adds rows to the table; a row with an id already there replaces it. */
export function addKeyboardShortcuts(rows: readonly KeyboardShortcut[]): void {
  for (const row of rows) {
    const i = KEYBOARD_SHORTCUTS.findIndex((r) => r.id === row.id)
    if (i >= 0) KEYBOARD_SHORTCUTS[i] = row
    else KEYBOARD_SHORTCUTS.push(row)
  }
}

/** The parts of a key press a chord is matched against. */
export interface KeyPress {
  readonly key: string
  readonly ctrlKey: boolean
  readonly altKey: boolean
  readonly metaKey: boolean
  readonly shiftKey: boolean
}

/**
 * True when the press is the chord. `Ctrl` also matches ⌘ (macOS). Shift must match for letters and named keys; for
 * punctuation it is ignored unless the chord names it (`?` and `+` need Shift on most layouts).
 */
export function chordMatches(chord: string, e: KeyPress): boolean {
  const plusKey = chord === '+' || chord.endsWith('++')
  const parts = plusKey ? [...chord.slice(0, -1).split('+').filter(Boolean), '+'] : chord.split('+')
  const key = parts[parts.length - 1]
  const mods = new Set(parts.slice(0, -1).map((m) => m.toLowerCase()))
  if (mods.has('ctrl') !== (e.ctrlKey || e.metaKey) || mods.has('alt') !== e.altKey) return false
  const word = /^[a-z0-9]$/i.test(key) || key.length > 1
  if ((word || mods.has('shift')) && mods.has('shift') !== e.shiftKey) return false
  return key.length === 1 ? e.key.toLowerCase() === key.toLowerCase() : e.key === key
}

/** The first row of `scope` one of whose chords the press is. */
export function matchShortcut(
  e: KeyPress,
  scope: KeyboardShortcut['scope'],
  rows: readonly KeyboardShortcut[] = KEYBOARD_SHORTCUTS,
): KeyboardShortcut | undefined {
  return rows.find((r) => r.scope === scope && r.keys.some((k) => chordMatches(k, e)))
}

/** True when a key press goes to a text field (shortcuts without Alt/Ctrl stay out of the way then). */
export function isTypingTarget(target: unknown): boolean {
  const el = target as { tagName?: unknown; isContentEditable?: boolean } | null
  if (!el || typeof el.tagName !== 'string') return false
  return el.isContentEditable === true || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
}
