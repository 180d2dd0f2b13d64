import { parentPort } from 'node:worker_threads'
import type { SweepRow } from '../../src-shared'
import { runSweepShard, type SweepShard } from './sweep'

/** Messages to a sweep thread: a shard to run. */
export type SweepThreadInbound = { readonly type: 'shard'; readonly shard: SweepShard }
/** Messages from a sweep thread: each row as it is made, then the shard's end. */
export type SweepThreadOutbound =
  | { readonly type: 'row'; readonly row: SweepRow }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly error: string }

// A sweep thread: runs the shards it is sent, one at a time, posting each row as soon as it exists.
const port = parentPort
if (port)
  port.on('message', (m: SweepThreadInbound) => {
    if (m.type !== 'shard') return
    runSweepShard(m.shard, (row) => port.postMessage({ type: 'row', row } satisfies SweepThreadOutbound)).then(
      () => port.postMessage({ type: 'done' } satisfies SweepThreadOutbound),
      (err: unknown) =>
        port.postMessage({
          type: 'failed',
          error: String((err as Error)?.message ?? err).split('\n')[0],
        } satisfies SweepThreadOutbound),
    )
  })
