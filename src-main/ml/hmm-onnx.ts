/**
 * The registry artefact of a Gaussian HMM: one ONNX graph that computes each state's emission log-density of a bar's
 * observation row, with the exact float64 parameters (π, A, μ, Σ) and the state → regime map in its card. The registry
 * keys versions by the sha256 of ONNX bytes, so this keeps ids, aliases, export/import and drift references unchanged;
 * the recursions over time (forward filter, Viterbi) read the card's float64 parameters.
 */
import { onnx } from 'onnx-proto'
import type { ModelCard } from '../../src-shared'
import { CARD_KEY } from './onnx-writer'
import { hmmKernel, HmmError, type GaussianHmm, type HmmRegime } from './hmm'

const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64
const A = onnx.AttributeProto.AttributeType

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
  return { name, type: { tensorType: { elemType, shape: { dim } } } }
}

/** The card's `training.hmm` block: the parameters as nested lists (JSON), exact to float64. */
export interface HmmCardParams {
  readonly startProbabilities: number[]
  readonly transitionMatrix: number[][]
  readonly means: number[][]
  readonly covariances: number[][][]
  /** Regime of each state (DOMAIN.md §5: by mean return). */
  readonly states: HmmRegime[]
  /** Observation column holding the 1-bar return. */
  readonly returnColumn: number
}

/** Nested-list form of the parameters (the CLI's JSON and the card). */
export function hmmToLists(m: GaussianHmm): Omit<HmmCardParams, 'states' | 'returnColumn'> {
  const { states: k, dims: d } = m
  const rows = (a: Float64Array, r: number, c: number) =>
    Array.from({ length: r }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)))
  return {
    startProbabilities: Array.from(m.startProbabilities),
    transitionMatrix: rows(m.transitionMatrix, k, k),
    means: rows(m.means, k, d),
    covariances: Array.from({ length: k }, (_, s) => rows(m.covariances.subarray(s * d * d, (s + 1) * d * d), d, d)),
  }
}

/** Parameters from their nested-list form; throws `HmmError` on a wrong shape or values that are not an HMM. */
export function hmmFromLists(p: Omit<HmmCardParams, 'states' | 'returnColumn'>): GaussianHmm {
  const k = p.startProbabilities?.length ?? 0
  const d = p.means?.[0]?.length ?? 0
  const flat = (xs: unknown, what: string, n: number) => {
    const a = Float64Array.from((xs as number[][] | undefined)?.flat(2) ?? [])
    if (a.length !== n) throw new HmmError(`HMM ${what} has ${a.length} values, expected ${n}`)
    return a
  }
  const m: GaussianHmm = {
    states: k,
    dims: d,
    startProbabilities: flat(p.startProbabilities, 'startProbabilities', k),
    transitionMatrix: flat(p.transitionMatrix, 'transitionMatrix', k * k),
    means: flat(p.means, 'means', k * d),
    covariances: flat(p.covariances, 'covariances', k * d * d),
  }
  hmmKernel(m)
  return m
}

/** Stationary distribution of the transition matrix (power iteration): the prior of the per-row posterior. */
export function stationaryDistribution(m: GaussianHmm): Float64Array {
  const k = m.states
  let p = new Float64Array(k).fill(1 / k)
  for (let it = 0; it < 10_000; it++) {
    const q = new Float64Array(k)
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) q[j] += p[i] * m.transitionMatrix[i * k + j]
    let diff = 0
    for (let j = 0; j < k; j++) diff += Math.abs(q[j] - p[j])
    p = q
    if (diff < 1e-15) break
  }
  return p
}

/**
 * ONNX bytes of the HMM's emission graph: input `input` `[N, d]` float32; outputs `logEmission` `[N, K]`
 * (ln N(x; μ_k, Σ_k)), `probabilities` `[N, K]` (the state posterior of the row alone under the stationary prior) and
 * `label` `[N]` (its argmax). Built as (x·W − b) reshaped to `[N, K, d]`, squared and summed, with W the inverse
 * Cholesky factors; the card (with the parameters) goes in the metadata.
 */
