// Browser-side layout check run by layout.ts through page.evaluate (plain JS: the node tsconfig has no DOM types).
;(function ({ within, boxes }) {
  const out = []
  const root = document.querySelector(within)
  if (!root) return [`${within}: not on the page`]
  const name = (el) => {
    const id = el.getAttribute('data-testid')
    const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/)[0]}` : ''
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)
    return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : cls}${text ? ` "${text}"` : ''}`
  }
  const visible = (el) => {
    const s = getComputedStyle(el)
    if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false
    const r = el.getBoundingClientRect()
    return r.width > 0 && r.height > 0
  }
  const scrolls = (el) => {
    const s = getComputedStyle(el)
    return /(auto|scroll)/.test(s.overflowX) || /(auto|scroll)/.test(s.overflowY)
  }
  const skip = (el) =>
    el.closest('.chart-pane__canvas, svg, canvas, .tv-lightweight-charts, [data-layout-skip]') !== null
  if (document.scrollingElement && document.scrollingElement.scrollWidth > window.innerWidth + 1)
    out.push(
      `the page scrolls sideways: ${document.scrollingElement.scrollWidth}px wide in a ${window.innerWidth}px window`,
    )
  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (skip(el) || !visible(el)) continue
    const r = el.getBoundingClientRect()
    // 1. Sticks out of its nearest box, unless a scrolling container sits between them (content reachable by scrolling).
    let box = el.parentElement
    let scrolled = false
    while (box && !box.matches(boxes)) {
      if (scrolls(box)) scrolled = true
      box = box.parentElement
    }
    if (box && !scrolled && !scrolls(box) && box.contains(el)) {
      const b = box.getBoundingClientRect()
      const over = Math.max(r.right - b.right, b.left - r.left, r.bottom - b.bottom, b.top - r.top)
      if (over > 1.5 && el.children.length === 0)
        out.push(`${name(el)} sticks out of ${name(box).split(' "')[0]} by ${Math.round(over)}px`)
    }
    // 2. Clips its own content without saying so.
    const s = getComputedStyle(el)
    const clips = /(hidden|clip)/.test(s.overflowX) || /(hidden|clip)/.test(s.overflowY)
    if (clips && s.textOverflow !== 'ellipsis' && !scrolls(el)) {
      const dx = el.scrollWidth - el.clientWidth
      const dy = el.scrollHeight - el.clientHeight
      if ((dx > 2 && /(hidden|clip)/.test(s.overflowX)) || (dy > 2 && /(hidden|clip)/.test(s.overflowY)))
        out.push(
          `${name(el)} cuts off its content (${dx > 2 ? `${dx}px wider` : ''}${dx > 2 && dy > 2 ? ', ' : ''}${dy > 2 ? `${dy}px taller` : ''} than its box)`,
        )
    }
  }
  return out
})
