import { parentPort, workerData } from 'node:worker_threads'
import { JobFailed, JOB_KINDS } from './job-kinds'

/** Messages between the job runner and its worker thread. */
export type WorkerInbound = { type: 'cancel' }
export type WorkerOutbound =
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: string; cancelled: boolean; result?: unknown }

interface WorkerInput {
  kind: string
  params: Record<string, unknown>
  dbPath: string
}

const port = parentPort
if (port) {
  const input = workerData as WorkerInput
  const controller = new AbortController()
  port.on('message', (m: WorkerInbound) => {
    if (m.type === 'cancel') controller.abort()
  })
  const send = (m: WorkerOutbound): void => port.postMessage(m)
  const handler = JOB_KINDS[input.kind]
  const run = handler
    ? handler(input.params, {
        signal: controller.signal,
        dbPath: input.dbPath,
        progress: (fraction, message = '') => send({ type: 'progress', fraction: Math.max(0, Math.min(1, fraction)), message }),
      })
    : Promise.reject(new Error(`unknown job kind "${input.kind}"`))
  run.then(
    (result) => send({ type: 'done', result: result ?? null }),
    (err: unknown) =>
      send({
        type: 'failed',
        error: ((err as Error)?.message ?? String(err)).split('\n')[0],
        cancelled: controller.signal.aborted,
        ...(err instanceof JobFailed ? { result: err.result } : {}),
      }),
  )
}
