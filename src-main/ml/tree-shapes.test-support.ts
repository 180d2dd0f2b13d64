import { onnx } from 'onnx-proto'

/** One tree of a written TreeEnsembleClassifier, read back from the ONNX bytes. */
export interface TreeShape {
  readonly leaves: number
  /** Edges from the root to the deepest leaf (a lone leaf: 0). */
  readonly depth: number
  /** Split thresholds by feature index. */
  readonly thresholds: Map<number, number[]>
  /** Node values in node order: a fingerprint of the tree. */
  readonly fingerprint: string
}

/** The trees of the TreeEnsembleClassifier in `bytes` (tests inspect what a parameter did to the model). */
export function treeShapes(bytes: Uint8Array): TreeShape[] {
  const node = onnx.ModelProto.decode(bytes).graph?.node?.find((n) => n.opType === 'TreeEnsembleClassifier')
  if (!node) throw new Error('no TreeEnsembleClassifier in the model')
  const attr = (name: string) => node.attribute?.find((a) => a.name === name)
  const ints = (name: string) => (attr(name)?.ints ?? []).map(Number)
  const treeIds = ints('nodes_treeids')
  const nodeIds = ints('nodes_nodeids')
  const features = ints('nodes_featureids')
  const trueIds = ints('nodes_truenodeids')
  const falseIds = ints('nodes_falsenodeids')
  const values = (attr('nodes_values')?.floats ?? []).map(Number)
  const modes = (attr('nodes_modes')?.strings ?? []).map((s) => new TextDecoder().decode(s))
  const byTree = new Map<number, number[]>()
  treeIds.forEach((t, q) => byTree.set(t, [...(byTree.get(t) ?? []), q]))
  return [...byTree.values()].map((qs) => {
    const at = new Map(qs.map((q) => [nodeIds[q], q]))
    const thresholds = new Map<number, number[]>()
    let leaves = 0
    let depth = 0
    const walk = (id: number, d: number): void => {
      const q = at.get(id) as number
      if (modes[q] === 'LEAF') {
        leaves++
        depth = Math.max(depth, d)
        return
      }
      thresholds.set(features[q], [...(thresholds.get(features[q]) ?? []), values[q]])
      walk(trueIds[q], d + 1)
      walk(falseIds[q], d + 1)
    }
    const children = new Set(qs.filter((q) => modes[q] !== 'LEAF').flatMap((q) => [trueIds[q], falseIds[q]]))
    walk(nodeIds[qs.find((q) => !children.has(nodeIds[q])) as number], 0)
    return {
      leaves,
      depth,
      thresholds,
      fingerprint: qs.map((q) => `${modes[q]}:${features[q]}:${values[q]}`).join('|'),
    }
  })
}
