import { readFileSync, writeFileSync } from 'node:fs'
import { InputError, requireString, UsageError, type Command, type OptionValues } from '../command'
import { classificationMetrics, convertNativeModel, inspectOnnx, nativeModelFormat, OnnxImportError, OnnxInferenceEngine, parityCheck, prepareForeignModel, trainerFor, type Dataset } from '../../ml'

interface Table {
  readonly header: string[]
  readonly cols: string[][]
}

function readCsv(path: string): Table {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`)
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (lines.length < 2) throw new InputError(`${path}: needs a header row and at least one data row`)
  const header = lines[0].split(',').map((h) => h.trim())
  const cols = header.map(() => [] as string[])
  lines.slice(1).forEach((l, i) => {
    const cells = l.split(',')
    if (cells.length !== header.length) throw new InputError(`${path}:${i + 2}: ${cells.length} fields, header has ${header.length}`)
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
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(readFileSync(path))
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`)
  }
  try {
    if (nativeModelFormat(bytes)) {
      const c = convertNativeModel(bytes, {}, path)
      await parityCheck(c, c.parity.x, c.parity.n, c.parity.expected, c.parity.tolerance)
      return engine.load(path, c.onnx)
    }
    const prepared = inspectOnnx(bytes).card ? bytes : prepareForeignModel(bytes).onnx
    return engine.load(path, prepared)
  } catch (e) {
    if (e instanceof OnnxImportError) throw new InputError(e.reason.startsWith(`${path}: `) ? e.reason : `${path}: ${e.reason}`)
    throw e
  }
}

function readNpy(path: string, buf: Buffer): { data: Float32Array; shape: number[] } {
  if (buf.readUInt32BE(0) !== 0x934e554d) throw new InputError(`${path}: not a .npy file`)
  const hlen = buf[6] === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8)
  const start = buf[6] === 1 ? 10 : 12
  const header = buf.toString('latin1', start, start + hlen)
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new InputError(`${path}: need little-endian float32 C-order .npy (header ${header.trim()})`)
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number)
  const body = buf.subarray(start + hlen)
  return { data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)), shape }
}

/** Rows for a model from --data: CSV (by the card's feature names, else numeric columns in order), JSON {"input": …} or .npy. */
function rowsFor(path: string, card: { features: readonly string[]; inputShape: readonly (number | null)[] }, label?: string): { x: Float32Array; n: number; t?: Table } {
  if (path.endsWith('.npy') || path.endsWith('.json')) {
    let data: Float32Array
    let shape: number[]
    if (path.endsWith('.npy')) ({ data, shape } = readNpy(path, readFileSync(path)))
    else {
      const j = JSON.parse(readFileSync(path, 'utf8')) as { input?: unknown }
      if (!Array.isArray(j.input)) throw new InputError(`${path}: expected {"input": [...]}`)
      const dims: number[] = []
      for (let v: unknown = j.input; Array.isArray(v); v = v[0]) dims.push(v.length)
      data = Float32Array.from((j.input as unknown[]).flat(Infinity) as number[])
      shape = dims
    }
    const want = card.inputShape.slice(1)
    if (shape.length !== card.inputShape.length || shape.slice(1).some((d, i) => d !== want[i])) throw new InputError(`${path}: shape [${shape.join(', ')}]; model needs [N, ${want.join(', ')}]`)
    return { x: data, n: shape[0] }
  }
  const t = readCsv(path)
  const named = card.features.every((f) => t.header.includes(f))
  const features = named ? card.features : t.header.filter((h) => h !== label && h !== 'time')
  if (features.length !== card.features.length) throw new InputError(`${path}: ${features.length} feature columns; the model needs ${card.features.length} (${card.features.join(', ')})`)
  return { x: matrix(path, t, features), n: t.cols[0].length, t }
}

const fit: Command = {
  name: 'ml fit',
  summary: 'train gbdt / rf / logreg on a feature CSV and write ONNX with its model card',
  usage: 'ml fit --algo gbdt|rf|extra-trees|logreg --train T.csv --label COL [--valid V.csv] [--param k=v]… --out M.onnx',
  details: 'CSV: header row, numeric feature columns (empty or nan = missing) and the label column. Params use LightGBM/scikit-learn names.',
  options: { algo: { type: 'string' }, train: { type: 'string' }, label: { type: 'string' }, valid: { type: 'string' }, param: { type: 'string', multiple: true }, out: { type: 'string' } },
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
    // Usage first: a malformed --param is reported before any file is read.
    const p = params(ctx.values)
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
    const data: Dataset = { x: matrix(trainPath, t, features), y, n: y.length, features, classes, ...(valid ? { valid } : {}), card: { name: out.replace(/^.*\//, '').replace(/\.onnx$/, ''), label } }
    const t0 = performance.now()
    const m = await trainer.fit(data, p, undefined)
    const seconds = (performance.now() - t0) / 1000
    writeFileSync(out, m.onnx)
    const metrics = { train: pick(classificationMetrics(y, m.predict(data.x, data.n), data.n, classes.length)), ...(valid ? { valid: pick(classificationMetrics(valid.y, m.predict(valid.x, valid.n), valid.n, classes.length)) } : {}) }
    ctx.out({ out, algo, rows: data.n, features: features.length, classes, seconds, metrics }, (r) => `${r.out}: ${r.algo} on ${r.rows} rows × ${r.features} features in ${r.seconds.toFixed(2)} s; train AUC ${r.metrics.train.auc.toFixed(4)}`)
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
        if (k < 0) throw new InputError(`${dataPath}:${i + 2}: label "${v}" is not one of the model's classes (${card.classes.join(', ')})`)
        return k
      })
      const r = await engine.score(modelPath, x, n)
      const m = pick(classificationMetrics(y, r.probabilities, n, card.classes.length))
      ctx.out({ model: modelPath, rows: n, ...m }, (v) => `${v.model} on ${v.rows} rows: auc ${v.auc.toFixed(4)} logloss ${v.logloss.toFixed(4)} brier ${v.brier.toFixed(4)} accuracy ${v.accuracy.toFixed(4)} f1 ${v.f1.toFixed(4)}`)
    } finally {
      await engine.dispose()
    }
  },
}

const predict: Command = {
  name: 'ml predict',
  summary: 'class probabilities of a classifier (ONNX, LightGBM .txt, XGBoost .json) for a CSV, JSON {"input": …} or .npy [N, T, F]',
  usage: 'ml predict --model M.onnx|M.txt|M.json --data D.csv|D.json|D.npy [--out P.csv]',
  options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const modelPath = requireString(ctx.values, 'model')
    const dataPath = requireString(ctx.values, 'data')
    const engine = new OnnxInferenceEngine({ batchThreshold: 1 })
    try {
      const card = await loadModel(modelPath, engine)
      const { x, n } = rowsFor(dataPath, card)
      const r = await engine.score(modelPath, x, n)
      const c = card.classes.length
      const rows = Array.from({ length: n }, (_, i) => Object.fromEntries(card.classes.map((k, j) => [k, r.probabilities[i * c + j]])))
      const out = ctx.values.out
      if (typeof out === 'string') {
        writeFileSync(out, [card.classes.join(','), ...rows.map((row) => card.classes.map((k) => row[k]).join(','))].join('\n') + '\n')
        ctx.info(`${out}: ${n} rows`)
      } else ctx.out(rows, (v) => v.map((row) => JSON.stringify(row)).join('\n'))
    } finally {
      await engine.dispose()
    }
  },
}

/** `armada ml fit|eval|predict` (DESIGN.md command table). */
export const mlCommands: readonly Command[] = [fit, evaluate, predict]
