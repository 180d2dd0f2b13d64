import type { NativeEnsemble, NativeTree } from './native-ensemble'

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined

/** The `base_score` of `learner_model_param`: "5E-1" (XGBoost ≤ 3.0) or a bracketed vector "[-4E-2,2E-1,…]" (3.1+). */
function baseScores(raw: unknown): number[] {
  const s = String(raw ?? '0.5').trim()
  const v = (s.startsWith('[') ? s.slice(1, -1).split(',') : [s]).map((x) => Number(x.trim()))
  if (!v.length || v.some((x) => !Number.isFinite(x)))
    throw new Error(`XGBoost base_score "${s}" is not a number or a list of numbers`)
  return v
}

/**
 * Reads an XGBoost JSON model (`save_model('x.json')`, XGBoost 1.0–3.x) into a `NativeEnsemble`. Accepts gbtree
 * boosters with `binary:logistic`, `multi:softprob` or `multi:softmax` and numerical splits. `base_score` is the
 * intercept after the inverse link: binary margins start at logit(base_score); softmax margins start at base_score
 * itself (one value, or one per class in XGBoost 3.1+). Throws an Error with a one-line reason.
 * Returns notes about choices made (e.g. early-stopping rounds ignored) beside the ensemble.
 */
export function parseXgboost(model: unknown): { ensemble: NativeEnsemble; notes: string[] } {
  const learner = obj(obj(model)?.learner)
  if (!learner) throw new Error('JSON without "learner": not an XGBoost model saved with save_model(\'x.json\')')
  const version = Array.isArray(obj(model)?.version) ? (obj(model)?.version as number[]).join('.') : '?'
  const objective = String(obj(learner.objective)?.name ?? '')
  if (objective !== 'binary:logistic' && objective !== 'multi:softprob' && objective !== 'multi:softmax') {
    const kind =
      objective.startsWith('reg:') || objective.startsWith('count:') || objective.startsWith('survival:')
        ? 'a regression objective'
        : objective.startsWith('rank:')
          ? 'a ranking objective'
          : objective === 'binary:logitraw'
            ? 'margin output, not probabilities'
            : 'not supported'
    throw new Error(
      `XGBoost objective "${objective || '(none)'}" is ${kind}; Armada imports binary:logistic, multi:softprob and multi:softmax classifiers`,
    )
  }
  const booster = obj(learner.gradient_booster)
  const boosterName = String(booster?.name ?? '')
  if (boosterName !== 'gbtree')
    throw new Error(
      `XGBoost booster "${boosterName || '(none)'}" is not supported (${boosterName === 'dart' ? 'dart drops and reweights trees' : boosterName === 'gblinear' ? 'a linear booster has no trees' : 'unknown'}); import gbtree models`,
    )
  const param = obj(learner.learner_model_param) ?? {}
  const nFeatures = Number(param.num_feature)
  if (!Number.isInteger(nFeatures) || nFeatures < 1)
    throw new Error(`XGBoost num_feature "${String(param.num_feature)}" is not a positive integer`)
  const names = Array.isArray(learner.feature_names) ? (learner.feature_names as string[]) : []
  const types = Array.isArray(learner.feature_types) ? (learner.feature_types as string[]) : []
  if (types.includes('c'))
    throw new Error(
      `XGBoost categorical features (${names[types.indexOf('c')] ?? `f${types.indexOf('c')}`}) are not supported`,
    )
  const features = names.length ? names : Array.from({ length: nFeatures }, (_, j) => `f${j}`)
  if (features.length !== nFeatures)
    throw new Error(`XGBoost lists ${features.length} feature names but num_feature is ${nFeatures}`)
  const multiclass = objective !== 'binary:logistic'
  const nClass = multiclass ? Number(param.num_class) : 2
  if (multiclass && !(Number.isInteger(nClass) && nClass >= 3))
    throw new Error(
      `XGBoost ${objective} with num_class ${String(param.num_class)}: need 3 or more classes (2 classes: use binary:logistic)`,
    )
  if (Number(param.num_target ?? '1') > 1)
    throw new Error(`XGBoost multi-target models (num_target ${String(param.num_target)}) are not supported`)
  const bs = baseScores(param.base_score)
  let base: number[]
  if (!multiclass) {
    if (bs.length !== 1 || !(bs[0] > 0 && bs[0] < 1))
      throw new Error(
        `XGBoost binary:logistic base_score ${JSON.stringify(param.base_score)} is not one probability in (0, 1)`,
      )
    base = [Math.log(bs[0] / (1 - bs[0]))]
  } else if (bs.length === 1) base = new Array<number>(nClass).fill(bs[0])
  else if (bs.length === nClass) base = bs
  else throw new Error(`XGBoost base_score has ${bs.length} values for ${nClass} classes`)

  const gbm = obj(booster?.model)
  const trees = Array.isArray(gbm?.trees) ? (gbm?.trees as unknown[]) : undefined
  const info = Array.isArray(gbm?.tree_info) ? (gbm?.tree_info as number[]) : undefined
  if (!trees || !info || trees.length !== info.length)
    throw new Error('XGBoost model has no "trees" / "tree_info" of equal length (corrupt file?)')
  if (!trees.length) throw new Error('XGBoost model has no trees')
  if (Number(obj(gbm?.gbtree_model_param)?.size_leaf_vector ?? '0') > 1)
    throw new Error('XGBoost vector-leaf trees (multi_strategy=multi_output_tree) are not supported')
  const ensemble: NativeEnsemble = {
    library: 'XGBoost',
    libraryVersion: version,
    objective,
    split: 'LT',
    nClasses: nClass,
    features,
    base,
    trees: trees.map((t, i) => tree(obj(t), i, multiclass ? info[i] : 0, nClass, nFeatures)),
  }
  const notes: string[] = []
  const best = Number(obj(learner.attributes)?.best_iteration)
  const rounds =
    trees.length / (multiclass ? nClass : 1) / Number(obj(gbm?.gbtree_model_param)?.num_parallel_tree ?? '1')
  if (Number.isInteger(best) && best + 1 < rounds)
    notes.push(
      `kept all ${rounds} boosting rounds (as Booster.predict does); early stopping marked best_iteration ${best}, which XGBClassifier.predict_proba would stop at`,
    )
  return { ensemble, notes }
}

