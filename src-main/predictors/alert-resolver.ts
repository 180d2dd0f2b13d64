import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { SqliteBarStore } from '../store'
import { resolveDueAlerts, type AlertResolution, type BasketSpec, type DueAlert } from './alert-resolution'
import type { ResolverInbound, ResolverOutbound } from './alert-resolver-worker'

/** Path of the worker entry: the built file beside the bundle, else the TypeScript source through tsx. */
function workerEntry(): string {
  // The bundle may place this code in out/main or out/main/chunks; the entry is out/main/alert-resolver.js.
  for (const built of [join(__dirname, 'alert-resolver.js'), join(__dirname, '..', 'alert-resolver.js')])
    if (existsSync(built)) return built
  return join(__dirname, 'alert-resolver-worker-dev.cjs')
}

/**
 * Computes the §2 outcomes of due alerts off the caller's thread: a worker thread with its own read-only connection
 * re-reads the basket's stored bars and recomputes the labels ({@link resolveDueAlerts}), one request at a time, in
 * order. Without a database file (`:memory:`) or when the worker cannot start, it computes on the caller's thread —
 * the same function on the same bars, so the outcomes are the same. The caller stores them.
 */
export class AlertResolver {
  private worker: Worker | undefined
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (o: AlertResolution) => void; reject: (e: Error) => void }>()
  private stopped = false

  constructor(
    private readonly bars: SqliteBarStore,
    private readonly spec: BasketSpec,
    private dbPath: string | undefined,
  ) {}

  /** Outcomes of `due` as of basket bar `time` (same order), and the bars still missing for those left out. */
  resolve(due: readonly DueAlert[], time: number): Promise<AlertResolution> {
    if (this.stopped) return Promise.reject(new Error('alert resolver stopped'))
    const worker = this.ensureWorker()
    if (!worker) {
      try {
        return Promise.resolve(resolveDueAlerts(this.bars, this.spec, due, time))
      } catch (err) {
        return Promise.reject(err as Error)
      }
    }
    const id = this.nextId++
    return new Promise<AlertResolution>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      worker.postMessage({
        type: 'resolve',
        id,
        due: due.map((a) => ({ id: a.id, type: a.type, time: a.time, horizonHours: a.horizonHours })),
        time,
      } satisfies ResolverInbound)
    })
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || !this.dbPath || this.dbPath === ':memory:') return this.worker
    let worker: Worker
    try {
      worker = new Worker(workerEntry(), {
        workerData: {
          dbPath: this.dbPath,
          spec: { assets: [...this.spec.assets], venue: this.spec.venue, timeframe: this.spec.timeframe },
        },
      })
    } catch (err) {
      console.error(
        `[armada] alert resolver worker did not start, resolving on the main thread: ${(err as Error).message.split('\n')[0]}`,
      )
      this.dbPath = undefined
      return undefined
    }
    worker.unref()
    worker.on('message', (m: ResolverOutbound) => {
      const w = this.waiting.get(m.id)
      this.waiting.delete(m.id)
      if (!w) return
      if (m.resolution) w.resolve(m.resolution)
      else w.reject(new Error(m.error ?? 'alert resolver failed'))
    })
    const fail = (reason: string) => {
      if (this.worker !== worker) return
      this.worker = undefined
      for (const w of this.waiting.values()) w.reject(new Error(reason))
      this.waiting.clear()
    }
    worker.on('error', (err) =>
      fail(`alert resolver worker failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`),
    )
    worker.on('exit', (code) => fail(`alert resolver worker exited with code ${code}`))
    this.worker = worker
    return worker
  }

  /** Stops the worker (requests still waiting are rejected) and waits for it to end. */
  async dispose(): Promise<void> {
    this.stopped = true
    const worker = this.worker
    this.worker = undefined
    for (const w of this.waiting.values()) w.reject(new Error('alert resolver stopped'))
    this.waiting.clear()
    if (!worker) return
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.postMessage({ type: 'stop' } satisfies ResolverInbound)
    await exited
  }
}
