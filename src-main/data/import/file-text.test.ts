import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { HINT_WORDS } from '../../../src-shared'
import { deflateOfZeros, gzipOfZeros, REPO_ROOT, testData, zipArchive } from '../../testing'
import { decodeImportBytes } from './file-text'
import { DEFAULT_INFLATE_LIMITS, ImportError } from './import-types'

const MiB = 2 ** 20

function refusal(fn: () => unknown): ImportError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError)
    return e as ImportError
  }
  throw new Error('expected an ImportError')
}

/** Every gzip or zip file under `dir`, by its magic bytes. */
function compressedFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => {
      const b = readFileSync(p).subarray(0, 4)
      return (b[0] === 0x1f && b[1] === 0x8b) || (b.length === 4 && b.readUInt32LE(0) === 0x04034b50)
    })
}

describe('inflate limits on gzip and zip import files', () => {
  it('the defaults let every real compressed file of test-data and the bundled sample through (largest ratio 7.9)', () => {
    const files = [
      ...compressedFiles(join(REPO_ROOT, 'test-data')),
      ...compressedFiles(join(REPO_ROOT, 'resources', 'sample-data')),
    ]
    expect(files.length).toBeGreaterThan(40)
    let highest = 0
    for (const f of files) {
      const bytes = readFileSync(f)
      const { text } = decodeImportBytes(f, bytes)
      highest = Math.max(highest, Buffer.byteLength(text) / bytes.length)
    }
    // The defaults sit far above what real data does: the ratio cap is over 10× the highest real ratio.
    expect(highest).toBeGreaterThan(7)
    expect(highest * 10).toBeLessThan(DEFAULT_INFLATE_LIMITS.maxRatio)
  })

  it('a gzip of zeros is refused by the ratio cap while it inflates (a 64 KiB prefix gives it away)', () => {
    const r = refusal(() => decodeImportBytes('zeros.csv.gz', gzipOfZeros(256 * MiB)))
    expect(r.message).toBe(
      `zeros.csv.gz: inflates to more than 100× its compressed size (${HINT_WORDS.maxInflateRatio}); refusing`,
    )
  })

  it('a file smaller than the first prefix is checked whole against the ratio cap', () => {
    const small = gzipOfZeros(8 * MiB)
    expect(small.length).toBeLessThan(64 << 10)
    expect(refusal(() => decodeImportBytes('small.csv.gz', small)).reason).toMatch(
      /^inflates to more than 100× its compressed size/,
    )
  })

  it('a bomb that hides behind incompressible bytes is stopped at the absolute cap', () => {
    // 2 MiB of random bytes (ratio ~1) before 1 GiB of zeros: every prefix passes the ratio check, the whole file does not
    // fit 16 MiB, and the ratio cap alone would allow 200 MiB.
    const hidden = Buffer.concat([gzipSync(randomBytes(2 * MiB)), gzipOfZeros(1024 * MiB)])
    const r = refusal(() => decodeImportBytes('hidden.json.gz', hidden, { maxInflatedBytes: 16 * MiB }))
    expect(r.message).toBe(`hidden.json.gz: inflates past 16 MiB (${HINT_WORDS.maxInflated}); refusing`)
  })

  it('a zip entry of zeros is refused like a gzip one', () => {
    const z = zipArchive('BTCUSDT-1m-2024-01.csv', deflateOfZeros(512 * MiB), 512 * MiB)
    expect(refusal(() => decodeImportBytes('BTCUSDT-1m-2024-01.zip', z)).reason).toMatch(
      /^inflates to more than 100× its compressed size/,
    )
  })

  it('a real file inflating past a lowered cap is refused, and passes under the default', () => {
    const path = testData('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz')
    const bytes = readFileSync(path)
    expect(refusal(() => decodeImportBytes(path, bytes, { maxInflatedBytes: 2 * MiB })).reason).toBe(
      `inflates past 2 MiB (${HINT_WORDS.maxInflated}); refusing`,
    )
    expect(refusal(() => decodeImportBytes(path, bytes, { maxRatio: 3 })).reason).toMatch(
      /^inflates to more than 3× its compressed size/,
    )
    expect(decodeImportBytes(path, bytes).text.length).toBe(3_220_342)
  })

  it('a truncated gzip is still reported as truncated, not as a bomb', () => {
    const gz = gzipOfZeros(MiB)
    expect(
      refusal(() => decodeImportBytes('cut.csv.gz', Buffer.concat([gzipSync('time,open\n'), gz.subarray(0, 10)])))
        .reason,
    ).toBe('gzip data is truncated or corrupt')
  })
})
