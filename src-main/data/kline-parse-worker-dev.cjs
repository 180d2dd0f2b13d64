// Source-tree entry for the kline parse worker (tests, tsx): registers the TypeScript loader inside the worker thread.
require('tsx/cjs')
require('./kline-parse-worker.ts')
