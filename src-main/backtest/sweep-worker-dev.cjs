// Source-tree entry for the sweep threads (tests, tsx): registers the TypeScript loader inside the worker thread.
require('tsx/cjs')
require('./sweep-worker.ts')
