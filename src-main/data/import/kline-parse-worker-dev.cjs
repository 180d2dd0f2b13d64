// Source-tree entry for the kline parse worker (tests, tsx): registers the TypeScript loader inside the worker thread.
// A failure to load is posted as an error, so the importer falls back to the whole-file path at once.
try {
  require('tsx/cjs')
  require('./kline-parse-worker.ts')
} catch (err) {
  const { workerData } = require('node:worker_threads')
  workerData.port.postMessage({ type: 'error', message: String((err && err.stack) || err) })
  Atomics.add(workerData.signal, 0, 1)
  Atomics.notify(workerData.signal, 0)
}
