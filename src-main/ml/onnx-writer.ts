import { onnx } from 'onnx-proto'
import type { ModelCard } from '../../src-shared'
import type { TreeEnsemble } from './tree'

/** Metadata key holding the model card JSON (DESIGN.md "Models"). */
export const CARD_KEY = 'armada.card'
const ML = 'ai.onnx.ml'
const A = onnx.AttributeProto.AttributeType
const enc = new TextEncoder()

function ints(name: string, v: ArrayLike<number>): onnx.IAttributeProto {
  return { name, type: A.INTS, ints: Array.from(v) }
}
function floats(name: string, v: ArrayLike<number>): onnx.IAttributeProto {
  return { name, type: A.FLOATS, floats: Array.from(v) }
}
function str(name: string, v: string): onnx.IAttributeProto {
  return { name, type: A.STRING, s: enc.encode(v) }
}
function int(name: string, v: number): onnx.IAttributeProto {
  return { name, type: A.INT, i: v }
}
function strings(name: string, v: readonly string[]): onnx.IAttributeProto {
  return { name, type: A.STRINGS, strings: v.map((s) => enc.encode(s)) }
}

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64

/** ONNX bytes of a classifier graph: input `input` [N, features], outputs `label` [N] and `probabilities` [N, classes], the card in metadata. */
export function classifierModel(
  nodes: onnx.INodeProto[],
  card: ModelCard,
  initializer: onnx.ITensorProto[] = [],
  valueInfo: onnx.IValueInfoProto[] = [],
): Uint8Array {
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

/**
 * The node and class-weight lists of one ai.onnx.ml TreeEnsembleClassifier, filled node by node (`leaf`, `branch`,
 * then the leaf's `weight`s), and the node built from them (`treeClassifier`). Our trees and imported LightGBM /
 * XGBoost ensembles are written through it.
 */
export class TreeClassifierLists {
  private readonly nT: number[] = []
  private readonly nN: number[] = []
  private readonly nF: number[] = []
  private readonly nV: number[] = []
  private readonly nM: string[] = []
  private readonly nTrue: number[] = []
  private readonly nFalse: number[] = []
  private readonly nMiss: number[] = []
  private readonly cT: number[] = []
  private readonly cN: number[] = []
  private readonly cI: number[] = []
  private readonly cW: number[] = []

  /** Node `i` of tree `ti` is a leaf. */
  leaf(ti: number, i: number): void {
    this.node(ti, i, 0, 0, 'LEAF', 0, 0, 0)
  }

  /** Node `i` of tree `ti` splits on `feature` at `value` (`mode` BRANCH_LEQ / BRANCH_LT), missing values to true when `missingTrue`. */
  branch(
    ti: number,
    i: number,
    feature: number,
    value: number,
    mode: string,
    trueNode: number,
    falseNode: number,
    missingTrue: number,
  ): void {
    this.node(ti, i, feature, value, mode, trueNode, falseNode, missingTrue)
  }

  private node(
    ti: number,
    i: number,
    feature: number,
    value: number,
    mode: string,
    trueNode: number,
    falseNode: number,
    missingTrue: number,
  ): void {
    this.nT.push(ti)
    this.nN.push(i)
    this.nF.push(feature)
    this.nV.push(value)
    this.nM.push(mode)
    this.nTrue.push(trueNode)
    this.nFalse.push(falseNode)
    this.nMiss.push(missingTrue)
  }

  /** Leaf `i` of tree `ti` adds `w` to class `cls`. */
  weight(ti: number, i: number, cls: number, w: number): void {
    this.cT.push(ti)
    this.cN.push(i)
    this.cI.push(cls)
    this.cW.push(w)
  }

  /** The TreeEnsembleClassifier node (`input` → `label`, `probabilities`), with `base_values` when given. */
  treeClassifier(card: ModelCard, postTransform: string, baseValues?: readonly number[]): onnx.INodeProto {
    return {
      opType: 'TreeEnsembleClassifier',
      domain: ML,
      name: 'trees',
      input: ['input'],
      output: ['label', 'probabilities'],
      attribute: [
        ...(baseValues ? [floats('base_values', baseValues)] : []),
        ints('class_ids', this.cI),
        ints('class_nodeids', this.cN),
        ints('class_treeids', this.cT),
        floats('class_weights', this.cW),
        ints(
          'classlabels_int64s',
          card.classes.map((_, k) => k),
        ),
        ints('nodes_falsenodeids', this.nFalse),
        ints('nodes_featureids', this.nF),
        ints('nodes_missing_value_tracks_true', this.nMiss),
        strings('nodes_modes', this.nM),
        ints('nodes_nodeids', this.nN),
        ints('nodes_treeids', this.nT),
        ints('nodes_truenodeids', this.nTrue),
        floats('nodes_values', this.nV),
        str('post_transform', postTransform),
      ],
    }
  }
}

/** ONNX bytes for a tree ensemble: one ai.onnx.ml TreeEnsembleClassifier, outputs `label` and `probabilities`. */
export function treeEnsembleToOnnx(e: TreeEnsemble, card: ModelCard): Uint8Array {
  const lists = new TreeClassifierLists()
  const binaryLogit = e.postTransform === 'LOGISTIC'
  e.trees.forEach((t, ti) => {
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i] >= 0) {
        lists.branch(ti, i, t.feature[i], t.threshold[i], 'BRANCH_LEQ', t.left[i], t.right[i], t.missingLeft[i])
        continue
      }
      lists.leaf(ti, i)
      if (binaryLogit) {
        // ORT's binary LOGISTIC case leaves column 0 at 0.5; softmax of (−s/2, s/2) is exactly (1−σ(s), σ(s)).
        const v = t.value[i]
        lists.weight(ti, i, 0, -v / 2)
        lists.weight(ti, i, 1, v / 2)
      } else
        for (let k = 0; k < t.width; k++)
          lists.weight(ti, i, t.width === 1 ? t.targetClass : k, t.value[i * t.width + k])
    }
  })
  return classifierModel([lists.treeClassifier(card, binaryLogit ? 'SOFTMAX' : e.postTransform)], card)
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
    {
      opType: 'ArgMax',
      name: 'argmax',
      input: ['probabilities'],
      output: ['label'],
      attribute: [int('axis', 1), int('keepdims', 0)],
    },
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
