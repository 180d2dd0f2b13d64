import type { Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The browser-side check (plain JS; the node tsconfig has no DOM types). */
const LAYOUT_SCRIPT = readFileSync(join(__dirname, 'layout-check.js'), 'utf8')
  .replace(/^\/\/.*\n/gm, '')
  .trim()

/** The two window sizes every view is checked at (a large desktop and a small laptop). */
export const VIEWPORTS = [
  { name: '1600x1000', width: 1600, height: 1000 },
  { name: '1280x720', width: 1280, height: 720 },
] as const

/** Boxes whose content must stay inside them: panels, cards, toolbars, dialogs, the views themselves. */
const BOXES =
  '.view, .panel, .toolbar, .view-header, .forecast-card, .features-panel, .jobs-panel, .modal, .status-bar, [data-layout-box]'

/**
 * Layout defects on the current page, one line each (empty when the layout is clean):
 * - an element that sticks out of its nearest box (panel, card, toolbar, dialog, view) with no scrolling container
 *   between them (content drawn over a neighbour or cut off at the window edge);
 * - an element that clips its own content (`overflow: hidden|clip`, content larger than the box) without an ellipsis;
 * - a page that scrolls sideways.
 * Chart canvases and SVG internals are skipped (lightweight-charts and the plain-SVG charts size themselves).
 * `within` limits the check to one part of the page (a CSS selector).
 */
export async function layoutDefects(page: Page, within = 'body'): Promise<string[]> {
  return page.evaluate(`${LAYOUT_SCRIPT}(${JSON.stringify({ within, boxes: BOXES })})`) as Promise<string[]>
}
