import { Worker } from 'node:worker_threads'
import { nativeBinding, type Db } from './database'

/** Options of a {@link WalCheckpointer}. */
export interface WalCheckpointerOptions {
  /** How often the background connection runs a PASSIVE checkpoint (ms, default 500). */
  readonly intervalMs?: number
  /**
   * WAL frames (pages) left after a PASSIVE checkpoint at which the next one is a RESTART, which briefly holds off
   * writers so the log starts over (default 16 384 ≈ 64 MiB): a writer that never pauses cannot grow the WAL forever.
   */
  readonly restartFrames?: number
}

/** What one checkpoint reported (`PRAGMA wal_checkpoint`): frames in the WAL and frames copied into the database. */
export interface CheckpointReport {
  readonly mode: 'PASSIVE' | 'RESTART'
  /** 1 when it could not run to completion (another checkpoint, or readers/writers it does not wait for). */
  readonly busy: number
  readonly log: number
  readonly checkpointed: number
}

type WorkerMessage = { readonly id?: number } & CheckpointReport

/** Size limit SQLite truncates the WAL file to when the log restarts (bytes). */
const JOURNAL_SIZE_LIMIT = 64 << 20

// Plain CommonJS so it runs the same from the TypeScript sources, the tests and the bundled app (no loader in the worker).
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads')
const Database = require(w.driver)
const db = new Database(w.file, { fileMustExist: true, timeout: w.busyTimeoutMs, nativeBinding: w.nativeBinding })
db.pragma('journal_size_limit = ' + w.journalSizeLimit)
const run = (mode) => Object.assign({ mode }, db.pragma('wal_checkpoint(' + mode + ')')[0])
function checkpoint(id) {
  let r = run('PASSIVE')
  if (r.log >= w.restartFrames) r = run('RESTART')
  if (id !== undefined || r.checkpointed > 0) parentPort.postMessage(Object.assign({ id }, r))
}
const timer = setInterval(() => checkpoint(), w.intervalMs)
parentPort.on('message', (m) => {
  if (m.type === 'checkpoint') return checkpoint(m.id)
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

/**
 * Keeps WAL checkpoints (page copies into the database file and their fsyncs) off the writer's thread: turns off
 * SQLite's auto-checkpoint on the writer connection — which otherwise runs inside whichever commit crosses 1000 WAL
 * pages, stalling that caller for milliseconds — and runs PASSIVE checkpoints every `intervalMs` from its own
 * connection in a worker thread. PASSIVE never blocks the writer; committed transactions stay in the WAL until copied
 * (crash safety is SQLite's WAL protocol, unchanged). If the worker fails, the writer gets its auto-checkpoint back.
 * `start()` starts the worker, `dispose()` runs a last checkpoint and stops it (before the writer closes).
 */
export class WalCheckpointer {
  private worker: Worker | undefined
  private nextId = 1
  private readonly waiting = new Map<number, (r: CheckpointReport) => void>()
  private stopped: Promise<void> | undefined
  /** Checkpoints that copied frames so far. */
  checkpoints = 0
  /** The latest report, if any. */
  last: CheckpointReport | undefined
  /** Why the worker stopped early (the writer then checkpoints itself again). */
  error: string | undefined

  constructor(
    private readonly db: Db,
    private readonly options: WalCheckpointerOptions = {},
  ) {}

  /** Starts background checkpoints; a no-op for in-memory and non-WAL databases. */
  start(): void {
    if (this.worker || this.stopped || this.db.memory || this.db.readonly) return
    if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') return
    this.db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`)
    let worker: Worker
    try {
      worker = this.spawn()
    } catch (err) {
      this.error = (err as Error).message.split('\n')[0]
      return
    }
    // Only once the worker exists: until then the writer keeps checkpointing itself.
    this.db.pragma('wal_autocheckpoint = 0')
    worker.unref()
    worker.on('message', (m: WorkerMessage) => this.onReport(m))
    // Whatever was thrown: an error thrown across the thread boundary may arrive without a message.
    worker.on('error', (err: unknown) => this.fail(String((err as Error | undefined)?.message ?? err)))
    worker.on('exit', (code) => {
      if (this.worker === worker && !this.stopped) this.fail(`checkpoint worker exited with code ${code}`)
    })
    this.worker = worker
  }

  private spawn(): Worker {
    return new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        nativeBinding: nativeBinding(),
        file: this.db.name,
        intervalMs: this.options.intervalMs ?? 500,
        restartFrames: this.options.restartFrames ?? 16_384,
        busyTimeoutMs: 1000,
        journalSizeLimit: JOURNAL_SIZE_LIMIT,
      },
    })
  }

  private onReport(m: WorkerMessage): void {
    const report: CheckpointReport = { mode: m.mode, busy: m.busy, log: m.log, checkpointed: m.checkpointed }
    this.last = report
    if (report.checkpointed > 0) this.checkpoints++
    if (m.id !== undefined) {
      this.waiting.get(m.id)?.(report)
      this.waiting.delete(m.id)
      if (this.waiting.size === 0) this.worker?.unref()
    }
  }

  private fail(reason: string): void {
    this.error = reason.split('\n')[0]
    this.worker = undefined
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000')
    for (const resolve of this.waiting.values()) resolve({ mode: 'PASSIVE', busy: 1, log: -1, checkpointed: -1 })
    this.waiting.clear()
  }

  /** Asks the worker for a checkpoint now and resolves with its report (tests, shutdown paths). */
  checkpointNow(): Promise<CheckpointReport> {
    const worker = this.worker
    if (!worker) return Promise.reject(new Error(this.error ?? 'the WAL checkpointer is not running'))
    const id = this.nextId++
    // Held while a caller waits, so the process does not exit under it.
    worker.ref()
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      worker.postMessage({ type: 'checkpoint', id })
    })
  }

  /** Runs a last checkpoint, stops the worker and gives the writer its auto-checkpoint back. */
  dispose(): Promise<void> {
    this.stopped ??= (async () => {
      const worker = this.worker
      this.worker = undefined
      if (worker) {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
        worker.ref()
        worker.postMessage({ type: 'stop' })
        await exited
      }
      if (this.db.open && !this.db.memory && !this.db.readonly) this.db.pragma('wal_autocheckpoint = 1000')
    })()
    return this.stopped
  }
}
