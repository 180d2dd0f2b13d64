import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type { Timeframe } from '../../../src-shared'
import type { StoredBarColumns } from '../../../src-shared'
import type { Gap, RejectedRow } from './import-types'

/** What the kline parse worker is given. */
export interface KlineParseInput {
  /** The file (plain text), also named in rejected rows. */
  readonly path: string
  readonly timeframe: Timeframe
  /** Bytes per chunk (cut at the next line end). */
  readonly chunkBytes: number
  readonly port: MessagePort
  /**
   * [0] counts posted messages, so the importer's thread can sleep until the next one (Atomics.wait); [1] counts chunks
   * the importer has stored, so the worker stays at most {@link CHUNKS_AHEAD} chunks ahead (bounded memory).
   */
  readonly signal: Int32Array
}

/** Chunks the worker may parse before the importer has stored them. */
export const CHUNKS_AHEAD = 8

/** One chunk's kept bars as columns (`length` rows, times increasing across chunks), its rejected rows (by line) and gaps. */
export interface KlineChunk extends StoredBarColumns {
  readonly type: 'chunk'
  length: number
  readonly rejected: RejectedRow[]
  readonly gaps: Gap[]
}

/**
 * Messages from the worker, in order: `start`, `chunk`s, `end` — or `sequential` (before `start`, or after some chunks
 * when a later one is not UTF-8: drop what was stored and parse the whole file instead) or `error`.
 */
export type KlineParseMessage =
  | { readonly type: 'sequential' }
  | { readonly type: 'start' }
  | KlineChunk
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly message: string }

/** Path of the worker entry: the built file beside the bundle, else the TypeScript source through tsx. */
function workerEntry(): string | undefined {
  // The bundle may place this code in out/main or out/main/chunks; the worker entry is out/main/kline-parser.js.
  for (const built of [join(__dirname, 'kline-parser.js'), join(__dirname, '..', 'kline-parser.js')])
    if (existsSync(built)) return built
  const dev = join(__dirname, 'kline-parse-worker-dev.cjs')
  return existsSync(dev) ? dev : undefined
}

/**
 * A Binance kline file parsed and validated in a worker thread, chunk by chunk, while the caller stores the chunks
 * before it: the import stays one synchronous call and one transaction, but parsing runs on another core.
 * `next` blocks the calling thread until the worker's next message. `dispose` stops the worker.
 */
export class KlineParseStream {
  private readonly signal = new Int32Array(new SharedArrayBuffer(8))
  private readonly port: MessagePort
  private readonly worker: Worker

  private constructor(entry: string, input: Omit<KlineParseInput, 'port' | 'signal'>) {
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.worker = new Worker(entry, {
      workerData: { ...input, port: port2, signal: this.signal },
      transferList: [port2],
    })
    this.worker.unref()
    // A worker that fails is seen by the caller as silence (`next` times out); nothing else should notice it.
    this.worker.on('error', () => undefined)
  }

  /** Starts the worker, or returns undefined when there is no worker entry to start. */
  static start(input: Omit<KlineParseInput, 'port' | 'signal'>): KlineParseStream | undefined {
    const entry = workerEntry()
    return entry ? new KlineParseStream(entry, input) : undefined
  }

  /** The worker's next message, waiting for it up to `timeoutMs`; undefined when none came in time. */
  next(timeoutMs: number): KlineParseMessage | undefined {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const posted = Atomics.load(this.signal, 0)
      const m = receiveMessageOnPort(this.port)
      if (m) return m.message as KlineParseMessage
      const left = deadline - performance.now()
      if (left <= 0) return undefined
      Atomics.wait(this.signal, 0, posted, left)
    }
  }

  /** Tells the worker a chunk was stored (it may parse one more). */
  stored(): void {
    Atomics.add(this.signal, 1, 1)
    Atomics.notify(this.signal, 1)
  }

  /** Stops the worker (waking it first if it waits for the importer). */
  dispose(): void {
    Atomics.add(this.signal, 1, 1 << 30)
    Atomics.notify(this.signal, 1)
    this.port.close()
    void this.worker.terminate()
  }
}
