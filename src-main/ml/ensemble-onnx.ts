import { onnx } from 'onnx-proto'
import type { ModelCard } from '../../src-shared'
import { FusedTreeKernel } from './fused-tree-kernel'
import { OnnxImportError } from './onnx-import'
import { CARD_KEY } from './onnx-writer'

/** One member of a merged ensemble: its ONNX bytes (our card inside or given), its card and its weight. */
export interface EnsembleMember {
  readonly id: string
  readonly onnx: Uint8Array
  readonly card: ModelCard
  readonly weight: number
}

/** A merged ensemble graph and its card; `memberIds[k]` owns columns `k*C .. k*C+C` of `member_probabilities`. */
export interface MergedEnsemble {
  readonly onnx: Uint8Array
  readonly card: ModelCard
  readonly memberIds: readonly string[]
  /** Weights as used in the graph (normalised to sum 1). */
  readonly weights: readonly number[]
  /** The fused trees compiled for JS scoring of single rows, when every member is a tree ensemble (see `FusedTreeKernel`). */
  readonly kernel?: FusedTreeKernel
}

const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64

function tensorInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

const ML = 'ai.onnx.ml'
const A = onnx.AttributeProto.AttributeType
const dec = new TextDecoder()

interface TreeNode {
  readonly attrs: Map<string, onnx.IAttributeProto>
  readonly post: 'SOFTMAX' | 'NONE'
}

/** The member's single TreeEnsembleClassifier (SOFTMAX or NONE, no base values, classes 0..C-1), or undefined. */
function treeClassifier(m: onnx.ModelProto, c: number): TreeNode | undefined {
  const nodes = m.graph?.node ?? []
  if (nodes.length !== 1 || nodes[0].opType !== 'TreeEnsembleClassifier' || nodes[0].domain !== ML) return undefined
  const attrs = new Map((nodes[0].attribute ?? []).map((a) => [a.name ?? '', a]))
  const post = attrs.get('post_transform')?.s ? dec.decode(attrs.get('post_transform')?.s as Uint8Array) : 'NONE'
  const labels = (attrs.get('classlabels_int64s')?.ints ?? []).map(Number)
  if (post !== 'SOFTMAX' && post !== 'NONE') return undefined
  if (
    attrs.has('base_values') ||
    attrs.has('base_values_as_tensor') ||
    labels.length !== c ||
    labels.some((v, k) => v !== k)
  )
    return undefined
  if ([...attrs.keys()].some((k) => k.endsWith('_as_tensor'))) return undefined
  return { attrs, post }
}

const nums = (a: onnx.IAttributeProto | undefined): number[] =>
  a?.ints?.length ? a.ints.map(Number) : (a?.floats ?? []).map(Number)

/**
 * All members' trees in ONE TreeEnsembleRegressor (targets k·C + c = member k's class c, features remapped to
 * the union input), then each SOFTMAX member's columns softmaxed in-graph: one kernel call instead of K.
 */
