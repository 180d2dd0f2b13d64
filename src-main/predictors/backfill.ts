import {
  JobRefused,
  systemClock,
  throwIfCancelled,
  TIMEFRAME_MS,
  venuesStoring,
  type BackfillJobRequest,
  type Bar,
  type Clock,
  type DeviceStatus,
  type JobContext,
  type Timeframe,
} from '../../src-shared'
import { barsToColumns, computeFeatures } from '../features'
import {
  BatchDeviceCache,
  featureColumns,
  OnnxImportError,
  OnnxInferenceEngine,
  OnnxRunError,
  probeDevice,
  type ExecutionProvider,
} from '../ml'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteBarStore, SqlitePredictionStore, type SeriesKey } from '../store'
import { currentRegime, labelOf, readRegime, returnSigma } from './regime-outputs'

/** Label threshold k of the §1 outcome (as the live loop resolves). */
const DEFAULT_K = 0.5
/** Windows per batch for sequence models ([N, T, F]) and rows per batch for tabular ones. */
export const BACKFILL_SEQUENCE_BATCH = 256
export const BACKFILL_TABULAR_BATCH = 4096

/** A backfill whose input cannot be used (no such series, a model that is not a regime model, missing features). */
export class BackfillError extends Error {
  override readonly name = 'BackfillError'
}

/** What a backfill did: forecasts scored, newly stored and resolved, and where the batches ran. */
export interface BackfillResult {
  readonly model: string
  readonly versionId: string
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  /** Windows (sequence models) or rows (tabular) scored. */
  readonly windows: number
  /** Forecasts stored (a bar this version already forecast is left as it is). */
  readonly stored: number
  /** Stored forecasts whose target bar is stored, resolved hit or miss (§1 label), and the hits among them. */
  readonly resolved: number
  readonly hits: number
  readonly provider: ExecutionProvider
  readonly fallback?: string
  readonly summary: string
}

export interface BackfillInput {
  readonly bars: SqliteBarStore
  readonly predictions: SqlitePredictionStore
  readonly registry: ModelRegistry
  /** Loaded with the version here; build it with `batchThreshold: 1` so every batch takes the batch session. */
  readonly engine: OnnxInferenceEngine
  readonly clock: Clock
  readonly versionId: string
  readonly key: SeriesKey
  readonly from?: number
  readonly to?: number
  /** Windows per batch (default 256 for sequence models, 4096 rows for tabular ones). */
  readonly batchRows?: number
  readonly signal?: AbortSignal
  readonly onProgress?: (done: number, total: number) => void
}

/** Horizon in bars of a regime model: its card's, else the `-h<H>` of its name. */
function horizonOf(name: string, card: { horizon?: { bars: number } }): number | undefined {
  const h = card.horizon?.bars ?? Number(/-h([0-9]+)(?:-[a-z]+)?$/.exec(name)?.[1])
  return Number.isInteger(h) && h > 0 ? h : undefined
}

/**
 * Scores a registered regime model over a stored series' history in batches (DOMAIN.md §1 outputs, on the rows the
 * live loop reads: the `regime` set; a sequence model `[N, T, F]` on every window of the last T rows), stores each
 * forecast in the prediction store the live loop writes (under the version's own name) and resolves those whose
 * target bar is stored, as the live loop would have. Throws {@link BackfillError} for input it cannot use.
 */
