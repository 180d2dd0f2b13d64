// Browser side of bench/chart.ts (plain JS, read as text: the node tsconfig has no DOM types, and no transpiler helper
// may leak into the page). Two parts, each one expression: FAKE_CORE installs a preload-style window.armada serving a
// synthetic long history; FRAME_DRIVER pans or zooms the chart one input per frame and times each frame.

// FAKE_CORE({ base, n, markers }): `base` = real bars as [time, o, h, l, c, v] rows; tiled to `n` bars (each copy
// after the previous one, prices rescaled to open at the previous close); `markers` regime forecasts flagged as
// transitions, evenly spread (the chart draws one marker each). getBars answers the whole history at once.
/* FAKE_CORE */ ;(({ base, n, markers }) => {
  const bars = new Array(n)
  const step = base[1][0] - base[0][0]
  const span = base[base.length - 1][0] - base[0][0] + step
  let scale = 1
  for (let i = 0, copy = 0; i < n; copy++) {
    if (copy > 0) scale = bars[i - 1].close / base[0][1]
    for (let j = 0; j < base.length && i < n; j++, i++) {
      const [t, o, h, l, c, v] = base[j]
      bars[i] = {
        symbol: 'BTC-PERP',
        venue: 'FTX',
        timeframe: '1m',
        time: t + copy * span,
        open: o * scale,
        high: h * scale,
        low: l * scale,
        close: c * scale,
        volume: v,
      }
    }
  }
  const every = Math.floor(n / markers)
  const regimes = ['bearish', 'neutral', 'bullish']
  const predictions = Array.from({ length: markers }, (_, k) => {
    const r = regimes[k % 3]
    const p = r === 'bearish' ? [0.8, 0.1, 0.1] : r === 'neutral' ? [0.1, 0.8, 0.1] : [0.1, 0.1, 0.8]
    return {
      id: k + 1,
      modelName: 'bench',
      modelVersion: 'bench',
      time: bars[k * every + every - 1].time,
      horizon: 12,
      probabilities: p,
      regime: r,
      confidence: 0.8,
      quality: 0.9,
      transition: true,
      sizeMultiplier: 0.5,
      outcome: null,
      hit: null,
    }
  })
  const series = {
    symbol: 'BTC-PERP',
    venue: 'FTX',
    timeframe: '1m',
    count: n,
    first: bars[0].time,
    last: bars[n - 1].time,
    primary: true,
  }
  const answers = {
    health: () => ({
      ok: true,
      version: 'bench',
      database: 'bench (in the page)',
      schemaVersion: 0,
      uptimeMs: 0,
      shell: 'electron',
    }),
    listInstruments: () => [],
    listSeries: () => [series],
    getBars: () => bars,
    listJobs: () => [],
    getSetting: () => null,
    setSetting: () => undefined,
    getFeedStatus: () => ({ feed: 'off', detail: 'bench' }),
    getForecast: () => ({
      symbol: 'BTC-PERP',
      venue: 'FTX',
      timeframe: '1m',
      horizons: [],
      time: null,
      ageMs: null,
      stale: true,
      staleReason: 'bench',
      feed: 'off',
    }),
    getPredictions: () => predictions,
    listAlerts: () => [],
    getAlertStatus: () => ({
      basket: null,
      assets: [],
      timeframe: null,
      state: 'off',
      detail: 'bench',
      models: [],
      open: 0,
      lastScoredAt: null,
    }),
    listModels: () => [],
    listBacktests: () => [],
  }
  const api = { subscribe: () => ({ dispose() {} }) }
  for (const [m, f] of Object.entries(answers)) api[m] = async () => f()
  for (const m of [
    'startJob',
    'cancelJob',
    'importFiles',
    'getFeatures',
    'getModel',
    'trainModel',
    'promoteModel',
    'rollbackModel',
    'retrainForecast',
    'runBacktest',
    'getBacktest',
    'acknowledgeAlert',
  ])
    api[m] = async () => {
      throw new Error(`${m}: not in the bench core`)
    }
  Object.assign(window, { armada: api })
})(
  // FRAME_DRIVER({ kind, frames }): one input per animation frame on the main pane — `pan` drags (6 px a frame, turning
  // at 20 % / 80 % of the width), `zoom` turns the wheel (in for 20 frames, out for 20). Each frame is timed from the
  // start of its first animation-frame callback (ours: registered before any other) to a message posted from it, which
  // runs after the frame's callbacks, style, layout and paint: the main-thread work of the frame. Also the rAF intervals.
  /* FRAME_DRIVER */ ({ kind, frames }) => {
    const row = document.querySelector('.chart-pane .tv-lightweight-charts table tr')
    const canvases = row.querySelectorAll(':scope > td')[1].querySelectorAll('canvas')
    const target = canvases[canvases.length - 1]
    const r = target.getBoundingClientRect()
    const y = r.top + r.height * 0.45
    let x = r.left + r.width * 0.5
    let dir = -1
    const mouse = (type, buttons) =>
      target.dispatchEvent(
        new MouseEvent(type, {
          clientX: x,
          clientY: y,
          bubbles: true,
          cancelable: true,
          button: 0,
          buttons,
          view: window,
        }),
      )
    const busy = []
    const intervals = []
    return new Promise((resolve) => {
      let i = 0
      let last = 0
      if (kind === 'pan') mouse('mousedown', 1)
      const frame = (ts) => {
        const start = performance.now()
        if (last) intervals.push(ts - last)
        last = ts
        if (i + 1 < frames) requestAnimationFrame(frame)
        if (kind === 'pan') {
          x += dir * 6
          if (x < r.left + r.width * 0.2 || x > r.left + r.width * 0.8) dir = -dir
          mouse('mousemove', 1)
        } else {
          const sign = Math.floor(i / 20) % 2 === 0 ? -1 : 1
          target.dispatchEvent(
            new WheelEvent('wheel', {
              deltaY: sign * 50,
              deltaMode: 0,
              clientX: r.left + r.width * 0.6,
              clientY: y,
              bubbles: true,
              cancelable: true,
            }),
          )
        }
        const ch = new MessageChannel()
        ch.port1.onmessage = () => {
          busy.push(performance.now() - start)
          if (busy.length === frames) {
            if (kind === 'pan') mouse('mouseup', 0)
            resolve({ busy, intervals })
          }
        }
        ch.port2.postMessage(0)
        i++
      }
      requestAnimationFrame(frame)
    })
  },
)
