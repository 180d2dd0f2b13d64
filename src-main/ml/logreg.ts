import { trainedCard } from './card'
import { linearToOnnx, type LinearModel } from './onnx-writer'
import { resolveParams, type ParamRule } from './params'
import { softmaxInto } from './tree'
import {
  balancedClassWeights,
  throwIfAborted,
  validateDataset,
  yieldToLoop,
  type Dataset,
  type ProgressFn,
  type TrainedModel,
  type Trainer,
} from './types'

/**
 * L2 logistic (binary) / softmax (multiclass) regression, fitted by L-BFGS on standardised features:
 * the same objective as scikit-learn's `Pipeline(StandardScaler, LogisticRegression(C))`:
 * C·Σ wᵢ·lossᵢ + ½‖W‖² (intercepts unpenalised). Standardisation and NaN → mean imputation are folded
 * into the exported coefficients (Imputer → MatMul → Add → Softmax).
 */
export interface LogregParams {
  C: number
  class_weight: 'balanced' | 'none'
  max_iter: number
  /** Stop when the largest |gradient| component is below tol. */
  tol: number
  seed: number
}

export const LOGREG_DEFAULTS: LogregParams = { C: 1, class_weight: 'none', max_iter: 200, tol: 1e-5, seed: 0 }

/** What each logistic-regression parameter accepts (checked once per fit, at the door). */
const LOGREG_PARAM_RULES: { readonly [K in keyof LogregParams]: ParamRule } = {
  C: { kind: 'number', min: 0, minOpen: true },
  class_weight: { kind: 'enum', values: ['balanced', 'none'] },
  max_iter: { kind: 'int', min: 1 },
  tol: { kind: 'number', min: 0 },
  seed: { kind: 'int' },
}

/** Minimises f with L-BFGS (memory 10, backtracking Armijo line search). Returns the argmin. */
async function lbfgs(
  fg: (w: Float64Array, g: Float64Array) => number,
  w0: Float64Array,
  maxIter: number,
  tol: number,
  onIter: (i: number) => void,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const d = w0.length
  const mem = 10
  const S: Float64Array[] = []
  const Y: Float64Array[] = []
  const rho: number[] = []
  let w = Float64Array.from(w0)
  let g = new Float64Array(d)
  let f = fg(w, g)
  const dir = new Float64Array(d)
  const alpha = new Float64Array(mem)
  for (let it = 0; it < maxIter; it++) {
    throwIfAborted(signal)
    let gmax = 0
    for (let i = 0; i < d; i++) gmax = Math.max(gmax, Math.abs(g[i]))
    if (gmax < tol) break
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < d; i++) dir[i] = -g[i]
    for (let k = S.length - 1; k >= 0; k--) {
      let a = 0
      for (let i = 0; i < d; i++) a += S[k][i] * dir[i]
      a *= rho[k]
      alpha[k] = a
      for (let i = 0; i < d; i++) dir[i] -= a * Y[k][i]
    }
    if (S.length) {
      const k = S.length - 1
      let yy = 0
      let sy = 0
      for (let i = 0; i < d; i++) {
        yy += Y[k][i] * Y[k][i]
        sy += S[k][i] * Y[k][i]
      }
      for (let i = 0; i < d; i++) dir[i] *= sy / yy
    }
    for (let k = 0; k < S.length; k++) {
      let b = 0
      for (let i = 0; i < d; i++) b += Y[k][i] * dir[i]
      b *= rho[k]
      for (let i = 0; i < d; i++) dir[i] += S[k][i] * (alpha[k] - b)
    }
    let slope = 0
    for (let i = 0; i < d; i++) slope += g[i] * dir[i]
    if (slope >= 0) {
      for (let i = 0; i < d; i++) dir[i] = -g[i]
      slope = -g.reduce((a, v) => a + v * v, 0)
      S.length = Y.length = rho.length = 0
    }
    let step = it === 0 && S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1
    const wn = new Float64Array(d)
    const gn = new Float64Array(d)
    let fn = Infinity
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < d; i++) wn[i] = w[i] + step * dir[i]
      fn = fg(wn, gn)
      if (fn <= f + 1e-4 * step * slope) break
      step /= 2
    }
    if (!(fn < f)) break
    const s = new Float64Array(d)
    const yv = new Float64Array(d)
    let sy = 0
    for (let i = 0; i < d; i++) {
      s[i] = wn[i] - w[i]
      yv[i] = gn[i] - g[i]
      sy += s[i] * yv[i]
    }
    if (sy > 1e-12) {
      S.push(s)
      Y.push(yv)
      rho.push(1 / sy)
      if (S.length > mem) {
        S.shift()
        Y.shift()
        rho.shift()
      }
    }
    const rel = (f - fn) / Math.max(Math.abs(f), Math.abs(fn), 1)
    w = wn
    g = gn
    f = fn
    onIter(it)
    if (it % 10 === 9) await yieldToLoop()
    if (rel < 1e-12) break
  }
  return w
}

/** Logistic / softmax regression trainer. */
export class LogregTrainer implements Trainer<LogregParams> {
  readonly algo = 'logreg'

  params(given: object): LogregParams {
    return resolveParams(this.algo, LOGREG_DEFAULTS, LOGREG_PARAM_RULES, given)
  }

