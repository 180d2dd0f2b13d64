// Source-tree entry for the job worker (tests, tsx): registers the TypeScript loader inside the worker thread.
require('tsx/cjs')
require('./job-worker.ts')
