import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The built CLI (`npm run build`). */
export const CLI = join(__dirname, '..', '..', 'out', 'main', 'cli.js')

/** What `armada serve --json` prints once it listens. */
export interface ServeInfo {
  readonly url: string
  readonly port: number
  readonly token: string
}

/** A headless workstation started by a test; `stop()` ends it gracefully, `kill()` abruptly. */
export interface RunningArmada extends ServeInfo {
  readonly child: ChildProcess
  stop(): Promise<void>
  kill(): Promise<void>
}

/** A port that was free a moment ago (for tests that restart a server on the same port). */
export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

const tempDirs: string[] = []

/** A database path in a fresh temporary folder (`armada-<prefix>-…`); `removeTempDbs()` deletes the folder. */
export function tempDbPath(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `armada-${prefix}-`))
  tempDirs.push(dir)
  return join(dir, 'armada.db')
}

/** Deletes every folder made by `tempDbPath` in this process (call it once the server using it has stopped). */
export function removeTempDbs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** Where a server that did not stop writes its diagnostic report. */
const REPORT_DIR = join(__dirname, '..', '..', 'test-results', 'server-reports')

/** How long a graceful stop may take before the test fails (and the server is killed). */
const STOP_TIMEOUT_MS = 20_000

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()))
}

/** Starts `node out/main/cli.js serve --json` and resolves with its URL once it printed it. */
export async function startArmada(opts: {
  db: string
  port: number
  token?: string
  args?: readonly string[]
}): Promise<RunningArmada> {
  // A server that hangs on SIGTERM writes a diagnostic report (JS stack, libuv handles) on SIGUSR2 before it is killed.
  const args = [
    '--report-on-signal',
    '--report-signal=SIGUSR2',
    `--report-directory=${REPORT_DIR}`,
    CLI,
    'serve',
    '--port',
    String(opts.port),
    '--db',
    opts.db,
    '--json',
    ...(opts.token ? ['--token', opts.token] : []),
    ...(opts.args ?? []),
  ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const info = await new Promise<ServeInfo>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`armada serve printed no URL within 20 s; stderr: ${stderr.trim()}`)),
      20_000,
    )
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.trim().startsWith('{'))
      if (!line) return
      clearTimeout(timer)
      resolve(JSON.parse(line) as ServeInfo)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`armada serve exited with ${code}: ${stderr.trim()}`))
    })
  })
  return {
    ...info,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      let timer: ReturnType<typeof setTimeout> | undefined
      const stopped = await Promise.race([
        exited(child).then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), STOP_TIMEOUT_MS))),
      ])
      clearTimeout(timer)
      if (stopped) {
        if (child.exitCode !== 0)
          throw new Error(
            `armada serve exited with ${child.exitCode ?? child.signalCode} on SIGTERM; stderr: ${stderr.trim().slice(-2000)}`,
          )
        return
      }
      child.kill('SIGUSR2')
      await new Promise((r) => setTimeout(r, 1000))
      child.kill('SIGKILL')
      await exited(child)
      throw new Error(
        `armada serve did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (diagnostic report in ${REPORT_DIR}); stderr: ${stderr.trim().slice(-2000)}`,
      )
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited(child)
    },
  }
}

/** A call of the workstation API of a started server, with its token (state-changing calls need it). */
export async function rpc<T>(armada: ServeInfo, method: string, params?: unknown): Promise<T> {
  const res = await fetch(`${new URL(armada.url).origin}/api/rpc/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${armada.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params ?? {}),
  })
  if (!res.ok) throw new Error(`${method}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}
