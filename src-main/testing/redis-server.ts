import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join } from 'node:path'

/** A throwaway redis-server on 127.0.0.1 (no persistence), stopped by its pid. */
export interface TestRedis {
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

/** Path of `redis-server` on PATH or in /usr/bin, else undefined. */
export function redisServerPath(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']
  return dirs.map((d) => join(d, 'redis-server')).find((p) => existsSync(p))
}

/**
 * Why Redis-backed tests cannot run here (no `redis-server` binary, or no `ioredis` for BullMQ to connect with), or
 * undefined when they can.
 */
export function redisUnavailable(): string | undefined {
  if (!redisServerPath()) return 'redis-server is not installed (apt-get install redis-server)'
  try {
    require.resolve('ioredis')
  } catch {
    return 'the ioredis package is not installed (npm ci)'
  }
  return undefined
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Starts `redis-server --port <free> --save '' --appendonly no` on 127.0.0.1 and waits until it accepts connections. */
export async function startRedis(): Promise<TestRedis> {
  const bin = redisServerPath()
  if (!bin) throw new Error('redis-server is not installed')
  const port = await freePort()
  const child: ChildProcess = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out.slice(-500)}`)), 15_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`))
    })
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
