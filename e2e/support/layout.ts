import type { Page } from '@playwright/test'

/** The two window sizes every view is checked at (a large desktop and a small laptop). */
export const VIEWPORTS = [
  { name: '1600x1000', width: 1600, height: 1000 },
  { name: '1280x720', width: 1280, height: 720 },
] as const

/** Boxes whose content must stay inside them: panels, cards, toolbars, dialogs, the views themselves. */
const BOXES = '.view, .panel, .toolbar, .view-header, .forecast-card, .features-panel, .jobs-panel, .modal, .status-bar, [data-layout-box]'

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
  return page.evaluate(
    ({ within, boxes }) => {
      const out: string[] = []
      const root = document.querySelector(within)
      if (!root) return [`${within}: not on the page`]
      const name = (el: Element): string => {
        const id = el.getAttribute('data-testid')
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/)[0]}` : ''
        const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)
        return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : cls}${text ? ` "${text}"` : ''}`
      }
      const visible = (el: Element): boolean => {
        const s = getComputedStyle(el)
        if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false
        const r = el.getBoundingClientRect()
        return r.width > 0 && r.height > 0
      }
      const scrolls = (el: Element): boolean => {
        const s = getComputedStyle(el)
        return /(auto|scroll)/.test(s.overflowX) || /(auto|scroll)/.test(s.overflowY)
      }
      const skip = (el: Element): boolean => el.closest('.chart-pane__canvas, svg, canvas, .tv-lightweight-charts, [data-layout-skip]') !== null
      if (document.scrollingElement && document.scrollingElement.scrollWidth > window.innerWidth + 1)
        out.push(`the page scrolls sideways: ${document.scrollingElement.scrollWidth}px wide in a ${window.innerWidth}px window`)
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (skip(el) || !visible(el)) continue
        const r = el.getBoundingClientRect()
        // 1. Sticks out of its nearest box, unless a scrolling container sits between them (content reachable by scrolling).
        let box: Element | null = el.parentElement
        let scrolled = false
        while (box && !box.matches(boxes)) {
          if (scrolls(box)) scrolled = true
          box = box.parentElement
        }
        if (box && !scrolled && !scrolls(box) && box.contains(el)) {
          const b = box.getBoundingClientRect()
          const over = Math.max(r.right - b.right, b.left - r.left, r.bottom - b.bottom, b.top - r.top)
          if (over > 1.5 && el.children.length === 0) out.push(`${name(el)} sticks out of ${name(box).split(' "')[0]} by ${Math.round(over)}px`)
        }
        // 2. Clips its own content without saying so.
        const s = getComputedStyle(el)
        const clips = /(hidden|clip)/.test(s.overflowX) || /(hidden|clip)/.test(s.overflowY)
        if (clips && s.textOverflow !== 'ellipsis' && !scrolls(el)) {
          const dx = el.scrollWidth - el.clientWidth
          const dy = el.scrollHeight - el.clientHeight
          if ((dx > 2 && /(hidden|clip)/.test(s.overflowX)) || (dy > 2 && /(hidden|clip)/.test(s.overflowY)))
            out.push(`${name(el)} cuts off its content (${dx > 2 ? `${dx}px wider` : ''}${dx > 2 && dy > 2 ? ', ' : ''}${dy > 2 ? `${dy}px taller` : ''} than its box)`)
        }
      }
      return out
    },
    { within, boxes: BOXES },
  )
}