  async fit(
    data: Dataset,
    params: Partial<LogregParams> = {},
    onProgress?: ProgressFn,
    signal?: AbortSignal,
  ): Promise<TrainedModel> {
    validateDataset(data)
    const p = this.params(params)
    const { n, y } = data
    const f = data.features.length
    const c = data.classes.length
    const mean = new Float64Array(f)
    const sd = new Float64Array(f)
    const cntF = new Float64Array(f)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < f; j++) {
        const v = data.x[i * f + j]
        if (v === v) {
          mean[j] += v
          cntF[j]++
        }
      }
    for (let j = 0; j < f; j++) mean[j] = cntF[j] ? Math.fround(mean[j] / cntF[j]) : 0
    for (let i = 0; i < n; i++)
      for (let j = 0; j < f; j++) {
        const v = data.x[i * f + j]
        if (v === v) sd[j] += (v - mean[j]) ** 2
      }
    for (let j = 0; j < f; j++) sd[j] = cntF[j] > 1 && sd[j] > 0 ? Math.sqrt(sd[j] / cntF[j]) : 1
    const z = new Float64Array(n * f)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < f; j++) {
        const v = data.x[i * f + j]
        z[i * f + j] = v === v ? (v - mean[j]) / sd[j] : 0
      }
    const cw = p.class_weight === 'balanced' ? balancedClassWeights(y, c, data.weights) : new Float64Array(c).fill(1)
    const sw = new Float64Array(n)
    for (let i = 0; i < n; i++) sw[i] = cw[y[i]] * (data.weights ? data.weights[i] : 1)
    // Parameters: K rows of (F weights + 1 intercept); K = 1 for binary (sklearn's binary parametrisation).
    const K = c === 2 ? 1 : c
    const stride = f + 1
    const logits = new Float64Array(K)
    const fg = (w: Float64Array, g: Float64Array): number => {
      g.fill(0)
      let loss = 0
      for (let i = 0; i < n; i++) {
        const o = i * f
        for (let k = 0; k < K; k++) {
          let s = w[k * stride + f]
          for (let j = 0; j < f; j++) s += w[k * stride + j] * z[o + j]
          logits[k] = s
        }
        const si = sw[i] * p.C
        if (K === 1) {
          const s = logits[0]
          const t = y[i] === 1 ? -s : s
          loss += si * (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)))
          const r = si * (1 / (1 + Math.exp(-s)) - y[i])
          for (let j = 0; j < f; j++) g[j] += r * z[o + j]
          g[f] += r
        } else {
          let mx = -Infinity
          for (let k = 0; k < K; k++) mx = Math.max(mx, logits[k])
          let se = 0
          for (let k = 0; k < K; k++) se += Math.exp(logits[k] - mx)
          loss += si * (mx + Math.log(se) - logits[y[i]])
          for (let k = 0; k < K; k++) {
            const r = si * (Math.exp(logits[k] - mx) / se - (y[i] === k ? 1 : 0))
            for (let j = 0; j < f; j++) g[k * stride + j] += r * z[o + j]
            g[k * stride + f] += r
          }
        }
      }
      for (let k = 0; k < K; k++)
        for (let j = 0; j < f; j++) {
          loss += 0.5 * w[k * stride + j] ** 2
          g[k * stride + j] += w[k * stride + j]
        }
      return loss
    }
    const w = await lbfgs(
      fg,
      new Float64Array(K * stride),
      p.max_iter,
      p.tol,
      (it) => onProgress?.(Math.min(0.99, (it + 1) / p.max_iter)),
      signal,
    )
    // Fold standardisation: logit_k = Σ_j (w_kj/σ_j)·x_j + (b_k − Σ_j w_kj·μ_j/σ_j); binary → columns (−s/2, s/2).
    const W = new Float32Array(f * c)
    const B = new Float32Array(c)
    const imp = new Float64Array(f)
    for (let k = 0; k < K; k++) {
      let b = w[k * stride + f]
      for (let j = 0; j < f; j++) {
        const a = w[k * stride + j] / sd[j]
        b -= a * mean[j]
        imp[j] += Math.abs(w[k * stride + j])
        if (K === 1) {
          W[j * c] = -a / 2
          W[j * c + 1] = a / 2
        } else W[j * c + k] = a
      }
      if (K === 1) {
        B[0] = -b / 2
        B[1] = b / 2
      } else B[k] = b
    }
    const s = imp.reduce((a, v) => a + v, 0)
    if (s > 0) for (let j = 0; j < f; j++) imp[j] /= s
    const lm: LinearModel = { means: Float32Array.from(mean), weights: W, bias: B }
    const card = trainedCard(data, this.algo, p, { training: { standardised: true } })
    onProgress?.(1)
    return {
      onnx: linearToOnnx(lm, card),
      card,
      predict: (x, nRows) => predictLinear(lm, x, nRows, f, c),
      importance: { gain: imp },
    }
  }
}

/** Scores a linear model exactly as its ONNX graph does (float32 coefficients, NaN → mean). */
export function predictLinear(lm: LinearModel, x: Float32Array, n: number, f: number, c: number): Float32Array {
  const out = new Float32Array(n * c)
  const lg = new Float64Array(c)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) lg[k] = lm.bias[k]
    for (let j = 0; j < f; j++) {
      let v = x[i * f + j]
      if (v !== v) v = lm.means[j]
      for (let k = 0; k < c; k++) lg[k] += v * lm.weights[j * c + k]
    }
    softmaxInto(lg, 0, c, out.subarray(i * c, i * c + c))
  }
  return out
}
