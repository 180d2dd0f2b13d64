import { createHash } from 'node:crypto'

/**
 * A version moved between workstations is one ONNX file: the original bytes followed by one more
 * `metadata_props` entry (ModelProto field 14) keyed `armada.registry` with the registry record as JSON.
 * Protobuf readers (onnxruntime, onnx) merge repeated fields wherever they appear, so the file still loads;
 * cutting the entry off gives back the exact original bytes, hence the same version id.
 */
export const BUNDLE_KEY = 'armada.registry'

const enc = new TextEncoder()
const MARKER = Uint8Array.from([0x0a, BUNDLE_KEY.length, ...enc.encode(BUNDLE_KEY), 0x12])
// Field 14, wire type 2 (length-delimited).
const FIELD_TAG = (14 << 3) | 2

/** sha256 of the bytes, lowercase hex: the version id. */
export function versionId(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function varint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

function readVarint(b: Uint8Array, at: number): { value: number; length: number } | undefined {
  let value = 0
  let mul = 1
  for (let i = 0; i < 5 && at + i < b.length; i++) {
    value += (b[at + i] & 0x7f) * mul
    if ((b[at + i] & 0x80) === 0) return { value, length: i + 1 }
    mul *= 128
  }
  return undefined
}

/** The ONNX bytes with the registry record appended as a metadata entry. */
export function appendBundle(onnx: Uint8Array, record: unknown): Uint8Array {
  const value = enc.encode(JSON.stringify(record))
  const entry = [...MARKER, ...varint(value.length)]
  const head = Uint8Array.from([FIELD_TAG, ...varint(entry.length + value.length), ...entry])
  const out = new Uint8Array(onnx.length + head.length + value.length)
  out.set(onnx, 0)
  out.set(head, onnx.length)
  out.set(value, onnx.length + head.length)
  return out
}

function lastIndexOf(b: Uint8Array, pattern: Uint8Array): number {
  outer: for (let i = b.length - pattern.length; i >= 0; i--) {
    for (let k = 0; k < pattern.length; k++) if (b[i + k] !== pattern[k]) continue outer
    return i
  }
  return -1
}

/**
 * Splits an exported file into the original ONNX bytes and the registry record. Files without a trailing
 * `armada.registry` entry, or whose record names another id than the remaining bytes hash to, come back whole.
 */
export function splitBundle(bytes: Uint8Array): { onnx: Uint8Array; record?: Record<string, unknown> } {
  const at = lastIndexOf(bytes, MARKER)
  if (at < 2) return { onnx: bytes }
  for (let k = 1; k <= 5; k++) {
    const start = at - k - 1
    if (start < 0 || bytes[start] !== FIELD_TAG) continue
    const len = readVarint(bytes, start + 1)
    if (!len || len.length !== k || len.value !== bytes.length - at) continue
    const valLen = readVarint(bytes, at + MARKER.length)
    if (!valLen || at + MARKER.length + valLen.length + valLen.value !== bytes.length) continue
    const onnx = bytes.subarray(0, start)
    try {
      const record = JSON.parse(new TextDecoder().decode(bytes.subarray(at + MARKER.length + valLen.length))) as Record<
        string,
        unknown
      >
      if (record.id === versionId(onnx)) return { onnx: Uint8Array.from(onnx), record }
    } catch {
      return { onnx: bytes }
    }
  }
  return { onnx: bytes }
}