export async function backfillPredictions(o: BackfillInput): Promise<BackfillResult> {
  const version = o.registry.get(o.versionId)
  const { card, name } = version
  const where = `${o.key.symbol}.${o.key.venue} ${o.key.timeframe}`
  if (card.predictor !== 'regime')
    throw new BackfillError(`${name} is a ${card.predictor} model; backfill stores regime forecasts (DOMAIN.md §1)`)
  if (card.classes.length !== 3)
    throw new BackfillError(
      `${name} has ${card.classes.length} classes; a regime model has 3 (bearish, neutral, bullish)`,
    )
  const horizon = horizonOf(name, card)
  if (horizon === undefined) throw new BackfillError(`${name} has no horizon (card "horizon" or a -h<H> name)`)
  if (card.horizon?.timeframe && card.horizon.timeframe !== o.key.timeframe)
    throw new BackfillError(`${name} forecasts ${card.horizon.timeframe} bars; ${where} is ${o.key.timeframe}`)
  const bars: Bar[] = []
  for (const page of o.bars.pages(o.key)) for (const b of page) bars.push(b)
  if (!bars.length) throw new BackfillError(`no stored ${where} bars`)
  const m = computeFeatures({
    symbol: o.key.symbol,
    timeframe: o.key.timeframe as Timeframe,
    set: 'regime',
    bars: barsToColumns(bars),
  })
  const width = m.names.length
  const columns = featureColumns(card.features, m.names) ?? Int32Array.from(m.names, (_, j) => j)
  const missing = card.features.filter((_, j) => columns[j] < 0)
  if (missing.length)
    throw new BackfillError(`${name} reads features the regime set does not have: ${missing.slice(0, 5).join(', ')}`)
  const steps = card.inputShape.length === 3 ? Number(card.inputShape[1]) : 1
  const f = card.features.length
  const n = bars.length
  let first = steps - 1
  while (first < n && o.from !== undefined && bars[first].time < o.from) first++
  let last = n - 1
  while (last >= first && o.to !== undefined && bars[last].time > o.to) last--
  if (last < first)
    throw new BackfillError(
      `${where} has no bar to score in that range (${n} stored; ${name} reads windows of ${steps} bars)`,
    )
  try {
    o.engine.load(o.versionId, o.registry.onnx(o.versionId), card)
  } catch (err) {
    if (err instanceof OnnxImportError) throw new BackfillError(`${name}: ${err.reason}`)
    throw err
  }
  const closes = Float64Array.from(bars, (b) => b.close)
  const tf = TIMEFRAME_MS[o.key.timeframe as Timeframe]
  const lastTime = bars[n - 1].time
  const total = last - first + 1
  const batchRows = o.batchRows ?? (steps > 1 ? BACKFILL_SEQUENCE_BATCH : BACKFILL_TABULAR_BATCH)
  const perWindow = steps * f
  const x = new Float32Array(Math.min(batchRows, total) * perWindow)
  let stored = 0
  let resolved = 0
  let hits = 0
  let provider: ExecutionProvider = 'cpu'
  let fallback: string | undefined
  for (let i0 = first; i0 <= last; i0 += batchRows) {
    if (o.signal) throwIfCancelled(o.signal)
    const k = Math.min(batchRows, last - i0 + 1)
    // Window of bar i: rows i − T + 1 … i of the table, each in the card's feature order.
    for (let w = 0; w < k; w++) {
      const start = i0 + w - steps + 1
      for (let t = 0; t < steps; t++) {
        const src = (start + t) * width
        const dst = (w * steps + t) * f
        for (let j = 0; j < f; j++) x[dst + j] = m.data[src + columns[j]]
      }
    }
    let r
    try {
      r = await o.engine.score(o.versionId, k === x.length / perWindow ? x : x.subarray(0, k * perWindow), k)
    } catch (err) {
      if (err instanceof OnnxRunError) throw new BackfillError(err.reason)
      throw err
    }
    provider = r.provider
    fallback ??= r.fallback
    const now = o.clock.now()
    o.predictions.transaction(() => {
      for (let w = 0; w < k; w++) {
        const i = i0 + w
        const probabilities = Array.from(r.probabilities.subarray(w * 3, w * 3 + 3), (v) => +v)
        let present = 0
        for (let j = 0; j < width; j++) if (m.data[i * width + j] === m.data[i * width + j]) present++
        const current = currentRegime(closes.subarray(0, i + 1), horizon, DEFAULT_K)
        const reading = readRegime(probabilities, current, present / width)
        const sigma = returnSigma(closes, i)
        const targetTime = bars[i].time + horizon * tf
        const id = o.predictions.insert({
          modelVersion: o.versionId,
          modelName: name,
          ...o.key,
          time: bars[i].time,
          horizon,
          targetTime,
          probabilities,
          confidence: reading.confidence,
          quality: reading.quality,
          transition: reading.transition,
          sizeMultiplier: reading.sizeMultiplier,
          currentRegime: current,
          close: bars[i].close,
          sigma: Number.isFinite(sigma) ? sigma : null,
        })
        if (id === null) continue
        stored++
        if (targetTime > lastTime) continue
        // The close of the target bar, or of the newest stored bar before it (a gap), as the live loop reads it.
        let q = Math.min(n - 1, i + horizon)
        while (q > 0 && bars[q].time > targetTime) q--
        const close = bars[q].close
        resolved++
        if (!Number.isFinite(sigma) || !(close > 0) || !(bars[i].close > 0)) {
          o.predictions.resolve(id, -1, null, now)
          continue
        }
        const outcome = labelOf(Math.log(close / bars[i].close), sigma, horizon, DEFAULT_K)
        const argmax = probabilities.reduce((b, v, c) => (v > probabilities[b] ? c : b), 0)
        if (argmax === outcome) hits++
        o.predictions.resolve(id, outcome, argmax === outcome, now)
      }
    })
    o.onProgress?.(i0 + k - first, total)
  }
  return {
    model: name,
    versionId: o.versionId,
    ...o.key,
    timeframe: o.key.timeframe as Timeframe,
    windows: total,
    stored,
    resolved,
    hits,
    provider,
    ...(fallback ? { fallback } : {}),
    summary:
      `${name} over ${where}: ${total} ${steps > 1 ? 'windows' : 'rows'} scored on ${provider}, ${stored} stored, ` +
      `${resolved} resolved${resolved ? ` (hit rate ${((100 * hits) / resolved).toFixed(1)} %)` : ''}`,
  }
}

