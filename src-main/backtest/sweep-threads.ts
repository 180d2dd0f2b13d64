import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { SweepRow } from '../../src-shared'
import type { ShardExecutor, SweepShard } from './sweep'
import type { SweepThreadInbound, SweepThreadOutbound } from './sweep-worker'

/** Path of the sweep thread entry: the built file beside the bundle, else the TypeScript source through tsx. */
function workerEntry(): string {
  for (const built of [join(__dirname, 'sweep-worker.js'), join(__dirname, '..', 'sweep-worker.js')])
    if (existsSync(built)) return built
  return join(__dirname, 'sweep-worker-dev.cjs')
}

/**
 * Runs shards in `threads` worker threads on this machine, each taking the next shard when it finishes one; rows are
 * passed on as each thread posts them. A failed shard fails the run (the other threads are stopped).
 */
export class ThreadShardExecutor implements ShardExecutor {
  constructor(private readonly threads: number) {}

  run(shards: readonly SweepShard[], onRow: (row: SweepRow) => void, signal: AbortSignal): Promise<void> {
    const queue = [...shards]
    const workers: Worker[] = []
    return new Promise<void>((resolve, reject) => {
      let running = 0
      let failed = false
      const stop = (err?: Error) => {
        if (failed) return
        if (err) failed = true
        for (const w of workers) void w.terminate()
        if (err) reject(err)
        else resolve()
      }
      const onAbort = () => stop(new Error('cancelled'))
      signal.addEventListener('abort', onAbort, { once: true })
      const next = (w: Worker) => {
        const shard = queue.shift()
        if (!shard) {
          running--
          if (running === 0) {
            signal.removeEventListener('abort', onAbort)
            stop()
          }
          return
        }
        w.postMessage({ type: 'shard', shard } satisfies SweepThreadInbound)
      }
      const n = Math.max(1, Math.min(this.threads, shards.length))
      if (shards.length === 0) return resolve()
      for (let i = 0; i < n; i++) {
        const w = new Worker(workerEntry())
        workers.push(w)
        running++
        w.on('message', (m: SweepThreadOutbound) => {
          if (m.type === 'row') onRow(m.row)
          else if (m.type === 'done') next(w)
          else stop(new Error(m.error))
        })
        w.on('error', (err) => stop(err))
        next(w)
      }
    })
  }
}