export function hmmToOnnx(m: GaussianHmm, card: ModelCard): Uint8Array {
  const h = hmmKernel(m)
  const { states: k, dims: d } = m
  // W[:, s·d … s·d+d) = (L_s⁻¹)ᵀ so that row·W gives z_s = L_s⁻¹ (x − μ_s) once b_s = μ_sᵀ W_s is subtracted.
  const w = new Float64Array(d * k * d)
  const b = new Float64Array(k * d)
  for (let s = 0; s < k; s++) {
    const l = h.chol.subarray(s * d * d, (s + 1) * d * d)
    const inv = new Float64Array(d * d)
    for (let c = 0; c < d; c++)
      for (let i = 0; i < d; i++) {
        let v = i === c ? 1 : 0
        for (let j = 0; j < i; j++) v -= l[i * d + j] * inv[j * d + c]
        inv[i * d + c] = v / l[i * d + i]
      }
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) w[r * k * d + s * d + c] = inv[c * d + r]
    for (let c = 0; c < d; c++) {
      let v = 0
      for (let r = 0; r < d; r++) v += m.means[s * d + r] * inv[c * d + r]
      b[s * d + c] = v
    }
  }
  const prior = stationaryDistribution(m)
  const f32 = (a: ArrayLike<number>) => Array.from(Float32Array.from(a))
  const initializer: onnx.ITensorProto[] = [
    { name: 'W', dims: [d, k * d], dataType: FLOAT, floatData: f32(w) },
    { name: 'B', dims: [k * d], dataType: FLOAT, floatData: f32(b) },
    { name: 'shape', dims: [3], dataType: INT64, int64Data: [-1, k, d] },
    { name: 'axes', dims: [1], dataType: INT64, int64Data: [2] },
    { name: 'minusHalf', dims: [], dataType: FLOAT, floatData: [-0.5] },
    { name: 'logNorm', dims: [k], dataType: FLOAT, floatData: f32(h.logNorm) },
    { name: 'logPrior', dims: [k], dataType: FLOAT, floatData: f32(Array.from(prior, Math.log)) },
  ]
  const node: onnx.INodeProto[] = [
    { opType: 'MatMul', name: 'project', input: ['input', 'W'], output: ['xw'] },
    { opType: 'Sub', name: 'centre', input: ['xw', 'B'], output: ['z'] },
    { opType: 'Reshape', name: 'per_state', input: ['z', 'shape'], output: ['z3'] },
    { opType: 'Mul', name: 'square', input: ['z3', 'z3'], output: ['z2'] },
    {
      opType: 'ReduceSum',
      name: 'mahalanobis',
      input: ['z2', 'axes'],
      output: ['q'],
      attribute: [{ name: 'keepdims', type: A.INT, i: 0 }],
    },
    { opType: 'Mul', name: 'half', input: ['q', 'minusHalf'], output: ['hq'] },
    { opType: 'Add', name: 'normalise', input: ['hq', 'logNorm'], output: ['logEmission'] },
    { opType: 'Add', name: 'prior', input: ['logEmission', 'logPrior'], output: ['logJoint'] },
    {
      opType: 'Softmax',
      name: 'posterior',
      input: ['logJoint'],
      output: ['probabilities'],
      attribute: [{ name: 'axis', type: A.INT, i: -1 }],
    },
    {
      opType: 'ArgMax',
      name: 'argmax',
      input: ['probabilities'],
      output: ['label'],
      attribute: [
        { name: 'axis', type: A.INT, i: 1 },
        { name: 'keepdims', type: A.INT, i: 0 },
      ],
    },
  ]
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'armada',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: [{ key: CARD_KEY, value: JSON.stringify(card) }],
    graph: {
      name: card.name,
      node,
      initializer,
      input: [tensorInfo('input', FLOAT, ['N', d])],
      output: [
        tensorInfo('label', INT64, ['N']),
        tensorInfo('probabilities', FLOAT, ['N', k]),
        tensorInfo('logEmission', FLOAT, ['N', k]),
      ],
    },
  })
  return onnx.ModelProto.encode(model).finish()
}

/** The HMM a card describes (`training.hmm`), with its state → regime map; throws `HmmError` when it has none. */
export function hmmFromCard(card: ModelCard): { model: GaussianHmm; states: HmmRegime[]; returnColumn: number } {
  const p = (card.training as { hmm?: HmmCardParams } | undefined)?.hmm
  if (!p) throw new HmmError(`model ${card.name} is not a Gaussian HMM (its card has no training.hmm parameters)`)
  const model = hmmFromLists(p)
  if (!Array.isArray(p.states) || p.states.length !== model.states)
    throw new HmmError(
      `model ${card.name}: training.hmm.states must map each of the ${model.states} states to a regime`,
    )
  if (card.features.length !== model.dims)
    throw new HmmError(`model ${card.name} lists ${card.features.length} features for a ${model.dims}-column HMM`)
  return { model, states: p.states, returnColumn: p.returnColumn ?? 0 }
}
