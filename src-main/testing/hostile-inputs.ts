import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { constants, deflateRawSync, gzipSync } from 'node:zlib'
import { onnx } from 'onnx-proto'
import { ARMADA_CLI_ARGS, REPO_ROOT, type CliRun } from './repository'

/**
 * Hostile inputs for tests and bench/robustness.ts: decompression bombs, a zip container, broken ONNX models made from
 * a real one, and a CLI run that reports its peak memory.
 */

const MiB = 2 ** 20

/** One gzip member of `bytes` zero bytes: deflate's best case, ~1030:1. */
function zeroMember(bytes: number): Buffer {
  return gzipSync(Buffer.alloc(bytes), { level: 9 })
}

/**
 * A gzip file that inflates to `inflatedBytes` zero bytes (~1030:1): copies of one member of up to 64 MiB, concatenated
 * (a multi-member gzip, which gunzip reads as one stream), so it is made without holding the inflated bytes.
 */
export function gzipOfZeros(inflatedBytes: number): Buffer {
  const piece = Math.min(inflatedBytes, 64 * MiB)
  const member = zeroMember(piece)
  const parts: Buffer[] = []
  for (let left = inflatedBytes; left > 0; left -= piece) parts.push(left >= piece ? member : zeroMember(left))
  return Buffer.concat(parts)
}

/**
 * Raw deflate data of `inflatedBytes` zeros, made the same way: full-flushed copies of one block run (each ends
 * byte-aligned with an empty dictionary, so copies chain), closed by an empty final block.
 */
export function deflateOfZeros(inflatedBytes: number): Buffer {
  const piece = Math.min(inflatedBytes, 64 * MiB)
  const run = (n: number): Buffer => deflateRawSync(Buffer.alloc(n), { level: 9, finishFlush: constants.Z_FULL_FLUSH })
  const block = run(piece)
  const parts: Buffer[] = []
  for (let left = inflatedBytes; left > 0; left -= piece) parts.push(left >= piece ? block : run(left))
  parts.push(deflateRawSync(Buffer.alloc(0)))
  return Buffer.concat(parts)
}

/**
 * A single-entry zip (the layout of LEAN's and Binance's archives) holding `deflated` (raw deflate data) as `name`,
 * declaring `size` inflated bytes. The CRC is left 0: Armada's reader does not check it.
 */
export function zipArchive(name: string, deflated: Buffer, size: number): Buffer {
  const n = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(8, 8)
  local.writeUInt32LE(deflated.length, 18)
  local.writeUInt32LE(size, 22)
  local.writeUInt16LE(n.length, 26)
  const cd = Buffer.alloc(46)
  cd.writeUInt32LE(0x02014b50, 0)
  cd.writeUInt16LE(20, 4)
  cd.writeUInt16LE(20, 6)
  cd.writeUInt16LE(8, 10)
  cd.writeUInt32LE(deflated.length, 20)
  cd.writeUInt32LE(size, 24)
  cd.writeUInt16LE(n.length, 28)
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(1, 8)
  eocd.writeUInt16LE(1, 10)
  eocd.writeUInt32LE(cd.length + n.length, 12)
  eocd.writeUInt32LE(local.length + n.length + deflated.length, 16)
  return Buffer.concat([local, n, deflated, cd, n, eocd])
}

/** A broken model: its bytes and what is wrong with it. */
export interface BrokenModel {
  readonly name: string
  readonly what: string
  readonly bytes: Uint8Array
}

/** The real model the broken ones are made from (19 features, two classes; models/README.md). */
export const BROKEN_MODEL_SOURCE = resolve(REPO_ROOT, 'models', 'alerts-spike-likely-h4h.onnx')

/**
 * Broken models made from a real shipped one: cut short, random bytes, a graph input of another shape than its card,
 * an initializer whose data is cut short, and stamped with an opset and an IR version onnxruntime does not know.
 * Seeded: the same bytes every time.
 */
export function brokenModels(source = BROKEN_MODEL_SOURCE): BrokenModel[] {
  const bytes = readFileSync(source)
  const edit = (change: (m: onnx.ModelProto) => void): Uint8Array => {
    const m = onnx.ModelProto.decode(bytes)
    change(m)
    return onnx.ModelProto.encode(m).finish()
  }
  let seed = 12345
  const random = Uint8Array.from(
    { length: 4096 },
    () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed >> 16) & 0xff,
  )
  return [
    { name: 'truncated.onnx', what: 'the first half of the file', bytes: bytes.subarray(0, bytes.length >> 1) },
    { name: 'random.onnx', what: '4 KiB of random bytes', bytes: random },
    {
      name: 'wrong-input-shape.onnx',
      what: 'graph input [N, 5], card [N, 19]',
      bytes: edit(
        (m) =>
          (m.graph!.input![0].type!.tensorType!.shape!.dim![1] = onnx.TensorShapeProto.Dimension.create({
            dimValue: 5,
          })),
      ),
    },
    {
      name: 'cut-initializer.onnx',
      what: 'an initializer holding 1 of its 4 values',
      bytes: edit((m) => {
        const t = m.graph!.initializer!.find((x) => (x.floatData?.length ?? 0) > 1)!
        t.floatData = t.floatData!.slice(0, 1)
      }),
    },
    {
      name: 'future-opset.onnx',
      what: 'stamped with opset 999',
      bytes: edit((m) => (m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: 999 })])),
    },
    { name: 'future-ir.onnx', what: 'IR version 99', bytes: edit((m) => (m.irVersion = 99)) },
  ]
}

/** A {@link CliRun} with the child's peak resident set size. */
export interface MeasuredCliRun extends CliRun {
  /** Peak RSS of the CLI process (all its threads), bytes; undefined when it died before reporting it. */
  readonly peakRssBytes: number | undefined
  /** The signal that ended the process, if one did. */
  readonly signal: NodeJS.Signals | null
}

/**
 * Runs the real CLI from source in a child process, like `runArmada`, with a preloaded reporter that writes the
 * process's peak RSS (`process.resourceUsage().maxRSS`) to a file when it exits.
 */
export function runArmadaMeasured(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): MeasuredCliRun {
  const dir = mkdtempSync(join(tmpdir(), 'armada-rss-'))
  const file = join(dir, 'peak-rss')
  try {
    const r = spawnSync(
      process.execPath,
      ['--require', resolve(__dirname, 'peak-rss.cjs'), ...ARMADA_CLI_ARGS, ...args],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...env, ARMADA_PEAK_RSS_FILE: file },
        timeout: timeoutMs,
        maxBuffer: 64 * MiB,
      },
    )
    let peakRssBytes: number | undefined
    try {
      peakRssBytes = Number(readFileSync(file, 'utf8')) * 1024
    } catch {
      peakRssBytes = undefined
    }
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, peakRssBytes, signal: r.signal }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Writes `bytes` to `dir/name` and returns the path. */
export function writeInput(dir: string, name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}