function fusedTrees(
  trees: readonly TreeNode[],
  memberFeatures: readonly (readonly string[])[],
  features: readonly string[],
  weights: readonly number[],
  c: number,
): { nodes: onnx.INodeProto[]; init: onnx.ITensorProto[]; kernel?: FusedTreeKernel } {
  const k = trees.length
  const cat = new Map<string, number[]>()
  const strs: Uint8Array[] = []
  const tIds: number[] = []
  const tNodes: number[] = []
  const tTrees: number[] = []
  const tW: number[] = []
  let treeBase = 0
  trees.forEach((t, m) => {
    const treeIds = nums(t.attrs.get('nodes_treeids'))
    const remap = memberFeatures[m].map((f) => features.indexOf(f))
    for (const [name, a] of t.attrs) {
      if (!name.startsWith('nodes_')) continue
      if (name === 'nodes_modes') {
        strs.push(...(a.strings ?? []))
        continue
      }
      let v = nums(a)
      if (name === 'nodes_treeids') v = v.map((x) => x + treeBase)
      if (name === 'nodes_featureids') v = v.map((x) => remap[x])
      cat.set(name, [...(cat.get(name) ?? []), ...v])
    }
    const ci = nums(t.attrs.get('class_ids'))
    tIds.push(...ci.map((x) => m * c + x))
    tNodes.push(...nums(t.attrs.get('class_nodeids')))
    tTrees.push(...nums(t.attrs.get('class_treeids')).map((x) => x + treeBase))
    tW.push(...nums(t.attrs.get('class_weights')))
    treeBase += treeIds.reduce((a, b) => Math.max(a, b), -1) + 1
  })
  const floatAttrs = new Set(['nodes_values', 'nodes_hitrates'])
  const attribute: onnx.IAttributeProto[] = [...cat.entries()].map(([name, v]) =>
    floatAttrs.has(name) ? { name, type: A.FLOATS, floats: v } : { name, type: A.INTS, ints: v },
  )
  attribute.push(
    { name: 'nodes_modes', type: A.STRINGS, strings: strs },
    { name: 'n_targets', type: A.INT, i: k * c },
    { name: 'target_ids', type: A.INTS, ints: tIds },
    { name: 'target_nodeids', type: A.INTS, ints: tNodes },
    { name: 'target_treeids', type: A.INTS, ints: tTrees },
    { name: 'target_weights', type: A.FLOATS, floats: tW },
    { name: 'aggregate_function', type: A.STRING, s: new TextEncoder().encode('SUM') },
    { name: 'post_transform', type: A.STRING, s: new TextEncoder().encode('NONE') },
  )
  attribute.sort((a, b) => String(a.name).localeCompare(String(b.name)))
  const nodes: onnx.INodeProto[] = [
    { opType: 'TreeEnsembleRegressor', domain: ML, name: 'trees', input: ['input'], output: ['raw'], attribute },
  ]
  const init: onnx.ITensorProto[] = []
  const soft = trees.map((t) => t.post === 'SOFTMAX')
  if (soft.every((v) => !v))
    nodes.push({ opType: 'Identity', name: 'members', input: ['raw'], output: ['member_probabilities'] })
  else {
    init.push(
      { name: 'shape_nkc', dims: [3], dataType: INT64, int64Data: [-1, k, c] },
      { name: 'shape_nk', dims: [2], dataType: INT64, int64Data: [-1, k * c] },
    )
    nodes.push(
      { opType: 'Reshape', name: 'to_nkc', input: ['raw', 'shape_nkc'], output: ['raw_nkc'] },
      {
        opType: 'Softmax',
        name: 'softmax',
        input: ['raw_nkc'],
        output: ['soft_nkc'],
        attribute: [{ name: 'axis', type: A.INT, i: -1 }],
      },
      {
        opType: 'Reshape',
        name: 'to_nk',
        input: ['soft_nkc', 'shape_nk'],
        output: [soft.every((v) => v) ? 'member_probabilities' : 'soft'],
      },
    )
    if (!soft.every((v) => v)) {
      // Mixed members: softmaxed columns for SOFTMAX members, raw (already probabilities) for NONE members.
      const mask = Array.from({ length: k * c }, (_, q) => (soft[Math.floor(q / c)] ? 1 : 0))
      init.push(
        { name: 'mask_soft', dims: [k * c], dataType: FLOAT, floatData: mask },
        { name: 'mask_raw', dims: [k * c], dataType: FLOAT, floatData: mask.map((v) => 1 - v) },
      )
      nodes.push(
        { opType: 'Mul', name: 'pick_soft', input: ['soft', 'mask_soft'], output: ['soft_part'] },
        { opType: 'Mul', name: 'pick_raw', input: ['raw', 'mask_raw'], output: ['raw_part'] },
        { opType: 'Add', name: 'members', input: ['soft_part', 'raw_part'], output: ['member_probabilities'] },
      )
    }
  }
  // probabilities = member_probabilities · W, W[k·C + c, c] = w_k.
  const wm = new Array<number>(k * c * c).fill(0)
  for (let m = 0; m < k; m++) for (let j = 0; j < c; j++) wm[(m * c + j) * c + j] = weights[m]
  init.push({ name: 'member_weights', dims: [k * c, c], dataType: FLOAT, floatData: wm })
  nodes.push({
    opType: 'MatMul',
    name: 'weighted_mean',
    input: ['member_probabilities', 'member_weights'],
    output: ['probabilities'],
  })
  return { nodes, init, kernel: fusedKernel(cat, strs, tIds, tNodes, tTrees, tW, soft, weights, c) }
}

