import * as ort from 'onnxruntime-node'
import { onnx } from 'onnx-proto'
import type { ModelCard } from '../../src-shared'
import { CARD_KEY } from './onnx-writer'
import { createQuietSession, OnnxRunError, ortFailureReason, runSession } from './ort-session'

/** Why a foreign model was refused; `reason` is one line for the UI/CLI. */
export class OnnxImportError extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'OnnxImportError'
  }
}

/** One graph input or output as declared. `shape` entries: number, symbolic name, or null (unknown). */
export interface TensorSignature {
  readonly name: string
  readonly kind: 'tensor' | 'sequence' | 'map' | 'other'
  readonly elemType: string
  readonly shape: readonly (number | string | null)[] | null
}

/** What an ONNX file declares. */
export interface OnnxSignature {
  readonly irVersion: number
  readonly producer: string
  readonly opsets: readonly { readonly domain: string; readonly version: number }[]
  readonly ops: readonly string[]
  readonly inputs: readonly TensorSignature[]
  readonly outputs: readonly TensorSignature[]
  readonly card?: ModelCard
}

const DT = onnx.TensorProto.DataType
const dtypeName = (t: number | null | undefined): string => (t != null && DT[t] ? DT[t] : `type ${String(t)}`)

function decode(bytes: Uint8Array): onnx.ModelProto {
  let m: onnx.ModelProto
  try {
    m = onnx.ModelProto.decode(bytes)
  } catch (e) {
    throw new OnnxImportError(`not an ONNX model: protobuf decoding failed (${(e as Error).message})`)
  }
  if (!m.graph || !m.graph.node?.length)
    throw new OnnxImportError('not an ONNX model: no graph or no nodes in the file')
  if (!m.graph.input?.length) throw new OnnxImportError('not an ONNX model: the graph declares no inputs')
  return m
}

function sig(v: onnx.IValueInfoProto): TensorSignature {
  const t = v.type
  const name = v.name ?? ''
  if (t?.tensorType) {
    const dims = t.tensorType.shape?.dim
    return {
      name,
      kind: 'tensor',
      elemType: dtypeName(t.tensorType.elemType),
      shape: dims
        ? dims.map((d) =>
            d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : d.dimParam ? d.dimParam : null,
          )
        : null,
    }
  }
  if (t?.sequenceType) return { name, kind: 'sequence', elemType: 'sequence', shape: null }
  if (t?.mapType) return { name, kind: 'map', elemType: 'map', shape: null }
  return { name, kind: 'other', elemType: 'unknown', shape: null }
}

function graphInputs(m: onnx.ModelProto): onnx.IValueInfoProto[] {
  const init = new Set((m.graph?.initializer ?? []).map((t) => t.name))
  return (m.graph?.input ?? []).filter((i) => !init.has(i.name))
}

/** Inputs (initializers excluded), outputs, operators, opsets and the Armada card if present. Throws `OnnxImportError` on undecodable bytes. */
export function inspectOnnx(bytes: Uint8Array): OnnxSignature {
  const m = decode(bytes)
  const cardProp = m.metadataProps.find((p) => p.key === CARD_KEY)
  let card: ModelCard | undefined
  if (cardProp?.value) {
    try {
      card = JSON.parse(cardProp.value) as ModelCard
    } catch {
      throw new OnnxImportError(`metadata "${CARD_KEY}" is not valid JSON`)
    }
  }
  return {
    irVersion: Number(m.irVersion),
    producer: `${m.producerName ?? ''} ${m.producerVersion ?? ''}`.trim(),
    opsets: m.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) })),
    ops: [...new Set((m.graph?.node ?? []).map((n) => `${n.domain || 'ai.onnx'}:${n.opType}`))],
    inputs: graphInputs(m).map(sig),
    outputs: (m.graph?.output ?? []).map(sig),
    ...(card ? { card } : {}),
  }
}

/**
 * Throws `OnnxImportError` (prefixed with `model` when given) when the graph's declared input disagrees with the card's
 * `inputShape`: another rank, or a fixed non-batch dimension of another size (onnxruntime would refuse every row).
 */
export function checkInputShape(input: TensorSignature, inputShape: readonly (number | null)[], model?: string): void {
  const shape = input.shape
  if (!shape) return
  const show = (dims: readonly (number | string | null)[]): string =>
    `[${dims.map((d, i) => (i === 0 ? 'N' : (d ?? '?'))).join(', ')}]`
  const differs =
    shape.length !== inputShape.length ||
    shape.some((d, i) => i > 0 && typeof d === 'number' && typeof inputShape[i] === 'number' && d !== inputShape[i])
  if (differs)
    throw new OnnxImportError(
      `${model ? `${model}: ` : ''}graph input "${input.name}" has shape ${show(shape)}; its card says ${show(inputShape)}`,
    )
}

