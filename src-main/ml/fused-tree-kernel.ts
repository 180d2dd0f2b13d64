/**
 * A merged ensemble of tree members (`mergeEnsembleOnnx`'s fused graph: one TreeEnsembleRegressor over all members'
 * trees, each member's columns softmaxed or not, then the weighted mean) evaluated in JS for a few rows at a time.
 * One row through onnxruntime cost ~250 µs for 16 × 100 trees, mostly its per-node work; these flat arrays walk the
 * same trees with the same float32 comparisons and float32 sums, in the same tree order. Softmax and the weighted
 * mean are computed in float64 and rounded once, so outputs equal onnxruntime's to ~1e-7 (its exp and sgemm differ).
 */

/** Node modes this kernel evaluates (onnxruntime's BRANCH_* and LEAF). */
const MODES: Readonly<Record<string, number>> = { BRANCH_LEQ: 0, BRANCH_LT: 1, BRANCH_GTE: 2, BRANCH_GT: 3, LEAF: 4 }
const LEAF = 4

/** The fused trees' attribute lists as `mergeEnsembleOnnx` writes them (targets k·C + c = member k's class c). */
export interface FusedTreeLists {
  readonly treeIds: readonly number[]
  readonly nodeIds: readonly number[]
  readonly featureIds: readonly number[]
  readonly values: readonly number[]
  readonly modes: readonly string[]
  readonly trueIds: readonly number[]
  readonly falseIds: readonly number[]
  readonly missingTrue: readonly number[]
  readonly targetIds: readonly number[]
  readonly targetNodeIds: readonly number[]
  readonly targetTreeIds: readonly number[]
  readonly targetWeights: readonly number[]
}

/** Int32 slots per node: feature | mode << 24 | nanYes << 28, yes child (leaves: first weight), no child, threshold bits. */
const SLOTS = 4
const NAN_YES = 1 << 28

/** The child of branch node record `o` (an Int32 offset) that row `x0` of `rows` goes to, as an offset. */
function next(nodes: Int32Array, thresholds: Float32Array, rows: Float32Array, x0: number, o: number): number {
  const head = nodes[o]
  const m = (head >> 24) & 15
  const v = rows[x0 + (head & 0xffffff)]
  const th = thresholds[o + 3]
  const left = m === 0 ? v <= th : m === 1 ? v < th : m === 2 ? v >= th : v > th
  // NaN fails every comparison: it takes the yes branch only where missing values track true.
  return (left || (v !== v && (head & NAN_YES) !== 0) ? nodes[o + 1] : nodes[o + 2]) * SLOTS
}

export class FusedTreeKernel {
  /** Nodes in depth-first order, tree after tree, one 16-byte record each (see SLOTS): a walk reads one cache line per level. */
  private readonly nodes: Int32Array
  private readonly thresholds: Float32Array
  /** Leaf node weights: entries leaf .. leafEnd of (target, weight) pairs. */
  private readonly target: Int32Array
  private readonly weight: Float64Array
  private readonly roots: Int32Array
  private readonly raw: Float64Array
  /** Each tree's leaf (node offset) for the row being scored. */
  private readonly leaves: Int32Array

