import type { ModelCard } from '../../src-shared'
import { looksLikeLightGbm, parseLightGbm } from './lightgbm-model'
import { nativeEnsembleToOnnx, nativeProbabilities, splitProbeRows, type NativeEnsemble } from './native-ensemble'
import { OnnxImportError, type ImportCard, type PreparedModel } from './onnx-import'
import { parseXgboost } from './xgboost-model'

/** A model file in a tree library's own format that Armada converts to ONNX itself. */
export type NativeModelFormat = 'lightgbm-text' | 'xgboost-json'

/**
 * Which native format the bytes are in, or undefined for anything else (ONNX, an exported bundle). Sniffs the
 * content, not the file name: a LightGBM text model starts with the line `tree`, a JSON document with `{`
 * (an ONNX protobuf starts with a field tag such as 0x08, never with text).
 */
export function nativeModelFormat(bytes: Uint8Array): NativeModelFormat | undefined {
  const head = new TextDecoder().decode(bytes.subarray(0, 16))
  if (looksLikeLightGbm(head)) return 'lightgbm-text'
  if (/^\s*\{/.test(head)) return 'xgboost-json'
  return undefined
}

/** A native model converted to ONNX, with the rows and expected probabilities for its parity check. */
export interface ConvertedNativeModel extends PreparedModel {
  readonly ensemble: NativeEnsemble
  /** Rows probing every split threshold and NaN, and the library's own rule applied to them (float64). */
  readonly parity: {
    readonly x: Float32Array
    readonly n: number
    readonly expected: Float64Array
    readonly tolerance: number
  }
}

/** Rows in the parity sample built from the model's split thresholds. */
const PROBE_ROWS = 64
/**
 * ONNX Runtime adds float32 leaf values in float32 and applies softmax in float32, while the libraries sum in float64:
 * with tens to hundreds of trees that is ≲ 1e-6 in probability; 1e-5 leaves room for a thousand trees.
 */
const PARITY_TOLERANCE = 1e-5

/**
 * Converts a LightGBM text model or an XGBoost JSON model into Armada ONNX (one TreeEnsembleClassifier, card
 * embedded) and returns the parity sample to run with `parityCheck`. `source` (the file name) starts every error.
 * The card takes the model's feature names and `given` fields (name, classes, features to rename…).
 * Throws `OnnxImportError` naming the file and what is unsupported or broken.
 */
export function convertNativeModel(bytes: Uint8Array, given: ImportCard = {}, source = 'model'): ConvertedNativeModel {
  const format = nativeModelFormat(bytes)
  const fail = (reason: string): never => {
    throw new OnnxImportError(`${source}: ${reason}`)
  }
  if (!format) return fail('not a LightGBM text model or an XGBoost JSON model')
  let ensemble: NativeEnsemble
  const notes: string[] = []
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return fail(
      format === 'xgboost-json'
        ? 'not UTF-8 text (XGBoost UBJSON/binary models: re-save with save_model("model.json"))'
        : 'not UTF-8 text (corrupt LightGBM model?)',
    )
  }
  try {
    if (format === 'lightgbm-text') ensemble = parseLightGbm(text)
    else {
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (e) {
        throw new Error(`not valid JSON (${(e as Error).message})`)
      }
      const r = parseXgboost(json)
      ensemble = r.ensemble
      notes.push(...r.notes)
    }
    ensemble.trees.forEach(checkTree)
  } catch (e) {
    return fail((e as Error).message)
  }
  const f = ensemble.features.length
  const c = ensemble.nClasses
  if (given.features && given.features.length !== f)
    fail(
      `card lists ${given.features.length} features but the ${ensemble.library} model has ${f} (${ensemble.features.join(', ')})`,
    )
  if (given.classes && given.classes.length !== c)
    fail(`card lists ${given.classes.length} classes but the ${ensemble.library} model has ${c}`)
  if (given.inputShape && (given.inputShape.length !== 2 || given.inputShape[1] !== f))
    fail(`card inputShape ${JSON.stringify(given.inputShape)}; a ${ensemble.library} model takes [N, ${f}]`)
  const classes = given.classes ? [...given.classes] : Array.from({ length: c }, (_, k) => String(k))
  const task = c === 2 ? 'binary' : 'multiclass'
  if (given.task && given.task !== task) fail(`card task is ${given.task} but the ${ensemble.library} model is ${task}`)
  const card: ModelCard = {
    name: given.name ?? (source.replace(/^.*[\\/]/, '').replace(/\.(txt|json|model)$/i, '') || 'imported-model'),
    predictor: given.predictor ?? 'custom',
    task,
    classes,
    ...(given.horizon ? { horizon: given.horizon } : {}),
    features: given.features ? [...given.features] : [...ensemble.features],
    ...(given.featureSpecHash ? { featureSpecHash: given.featureSpecHash } : {}),
    inputShape: [null, f],
    ...(given.label ? { label: given.label } : {}),
    training: {
      ...(given.training ?? {}),
      algorithm: ensemble.library === 'LightGBM' ? 'lightgbm' : 'xgboost',
      imported: {
        library: ensemble.library,
        version: ensemble.libraryVersion,
        format,
        objective: ensemble.objective,
        trees: ensemble.trees.length,
        file: source.replace(/^.*[\\/]/, ''),
        ...(given.features ? { nativeFeatureNames: ensemble.features } : {}),
      },
    },
    ...(given.metrics ? { metrics: given.metrics } : {}),
    ...(given.reference ? { reference: given.reference } : {}),
  }
  let onnx: Uint8Array
  try {
    onnx = nativeEnsembleToOnnx(ensemble, card)
  } catch (e) {
    return fail(`${ensemble.library} ${(e as Error).message}`)
  }
  const x = splitProbeRows(ensemble, PROBE_ROWS)
  const mode = ensemble.split === 'LEQ' ? 'BRANCH_LEQ, thresholds rounded down to float32' : 'BRANCH_LT'
  const changes = [
    `converted ${ensemble.library} ${ensemble.libraryVersion} ${format === 'lightgbm-text' ? 'text' : 'JSON'} model (${ensemble.objective}, ${ensemble.trees.length} trees, ${f} features) to one ONNX TreeEnsembleClassifier (${mode})`,
    ...notes,
    'embedded the model card',
  ]
  return {
    onnx,
    card,
    changes,
    ensemble,
    parity: { x, n: PROBE_ROWS, expected: nativeProbabilities(ensemble, x, PROBE_ROWS), tolerance: PARITY_TOLERANCE },
  }
}

/** No node reached twice from the root (no cycles or shared subtrees). Unreachable nodes are allowed: XGBoost keeps pruned ones. */
function checkTree(t: NativeEnsemble['trees'][number], id: number): void {
  const seen = new Uint8Array(t.feature.length)
  const stack = [0]
  while (stack.length) {
    const i = stack.pop() as number
    if (seen[i]) throw new Error(`tree ${id}: node ${i} is reached twice (corrupt file?)`)
    seen[i] = 1
    if (t.feature[i] >= 0) stack.push(t.left[i], t.right[i])
  }
}
