// Browser-side check run by last-price.ts through page.evaluate (plain JS: the node tsconfig has no DOM types).
// Finds, in the main pane of the first chart, the last-price line (a thin full-width row of the up or down colour in the
// pane canvas) and the price-axis label (a band of that colour in the right axis canvas); returns their y (CSS px).
;(function ({ colors }) {
  const row = document.querySelector('.chart-pane .tv-lightweight-charts table tr')
  if (!row) return { error: 'no chart on the page' }
  const cells = row.querySelectorAll(':scope > td')
  const pixels = (cell) => {
    const canvases = Array.from(cell.querySelectorAll('canvas'))
    if (canvases.length === 0) return null
    const w = canvases[0].width
    const h = canvases[0].height
    const layers = canvases.map((c) => c.getContext('2d').getImageData(0, 0, w, h).data)
    return { w, h, layers, ratio: w / canvases[0].getBoundingClientRect().width }
  }
  const match = (d, i) =>
    colors.findIndex(([r, g, b]) => d[i] === r && d[i + 1] === g && d[i + 2] === b && d[i + 3] === 255)
  // Share of each row's pixels in colour k, over every layer.
  const coverage = (p) => {
    const cov = colors.map(() => new Float64Array(p.h))
    for (const d of p.layers)
      for (let y = 0; y < p.h; y++)
        for (let x = 0; x < p.w; x++) {
          const k = match(d, (y * p.w + x) * 4)
          if (k >= 0) cov[k][y] += 1 / p.w
        }
    return cov
  }
  const pane = pixels(cells[1])
  const axis = pixels(cells[2])
  if (!pane || !axis) return { error: 'chart canvases not found' }
  const paneCov = coverage(pane)
  const axisCov = coverage(axis)
  const lines = []
  const labels = []
  for (let k = 0; k < colors.length; k++) {
    // The line: a thin row covering much of the pane, unlike candle bodies (tall) or wicks (narrow).
    for (let y = 2; y < pane.h - 2; y++) {
      const c = paneCov[k]
      if (c[y] >= 0.3 && c[y] >= c[y - 1] && c[y] > c[y + 1] - 1e-9 && c[y - 2] < 0.15 && c[y + 2] < 0.15)
        lines.push({ color: k, y: y / pane.ratio })
    }
    // The label: a band of rows largely in the colour (the price text inside it takes part of each row's width).
    let start = -1
    let end = -1
    for (let y = 0; y <= axis.h; y++) {
      const on = y < axis.h && axisCov[k][y] >= 0.2
      if (on) {
        if (start < 0) start = y
        end = y
      } else if (start >= 0 && (y - end > 4 * axis.ratio || y === axis.h)) {
        if (end - start + 1 >= 8 * axis.ratio)
          labels.push({ color: k, y: (start + end) / 2 / axis.ratio, height: (end - start + 1) / axis.ratio })
        start = -1
      }
    }
  }
  return { lines, labels }
})