function tree(t: Json | undefined, id: number, targetClass: number, nClass: number, nFeatures: number): NativeTree {
  const where = `tree ${id}`
  if (!t) throw new Error(`XGBoost ${where} is not an object`)
  const arr = (key: string): number[] => {
    const v = t[key]
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
      throw new Error(`XGBoost ${where}: "${key}" is not a list of numbers (corrupt file?)`)
    return v as number[]
  }
  const lc = arr('left_children')
  const n = lc.length
  const rc = arr('right_children')
  const si = arr('split_indices')
  const sc = arr('split_conditions')
  const dl = arr('default_left')
  const st = Array.isArray(t.split_type) ? (t.split_type as number[]) : []
  for (const [k, v] of [
    ['right_children', rc],
    ['split_indices', si],
    ['split_conditions', sc],
    ['default_left', dl],
  ] as const)
    if (v.length !== n) throw new Error(`XGBoost ${where}: "${k}" has ${v.length} entries, left_children ${n}`)
  if (!(targetClass >= 0 && targetClass < (nClass > 2 ? nClass : 1)))
    throw new Error(`XGBoost ${where}: tree_info class ${targetClass} is out of range`)
  const feature = new Int32Array(n).fill(-1)
  const threshold = new Float64Array(n)
  const left = new Int32Array(n)
  const right = new Int32Array(n)
  const missingType = new Uint8Array(n).fill(2)
  const defaultLeft = new Uint8Array(n)
  const value = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (lc[i] === -1) {
      value[i] = Math.fround(sc[i]) // a leaf keeps its value in split_conditions; XGBoost holds float32
      continue
    }
    if (st[i] === 1) throw new Error(`XGBoost ${where}: categorical splits are not supported`)
    if (!(si[i] >= 0 && si[i] < nFeatures))
      throw new Error(`XGBoost ${where}: split feature ${si[i]} is out of range (${nFeatures} features)`)
    if (!(lc[i] >= 0 && lc[i] < n && lc[i] !== i && rc[i] >= 0 && rc[i] < n && rc[i] !== i))
      throw new Error(`XGBoost ${where}: node ${i} has children ${lc[i]}, ${rc[i]} outside the tree`)
    feature[i] = si[i]
    // JSON prints the float32 threshold in shortest form; the parsed double is not the float32 XGBoost compares with.
    threshold[i] = Math.fround(sc[i])
    defaultLeft[i] = dl[i] ? 1 : 0
    left[i] = lc[i]
    right[i] = rc[i]
  }
  return { feature, threshold, left, right, missingType, defaultLeft, value, targetClass }
}
