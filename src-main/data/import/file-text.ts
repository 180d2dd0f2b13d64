import { constants as bufferConstants, isUtf8 } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { constants as zlibConstants, gunzipSync, inflateRawSync, type ZlibOptions } from 'node:zlib'
import { HINT_WORDS } from '../../../src-shared'
import { DEFAULT_INFLATE_LIMITS, ImportError, type InflateLimits } from './import-types'

/** Decompressed text of an import file plus the name of the entry it came from (the zip entry or the file without `.gz`). */
export interface FileText {
  readonly text: string
  readonly entryName: string
}

/** First compressed prefix whose inflated size is checked against the ratio cap; each next one is 4× longer. */
const RATIO_PROBE_BYTES = 64 << 10

/**
 * Reads a file as UTF-8 text, transparently un-gzipping (magic 1f 8b) and extracting single-entry zips within `limits`.
 * Throws {@link ImportError} for truncated archives, multi-entry zips, archives that inflate past a limit and bytes
 * that are not UTF-8.
 */
export function readImportText(path: string, limits: Partial<InflateLimits> = {}): FileText {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new ImportError(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  return decodeImportBytes(path, bytes, limits)
}

/** {@link readImportText} for bytes already in memory; `path` names them in errors. */
export function decodeImportBytes(path: string, bytes: Buffer, limits: Partial<InflateLimits> = {}): FileText {
  const caps = { ...DEFAULT_INFLATE_LIMITS, ...limits }
  let entryName = basename(path)
  let raw = bytes
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    raw = inflateWithin(path, 'gzip', raw, gunzipSync, caps)
    entryName = entryName.replace(/\.gz$/i, '')
  } else if (raw.length >= 4 && raw.readUInt32LE(0) === 0x04034b50) {
    const entry = unzipSingle(path, raw, caps)
    raw = entry.data
    entryName = entry.name
  }
  // The whole text is one JS string: past V8's longest string only a plain Binance kline file (streamed) can be imported.
  if (raw.length > bufferConstants.MAX_STRING_LENGTH)
    throw new ImportError(
      path,
      `${mib(raw.length)} of text is more than one import can hold (${mib(bufferConstants.MAX_STRING_LENGTH)}); split the file`,
    )
  // isUtf8 is a SIMD check; toString is then a plain decode (much faster than a fatal TextDecoder on big files).
  if (!isUtf8(raw)) throw new ImportError(path, `not UTF-8 text (invalid byte at offset ${firstInvalidUtf8(raw)})`)
  let text = raw.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  return { text, entryName }
}

/** Bytes as MiB for messages: whole numbers when whole (`256 MiB`), else one decimal. */
function mib(bytes: number): string {
  const m = bytes / 2 ** 20
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MiB`
}

/**
 * Inflates `compressed` with zlib holding at most what the caps allow: growing prefixes (64 KiB, 256 KiB…, while
 * `maxRatio` × prefix ≤ an eighth of `maxInflatedBytes`) are inflated first, each stopped at `maxRatio` × its length, so
 * a bomb is refused after inflating a few MiB (the prefixes cost at most a third more zlib work); the whole input is then
 * inflated with zlib's `maxOutputLength` at the smaller of the two caps. Throws {@link ImportError}.
 */
function inflateWithin(
  path: string,
  what: 'gzip' | 'zip',
  compressed: Buffer,
  inflate: (b: Buffer, o: ZlibOptions) => Buffer,
  caps: InflateLimits,
): Buffer {
  // Inflated bytes, or undefined when zlib finds the data corrupt; past a cap, the refusal naming the binding one.
  const attempt = (input: Buffer, finishFlush?: number): Buffer | undefined => {
    const byRatio = Math.floor(caps.maxRatio * input.length)
    try {
      return inflate(input, {
        maxOutputLength: Math.max(1, Math.floor(Math.min(caps.maxInflatedBytes, byRatio))),
        ...(finishFlush === undefined ? {} : { finishFlush }),
      })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') return undefined
      throw new ImportError(
        path,
        byRatio < caps.maxInflatedBytes
          ? `inflates to more than ${caps.maxRatio}× its compressed size (${HINT_WORDS.maxInflateRatio}); refusing`
          : `inflates past ${mib(caps.maxInflatedBytes)} (${HINT_WORDS.maxInflated}); refusing`,
      )
    }
  }
  // Probes stop at an eighth of the absolute cap: a probe's output is garbage the whole pass may allocate beside, so a
  // bomb the probes miss costs at most 1⅛ × the cap. A prefix that fails to inflate is corrupt data, which the whole
  // pass reports with its own message.
  for (let p = RATIO_PROBE_BYTES; p < compressed.length && caps.maxRatio * p <= caps.maxInflatedBytes / 8; p *= 4)
    if (!attempt(compressed.subarray(0, p), zlibConstants.Z_SYNC_FLUSH)) break
  const out = attempt(compressed)
  if (!out) throw new ImportError(path, `${what} data is truncated or corrupt`)
  return out
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0
    if (n === 0 || i + n > b.length) return i
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i
    i += n
  }
  return b.length
}

/** Extracts the only file of a zip archive (stored or deflated), reading sizes from the central directory. */
function unzipSingle(path: string, zip: Buffer, caps: InflateLimits): { name: string; data: Buffer } {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0 || eocd + 22 > zip.length)
    throw new ImportError(path, 'zip archive is truncated (no end of central directory)')
  const entries = zip.readUInt16LE(eocd + 10)
  const cdOffset = zip.readUInt32LE(eocd + 16)
  const files: { name: string; method: number; compressedSize: number; size: number; local: number }[] = []
  let p = cdOffset
  for (let i = 0; i < entries; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50)
      throw new ImportError(path, 'zip central directory is corrupt')
    const method = zip.readUInt16LE(p + 10)
    const compressedSize = zip.readUInt32LE(p + 20)
    const size = zip.readUInt32LE(p + 24)
    const nameLen = zip.readUInt16LE(p + 28)
    const extraLen = zip.readUInt16LE(p + 30)
    const commentLen = zip.readUInt16LE(p + 32)
    const local = zip.readUInt32LE(p + 42)
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8')
    if (!name.endsWith('/')) files.push({ name, method, compressedSize, size, local })
    p += 46 + nameLen + extraLen + commentLen
  }
  if (files.length !== 1) throw new ImportError(path, `zip archive holds ${files.length} files; expected exactly one`)
  const f = files[0]
  if (f.local + 30 > zip.length || zip.readUInt32LE(f.local) !== 0x04034b50)
    throw new ImportError(path, 'zip local header is corrupt')
  const start = f.local + 30 + zip.readUInt16LE(f.local + 26) + zip.readUInt16LE(f.local + 28)
  const compressed = zip.subarray(start, start + f.compressedSize)
  let data: Buffer
  if (f.method === 0) data = compressed
  else if (f.method === 8) data = inflateWithin(path, 'zip', compressed, inflateRawSync, caps)
  else throw new ImportError(path, `zip compression method ${f.method} is not supported (only stored or deflate)`)
  if (data.length !== f.size) throw new ImportError(path, 'zip data is truncated')
  return { name: basename(f.name), data }
}
