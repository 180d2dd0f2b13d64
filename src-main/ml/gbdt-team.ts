import { availableParallelism } from 'node:os'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import {
  histogramWorkerSource,
  RESULT_WIDTH,
  runShare,
  TEAM_CTRL,
  type HistogramWorkerData,
  type TeamMemory,
} from './gbdt-kernels'

/** Histograms per shared page (pages are added as a tree keeps more open leaves). */
const PAGE = 16
/** Below this many cell updates a job runs on the main thread alone: a hand-off costs more than it saves. */
const MIN_SHARED_WORK = 64_000
/** Atomics polls before a waiting thread sleeps (≈ tens of µs: a job's hand-off is usually that close). */
const SPIN = 4000
/** A job that has not finished in this long means a worker died: fail rather than hang. */
const STALL_MS = 120_000

/** Best split of one scanned histogram (feature −1: none). */
export interface ScanResult {
  gain: number
  feature: number
  bin: number
  missingLeft: boolean
  gl: number
  hl: number
}

/** What the grower asks of the team in one job: build, then subtract, then scan up to two histograms. */
export interface HistogramJob {
  /** `counts`: a histogram with rows[s, e)'s counts already (see `countsOf`), so only Σg and Σh are added. */
  build?: { dst: number; s: number; e: number; counts?: number }
  /** a −= b */
  subtract?: { a: number; b: number }
  scans: readonly { id: number; G: number; H: number; C: number }[]
}

/** What a team needs to know once per fit. */
export interface TeamSetup {
  readonly n: number
  readonly f: number
  readonly totalBins: number
  /** Histogram offset (in bins) of each feature. */
  readonly offsets: Int32Array
  readonly missingBin: Int32Array
  readonly stride: 2 | 3
  readonly lambda: number
  readonly minData: number
  readonly minHessian: number
  readonly minGain: number
  /** 0: every core. */
  readonly threads: number
  /** Cell updates below which a job stays on the main thread (default 64,000; tests share every job with 0). */
  readonly minSharedWork?: number
}

const WORKER_SOURCE = histogramWorkerSource(SPIN)

/**
 * The threads that build, subtract and scan a GBDT's histograms, each over its own contiguous share of the features
 * (balanced by bins), on shared memory; the main thread is share 0 and partitions the rows itself. A job too small to
 * be worth a hand-off runs on the main thread alone (the extra share `threads`, every feature): every bin is summed
 * by one thread in row order and shares are compared in feature order, so the trees are the same bits either way,
 * whatever the thread count. One per fit; `dispose()` stops the workers.
 */
export class HistogramTeam {
  readonly threads: number
  /** Doubles per histogram bin: 3 = [Σg, Σh, count], 2 = [Σg, Σh]. */
  readonly stride: 2 | 3
  /** Histogram slot of every cell (row-major `[n, f]`), filled by the caller before the first job. */
  readonly slots: Uint16Array | Uint32Array
  /** Gradient and hessian of every row, `[2n]`, written by the caller before each tree. */
  readonly gh: Float64Array
  /** The row partition, `[n]`: the caller puts a tree's rows first, the grower partitions them. */
  readonly rows: Int32Array
  /** Doubles in one histogram. */
  readonly histogramLength: number
  private readonly memory: TeamMemory
  private readonly free: number[] = []
  private readonly workers: Worker[] = []
  private readonly ports: MessagePort[] = []
  private readonly f: number
  private readonly minSharedWork: number
  /** Why the team runs on the main thread alone although more threads were asked for (undefined: it does not). */
  fallback: string | undefined