  /**
   * Compiles the lists; `soft[k]` says whether member k's columns are softmaxed (else they are its probabilities
   * already), `weights` are the members' normalised weights as float32 values. Throws when a node mode or reference
   * is one it does not evaluate.
   */
  constructor(
    lists: FusedTreeLists,
    readonly members: number,
    readonly classes: number,
    private readonly soft: readonly boolean[],
    private readonly weights: readonly number[],
  ) {
    const n = lists.nodeIds.length
    const at = new Map<number, number>()
    const key = (tree: number, node: number) => tree * 4_294_967_296 + node
    for (let i = 0; i < n; i++) at.set(key(lists.treeIds[i], lists.nodeIds[i]), i)
    const ref = (tree: number, node: number) => {
      const i = at.get(key(tree, node))
      if (i === undefined) throw new Error(`tree ${tree} refers to missing node ${node}`)
      return i
    }
    const mode = lists.modes.map((m) => {
      const code = MODES[m]
      if (code === undefined) throw new Error(`node mode ${m} is not supported`)
      return code
    })
    const yes = new Int32Array(n)
    const no = new Int32Array(n)
    const child = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      if (mode[i] === LEAF) continue
      yes[i] = ref(lists.treeIds[i], lists.trueIds[i])
      no[i] = ref(lists.treeIds[i], lists.falseIds[i])
      child[yes[i]] = child[no[i]] = 1
    }
    // Roots in tree order (onnxruntime sums the trees in that order).
    const rootList: number[] = []
    for (let i = 0; i < n; i++) if (!child[i]) rootList.push(i)
    rootList.sort((a, b) => lists.treeIds[a] - lists.treeIds[b])
    const per: number[][] = Array.from({ length: n }, () => [])
    lists.targetIds.forEach((_, j) => per[ref(lists.targetTreeIds[j], lists.targetNodeIds[j])].push(j))
    // Depth-first renumbering: the yes child follows its parent, so a walk mostly stays in the lines it has read.
    const order: number[] = []
    const pos = new Int32Array(n).fill(-1)
    for (const r of rootList) {
      const stack = [r]
      while (stack.length) {
        const i = stack.pop() as number
        if (pos[i] >= 0) throw new Error('a tree node is reached twice')
        pos[i] = order.length
        order.push(i)
        if (mode[i] !== LEAF) stack.push(no[i], yes[i])
      }
    }
    if (order.length !== n) throw new Error('a tree node is not reachable from a root')
    this.nodes = new Int32Array(n * SLOTS)
    this.thresholds = new Float32Array(this.nodes.buffer)
    const targets: number[] = []
    const weightList: number[] = []
    for (let q = 0; q < n; q++) {
      const i = order[q]
      const o = q * SLOTS
      const nanYes = lists.missingTrue[i] ? 1 : 0
      this.nodes[o] = (mode[i] === LEAF ? 0 : lists.featureIds[i]) | (mode[i] << 24) | (nanYes << 28)
      if (mode[i] === LEAF) {
        this.nodes[o + 1] = targets.length
        for (const j of per[i]) {
          targets.push(lists.targetIds[j])
          weightList.push(Math.fround(lists.targetWeights[j]))
        }
        this.nodes[o + 2] = targets.length
      } else {
        this.nodes[o + 1] = pos[yes[i]]
        this.nodes[o + 2] = pos[no[i]]
        this.thresholds[o + 3] = lists.values[i]
      }
    }
    this.target = Int32Array.from(targets)
    this.weight = Float64Array.from(weightList)
    this.roots = Int32Array.from(rootList, (r) => pos[r])
    this.raw = new Float64Array(members * classes)
    this.leaves = new Int32Array(this.roots.length)
  }

  /**
   * Scores `n` rows of `f` features: `probabilities [n, C]` (weighted mean) and `memberProbabilities [n, K·C]`,
   * as the fused graph computes them.
   */
  score(rows: Float32Array, n: number, f: number): { probabilities: Float32Array; members: Float32Array } {
    const c = this.classes
    const k = this.members
    const probabilities = new Float32Array(n * c)
    const members = new Float32Array(n * k * c)
    const raw = this.raw
    const { nodes, thresholds, target, weight, roots, leaves } = this
    const nt = roots.length
    for (let r = 0; r < n; r++) {
      const x0 = r * f
      // Four trees walked side by side: each level is a dependent load from memory (the nodes do not fit in L2), and
      // four independent walks let those loads overlap.
      let t = 0
      for (; t + 4 <= nt; t += 4) {
        let o0 = roots[t] * SLOTS
        let o1 = roots[t + 1] * SLOTS
        let o2 = roots[t + 2] * SLOTS
        let o3 = roots[t + 3] * SLOTS
        for (;;) {
          const b0 = ((nodes[o0] >> 24) & 15) !== LEAF
          const b1 = ((nodes[o1] >> 24) & 15) !== LEAF
          const b2 = ((nodes[o2] >> 24) & 15) !== LEAF
          const b3 = ((nodes[o3] >> 24) & 15) !== LEAF
          if (!(b0 || b1 || b2 || b3)) break
          if (b0) o0 = next(nodes, thresholds, rows, x0, o0)
          if (b1) o1 = next(nodes, thresholds, rows, x0, o1)
          if (b2) o2 = next(nodes, thresholds, rows, x0, o2)
          if (b3) o3 = next(nodes, thresholds, rows, x0, o3)
        }
        leaves[t] = o0
        leaves[t + 1] = o1
        leaves[t + 2] = o2
        leaves[t + 3] = o3
      }
      for (; t < nt; t++) {
        let o = roots[t] * SLOTS
        while (((nodes[o] >> 24) & 15) !== LEAF) o = next(nodes, thresholds, rows, x0, o)
        leaves[t] = o
      }
      // onnxruntime sums in float32, tree after tree.
      raw.fill(0)
      for (let q = 0; q < nt; q++) {
        const o = leaves[q]
        for (let j = nodes[o + 1], end = nodes[o + 2]; j < end; j++)
          raw[target[j]] = Math.fround(raw[target[j]] + weight[j])
      }
      const mo = r * k * c
      for (let q = 0; q < k; q++) {
        const b = q * c
        if (this.soft[q]) {
          let max = -Infinity
          for (let j = 0; j < c; j++) if (raw[b + j] > max) max = raw[b + j]
          let sum = 0
          for (let j = 0; j < c; j++) sum += Math.exp(raw[b + j] - max)
          for (let j = 0; j < c; j++) members[mo + b + j] = Math.exp(raw[b + j] - max) / sum
        } else for (let j = 0; j < c; j++) members[mo + b + j] = raw[b + j]
      }
      for (let j = 0; j < c; j++) {
        let p = 0
        for (let q = 0; q < k; q++) p += members[mo + q * c + j] * this.weights[q]
        probabilities[r * c + j] = p
      }
    }
    return { probabilities, members }
  }
}