/** The JS kernel for the fused trees; undefined when a node is not a plain branch or a leaf. */
function fusedKernel(
  cat: Map<string, number[]>,
  modes: Uint8Array[],
  targetIds: number[],
  targetNodeIds: number[],
  targetTreeIds: number[],
  targetWeights: number[],
  soft: boolean[],
  weights: readonly number[],
  c: number,
): FusedTreeKernel | undefined {
  if ([...cat.keys()].some((name) => name === 'nodes_hitrates' || name.endsWith('_as_tensor'))) return undefined
  try {
    return new FusedTreeKernel(
      {
        treeIds: cat.get('nodes_treeids') ?? [],
        nodeIds: cat.get('nodes_nodeids') ?? [],
        featureIds: cat.get('nodes_featureids') ?? [],
        values: cat.get('nodes_values') ?? [],
        modes: modes.map((m) => dec.decode(m)),
        trueIds: cat.get('nodes_truenodeids') ?? [],
        falseIds: cat.get('nodes_falsenodeids') ?? [],
        missingTrue: cat.get('nodes_missing_value_tracks_true') ?? [],
        targetIds,
        targetNodeIds,
        targetTreeIds,
        targetWeights,
      },
      soft.length,
      c,
      soft,
      weights.map((w) => Math.fround(w)),
    )
  } catch {
    return undefined
  }
}

/**
 * Merges member classifiers (`input [N, F_k]` → `probabilities [N, C]`, same classes) into ONE ONNX graph, so
 * a live bar costs one `session.run`: input `input [N, F]` over the union of the members' features (first-seen
 * order; a member whose features differ reads its columns through a Gather), outputs `probabilities [N, C]`
 * (Σ w_k·p_k in-graph, weights normalised) and `member_probabilities [N, K·C]` (member k at columns k·C…).
 * Throws `OnnxImportError` for members it cannot merge (several inputs, no tensor `probabilities`, subgraphs).
 */
export function mergeEnsembleOnnx(
  members: readonly EnsembleMember[],
  name = 'ensemble',
  opts: { readonly fuseTrees?: boolean } = {},
): MergedEnsemble {
  if (!members.length) throw new OnnxImportError('an ensemble needs at least one member')
  const first = members[0].card
  const features: string[] = []
  for (const m of members) {
    if (m.card.classes.join('\u0000') !== first.classes.join('\u0000'))
      throw new OnnxImportError(
        `ensemble member ${m.id} has classes [${m.card.classes.join(', ')}], expected [${first.classes.join(', ')}]`,
      )
    if (m.card.inputShape.length !== 2)
      throw new OnnxImportError(
        `ensemble member ${m.id} has input shape ${JSON.stringify(m.card.inputShape)}; only [N, F] members can be merged`,
      )
    if (!(m.weight > 0)) throw new OnnxImportError(`ensemble member ${m.id} has weight ${m.weight}; expected > 0`)
    for (const f of m.card.features) if (!features.includes(f)) features.push(f)
  }
  const total = members.reduce((a, m) => a + m.weight, 0)
  const weights = members.map((m) => m.weight / total)
  const c = first.classes.length
  const nodes: onnx.INodeProto[] = []
  const init: onnx.ITensorProto[] = []
  const valueInfo: onnx.IValueInfoProto[] = []
  const opsets = new Map<string, number>()
  let irVersion = 8
  const probs: string[] = []
  const decoded = members.map((m) => onnx.ModelProto.decode(m.onnx))
  const trees = opts.fuseTrees === false ? [] : decoded.map((m) => treeClassifier(m, c))
  let kernel: FusedTreeKernel | undefined
  if (trees.length && trees.every((t) => t !== undefined)) {
    // Every member is one tree ensemble classifier: fuse them into one kernel.
    const fused = fusedTrees(
      trees as TreeNode[],
      members.map((m) => m.card.features),
      features,
      weights,
      c,
    )
    nodes.push(...fused.nodes)
    init.push(...fused.init)
    kernel = fused.kernel
    for (const m of decoded) irVersion = Math.max(irVersion, Number(m.irVersion ?? 0))
    opsets.set('', 17)
    opsets.set(ML, 3)
  } else
    members.forEach((mem, k) => {
      const g = copyMemberGraph({ nodes, init, valueInfo, opsets }, mem, `m${k}/`, features, decoded[k])
      irVersion = Math.max(irVersion, g.irVersion)
      probs.push(g.probabilities)
      init.push({ name: `m${k}/weight`, dims: [], dataType: FLOAT, floatData: [weights[k]] })
      nodes.push({
        opType: 'Mul',
        name: `m${k}/weighted`,
        input: [g.probabilities, `m${k}/weight`],
        output: [`m${k}/weighted`],
      })
    })
  if (!opsets.has('')) opsets.set('', 17)
  if (probs.length) {
    nodes.push({
      opType: 'Sum',
      name: 'weighted_sum',
      input: members.map((_, k) => `m${k}/weighted`),
      output: ['probabilities'],
    })
    nodes.push({
      opType: 'Concat',
      name: 'member_concat',
      input: probs,
      output: ['member_probabilities'],
      attribute: [{ name: 'axis', type: A.INT, i: 1 }],
    })
  }
  const { bytes, card } = writeCombined(
    name,
    first,
    features,
    { ensemble: members.map((m, k) => ({ id: m.id, weight: weights[k], name: m.card.name })) },
    irVersion,
    { nodes, init, valueInfo, opsets },
    [tensorInfo('probabilities', ['N', c]), tensorInfo('member_probabilities', ['N', members.length * c])],
  )
  return { onnx: bytes, card, memberIds: members.map((m) => m.id), weights, ...(kernel ? { kernel } : {}) }
}