function attr(n: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return n.attribute?.find((a) => a.name === name)
}

function classLabels(n: onnx.INodeProto): string[] | undefined {
  const dec = new TextDecoder()
  const s = attr(n, 'classlabels_strings')
  if (s?.strings?.length) return s.strings.map((b) => dec.decode(b))
  const i = attr(n, 'classlabels_int64s') ?? attr(n, 'classlabels_ints')
  if (i?.ints?.length) return i.ints.map((v) => String(v))
  return undefined
}

function renameTensor(g: onnx.IGraphProto, from: string, to: string): void {
  for (const n of g.node ?? []) {
    n.input = (n.input ?? []).map((x) => (x === from ? to : x))
    n.output = (n.output ?? []).map((x) => (x === from ? to : x))
  }
  for (const o of g.output ?? []) if (o.name === from) o.name = to
}

/** A foreign model made ready for Armada: tensor-only outputs with `probabilities`, card embedded. */
export interface PreparedModel {
  readonly onnx: Uint8Array
  readonly card: ModelCard
  /** One line per graph change made (ZipMap removed, output renamed, card embedded). */
  readonly changes: readonly string[]
}

/** Card fields an importer may pass; name, task, classes, features and inputShape are filled from the model when absent. */
export type ImportCard = Partial<ModelCard>

/**
 * Prepares foreign ONNX bytes (skl2onnx, onnxmltools for LightGBM/XGBoost, torch.onnx.export):
 * one float32 input `[N, F]` or `[N, T, F]`; a ZipMap output is dropped and its input tensor exposed as
 * `probabilities` (onnxruntime-node cannot return non-tensor outputs); a float `[N, C]` output is renamed to
 * `probabilities`; the card is built/validated and stored in metadata. Throws `OnnxImportError` naming the problem.
 */
