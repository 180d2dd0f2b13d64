import { randomUUID } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CallRefused, type UploadedFile } from '../../src-shared'

/** Largest upload the headless shell takes by default (bytes): 1 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1 << 30

/** An upload the inbox refused: over the size limit, or a body that broke off. One line for the user. */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message)
    this.name = 'UploadError'
  }
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** True when `id` has the shape of an upload id (a UUID). */
export function isUploadId(id: unknown): id is string {
  return typeof id === 'string' && UPLOAD_ID.test(id)
}

/**
 * A file name safe to store: the last path segment, only letters, digits, `.`, `_`, `-` (others become `_`), no
 * leading dot, at most 128 characters keeping the extension (the importer reads symbol, timeframe and format from it).
 */
export function sanitiseUploadName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? ''
  let safe = last.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._]+/, '')
  if (safe.length > 128) {
    const ext = /(\.[A-Za-z0-9]{1,8}){1,2}$/.exec(safe)?.[0] ?? ''
    safe = safe.slice(0, 128 - ext.length) + ext
  }
  return safe || 'upload'
}

/** Human size of an upload limit or file: `1 GiB`, `12.5 MiB`, `800 KiB`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB']
  let i = 0
  let v = n
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`
}

interface Held {
  readonly dir: string
  readonly path: string
  readonly name: string
}

/**
 * Files uploaded to the headless shell for import: each streamed into its own folder inside one private temporary
 * folder (mode 0700, made on the first upload), kept under its sanitised name until the import that takes it ends,
 * then deleted. `dispose()` deletes whatever is left.
 */
export class UploadInbox {
  private root?: string
  private readonly held = new Map<string, Held>()

  /** `parent`: where the private folder is made (default: the OS temp folder). */
  constructor(private readonly parent: string = tmpdir()) {}

  /**
   * Streams `body` to a new file named after `name` (sanitised); refuses more than `maxBytes` with a one-line
   * {@link UploadError} (413) and leaves nothing behind. Resolves with the upload's id, stored name and size.
   */
  async receive(name: string, body: Readable, maxBytes: number = DEFAULT_MAX_UPLOAD_BYTES): Promise<UploadedFile> {
    const safe = sanitiseUploadName(name)
    this.root ??= mkdtempSync(join(this.parent, 'armada-uploads-'))
    const id = randomUUID()
    const dir = join(this.root, id)
    mkdirSync(dir, { mode: 0o700 })
    const path = join(dir, safe)
    let size = 0
    const limit = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        size += chunk.length
        if (size > maxBytes) throw new UploadError(413, `${safe} is over the ${formatBytes(maxBytes)} upload limit`)
        yield chunk
      }
    }
    try {
      await pipeline(body, limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }))
    } catch (err) {
      rmSync(dir, { recursive: true, force: true })
      if (err instanceof UploadError) throw err
      throw new UploadError(400, `${safe}: the upload broke off (${(err as Error).message.split('\n')[0]})`)
    }
    this.held.set(id, { dir, path, name: safe })
    return { id, name: safe, size }
  }

  /** Path and name of each upload; throws naming the first id that is not (or no longer) here. */
  resolve(ids: readonly string[]): { id: string; path: string; name: string }[] {
    return ids.map((id) => {
      const h = this.held.get(id)
      if (!h)
        throw new CallRefused(
          'not-found',
          `no upload "${id}" (uploads are deleted once imported; upload the file again)`,
        )
      return { id, path: h.path, name: h.name }
    })
  }

  /** Deletes the uploads (after their import ended, whatever its outcome). */
  release(ids: readonly string[]): void {
    for (const id of ids) {
      const h = this.held.get(id)
      if (!h) continue
      this.held.delete(id)
      rmSync(h.dir, { recursive: true, force: true })
    }
  }

  /** Uploads waiting for an import. */
  get size(): number {
    return this.held.size
  }

  /** The private folder, once made (tests check it is gone after `dispose`). */
  get folder(): string | undefined {
    return this.root
  }

  /** Deletes every upload and the private folder. */
  dispose(): void {
    this.held.clear()
    if (this.root) rmSync(this.root, { recursive: true, force: true })
    this.root = undefined
  }
}
