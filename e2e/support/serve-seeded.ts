/**
 * Playwright's webServer: seeds a fresh database with real bars, then runs `armada serve` on it in the
 * foreground (Playwright stops it). Usage: tsx e2e/support/serve-seeded.ts PORT TOKEN
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI } from './armada-server'
import { seedDatabase } from './seed-database'

const [port = '4173', token = 'e2e-token'] = process.argv.slice(2)
const db = join(mkdtempSync(join(tmpdir(), 'armada-e2e-')), 'armada.db')
const seeded = seedDatabase(db)
console.error(`[e2e] seeded ${seeded.bars} bars in ${seeded.series} series into ${db}`)
const child = spawn(process.execPath, [CLI, 'serve', '--port', port, '--token', token, '--db', db, '--json'], { stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 0))
