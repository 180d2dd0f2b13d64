import {
  checkOutPath,
  InputError,
  optionalDevice,
  readInputFile,
  requireString,
  UsageError,
  writeOutputFile,
  type Command,
  type OptionValues,
} from '../command'
import {
  BatchDeviceCache,
  checkTrainerParams,
  classificationMetrics,
  convertNativeModel,
  inspectOnnx,
  nativeModelFormat,
  OnnxImportError,
  OnnxInferenceEngine,
  OnnxRunError,
  parityCheck,
  prepareForeignModel,
  probeDevice,
  TrainerParamError,
  trainerFor,
  type Dataset,
} from '../../ml'

/** A metric in human output: 4 decimals, or — where it is undefined (AUC with one class in the labels). */
const fixed4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '—')

interface Table {
  readonly header: string[]
  readonly cols: string[][]
}

function readCsv(path: string): Table {
  const text = readInputFile(path).toString('utf8')
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (lines.length < 2) throw new InputError(`${path}: needs a header row and at least one data row`)
  const header = lines[0].split(',').map((h) => h.trim())
  const cols = header.map(() => [] as string[])
  lines.slice(1).forEach((l, i) => {
    const cells = l.split(',')
    if (cells.length !== header.length)
      throw new InputError(`${path}:${i + 2}: ${cells.length} fields, header has ${header.length}`)
    cells.forEach((c, j) => cols[j].push(c.trim()))
  })
  return { header, cols }
}

function numeric(path: string, t: Table, name: string): Float32Array {
  const j = t.header.indexOf(name)
  if (j < 0) throw new InputError(`${path}: no column "${name}"`)
  return Float32Array.from(t.cols[j], (v, i) => {
    if (v === '' || /^nan$/i.test(v)) return NaN
    const n = Number(v)
    if (!Number.isFinite(n)) throw new InputError(`${path}:${i + 2}: column "${name}" value "${v}" is not a number`)
    return n
  })
}

function matrix(path: string, t: Table, features: readonly string[]): Float32Array {
  const cols = features.map((f) => numeric(path, t, f))
  const n = t.cols[0].length
  const x = new Float32Array(n * features.length)
  for (let i = 0; i < n; i++) for (let j = 0; j < features.length; j++) x[i * features.length + j] = cols[j][i]
  return x
}

function classList(values: readonly string[]): string[] {
  const u = [...new Set(values)]
  return u.every((v) => v !== '' && Number.isFinite(Number(v))) ? u.sort((a, b) => Number(a) - Number(b)) : u.sort()
}

function params(values: OptionValues): Record<string, unknown> {
  const raw = values.param
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  const out: Record<string, unknown> = {}
  for (const p of list) {
    const m = /^([a-z_0-9]+)=(.+)$/i.exec(String(p))
    if (!m) throw new UsageError(`--param must be k=v, got "${String(p)}"`)
    const v = m[2]
    out[m[1]] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v
  }
  return out
}

/**
 * Loads any classifier: ours (card inside), foreign ONNX (prepared: ZipMap rewritten, card built), or a native
 * LightGBM text / XGBoost JSON model (converted, then its parity check run before anything is scored).
 */
async function loadModel(path: string, engine: OnnxInferenceEngine) {
  const bytes = new Uint8Array(readInputFile(path))
  try {
    if (nativeModelFormat(bytes)) {
      const c = convertNativeModel(bytes, {}, path)
      await parityCheck(c, c.parity.x, c.parity.n, c.parity.expected, c.parity.tolerance)
      return engine.load(path, c.onnx)
    }
    const prepared = inspectOnnx(bytes).card ? bytes : prepareForeignModel(bytes).onnx
    return engine.load(path, prepared)
  } catch (e) {
    throw modelRefusal(path, e)
  }
}

/**
 * A model that cannot be loaded or scored is bad input (exit 2), one line naming the file; anything else is rethrown as is.
 * The engine names the model by `path` already; other reasons get it in front.
 */
function modelRefusal(path: string, e: unknown): unknown {
  if (!(e instanceof OnnxImportError || e instanceof OnnxRunError)) return e
  return new InputError(e.reason.includes(path) ? e.reason : `${path}: ${e.reason}`)
}