/** Where copied member graphs go: nodes, initializers, value infos and the opsets they need. */
interface GraphParts {
  readonly nodes: onnx.INodeProto[]
  readonly init: onnx.ITensorProto[]
  readonly valueInfo: onnx.IValueInfoProto[]
  readonly opsets: Map<string, number>
}

/**
 * Copies one classifier's graph into `parts` with every name prefixed, reading the shared `input` (through a Gather
 * of its columns when its features differ from `features`). Returns the prefixed names of its outputs.
 */
function copyMemberGraph(
  parts: GraphParts,
  mem: { readonly id: string; readonly card: ModelCard },
  prefix: string,
  features: readonly string[],
  m: onnx.ModelProto,
): { probabilities: string; memberProbabilities?: string; irVersion: number } {
  const g = m.graph
  if (!g) throw new OnnxImportError(`ensemble member ${mem.id} has no graph`)
  for (const o of m.opsetImport ?? []) {
    const d = o.domain === 'ai.onnx' ? '' : (o.domain ?? '')
    parts.opsets.set(d, Math.max(parts.opsets.get(d) ?? 0, Number(o.version ?? 0)))
  }
  const inits = new Set((g.initializer ?? []).map((t) => t.name ?? ''))
  const inputs = (g.input ?? []).filter((v) => !inits.has(v.name ?? ''))
  if (inputs.length !== 1)
    throw new OnnxImportError(`ensemble member ${mem.id} has ${inputs.length} inputs; expected 1`)
  const outputs = new Set((g.output ?? []).map((o) => o.name ?? ''))
  if (!outputs.has('probabilities'))
    throw new OnnxImportError(`ensemble member ${mem.id} has no output "probabilities"`)
  let src = 'input'
  const same = mem.card.features.length === features.length && mem.card.features.every((f, j) => features[j] === f)
  if (!same) {
    src = `${prefix}input`
    parts.init.push({
      name: `${prefix}columns`,
      dims: [mem.card.features.length],
      dataType: INT64,
      int64Data: mem.card.features.map((f) => features.indexOf(f)),
    })
    parts.nodes.push({
      opType: 'Gather',
      name: `${prefix}gather`,
      input: ['input', `${prefix}columns`],
      output: [src],
      attribute: [{ name: 'axis', type: A.INT, i: 1 }],
    })
  }
  const inputName = inputs[0].name ?? ''
  const rename = (v: string) => (v === '' ? '' : v === inputName ? src : prefix + v)
  for (const t of g.initializer ?? []) parts.init.push({ ...t, name: rename(t.name ?? '') })
  for (const v of g.valueInfo ?? []) parts.valueInfo.push({ ...v, name: rename(v.name ?? '') })
  for (const n of g.node ?? []) {
    if ((n.attribute ?? []).some((a) => a.g || a.graphs?.length))
      throw new OnnxImportError(`ensemble member ${mem.id} has a subgraph (${n.opType ?? '?'}); it cannot be merged`)
    parts.nodes.push({
      ...n,
      name: prefix + (n.name || `${n.opType ?? 'node'}`),
      input: (n.input ?? []).map(rename),
      output: (n.output ?? []).map(rename),
    })
  }
  return {
    probabilities: rename('probabilities'),
    ...(outputs.has('member_probabilities') ? { memberProbabilities: rename('member_probabilities') } : {}),
    irVersion: Number(m.irVersion ?? 0),
  }
}