/** The version a backfill scores: a model name's champion, or a version id (prefix). */
function versionOf(registry: ModelRegistry, ref: string): string {
  if (registry.hasModel(ref)) {
    const id = registry.aliases(ref).champion
    if (!id) throw new JobRefused(`model ${ref} has no champion; name a version`)
    return id
  }
  try {
    return registry.resolveId(ref)
  } catch (err) {
    throw new JobRefused(`no model or version "${ref}": ${(err as Error).message}`)
  }
}

/**
 * The `predictions.backfill` job: probes the device (the request's, else the core's, else auto: a GPU only where a
 * probe batch ran faster), then {@link backfillPredictions} with progress per batch; refusals become refused jobs.
 */
export async function backfillJob(
  request: BackfillJobRequest,
  ctx: JobContext,
): Promise<BackfillResult & { device: DeviceStatus }> {
  const db = openDatabase(ctx.dbPath)
  const choice = request.device ?? ctx.device ?? 'auto'
  const device = await probeDevice(choice)
  const engine = new OnnxInferenceEngine({
    batchThreshold: 1,
    batchProviders: [device.batch],
    ...(choice === 'auto' ? { batchMeasure: new BatchDeviceCache() } : {}),
  })
  try {
    const bars = new SqliteBarStore(db)
    const registry = new ModelRegistry(db, systemClock)
    const venues = venuesStoring(bars.listSeries(), request.symbol, request.timeframe)
    const venue = request.venue ?? (venues.length === 1 ? venues[0] : undefined)
    if (!venue)
      throw new JobRefused(
        venues.length
          ? `${request.symbol} ${request.timeframe} is stored for several venues (${venues.join(', ')}); name one`
          : `no stored bars for ${request.symbol} ${request.timeframe}`,
      )
    const versionId = versionOf(registry, request.model)
    const result = await backfillPredictions({
      bars,
      predictions: new SqlitePredictionStore(db),
      registry,
      engine,
      clock: systemClock,
      versionId,
      key: { symbol: request.symbol, venue, timeframe: request.timeframe },
      ...(request.from !== undefined ? { from: request.from } : {}),
      ...(request.to !== undefined ? { to: request.to } : {}),
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress(done / total, `scored ${done}/${total}`),
    })
    const fallback = result.fallback ?? device.fallback
    return { ...result, ...(fallback ? { fallback } : {}), device }
  } catch (err) {
    throw err instanceof BackfillError ? new JobRefused(err.message) : err
  } finally {
    await engine.dispose()
    db.close()
  }
}
