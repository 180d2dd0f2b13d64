// Source-tree entry for the alert resolver worker (tests, tsx): registers the TypeScript loader inside the worker thread.
require('tsx/cjs')
require('./alert-resolver-worker.ts')