/** Encodes a combined graph over `input [N, F]` (the union `features`) with its card (taken from `first`, `training` given). */
function writeCombined(
  name: string,
  first: ModelCard,
  features: readonly string[],
  training: Record<string, unknown>,
  irVersion: number,
  parts: GraphParts,
  outputs: onnx.IValueInfoProto[],
): { bytes: Uint8Array; card: ModelCard } {
  const card: ModelCard = {
    name,
    predictor: first.predictor,
    task: first.task,
    classes: first.classes,
    features: [...features],
    inputShape: [null, features.length],
    training,
  }
  const model = onnx.ModelProto.create({
    irVersion,
    producerName: 'armada',
    producerVersion: '1',
    opsetImport: [...parts.opsets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([domain, version]) => ({ domain, version })),
    metadataProps: [{ key: CARD_KEY, value: JSON.stringify(card) }],
    graph: {
      name,
      node: parts.nodes,
      initializer: parts.init,
      valueInfo: parts.valueInfo,
      input: [tensorInfo('input', ['N', features.length])],
      output: outputs,
    },
  })
  return { bytes: onnx.ModelProto.encode(model).finish(), card }
}

/** One head of a stacked graph: its model id and how many member columns groups it has in `member_probabilities`. */
export interface StackedHead {
  readonly id: string
  /** Members of this head's own ensemble (1 when the model exposes no `member_probabilities`: its probabilities stand in). */
  readonly members: number
}

/** Several classifiers side by side in ONE graph (see `stackModelsOnnx`). */
export interface StackedModels {
  readonly onnx: Uint8Array
  readonly card: ModelCard
  readonly heads: readonly StackedHead[]
}

/**
 * Puts independent classifiers (same classes; each `input [N, F_k]` → `probabilities [N, C]`, optionally its own
 * `member_probabilities [N, M_k·C]`) side by side in ONE ONNX graph, so scoring all of them on a bar is one
 * `session.run`: input `input [N, F]` over the union of their features, outputs `probabilities [N, K·C]` (model k at
 * columns k·C…) and `member_probabilities [N, ΣM_k·C]` (model k's members after those of models before it; a model
 * without members contributes its probabilities). Nothing is averaged: each model keeps its own output.
 */
export function stackModelsOnnx(
  models: readonly { readonly id: string; readonly onnx: Uint8Array; readonly card: ModelCard }[],
  name = 'stack',
): StackedModels {
  if (!models.length) throw new OnnxImportError('a stack needs at least one model')
  const first = models[0].card
  const features: string[] = []
  for (const m of models) {
    if (m.card.classes.join('\u0000') !== first.classes.join('\u0000'))
      throw new OnnxImportError(
        `stacked model ${m.id} has classes [${m.card.classes.join(', ')}], expected [${first.classes.join(', ')}]`,
      )
    if (m.card.inputShape.length !== 2)
      throw new OnnxImportError(
        `stacked model ${m.id} has input shape ${JSON.stringify(m.card.inputShape)}; only [N, F] models can be stacked`,
      )
    for (const f of m.card.features) if (!features.includes(f)) features.push(f)
  }
  const c = first.classes.length
  const parts: GraphParts = { nodes: [], init: [], valueInfo: [], opsets: new Map() }
  let irVersion = 8
  const probs: string[] = []
  const memberOuts: string[] = []
  const heads: StackedHead[] = []
  models.forEach((mem, k) => {
    const g = copyMemberGraph(parts, mem, `s${k}/`, features, onnx.ModelProto.decode(mem.onnx))
    irVersion = Math.max(irVersion, g.irVersion)
    probs.push(g.probabilities)
    memberOuts.push(g.memberProbabilities ?? g.probabilities)
    const listed = (mem.card.training as { ensemble?: unknown[] } | undefined)?.ensemble
    heads.push({
      id: mem.id,
      members: g.memberProbabilities && Array.isArray(listed) && listed.length ? listed.length : 1,
    })
  })
  if (!parts.opsets.has('')) parts.opsets.set('', 17)
  const total = heads.reduce((a, h) => a + h.members, 0)
  parts.nodes.push(
    {
      opType: 'Concat',
      name: 'stack_probabilities',
      input: probs,
      output: ['probabilities'],
      attribute: [{ name: 'axis', type: A.INT, i: 1 }],
    },
    {
      opType: 'Concat',
      name: 'stack_members',
      input: memberOuts,
      output: ['member_probabilities'],
      attribute: [{ name: 'axis', type: A.INT, i: 1 }],
    },
  )
  const { bytes, card } = writeCombined(
    name,
    first,
    features,
    { stack: heads.map((h) => ({ ...h })) },
    irVersion,
    parts,
    [tensorInfo('probabilities', ['N', models.length * c]), tensorInfo('member_probabilities', ['N', total * c])],
  )
  return { onnx: bytes, card, heads }
}
