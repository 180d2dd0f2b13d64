import * as ort from 'onnxruntime-node'

/** ONNX Runtime refused to run a loaded model (an input it does not accept, a kernel that fails); `reason` is one line. */
export class OnnxRunError extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'OnnxRunError'
  }
}

/**
 * Opens an onnxruntime session with ONNX Runtime's own logger silenced (Armada reports every failure itself, in one
 * line): its environment logger (set before the first session of the process; it prints the provider probes' "Failed
 * to load library …providers_shared.so") and the session's logger (graph warnings, "Exception during initialization").
 * Both print ANSI-coloured lines with `/onnxruntime_src/` paths to stderr. Throws what `InferenceSession.create` throws.
 */
export async function createQuietSession(
  bytes: Uint8Array,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  // onnxruntime-node reads env.logLevel once, when its first session is created; 'fatal' is its highest level.
  ort.env.logLevel = 'fatal'
  return ort.InferenceSession.create(bytes, { ...options, logSeverityLevel: 4 })
}

/** `session.run` with an onnxruntime failure as {@link OnnxRunError} naming `model` (one line, no internal paths). */
export async function runSession(
  session: ort.InferenceSession,
  feeds: ort.InferenceSession.FeedsType,
  fetches: readonly string[],
  model = 'the model',
): Promise<ort.InferenceSession.ReturnType> {
  try {
    return await session.run(feeds, fetches)
  } catch (err) {
    throw new OnnxRunError(`onnxruntime cannot run ${model}: ${ortFailureReason(err)}`)
  }
}

// ANSI colour codes ONNX Runtime's logger wraps its lines in.
const ANSI = /\x1b\[[0-9;]*m/g
// A source location: `/onnxruntime_src/…/model.cc:202 ` or `tensorprotoutils.cc:1540 `.
const LOCATION = /(?:\/onnxruntime_src\/\S+|\b\w+\.(?:cc|cpp|h|hpp)):\d+ /
// `[ONNXRuntimeError] : 1 : FAIL : ` status prefixes.
const STATUS = /\[ONNXRuntimeError\] : \d+ : \w+ : /g

/**
 * ONNX Runtime's error message as one line a user can read: ANSI codes, status codes, source locations and the C++
 * signature that follows a location (`void onnxruntime::…(const std::…&, …) `) are dropped; newlines become spaces.
 */
export function ortFailureReason(err: unknown): string {
  let s = (err instanceof Error ? err.message : String(err)).replace(ANSI, '').replace(STATUS, '')
  for (let m = LOCATION.exec(s); m; m = LOCATION.exec(s))
    s = s.slice(0, m.index) + s.slice(m.index + m[0].length + signatureLength(s.slice(m.index + m[0].length)))
  return s.replace(/\s+/g, ' ').trim() || 'unknown onnxruntime error'
}

/**
 * Length of the C++ function signature at the start of `s` (`[ret ]qualified::name(args…)[::<lambda()>][ const] `),
 * or 0 when `s` does not start with one (a plain message after a location).
 */
function signatureLength(s: string): number {
  const head = /^(?:[\w:<>~*&,]+ )?[\w:~]+::[\w~]+\(/.exec(s)
  if (!head) return 0
  let depth = 0
  let i = head[0].length - 1
  for (; i < s.length; i++) {
    if (s[i] === '(') depth++
    else if (s[i] === ')' && --depth === 0) break
  }
  const tail = /^(?:::<lambda\(\)>|::[\w~]+| const)* ?/.exec(s.slice(i + 1))
  return i + 1 + (tail?.[0].length ?? 0)
}
