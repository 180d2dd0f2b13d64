import { onnx } from 'onnx-proto'
import type { ModelCard } from '../../src-shared'
import type { TreeEnsemble } from './tree'

/** Metadata key holding the model card JSON (DESIGN.md "Models"). */
export const CARD_KEY = 'armada.card'
const ML = 'ai.onnx.ml'
const A = onnx.AttributeProto.AttributeType
const enc = new TextEncoder()

export function ints(name: string, v: ArrayLike<number>): onnx.IAttributeProto {
  return { name, type: A.INTS, ints: Array.from(v) }
}
export function floats(name: string, v: ArrayLike<number>): onnx.IAttributeProto {
  return { name, type: A.FLOATS, floats: Array.from(v) }
}
export function str(name: string, v: string): onnx.IAttributeProto {
  return { name, type: A.STRING, s: enc.encode(v) }
}
function int(name: string, v: number): onnx.IAttributeProto {
  return { name, type: A.INT, i: v }
}
export function strings(name: string, v: readonly string[]): onnx.IAttributeProto {
  return { name, type: A.STRINGS, strings: v.map((s) => enc.encode(s)) }
}

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  }
}

const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64

/** ONNX bytes of a classifier graph: input `input` [N, features], outputs `label` [N] and `probabilities` [N, classes], the card in metadata. */
export function classifierModel(nodes: onnx.INodeProto[], card: ModelCard, initializer: onnx.ITensorProto[] = [], valueInfo: onnx.IValueInfoProto[] = []): Uint8Array {
  const f = card.features.length
  const c = card.classes.length
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'armada',
    producerVersion: '1',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: ML, version: 3 },
    ],
    metadataProps: [{ key: CARD_KEY, value: JSON.stringify(card) }],
    graph: {
      name: card.name,
      node: nodes,
      initializer,
      valueInfo,
      input: [tensorInfo('input', FLOAT, ['N', f])],
      output: [tensorInfo('label', INT64, ['N']), tensorInfo('probabilities', FLOAT, ['N', c])],
    },
  })
  return onnx.ModelProto.encode(m).finish()
}

/** ONNX bytes for a tree ensemble: one ai.onnx.ml TreeEnsembleClassifier, outputs `label` and `probabilities`. */
export function treeEnsembleToOnnx(e: TreeEnsemble, card: ModelCard): Uint8Array {
  const nT: number[] = []
  const nN: number[] = []
  const nF: number[] = []
  const nV: number[] = []
  const nM: string[] = []
  const nTrue: number[] = []
  const nFalse: number[] = []
  const nMiss: number[] = []
  const cT: number[] = []
  const cN: number[] = []
  const cI: number[] = []
  const cW: number[] = []
  const binaryLogit = e.postTransform === 'LOGISTIC'
  e.trees.forEach((t, ti) => {
    for (let i = 0; i < t.feature.length; i++) {
      nT.push(ti)
      nN.push(i)
      const leaf = t.feature[i] < 0
      nF.push(leaf ? 0 : t.feature[i])
      nV.push(leaf ? 0 : t.threshold[i])
      nM.push(leaf ? 'LEAF' : 'BRANCH_LEQ')
      nTrue.push(leaf ? 0 : t.left[i])
      nFalse.push(leaf ? 0 : t.right[i])
      nMiss.push(leaf ? 0 : t.missingLeft[i])
      if (leaf && binaryLogit) {
        // ORT's binary LOGISTIC case leaves column 0 at 0.5; softmax of (−s/2, s/2) is exactly (1−σ(s), σ(s)).
        const v = t.value[i]
        cT.push(ti, ti)
        cN.push(i, i)
        cI.push(0, 1)
        cW.push(-v / 2, v / 2)
      } else if (leaf) {
        for (let k = 0; k < t.width; k++) {
          cT.push(ti)
          cN.push(i)
          cI.push(t.width === 1 ? t.targetClass : k)
          cW.push(t.value[i * t.width + k])
        }
      }
    }
  })
  const node: onnx.INodeProto = {
    opType: 'TreeEnsembleClassifier',
    domain: ML,
    name: 'trees',
    input: ['input'],
    output: ['label', 'probabilities'],
    attribute: [
      ints('class_ids', cI),
      ints('class_nodeids', cN),
      ints('class_treeids', cT),
      floats('class_weights', cW),
      ints(
        'classlabels_int64s',
        card.classes.map((_, k) => k),
      ),
      ints('nodes_falsenodeids', nFalse),
      ints('nodes_featureids', nF),
      ints('nodes_missing_value_tracks_true', nMiss),
      strings('nodes_modes', nM),
      ints('nodes_nodeids', nN),
      ints('nodes_treeids', nT),
      ints('nodes_truenodeids', nTrue),
      floats('nodes_values', nV),
      str('post_transform', binaryLogit ? 'SOFTMAX' : e.postTransform),
    ],
  }
  return classifierModel([node], card)
}

/** A linear softmax model: NaN imputed with `means`, then logits = x·W + b (W `[F, C]` row-major), softmax. */
export interface LinearModel {
  readonly means: Float32Array
  readonly weights: Float32Array
  readonly bias: Float32Array
}

/** ONNX bytes for a linear model: Imputer → MatMul → Add → Softmax (+ ArgMax label). */
export function linearToOnnx(lm: LinearModel, card: ModelCard): Uint8Array {
  const f = card.features.length
  const c = card.classes.length
  const init: onnx.ITensorProto[] = [
    { name: 'W', dims: [f, c], dataType: FLOAT, floatData: Array.from(lm.weights) },
    { name: 'B', dims: [c], dataType: FLOAT, floatData: Array.from(lm.bias) },
  ]
  const nodes: onnx.INodeProto[] = [
    {
      opType: 'Imputer',
      domain: ML,
      name: 'impute',
      input: ['input'],
      output: ['imputed'],
      attribute: [floats('imputed_value_floats', lm.means), { name: 'replaced_value_float', type: A.FLOAT, f: NaN }],
    },
    { opType: 'MatMul', name: 'matmul', input: ['imputed', 'W'], output: ['xw'] },
    { opType: 'Add', name: 'add', input: ['xw', 'B'], output: ['logits'] },
    { opType: 'Softmax', name: 'softmax', input: ['logits'], output: ['probabilities'], attribute: [int('axis', -1)] },
    { opType: 'ArgMax', name: 'argmax', input: ['probabilities'], output: ['label'], attribute: [int('axis', 1), int('keepdims', 0)] },
  ]
  // onnx's shape inference has no rule for Imputer; declaring its output keeps the checker's strict mode happy.
  return classifierModel(nodes, card, init, [tensorInfo('imputed', FLOAT, ['N', f])])
}

/** Reads the model card from ONNX bytes' metadata, or undefined when there is none. Throws on undecodable bytes. */
export function readCard(bytes: Uint8Array): ModelCard | undefined {
  const m = onnx.ModelProto.decode(bytes)
  const p = m.metadataProps.find((x) => x.key === CARD_KEY)
  return p?.value ? (JSON.parse(p.value) as ModelCard) : undefined
}
