import { isUtf8 } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { gunzipSync, inflateRawSync } from 'node:zlib'
import { ImportError } from './import-types'

/** Decompressed text of an import file plus the name of the entry it came from (the zip entry or the file without `.gz`). */
export interface FileText {
  readonly text: string
  readonly entryName: string
}

/**
 * Reads a file as UTF-8 text, transparently un-gzipping (magic 1f 8b) and extracting single-entry zips.
 * Throws {@link ImportError} for truncated archives, multi-entry zips and bytes that are not UTF-8.
 */
export function readImportText(path: string): FileText {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new ImportError(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  return decodeImportBytes(path, bytes)
}

/** {@link readImportText} for bytes already in memory; `path` names them in errors. */
export function decodeImportBytes(path: string, bytes: Buffer): FileText {
  let entryName = basename(path)
  let raw = bytes
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw)
    } catch {
      throw new ImportError(path, 'gzip data is truncated or corrupt')
    }
    entryName = entryName.replace(/\.gz$/i, '')
  } else if (raw.length >= 4 && raw.readUInt32LE(0) === 0x04034b50) {
    const entry = unzipSingle(path, raw)
    raw = entry.data
    entryName = entry.name
  }
  // isUtf8 is a SIMD check; toString is then a plain decode (much faster than a fatal TextDecoder on big files).
  if (!isUtf8(raw)) throw new ImportError(path, `not UTF-8 text (invalid byte at offset ${firstInvalidUtf8(raw)})`)
  let text = raw.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  return { text, entryName }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0
    if (n === 0 || i + n > b.length) return i
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i
    i += n
  }
  return b.length
}

/** Extracts the only file of a zip archive (stored or deflated), reading sizes from the central directory. */
function unzipSingle(path: string, zip: Buffer): { name: string; data: Buffer } {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0 || eocd + 22 > zip.length) throw new ImportError(path, 'zip archive is truncated (no end of central directory)')
  const entries = zip.readUInt16LE(eocd + 10)
  const cdOffset = zip.readUInt32LE(eocd + 16)
  const files: { name: string; method: number; compressedSize: number; size: number; local: number }[] = []
  let p = cdOffset
  for (let i = 0; i < entries; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw new ImportError(path, 'zip central directory is corrupt')
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
  if (f.local + 30 > zip.length || zip.readUInt32LE(f.local) !== 0x04034b50) throw new ImportError(path, 'zip local header is corrupt')
  const start = f.local + 30 + zip.readUInt16LE(f.local + 26) + zip.readUInt16LE(f.local + 28)
  const compressed = zip.subarray(start, start + f.compressedSize)
  let data: Buffer
  try {
    if (f.method === 0) data = compressed
    else if (f.method === 8) data = inflateRawSync(compressed)
    else throw new ImportError(path, `zip compression method ${f.method} is not supported (only stored or deflate)`)
  } catch (err) {
    if (err instanceof ImportError) throw err
    throw new ImportError(path, 'zip data is truncated or corrupt')
  }
  if (data.length !== f.size) throw new ImportError(path, 'zip data is truncated')
  return { name: basename(f.name), data }
}