  constructor(setup: TeamSetup) {
    const f = setup.f
    const threads = Math.max(1, Math.min(setup.threads > 0 ? setup.threads : availableParallelism(), f))
    this.threads = threads
    this.stride = setup.stride
    this.f = f
    this.minSharedWork = setup.minSharedWork ?? MIN_SHARED_WORK
    const shared = threads > 1
    const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes))
    this.histogramLength = setup.totalBins * setup.stride
    this.slots =
      this.histogramLength < 65536 ? new Uint16Array(buf(2 * setup.n * f)) : new Uint32Array(buf(4 * setup.n * f))
    this.gh = new Float64Array(buf(16 * setup.n))
    this.rows = new Int32Array(buf(4 * setup.n))
    const offsets = new Int32Array(buf(4 * (f + 1)))
    offsets.set(setup.offsets)
    offsets[f] = setup.totalBins
    const missingBin = new Int32Array(buf(4 * f))
    missingBin.set(setup.missingBin)
    const ctrl = new Int32Array(buf(4 * (TEAM_CTRL.RANGES + 4 * (threads + 1))))
    const shares = featureShares(offsets, f, threads)
    for (let s = 0; s <= threads; s++) {
      ctrl[TEAM_CTRL.RANGES + 4 * s] = shares[2 * s]
      ctrl[TEAM_CTRL.RANGES + 4 * s + 1] = shares[2 * s + 1]
    }
    this.memory = {
      layout: TEAM_CTRL,
      slots: this.slots,
      gh: this.gh,
      rows: this.rows,
      feats: new Int32Array(buf(4 * f)),
      offsets,
      missingBin,
      hists: [],
      ctrl,
      jobF: new Float64Array(buf(32)),
      res: new Float64Array(buf(8 * RESULT_WIDTH * 2 * (threads + 1))),
      f,
      stride: setup.stride,
      lambda: setup.lambda,
      minData: setup.minData,
      minHessian: setup.minHessian,
      minGain: setup.minGain,
    }
  }

  /**
   * Starts the workers (none for one thread); resolves once every one runs, so the caller can bin meanwhile. Workers
   * that cannot start leave the team on the main thread alone (the same model, only slower); `fallback` says why.
   */
  async start(): Promise<void> {
    const m = this.memory
    const memory = {
      layout: m.layout,
      slots: m.slots,
      gh: m.gh,
      rows: m.rows,
      feats: m.feats,
      offsets: m.offsets,
      missingBin: m.missingBin,
      ctrl: m.ctrl,
      jobF: m.jobF,
      res: m.res,
      f: m.f,
      stride: m.stride,
      lambda: m.lambda,
      minData: m.minData,
      minHessian: m.minHessian,
      minGain: m.minGain,
    }
    const online: Promise<void>[] = []
    try {
      for (let s = 1; s < this.threads; s++) {
        const { port1, port2 } = new MessageChannel()
        const workerData: HistogramWorkerData = {
          memory,
          share: s,
          threads: this.threads,
          port: port2,
          histLength: this.histogramLength,
        }
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData, transferList: [port2] })
        this.workers.push(w)
        this.ports.push(port1)
        online.push(
          new Promise((resolve, reject) => {
            w.once('online', () => resolve())
            w.once('error', reject)
          }),
        )
      }
      await Promise.all(online)
    } catch (err) {
      this.fallback = `histogram workers did not start (${String((err as Error).message ?? err).split('\n')[0]}); one thread`
      this.dispose()
    }
  }

  /** Sets the features this tree may split on (ascending) and each share's slice of them. */
  setFeatures(feats: Int32Array): void {
    const m = this.memory
    m.feats.set(feats)
    const c = m.ctrl
    for (let s = 0; s <= this.threads; s++) {
      const r = TEAM_CTRL.RANGES + 4 * s
      let q0 = 0
      while (q0 < feats.length && feats[q0] < c[r]) q0++
      let q1 = q0
      while (q1 < feats.length && feats[q1] < c[r + 1]) q1++
      c[r + 2] = q0
      c[r + 3] = q1
    }
  }

  /** A histogram id from the pool (a new shared page when none is free). */
  alloc(): number {
    const id = this.free.pop()
    if (id !== undefined) return id
    const page =
      this.threads > 1
        ? new SharedArrayBuffer(8 * PAGE * this.histogramLength)
        : new ArrayBuffer(8 * PAGE * this.histogramLength)
    const view = new Float64Array(page)
    const first = this.memory.hists.length
    for (let k = 0; k < PAGE; k++)
      this.memory.hists.push(view.subarray(k * this.histogramLength, (k + 1) * this.histogramLength))
    for (const p of this.ports) p.postMessage(page)
    for (let k = PAGE - 1; k > 0; k--) this.free.push(first + k)
    return first
  }

  /**
   * A new histogram holding only the row counts of rows[0, nRows) (count channel; Σg = Σh = 0), for builds over the same
   * rows to start from (`HistogramJob.build.counts`). Needs the count channel (stride 3).
   */
  countsOf(nRows: number): number {
    const id = this.alloc()
    const h = this.memory.hists[id]
    h.fill(0)
    const slots = this.slots
    const rows = this.rows
    const f = this.f
    for (let i = 0; i < nRows; i++) {
      const base = rows[i] * f
      for (let j = 0; j < f; j++) h[slots[base + j] + 2] += 1
    }
    return id
  }

  release(id: number): void {
    if (id >= 0) this.free.push(id)
  }

  /** The histogram with this id (for tests and checks). */
  histogram(id: number): Float64Array {
    return this.memory.hists[id]
  }

  /** Runs one job (shared across the team when it is big enough) and returns each scanned histogram's best split. */
  run(job: HistogramJob): ScanResult[] {
    const m = this.memory
    const c = m.ctrl
    c[TEAM_CTRL.BUILD_DST] = job.build ? job.build.dst : -1
    c[TEAM_CTRL.BUILD_S] = job.build ? job.build.s : 0
    c[TEAM_CTRL.BUILD_E] = job.build ? job.build.e : 0
    c[TEAM_CTRL.BUILD_COUNTS] = job.build?.counts ?? -1
    c[TEAM_CTRL.SUB_A] = job.subtract ? job.subtract.a : -1
    c[TEAM_CTRL.SUB_B] = job.subtract ? job.subtract.b : -1
    for (let k = 0; k < 2; k++) {
      const scan = job.scans[k]
      c[TEAM_CTRL.SCAN0 + 2 * k] = scan ? scan.id : -1
      c[TEAM_CTRL.SCAN0_C + 2 * k] = scan ? scan.C : 0
      m.jobF[2 * k] = scan ? scan.G : 0
      m.jobF[2 * k + 1] = scan ? scan.H : 0
    }
    const cells =
      (job.build ? (job.build.e - job.build.s) * this.f : 0) +
      this.histogramLength * (job.scans.length + (job.subtract ? 1 : 0))
    if (this.threads === 1 || this.fallback !== undefined || cells < this.minSharedWork) {
      runShare(m, this.threads)
      return job.scans.map((_, k) => this.result(this.threads, k))
    }
    Atomics.store(c, TEAM_CTRL.DONE, 0)
    Atomics.add(c, TEAM_CTRL.SEQ, 1)
    Atomics.notify(c, TEAM_CTRL.SEQ)
    runShare(m, 0)
    this.waitForWorkers()
    if (Atomics.load(c, TEAM_CTRL.ERROR) !== 0) throw new Error('gbdt: a histogram worker failed')
    // Shares in feature order, strict >: the first of equal gains wins, as in one scan over every feature.
    return job.scans.map((_, k) => {
      let best = this.result(0, k)
      for (let s = 1; s < this.threads; s++) {
        const r = this.result(s, k)
        if (r.feature >= 0 && (best.feature < 0 || r.gain > best.gain)) best = r
      }
      return best
    })
  }

  private waitForWorkers(): void {
    const c = this.memory.ctrl
    const want = this.threads - 1
    let done = Atomics.load(c, TEAM_CTRL.DONE)
    for (let k = 0; done < want && k < SPIN; k++) done = Atomics.load(c, TEAM_CTRL.DONE)
    const t0 = performance.now()
    while (done < want) {
      Atomics.wait(c, TEAM_CTRL.DONE, done, 50)
      done = Atomics.load(c, TEAM_CTRL.DONE)
      if (performance.now() - t0 > STALL_MS) throw new Error('gbdt: a histogram worker stopped answering')
    }
  }

  private result(share: number, k: number): ScanResult {
    const r = this.memory.res
    const o = (2 * share + k) * RESULT_WIDTH
    return { gain: r[o], feature: r[o + 1], bin: r[o + 2], missingLeft: r[o + 3] === 1, gl: r[o + 4], hl: r[o + 5] }
  }

  /** Stops the workers. */
  dispose(): void {
    if (this.workers.length === 0) return
    const c = this.memory.ctrl
    Atomics.store(c, TEAM_CTRL.STOP, 1)
    Atomics.add(c, TEAM_CTRL.SEQ, 1)
    Atomics.notify(c, TEAM_CTRL.SEQ)
    for (const p of this.ports) p.close()
    for (const w of this.workers) void w.terminate()
    this.workers.length = 0
    this.ports.length = 0
  }
}

/**
 * Contiguous feature shares for `threads` threads, balanced by bins (each share at least one feature), then the share
 * of every feature: `[j0, j1]` pairs, `threads + 1` of them.
 */
function featureShares(offsets: Int32Array, f: number, threads: number): Int32Array {
  const out = new Int32Array(2 * (threads + 1))
  const total = offsets[f]
  let j = 0
  for (let s = 0; s < threads; s++) {
    out[2 * s] = j
    const end = s === threads - 1 ? f : f - (threads - 1 - s)
    j++
    while (j < end && offsets[j + 1] <= ((s + 1) * total) / threads) j++
    out[2 * s + 1] = j
  }
  out[2 * threads + 1] = f
  return out
}