export function prepareForeignModel(bytes: Uint8Array, given: ImportCard = {}): PreparedModel {
  const m = decode(bytes)
  const g = m.graph as onnx.IGraphProto
  const changes: string[] = []
  const ins = graphInputs(m)
  if (ins.length !== 1)
    throw new OnnxImportError(
      `model has ${ins.length} graph inputs (${ins.map((i) => i.name).join(', ')}); Armada feeds exactly one float32 tensor`,
    )
  const inSig = sig(ins[0])
  if (inSig.kind !== 'tensor') throw new OnnxImportError(`input "${inSig.name}" is a ${inSig.kind}, not a tensor`)
  if (inSig.elemType !== 'FLOAT')
    throw new OnnxImportError(
      `input "${inSig.name}" has dtype ${inSig.elemType}; Armada feeds float32 (re-export with a float32 input)`,
    )
  if (!inSig.shape || (inSig.shape.length !== 2 && inSig.shape.length !== 3))
    throw new OnnxImportError(
      `input "${inSig.name}" has shape ${JSON.stringify(inSig.shape)}; expected [N, F] (tabular) or [N, T, F] (sequence)`,
    )
  const modelF = inSig.shape[inSig.shape.length - 1]
  const nF = typeof modelF === 'number' ? modelF : given.features?.length
  if (nF == null)
    throw new OnnxImportError(`input "${inSig.name}" has no fixed feature dimension; pass a card with features`)
  if (given.features && given.features.length !== nF)
    throw new OnnxImportError(`card lists ${given.features.length} features but input "${inSig.name}" has ${nF}`)
  if (given.inputShape && given.inputShape.length !== inSig.shape.length)
    throw new OnnxImportError(
      `card inputShape ${JSON.stringify(given.inputShape)} has rank ${given.inputShape.length}; model input has rank ${inSig.shape.length}`,
    )

  let classes: string[] | undefined
  for (const n of g.node ?? [])
    if (n.opType === 'TreeEnsembleClassifier' || n.opType === 'LinearClassifier' || n.opType === 'SVMClassifier')
      classes ??= classLabels(n)

  // ZipMap → tensor output.
  const zipmaps = (g.node ?? []).filter((n) => n.opType === 'ZipMap')
  for (const z of zipmaps) {
    const zIn = (z.input ?? [])[0]
    const zOut = (z.output ?? [])[0]
    classes ??= classLabels(z)
    g.node = (g.node ?? []).filter((n) => n !== z)
    g.output = (g.output ?? []).filter((o) => o.name !== zOut)
    const c = classes?.length ?? given.classes?.length
    g.output.push({
      name: zIn,
      type: {
        tensorType: {
          elemType: DT.FLOAT,
          shape: { dim: [{ dimParam: 'N' }, c ? { dimValue: c } : { dimParam: 'C' }] },
        },
      },
    })
    changes.push(`removed ZipMap "${z.name ?? ''}" and exposed its input "${zIn}" as a float32 tensor output`)
  }
  const outs = (g.output ?? []).map(sig)
  const nonTensor = outs.filter((o) => o.kind !== 'tensor')
  if (nonTensor.length) {
    g.output = (g.output ?? []).filter((o) => sig(o).kind === 'tensor')
    changes.push(`dropped non-tensor outputs ${nonTensor.map((o) => `"${o.name}" (${o.kind})`).join(', ')}`)
  }
  const floatOuts = (g.output ?? []).filter((o) => {
    const s = sig(o)
    return s.elemType === 'FLOAT' && (s.shape == null || s.shape.length === 2)
  })
  let probName = floatOuts.find((o) => o.name === 'probabilities')?.name
  if (!probName) {
    const byName = floatOuts.find((o) => /prob/i.test(o.name ?? ''))
    const chosen = byName ?? (floatOuts.length === 1 ? floatOuts[0] : undefined)
    if (!chosen) {
      const list = (g.output ?? [])
        .map((o) => `"${o.name}" ${sig(o).elemType} ${JSON.stringify(sig(o).shape)}`)
        .join(', ')
      throw new OnnxImportError(
        `no float32 [N, C] probabilities output among outputs ${list || '(none)'}; not a classifier`,
      )
    }
    const old = chosen.name as string
    const cols = sig(chosen).shape?.[1]
    if (typeof cols === 'number' && cols < 2)
      throw new OnnxImportError(
        `output "${old}" has ${cols} column; a classifier needs a probability per class (regressor?)`,
      )
    if ((g.output ?? []).some((o) => o.name === 'probabilities'))
      throw new OnnxImportError(`output "probabilities" exists but is not float32 [N, C]`)
    renameTensor(g, old, 'probabilities')
    changes.push(`renamed output "${old}" to "probabilities"`)
    probName = 'probabilities'
  }
  const probSig = sig((g.output ?? []).find((o) => o.name === probName) as onnx.IValueInfoProto)
  const declaredC = probSig.shape && typeof probSig.shape[1] === 'number' ? probSig.shape[1] : undefined
  classes = given.classes ? [...given.classes] : classes
  if (!classes && declaredC) classes = Array.from({ length: declaredC }, (_, k) => String(k))
  if (!classes)
    throw new OnnxImportError('class names unknown (the model does not declare them); pass a card with classes')
  if (declaredC && declaredC !== classes.length)
    throw new OnnxImportError(
      `card lists ${classes.length} classes but output "probabilities" has ${declaredC} columns`,
    )

  const inputShape = inSig.shape.map((d, i) => (i === 0 ? (d === 1 ? 1 : null) : typeof d === 'number' ? d : null))
  inputShape[inputShape.length - 1] = nF
  const card: ModelCard = {
    name: given.name ?? (m.graph?.name || 'imported-model'),
    predictor: given.predictor ?? 'custom',
    task: given.task ?? (classes.length === 2 ? 'binary' : 'multiclass'),
    classes,
    ...(given.horizon ? { horizon: given.horizon } : {}),
    features: given.features ? [...given.features] : Array.from({ length: nF }, (_, j) => `f${j}`),
    ...(given.featureSpecHash ? { featureSpecHash: given.featureSpecHash } : {}),
    inputShape: given.inputShape ? [...given.inputShape] : inputShape,
    ...(given.label ? { label: given.label } : {}),
    training: {
      ...(given.training ?? {}),
      imported: {
        producer: `${m.producerName ?? ''} ${m.producerVersion ?? ''}`.trim(),
        input: inSig.name,
        featureNamesGenerated: !given.features,
      },
    },
    ...(given.metrics ? { metrics: given.metrics } : {}),
    ...(given.reference ? { reference: given.reference } : {}),
  }
  if (card.task === 'binary' && classes.length !== 2)
    throw new OnnxImportError(`card task is binary but there are ${classes.length} classes`)
  m.metadataProps = m.metadataProps.filter((p) => p.key !== CARD_KEY)
  m.metadataProps.push(onnx.StringStringEntryProto.create({ key: CARD_KEY, value: JSON.stringify(card) }))
  changes.push('embedded the model card')
  return { onnx: onnx.ModelProto.encode(m).finish(), card, changes }
}

/** Result of running a prepared model on sample rows. */
export interface ParityReport {
  readonly rows: number
  /** Largest |ours − expected| when expected probabilities were given. */
  readonly maxAbsDiff?: number
  readonly maxRowSumError: number
  /** Largest difference between a row scored alone and in the batch (0 for fixed batch-1 models). */
  readonly aloneVsBatch: number
  readonly probabilities: Float32Array
}

