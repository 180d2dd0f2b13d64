import { parentPort, workerData } from 'node:worker_threads'
import { executeJob, type JobInput, type JobReport } from './job-execution'

/** Messages from the job runner to its worker thread. */
export type WorkerInbound = { type: 'cancel' }

// The job worker thread: runs one job (workerData: JobInput) and posts its JobReports; `cancel` aborts it.
const port = parentPort
if (port) {
  const controller = new AbortController()
  port.on('message', (m: WorkerInbound) => {
    if (m.type === 'cancel') controller.abort()
  })
  void executeJob(workerData as JobInput, controller.signal, (m: JobReport) => port.postMessage(m))
}
