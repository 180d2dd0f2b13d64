import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase, SqliteBarStore } from '../store'
import { resolveDueAlerts, type AlertResolution, type BasketSpec, type DueAlert } from './alert-resolution'

/** Messages between the AlertResolver and its worker thread. */
export type ResolverInbound =
  | { readonly type: 'resolve'; readonly id: number; readonly due: readonly DueAlert[]; readonly time: number }
  | { readonly type: 'stop' }
export type ResolverOutbound = {
  readonly id: number
  readonly resolution?: AlertResolution
  readonly error?: string
}

interface ResolverInput {
  readonly dbPath: string
  readonly spec: BasketSpec
}

const port = parentPort
if (port) {
  const input = workerData as ResolverInput
  // Its own read-only connection: under WAL it reads committed bars without holding up the writer.
  const db = openDatabase(input.dbPath, { readonly: true })
  const bars = new SqliteBarStore(db)
  port.on('message', (m: ResolverInbound) => {
    if (m.type === 'stop') {
      db.close()
      port.close()
      return
    }
    try {
      port.postMessage({
        id: m.id,
        resolution: resolveDueAlerts(bars, input.spec, m.due, m.time),
      } satisfies ResolverOutbound)
    } catch (err) {
      port.postMessage({
        id: m.id,
        error: ((err as Error)?.message ?? String(err)).split('\n')[0],
      } satisfies ResolverOutbound)
    }
  })
}