/** Windows (sequence models) or rows (tabular) per batch of `ml predict` on its device. */
const predictBatchRows = (card: { inputShape: readonly unknown[] }): number =>
  card.inputShape.length === 3 ? 256 : 8192

/** Scores rows with a loaded model; an onnxruntime failure is a {@link modelRefusal}. */
async function scoreModel(engine: OnnxInferenceEngine, path: string, x: Float32Array, n: number, batchRows = n) {
  try {
    return await engine.scoreBatches(path, x, n, batchRows)
  } catch (e) {
    throw modelRefusal(path, e)
  }
}

function readNpy(path: string, buf: Buffer): { data: Float32Array; shape: number[] } {
  if (buf.readUInt32BE(0) !== 0x934e554d) throw new InputError(`${path}: not a .npy file`)
  const hlen = buf[6] === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8)
  const start = buf[6] === 1 ? 10 : 12
  const header = buf.toString('latin1', start, start + hlen)
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new InputError(`${path}: need little-endian float32 C-order .npy (header ${header.trim()})`)
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .filter((s) => s.trim())
    .map(Number)
  const body = buf.subarray(start + hlen)
  const want = shape.reduce((a, b) => a * b, 1)
  if (shape.length === 0 || body.length !== want * 4)
    throw new InputError(
      `${path}: header shape (${shape.join(', ')}) needs ${want * 4} data bytes, file has ${body.length}`,
    )
  return { data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)), shape }
}

/** `{"input": [[…]]}` as float32 plus its shape; ragged arrays or non-numbers are refused naming the first place. */
function readJsonInput(path: string): { data: Float32Array; shape: number[] } {
  let j: { input?: unknown }
  try {
    j = JSON.parse(readInputFile(path).toString('utf8')) as { input?: unknown }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`${path}: not JSON (${(e as Error).message.replace(/\s+/g, ' ')})`)
  }
  if (!j || !Array.isArray(j.input)) throw new InputError(`${path}: expected {"input": [...]}`)
  const shape: number[] = []
  for (let v: unknown = j.input; Array.isArray(v); v = v[0]) shape.push(v.length)
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
  let q = 0
  const walk = (v: unknown, d: number, at: string): void => {
    if (d === shape.length) {
      if (v !== null && typeof v !== 'number')
        throw new InputError(`${path}: input${at} is ${JSON.stringify(v)}, not a number`)
      data[q++] = v === null ? NaN : v
      return
    }
    if (!Array.isArray(v) || v.length !== shape[d])
      throw new InputError(`${path}: input${at} should be an array of ${shape[d]} (shape [${shape.join(', ')}])`)
    v.forEach((e, i) => walk(e, d + 1, `${at}[${i}]`))
  }
  walk(j.input, 0, '')
  return { data, shape }
}

/**
 * Rows for a model from --data: CSV (by the card's feature names; with none of them in the header, the numeric
 * columns in order, less `time` and the label), JSON {"input": …} or .npy (sequence models need one of these).
 */