/**
 * Runs the prepared model with onnxruntime-node on `x` (`n` rows of the card's input shape) and checks shape
 * `[n, C]`, probabilities in [0, 1] summing to 1, batch = single-row results, and `expected` within `tolerance`.
 * Throws `OnnxImportError` with the first failed check.
 */
export async function parityCheck(
  p: PreparedModel,
  x: Float32Array,
  n: number,
  expected?: ArrayLike<number>,
  tolerance = 1e-5,
): Promise<ParityReport> {
  const sig = inspectOnnx(p.onnx)
  if (sig.inputs.length === 1) checkInputShape(sig.inputs[0], p.card.inputShape)
  let session: ort.InferenceSession
  try {
    session = await createQuietSession(p.onnx)
  } catch (e) {
    throw new OnnxImportError(`onnxruntime cannot load the model: ${ortFailureReason(e)}`)
  }
  try {
    const c = p.card.classes.length
    const dims = p.card.inputShape.slice(1).map((d) => Number(d))
    const per = dims.reduce((a, b) => a * b, 1)
    if (x.length !== n * per) throw new OnnxImportError(`sample has ${x.length} values; expected ${n} × ${per}`)
    const run = async (rows: Float32Array, k: number): Promise<Float32Array> => {
      let out: ort.InferenceSession.ReturnType
      try {
        out = await runSession(session, { [session.inputNames[0]]: new ort.Tensor('float32', rows, [k, ...dims]) }, [
          'probabilities',
        ])
      } catch (e) {
        // A model that loads but cannot score the card's input is refused like one that cannot load.
        throw e instanceof OnnxRunError ? new OnnxImportError(e.reason) : e
      }
      const t = out.probabilities
      if (t.type !== 'float32')
        throw new OnnxImportError(`output "probabilities" has dtype ${t.type}; expected float32`)
      if (t.dims.length !== 2 || t.dims[0] !== k || t.dims[1] !== c)
        throw new OnnxImportError(`output "probabilities" has shape [${t.dims.join(', ')}]; expected [${k}, ${c}]`)
      return t.data as Float32Array
    }
    const fixedOne = p.card.inputShape[0] === 1
    const probs = new Float32Array(n * c)
    let aloneVsBatch = 0
    if (fixedOne) for (let i = 0; i < n; i++) probs.set(await run(x.slice(i * per, (i + 1) * per), 1), i * c)
    else {
      probs.set(await run(x, n))
      for (let i = 0; i < Math.min(n, 8); i++) {
        const one = await run(x.slice(i * per, (i + 1) * per), 1)
        for (let k = 0; k < c; k++) aloneVsBatch = Math.max(aloneVsBatch, Math.abs(one[k] - probs[i * c + k]))
      }
    }
    let sumErr = 0
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let k = 0; k < c; k++) {
        const v = probs[i * c + k]
        if (!(v >= -1e-6 && v <= 1 + 1e-6))
          throw new OnnxImportError(
            `row ${i} class ${p.card.classes[k]}: output ${v} is not a probability (logits? add a Softmax before export)`,
          )
        s += v
      }
      sumErr = Math.max(sumErr, Math.abs(s - 1))
    }
    if (sumErr > 1e-4)
      throw new OnnxImportError(
        `probabilities do not sum to 1 (max error ${sumErr.toExponential(2)}); export softmax/sigmoid probabilities`,
      )
    let maxAbsDiff: number | undefined
    if (expected) {
      if (expected.length !== n * c)
        throw new OnnxImportError(`expected outputs have ${expected.length} values; need ${n} × ${c}`)
      maxAbsDiff = 0
      for (let i = 0; i < n * c; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(probs[i] - expected[i]))
      if (maxAbsDiff > tolerance)
        throw new OnnxImportError(`parity check failed: max |difference| ${maxAbsDiff.toExponential(3)} > ${tolerance}`)
    }
    return {
      rows: n,
      ...(maxAbsDiff !== undefined ? { maxAbsDiff } : {}),
      maxRowSumError: sumErr,
      aloneVsBatch,
      probabilities: probs,
    }
  } finally {
    await session.release()
  }
}

/** Prepare + parity in one step: what `armada models import` runs before a foreign model can be used. */
export async function importForeignModel(
  bytes: Uint8Array,
  card: ImportCard,
  sample: { x: Float32Array; n: number; expected?: ArrayLike<number>; tolerance?: number },
): Promise<PreparedModel & { parity: ParityReport }> {
  const p = prepareForeignModel(bytes, card)
  const parity = await parityCheck(p, sample.x, sample.n, sample.expected, sample.tolerance)
  return { ...p, parity }
}
