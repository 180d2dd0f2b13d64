import type { NativeEnsemble, NativeTree } from './native-ensemble'

/** True when the bytes start like a LightGBM text model (`booster.save_model`): a first line `tree`. */
export function looksLikeLightGbm(text: string): boolean {
  return /^tree\r?\n/.test(text)
}

function keyValues(lines: readonly string[]): Map<string, string> {
  const m = new Map<string, string>()
  for (const l of lines) {
    const eq = l.indexOf('=')
    if (eq > 0) m.set(l.slice(0, eq).trim(), l.slice(eq + 1).trim())
  }
  return m
}

/**
 * Reads a LightGBM text model (v3/v4, `save_model('x.txt')`) into a `NativeEnsemble`. Accepts the binary
 * (`objective=binary sigmoid:S`) and multiclass (softmax) objectives with numerical splits; throws an Error whose
 * message is one line naming what is unsupported or broken (the caller adds the file name).
 */
export function parseLightGbm(text: string): NativeEnsemble {
  const lines = text.split(/\r?\n/)
  const firstTree = lines.findIndex((l) => /^Tree=\d+$/.test(l))
  const end = lines.indexOf('end of trees')
  const head = keyValues(lines.slice(0, firstTree < 0 ? lines.length : firstTree))
  const version = head.get('version') ?? '?'
  const objectiveLine = head.get('objective')
  if (!objectiveLine)
    throw new Error('LightGBM model has no objective line (a model saved without training? a truncated file?)')
  const [objective, ...objArgs] = objectiveLine.split(/\s+/)
  const arg = (k: string) => objArgs.find((a) => a.startsWith(`${k}:`))?.slice(k.length + 1)
  if (objective !== 'binary' && objective !== 'multiclass') {
    const kind = /^(regression|regression_l1|huber|fair|poisson|quantile|mape|gamma|tweedie)$/.test(objective)
      ? 'a regression objective'
      : objective.startsWith('lambdarank') || objective.startsWith('rank')
        ? 'a ranking objective'
        : 'not supported'
    throw new Error(
      `LightGBM objective "${objective}" is ${kind}; Armada imports classifiers with objective binary or multiclass`,
    )
  }
  if (lines.some((l) => l === 'average_output'))
    throw new Error('LightGBM random-forest mode (boosting=rf, average_output) is not supported; import gbdt boosters')
  const nClass = Number(head.get('num_class') ?? '1')
  const perIteration = Number(head.get('num_tree_per_iteration') ?? '1')
  const maxFeature = Number(head.get('max_feature_idx'))
  if (!Number.isInteger(maxFeature) || maxFeature < 0)
    throw new Error(`LightGBM header max_feature_idx "${head.get('max_feature_idx') ?? ''}" is not a feature index`)
  const nFeatures = maxFeature + 1
  const features = head.get('feature_names')?.split(/\s+/) ?? Array.from({ length: nFeatures }, (_, j) => `Column_${j}`)
  if (features.length !== nFeatures)
    throw new Error(`LightGBM header lists ${features.length} feature names but max_feature_idx is ${maxFeature}`)
  const multiclass = objective === 'multiclass'
  if (multiclass ? !(nClass >= 3 && perIteration === nClass) : nClass !== 1 || perIteration !== 1)
    throw new Error(
      `LightGBM objective ${objective} with num_class=${nClass} and num_tree_per_iteration=${perIteration} is inconsistent`,
    )
  const sigmoid = multiclass ? 1 : Number(arg('sigmoid') ?? '1')
  if (!(sigmoid > 0))
    throw new Error(`LightGBM binary sigmoid coefficient "${arg('sigmoid') ?? ''}" is not a positive number`)
  if (firstTree < 0) throw new Error('LightGBM model has no trees')
  if (end < 0) throw new Error('LightGBM model has no "end of trees" line (truncated file?)')

  const trees: NativeTree[] = []
  let start = firstTree
  while (start >= 0 && start < end) {
    const next = lines.findIndex((l, i) => i > start && (/^Tree=\d+$/.test(l) || l === 'end of trees'))
    const id = Number(lines[start].slice(5))
    const kv = keyValues(lines.slice(start + 1, next))
    trees.push(tree(kv, id, trees.length % perIteration, sigmoid, nFeatures))
    start = next
  }
  if (trees.length % perIteration !== 0)
    throw new Error(
      `LightGBM model has ${trees.length} trees, not a multiple of num_tree_per_iteration=${perIteration} (truncated file?)`,
    )
  // Boosting from the average is folded into the first trees' leaves, so there is no separate base margin.
  return {
    library: 'LightGBM',
    libraryVersion: version,
    objective: objectiveLine,
    split: 'LEQ',
    nClasses: multiclass ? nClass : 2,
    features,
    base: multiclass ? new Array<number>(nClass).fill(0) : [0],
    trees,
  }
}

