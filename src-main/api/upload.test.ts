import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readImportJobResult, type JobInfo, type UploadedFile } from '../../src-shared'
import { createCore, type WorkstationCore } from '../core'
import { sanitiseUploadName } from './upload-inbox'
import { writeDamagedBtcCsv } from '../testing'
import { HeadlessServer, type ServerAddress } from './index'

// The upload path of the headless shell against the real server, core, job runner and SQLite.

const LIMIT = 64 << 10
let core: WorkstationCore
let server: HeadlessServer
let addr: ServerAddress
let dir: string
let uploadsDir: string

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-upload-'))
  uploadsDir = join(dir, 'tmp')
  mkdirSync(uploadsDir)
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'headless', uploadsDir })
  core.start()
  server = new HeadlessServer(core, { port: 0, uploads: core.uploads, maxUploadBytes: LIMIT })
  addr = await server.start()
})
afterEach(async () => {
  await server.dispose()
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

/** POSTs `body` to /api/uploads; `chunked` sends no Content-Length (the size is only known while streaming). */
function upload(
  name: string,
  body: Buffer,
  opts: { token?: string; chunked?: boolean } = {},
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream' }
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`
    if (!opts.chunked) headers['Content-Length'] = body.length
    const req = request(
      {
        host: '127.0.0.1',
        port: addr.port,
        method: 'POST',
        path: `/api/uploads?name=${encodeURIComponent(name)}`,
        headers,
      },
      (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    if (opts.chunked) {
      // Several writes: the server sees a body that grows past the limit while it streams.
      for (let i = 0; i < body.length; i += 16 << 10) req.write(body.subarray(i, i + (16 << 10)))
      req.end()
    } else req.end(body)
  })
}

/** Every file under the uploads parent folder (the private folder and what is in it). */
function leftovers(): string[] {
  return readdirSync(uploadsDir, { recursive: true }) as string[]
}

describe('POST /api/uploads', () => {
  it('refuses an upload without the session token, and stores nothing', async () => {
    const r = await upload('btc_usdt_1h.csv', Buffer.from('time,open\n'))
    expect(r.status).toBe(401)
    expect(r.json).toEqual({
      error: { code: 'unauthorized', message: expect.stringMatching(/need the session token/) },
    })
    const wrong = await upload('btc_usdt_1h.csv', Buffer.from('time,open\n'), { token: 'not-the-token' })
    expect(wrong.status).toBe(401)
    expect(leftovers()).toEqual([])
  })

  it('refuses a file over the size limit with one line naming it and the limit, and leaves nothing behind', async () => {
    const big = Buffer.alloc(LIMIT + 1, 'a')
    const declared = await upload('huge.csv', big, { token: addr.token })
    expect(declared).toEqual({
      status: 413,
      json: { error: { code: 'bad-request', message: 'huge.csv is 64.0 KiB, over the 64 KiB upload limit' } },
    })
    const streamed = await upload('huge.csv', big, { token: addr.token, chunked: true })
    expect(streamed).toEqual({
      status: 413,
      json: { error: { code: 'bad-request', message: 'huge.csv is over the 64 KiB upload limit' } },
    })
    expect(core.uploads.size).toBe(0)
    expect(leftovers().filter((f) => f.endsWith('.csv'))).toEqual([])
  })

  it('stores an upload under a sanitised name in a private folder, imports it by id and deletes it after the job', async () => {
    const damaged = writeDamagedBtcCsv(dir)
    const r = await upload('../../btc_usdt_1h.csv', readFileSync(damaged.path), { token: addr.token })
    expect(r.status).toBe(200)
    const up = r.json as UploadedFile
    expect(up).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'btc_usdt_1h.csv',
      size: readFileSync(damaged.path).length,
    })
    const [held] = core.uploads.resolve([up.id])
    expect(held.path.startsWith(core.uploads.folder!)).toBe(true)
    expect(readFileSync(held.path)).toEqual(readFileSync(damaged.path))

    const res = await fetch(`http://127.0.0.1:${addr.port}/api/rpc/importFiles`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${addr.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: [], uploads: [up.id] }),
    })
    expect(res.status).toBe(200)
    const done = await core.jobs.wait(((await res.json()) as JobInfo).id)
    expect(done.state).toBe('succeeded')
    expect(readImportJobResult(done.result)!.reports[0]).toMatchObject({
      file: 'btc_usdt_1h.csv',
      imported: damaged.imported,
      rejected: 1,
      gaps: damaged.gaps,
    })
    await vi.waitFor(() => expect(existsSync(held.path)).toBe(false))
    expect(core.uploads.size).toBe(0)
  })

  it('importFiles refuses upload ids that are not ids, and an import naming nothing', async () => {
    const call = (body: unknown) =>
      fetch(`http://127.0.0.1:${addr.port}/api/rpc/importFiles`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${addr.token}` },
        body: JSON.stringify(body),
      })
    expect(await (await call({ files: [], uploads: ['../etc/passwd'] })).json()).toEqual({
      error: { code: 'bad-request', message: 'importFiles: "uploads" must be a list of upload ids' },
    })
    expect(await (await call({ files: [] })).json()).toEqual({
      error: { code: 'bad-request', message: 'importFiles: name at least one file (a path) or upload' },
    })
  })
})

describe('sanitiseUploadName', () => {
  it('keeps the last path segment, safe characters and the extension the importer reads', () => {
    expect(sanitiseUploadName('../../etc/passwd')).toBe('passwd')
    expect(sanitiseUploadName('C:\\data\\BTC USDT 1m?.csv')).toBe('BTC_USDT_1m_.csv')
    expect(sanitiseUploadName('.hidden.json.gz')).toBe('hidden.json.gz')
    expect(sanitiseUploadName('..')).toBe('upload')
    const long = sanitiseUploadName(`${'x'.repeat(300)}.json.gz`)
    expect(long).toHaveLength(128)
    expect(long.endsWith('.json.gz')).toBe(true)
  })
})
