import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ARMADA_CLI_ARGS, REPO_ROOT, runArmada } from '../testing'
import { openDatabase } from '../store'

const dirs: string[] = []
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'armada-cli-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const CLI = ARMADA_CLI_ARGS
const armada = runArmada

describe('armada CLI', () => {
  it('prints the version and exits 0', () => {
    const r = armada(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('gives every command a --help', () => {
    const r = armada(['serve', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('usage: armada serve')
  })

  it('exits 2 with one line on an unknown command or option', () => {
    const a = armada(['frobnicate'])
    expect(a.code).toBe(2)
    expect(a.stderr.trim().split('\n')).toHaveLength(1)
    const b = armada(['db', 'check', '--nope'])
    expect(b.code).toBe(2)
    expect(b.stderr).toMatch(/Unknown option '--nope'/)
    expect(b.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('opening a corrupted database exits 1 with one line and no stack trace', () => {
    const db = join(tmp(), 'corrupt.db')
    writeFileSync(db, Buffer.alloc(8192, 0x5a))
    const r = armada(['db', 'check', '--db', db])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('not a valid Armada database')
    expect(r.stderr).not.toMatch(/\s+at\s/)
  })

  it('opening a locked database exits 1 with one line and no stack trace', async () => {
    const db = join(tmp(), 'locked.db')
    openDatabase(db).close()
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const db=new D(${JSON.stringify(db)});db.pragma('locking_mode = EXCLUSIVE');db.exec('BEGIN EXCLUSIVE');db.exec('CREATE TABLE hold(x)');process.stdout.write('locked\\n');setInterval(()=>{},1000)`,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
    try {
      const r = armada(['db', 'check', '--db', db], { ARMADA_BUSY_TIMEOUT_MS: '200' })
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain('locked by another process')
      expect(r.stderr).not.toMatch(/\s+at\s/)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('db check --json reports integrity and row counts', () => {
    const r = armada(['db', 'check', '--db', join(tmp(), 'fresh.db'), '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.integrity).toBe('ok')
    expect(out.counts).toHaveProperty('bars', 0)
  })

  it('serve refuses a fixed token under 16 characters with exit 2 and one line', () => {
    const db = join(tmp(), 't.db')
    const flag = armada(['serve', '--port', '0', '--token', 'a', '--db', db], {}, 30_000)
    expect(flag.code).toBe(2)
    expect(flag.stderr.trim().split('\n')).toEqual([
      'armada serve: --token: the session token must have at least 16 characters (it has 1) (see armada serve --help)',
    ])
    const env = armada(['serve', '--port', '0', '--db', db], { ARMADA_TOKEN: 'a' }, 30_000)
    expect(env.code).toBe(2)
    expect(env.stderr.trim().split('\n')).toEqual([
      'armada serve: ARMADA_TOKEN: the session token must have at least 16 characters (it has 1) (see armada serve --help)',
    ])
  })

  it('serve refuses a malformed --alert-basket with exit 2 and one line', () => {
    const db = join(tmp(), 'b.db')
    const cases: [string, string][] = [
      ['SPY,AAPL', '--alert-basket "SPY,AAPL" must look like LEAD,SECOND,MEMBER…@VENUE:TF (e.g. SPY,AAPL,IBM@USA:1h)'],
      ['SPY,AAPL@USA:1h', '--alert-basket needs at least 3 instruments (the lead first), got 2'],
      ['SPY,AAPL,spy@USA:1h', '--alert-basket lists an instrument twice'],
      ['SPY,AAPL,IBM@USA:1d', '--alert-basket: the timeframe must be one of 5m, 15m, 1h, 4h, got "1d"'],
    ]
    for (const [value, line] of cases) {
      const r = armada(['serve', '--port', '0', '--alert-basket', value, '--db', db], {}, 30_000)
      expect(r.code, value).toBe(2)
      expect(r.stderr.trim().split('\n')).toEqual([`armada serve: ${line} (see armada serve --help)`])
    }
  })

  it('serve --port 0 --json prints a loopback URL whose /api/health answers', async () => {
    const p = spawn(process.execPath, [...CLI, 'serve', '--port', '0', '--json', '--db', join(tmp(), 's.db')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let buf = ''
        p.stdout!.on('data', (d) => {
          buf += String(d)
          if (buf.includes('\n')) resolve(buf.split('\n')[0])
        })
        p.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
      })
      const info = JSON.parse(line) as { url: string; port: number; token: string }
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/)
      const health = await (await fetch(`http://127.0.0.1:${info.port}/api/health`)).json()
      expect(health).toMatchObject({ ok: true, shell: 'headless' })
    } finally {
      p.kill('SIGTERM')
      await new Promise((r) => p.once('exit', r))
    }
  })

  it('serve --embedded without --db keeps the demo in demo.db and never creates or writes the user database', async () => {
    const config = tmp()
    const userDb = join(config, 'Armada', 'armada.db')
    const run = async (args: string[]): Promise<{ db: string; demo: boolean; human: string }> => {
      const p = spawn(process.execPath, [...CLI, 'serve', '--port', '0', '--embedded', '--speed', '50', ...args], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, XDG_CONFIG_HOME: config },
      })
      try {
        const out = await new Promise<string>((resolve, reject) => {
          let buf = ''
          p.stdout!.on('data', (d) => {
            buf += String(d)
            if ((buf.startsWith('{') && buf.includes('\n')) || buf.split('\n').length > 3) resolve(buf)
          })
          p.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
        })
        const [first] = out.split('\n')
        return first.startsWith('{')
          ? { ...(JSON.parse(first) as { db: string; demo: boolean }), human: '' }
          : { db: '', demo: true, human: out }
      } finally {
        p.kill('SIGTERM')
        await new Promise((r) => p.once('exit', r))
      }
    }
    const human = await run([])
    // The start-up lines name the demo database and the user's, and say the user's is not touched.
    expect(human.human).toContain(
      `(demo database ${join(config, 'Armada', 'demo.db')} — your own database ${userDb} is not touched`,
    )
    const json = await run(['--json'])
    expect(json).toMatchObject({ db: join(config, 'Armada', 'demo.db'), demo: true })
    expect(existsSync(join(config, 'Armada', 'demo.db'))).toBe(true)
    expect(existsSync(userDb)).toBe(false)
    // --db names another database: the demo goes there, and it is not called a demo database.
    const mine = join(config, 'mine.db')
    expect(await run(['--json', '--db', mine])).toMatchObject({ db: mine, demo: false })
  }, 60_000)
})