function tree(kv: Map<string, string>, id: number, targetClass: number, scale: number, nFeatures: number): NativeTree {
  const where = `tree ${id}`
  const nums = (key: string, n: number): number[] => {
    const raw = kv.get(key)
    if (raw === undefined) throw new Error(`LightGBM ${where}: no "${key}" line (corrupt file?)`)
    const v = raw === '' ? [] : raw.split(/\s+/).map(Number)
    if (v.length !== n || v.some((x) => Number.isNaN(x)))
      throw new Error(`LightGBM ${where}: "${key}" has ${v.length} values (or a non-number); expected ${n}`)
    return v
  }
  const leaves = Number(kv.get('num_leaves'))
  if (!Number.isInteger(leaves) || leaves < 1)
    throw new Error(`LightGBM ${where}: num_leaves "${kv.get('num_leaves') ?? ''}" is not a positive integer`)
  if (kv.get('is_linear') === '1')
    throw new Error(`LightGBM ${where}: linear trees (linear_tree=true) are not supported`)
  if (Number(kv.get('num_cat') ?? '0') > 0)
    throw new Error(`LightGBM ${where}: categorical splits are not supported (train with numerical features)`)
  const leafValue = nums('leaf_value', leaves)
  const splits = leaves - 1
  const feature = new Int32Array(splits + leaves).fill(-1)
  const threshold = new Float64Array(splits + leaves)
  const left = new Int32Array(splits + leaves)
  const right = new Int32Array(splits + leaves)
  const missingType = new Uint8Array(splits + leaves)
  const defaultLeft = new Uint8Array(splits + leaves)
  const value = new Float64Array(splits + leaves)
  // Nodes 0…L−2 are splits; a negative child c is leaf ~c, stored here as node (L − 1) + ~c.
  for (let j = 0; j < leaves; j++) value[splits + j] = leafValue[j] * scale
  if (splits > 0) {
    const sf = nums('split_feature', splits)
    const th = nums('threshold', splits)
    const dt = nums('decision_type', splits)
    const lc = nums('left_child', splits)
    const rc = nums('right_child', splits)
    const node = (c: number) => {
      const k = c >= 0 ? c : splits + ~c
      if (!(k >= 0 && k < splits + leaves) || (c >= 0 && c >= splits))
        throw new Error(`LightGBM ${where}: child index ${c} is out of range`)
      return k
    }
    for (let i = 0; i < splits; i++) {
      if (dt[i] & 1)
        throw new Error(`LightGBM ${where}: categorical splits are not supported (train with numerical features)`)
      if (!(sf[i] >= 0 && sf[i] < nFeatures))
        throw new Error(`LightGBM ${where}: split feature ${sf[i]} is out of range (${nFeatures} features)`)
      feature[i] = sf[i]
      threshold[i] = th[i]
      defaultLeft[i] = (dt[i] >> 1) & 1
      missingType[i] = (dt[i] >> 2) & 3
      if (missingType[i] === 3)
        throw new Error(`LightGBM ${where}: unknown missing-value type in decision_type ${dt[i]}`)
      left[i] = node(lc[i])
      right[i] = node(rc[i])
    }
  }
  return { feature, threshold, left, right, missingType, defaultLeft, value, targetClass }
}