function rowsFor(
  path: string,
  card: { features: readonly string[]; inputShape: readonly (number | null)[]; label?: unknown },
  label?: string,
): { x: Float32Array; n: number; t?: Table } {
  const want = card.inputShape.slice(1)
  if (path.endsWith('.npy') || path.endsWith('.json')) {
    const { data, shape } = path.endsWith('.npy') ? readNpy(path, readInputFile(path)) : readJsonInput(path)
    if (shape.length !== card.inputShape.length || shape.slice(1).some((d, i) => d !== want[i]))
      throw new InputError(`${path}: shape [${shape.join(', ')}]; model needs [N, ${want.join(', ')}]`)
    return { x: data, n: shape[0] }
  }
  if (card.inputShape.length !== 2)
    throw new InputError(
      `${path}: the model takes sequences [N, ${want.join(', ')}]; give --data as JSON {"input": [[[…]]]} or .npy`,
    )
  const t = readCsv(path)
  const present = card.features.filter((f) => t.header.includes(f))
  if (present.length > 0 && present.length < card.features.length) {
    const missing = card.features.filter((f) => !t.header.includes(f))
    throw new InputError(
      `${path}: no column "${missing[0]}"${missing.length > 1 ? ` (and ${missing.length - 1} more of the model's ${card.features.length} features)` : ''}`,
    )
  }
  const own = typeof card.label === 'string' ? card.label : undefined
  const features = present.length > 0 ? card.features : t.header.filter((h) => h !== label && h !== own && h !== 'time')
  if (features.length !== card.features.length)
    throw new InputError(
      `${path}: ${features.length} feature columns; the model needs ${card.features.length} (${card.features.join(', ')})`,
    )
  return { x: matrix(path, t, features), n: t.cols[0].length, t }
}

const fit: Command = {
  name: 'ml fit',
  summary: 'train gbdt / rf / logreg on a feature CSV and write ONNX with its model card',
  usage:
    'ml fit --algo gbdt|rf|extra-trees|logreg --train T.csv --label COL [--valid V.csv] [--param k=v]… --out M.onnx',
  details:
    'CSV: header row, numeric feature columns (empty or nan = missing) and the label column. Params use LightGBM/scikit-learn names.',
  options: {
    algo: { type: 'string' },
    train: { type: 'string' },
    label: { type: 'string' },
    valid: { type: 'string' },
    param: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
  async run(ctx) {
    const algo = requireString(ctx.values, 'algo')
    const trainPath = requireString(ctx.values, 'train')
    const label = requireString(ctx.values, 'label')
    const out = requireString(ctx.values, 'out')
    let trainer
    try {
      trainer = trainerFor(algo)
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
    // Usage first: a malformed, unknown or out-of-range --param is reported before any file is read.
    const p = params(ctx.values)
    try {
      checkTrainerParams(algo, p)
    } catch (e) {
      if (e instanceof TrainerParamError) throw new UsageError(e.message)
      throw e
    }
    checkOutPath(out)
    const t = readCsv(trainPath)
    const li = t.header.indexOf(label)
    if (li < 0) throw new InputError(`${trainPath}: no label column "${label}"`)
    const features = t.header.filter((h) => h !== label && h !== 'time')
    const classes = classList(t.cols[li])
    if (classes.length < 2) throw new InputError(`${trainPath}: label "${label}" has ${classes.length} class; need ≥ 2`)
    const y = Int32Array.from(t.cols[li], (v) => classes.indexOf(v))
    let valid: Dataset['valid']
    const validPath = ctx.values.valid
    if (typeof validPath === 'string') {
      const v = readCsv(validPath)
      const vl = v.header.indexOf(label)
      if (vl < 0) throw new InputError(`${validPath}: no label column "${label}"`)
      const vy = Int32Array.from(v.cols[vl], (c, i) => {
        const k = classes.indexOf(c)
        if (k < 0) throw new InputError(`${validPath}:${i + 2}: label "${c}" not seen in training`)
        return k
      })
      valid = { x: matrix(validPath, v, features), y: vy, n: vy.length }
    }
    if (valid && algo === 'gbdt' && p.early_stopping_rounds === undefined) p.early_stopping_rounds = 20
    const data: Dataset = {
      x: matrix(trainPath, t, features),
      y,
      n: y.length,
      features,
      classes,
      ...(valid ? { valid } : {}),
      card: { name: out.replace(/^.*\//, '').replace(/\.onnx$/, ''), label },
    }
    const t0 = performance.now()
    const m = await trainer.fit(data, p, undefined)
    const seconds = (performance.now() - t0) / 1000
    writeOutputFile(out, m.onnx)
    const metrics = {
      train: pick(classificationMetrics(y, m.predict(data.x, data.n), data.n, classes.length)),
      ...(valid
        ? { valid: pick(classificationMetrics(valid.y, m.predict(valid.x, valid.n), valid.n, classes.length)) }
        : {}),
    }
    ctx.out(
      { out, algo, rows: data.n, features: features.length, classes, seconds, metrics },
      (r) =>
        `${r.out}: ${r.algo} on ${r.rows} rows × ${r.features} features in ${r.seconds.toFixed(2)} s; train AUC ${fixed4(r.metrics.train.auc)}`,
    )
  },
}

function pick(m: ReturnType<typeof classificationMetrics>) {
  return { auc: m.rocAuc, logloss: m.logLoss, brier: m.brier, accuracy: m.accuracy, f1: m.f1 }
}

const evaluate: Command = {
  name: 'ml eval',
  summary: 'score a classifier (ONNX ours or foreign, LightGBM .txt, XGBoost .json) on a labelled CSV',
  usage: 'ml eval --model M.onnx|M.txt|M.json --data D.csv --label COL',
  options: { model: { type: 'string' }, data: { type: 'string' }, label: { type: 'string' } },
  async run(ctx) {
    const modelPath = requireString(ctx.values, 'model')
    const dataPath = requireString(ctx.values, 'data')
    const label = requireString(ctx.values, 'label')
    const engine = new OnnxInferenceEngine({ batchThreshold: 1 })
    try {
      const card = await loadModel(modelPath, engine)
      const { x, n, t } = rowsFor(dataPath, card, label)
      const li = t ? t.header.indexOf(label) : -1
      if (!t || li < 0) throw new InputError(`${dataPath}: no label column "${label}"`)
      const y = Int32Array.from(t.cols[li], (v, i) => {
        const k = card.classes.indexOf(v)
        if (k < 0)
          throw new InputError(
            `${dataPath}:${i + 2}: label "${v}" is not one of the model's classes (${card.classes.join(', ')})`,
          )
        return k
      })
      const r = await scoreModel(engine, modelPath, x, n)
      const m = pick(classificationMetrics(y, r.probabilities, n, card.classes.length))
      ctx.out(
        { model: modelPath, rows: n, ...m },
        (v) =>
          `${v.model} on ${v.rows} rows: auc ${fixed4(v.auc)} logloss ${fixed4(v.logloss)} brier ${fixed4(v.brier)} accuracy ${fixed4(v.accuracy)} f1 ${fixed4(v.f1)}`,
      )
    } finally {
      await engine.dispose()
    }
  },
}

const predict: Command = {
  name: 'ml predict',
  summary:
    'class probabilities of a classifier (ONNX, LightGBM .txt, XGBoost .json) for a CSV, JSON {"input": …} or .npy [N, T, F]',
  usage:
    'ml predict --model M.onnx|M.txt|M.json --data D.csv|D.json|D.npy [--out P.csv] [--device auto|cpu|webgpu|cuda]',
  options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, device: { type: 'string' } },
  async run(ctx) {
    const modelPath = requireString(ctx.values, 'model')
    const dataPath = requireString(ctx.values, 'data')
    const out = ctx.values.out
    if (typeof out === 'string') checkOutPath(out)
    const choice = optionalDevice(ctx.values)
    // Batches run on the probed device (auto: a GPU only where a probe batch measured it faster); default cpu.
    const device = await probeDevice(choice ?? 'cpu')
    const engine = new OnnxInferenceEngine({
      batchThreshold: 1,
      batchProviders: [device.batch],
      ...(choice === 'auto' ? { batchMeasure: new BatchDeviceCache() } : {}),
    })
    try {
      const card = await loadModel(modelPath, engine)
      const { x, n } = rowsFor(dataPath, card)
      const r = await scoreModel(engine, modelPath, x, n, predictBatchRows(card))
      const why = r.fallback ?? device.fallback
      if (choice) ctx.info(`device: ${r.provider}${why ? ` (fallback: ${why})` : ''}`)
      const c = card.classes.length
      const rows = Array.from({ length: n }, (_, i) =>
        Object.fromEntries(card.classes.map((k, j) => [k, r.probabilities[i * c + j]])),
      )
      if (typeof out === 'string') {
        writeOutputFile(
          out,
          [card.classes.join(','), ...rows.map((row) => card.classes.map((k) => row[k]).join(','))].join('\n') + '\n',
        )
        ctx.info(`${out}: ${n} rows`)
      } else ctx.out(rows, (v) => v.map((row) => JSON.stringify(row)).join('\n'))
    } finally {
      await engine.dispose()
    }
  },
}

/** `armada ml fit|eval|predict` (DESIGN.md command table). */
export const mlCommands: readonly Command[] = [fit, evaluate, predict]
