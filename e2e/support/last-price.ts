import type { Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The browser-side pixel check (plain JS: the node tsconfig has no DOM types). */
const SCRIPT = readFileSync(join(__dirname, 'last-price-check.js'), 'utf8')
  .replace(/^\/\/.*\n/gm, '')
  .trim()

/** The chart's up and down colours (src-renderer/chart/chart-theme.ts): the last-price line and label take one of them. */
const COLORS = [
  [38, 166, 154],
  [239, 83, 80],
]

/** What the main pane draws for the last price: full-width thin lines and price-axis label bands, y in CSS px, colour 0 up / 1 down. */
export interface LastPriceDrawing {
  readonly lines: readonly { readonly color: number; readonly y: number }[]
  readonly labels: readonly { readonly color: number; readonly y: number; readonly height: number }[]
  readonly error?: string
}

/** Reads the last-price line and axis label off the first chart's canvases (move the pointer off the chart first). */
export async function lastPriceDrawing(page: Page): Promise<LastPriceDrawing> {
  return page.evaluate(`${SCRIPT}(${JSON.stringify({ colors: COLORS })})`) as Promise<LastPriceDrawing>
}
