import { isUtf8 } from 'node:buffer'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { workerData } from 'node:worker_threads'
import { allocBarColumns, setBarRow, TIMEFRAME_MS } from '../../../src-shared'
import { scanBinanceKlines } from './binance-csv'
import { CHUNKS_AHEAD, type KlineChunk, type KlineParseInput, type KlineParseMessage } from './kline-parse-stream'
import { gapBetween, RecordChecker } from './validate-records'

/**
 * Worker thread of {@link KlineParseStream}: reads a plain Binance kline file in chunks cut at line ends and parses
 * and validates each with the same parser and per-record rules as a whole-file import, posting its kept bars as
 * columns. Answers `sequential` (and stops) where a whole-file pass is needed: a file that fits in one chunk, one whose
 * first bar is newer than its last (validateRecords reverses those), or bytes that are not UTF-8 (that pass reports them).
 */
const input = workerData as KlineParseInput

function post(m: KlineParseMessage, transfer: ArrayBuffer[] = []): void {
  input.port.postMessage(m, transfer)
  Atomics.add(input.signal, 0, 1)
  Atomics.notify(input.signal, 0)
}

function newlines(bytes: Buffer): number {
  let n = 0
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++
  return n
}

function readAt(fd: number, pos: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n)
  return b.subarray(0, readSync(fd, b, 0, n, pos))
}

/** Time of the file's last parsed bar: the whole lines of its last `chunkBytes` (the first, cut one skipped). */
function lastBarTime(fd: number, size: number, from: number): number | undefined {
  const tail = readAt(fd, Math.max(from, size - input.chunkBytes), Math.min(size - from, input.chunkBytes))
  const nl = tail.indexOf(10)
  if (nl < 0 || !isUtf8(tail)) return undefined
  let last: number | undefined
  // Line numbers are not used here (2: no header rule).
  scanBinanceKlines(
    input.path,
    tail.toString('utf8', nl + 1),
    2,
    (b) => (last = b.time),
    () => undefined,
  )
  return last
}

function run(fd: number): void {
  const { path, timeframe, chunkBytes } = input
  const size = fstatSync(fd).size
  // A byte-order mark is not part of the first line (readImportText drops it).
  const bom = readAt(fd, 0, 3)
  let pos = bom.length === 3 && bom[0] === 0xef && bom[1] === 0xbb && bom[2] === 0xbf ? 3 : 0
  if (size - pos <= chunkBytes) return post({ type: 'sequential' })
  const lastTime = lastBarTime(fd, size, pos)
  const tfMs = TIMEFRAME_MS[timeframe]
  const checker = new RecordChecker(path, 'bars')
  let prevKept = NaN
  let line = 1
  let carry: Buffer = Buffer.alloc(0)
  for (let k = 0; ; k++) {
    // Cut at the last '\n' read: never inside a multi-byte UTF-8 sequence, and no line is split across chunks.
    const block = readAt(fd, pos, chunkBytes)
    pos += block.length
    const buf = carry.length > 0 ? Buffer.concat([carry, block]) : block
    const eof = block.length === 0 || pos >= size
    const cut = eof ? buf.length : buf.lastIndexOf(10) + 1
    if (cut === 0) {
      carry = buf
      continue
    }
    const bytes = buf.subarray(0, cut)
    carry = buf.subarray(cut)
    if (!isUtf8(bytes)) return post({ type: 'sequential' })
    // At most one bar per line: columns sized by the line count, filled with the kept bars.
    const lines = newlines(bytes) + (eof && bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? 1 : 0)
    const cols = allocBarColumns(lines)
    const chunk: KlineChunk = { type: 'chunk', ...cols, length: 0, rejected: [], gaps: [] }
    let m = 0
    let firstTime: number | undefined
    scanBinanceKlines(
      path,
      bytes.toString('utf8'),
      line,
      (b, at) => {
        firstTime ??= b.time
        const problem = checker.check(b, at)
        if (problem) {
          chunk.rejected.push(problem)
          return
        }
        const gap = prevKept === prevKept ? gapBetween(prevKept, b.time, tfMs) : undefined
        if (gap) chunk.gaps.push(gap)
        prevKept = b.time
        setBarRow(cols, m, b)
        m++
      },
      (r) => chunk.rejected.push(r),
    )
    line += lines
    if (k === 0) {
      // The first parsed bar must not be newer than the last (the records' order, before validation).
      if (firstTime === undefined || lastTime === undefined || firstTime > lastTime) return post({ type: 'sequential' })
      post({ type: 'start' })
    }
    chunk.length = m
    chunk.rejected.sort((a, b) => a.line - b.line)
    for (let stored = Atomics.load(input.signal, 1); k - stored >= CHUNKS_AHEAD; stored = Atomics.load(input.signal, 1))
      Atomics.wait(input.signal, 1, stored)
    post(
      chunk,
      Object.values(cols).flatMap((c) => (c instanceof Float64Array ? [c.buffer as ArrayBuffer] : [])),
    )
    if (eof) break
  }
  post({ type: 'end' })
}

let fd: number | undefined
try {
  fd = openSync(input.path, 'r')
  run(fd)
} catch (err) {
  post({ type: 'error', message: (err as Error).stack ?? String(err) })
} finally {
  if (fd !== undefined) closeSync(fd)
  input.port.close()
}
