/**
 * Playwright's webServer: imports the seed files into a fresh database through a first, private
 * `armada serve`, then runs `node out/main/cli.js serve --port PORT --db … --json` on it in the foreground
 * (Playwright stops it). Usage: tsx e2e/support/serve-seeded.ts PORT TOKEN
 */
import { spawn } from 'node:child_process'
import { CLI, freePort, removeTempDbs, startArmada, tempDbPath } from './armada-server'
import { importSeed } from './import-seed'

async function main(): Promise<void> {
  const [port = '4173', token = 'e2e-session-token-0001'] = process.argv.slice(2)
  const db = tempDbPath('e2e')
  const seeding = await startArmada({ db, port: await freePort(), token })
  try {
    await importSeed(seeding.url, token)
  } finally {
    await seeding.stop()
  }
  console.error(`[e2e] seeded ${db}`)
  const child = spawn(process.execPath, [CLI, 'serve', '--port', port, '--token', token, '--db', db, '--json'], {
    stdio: 'inherit',
  })
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
  child.on('exit', (code) => {
    removeTempDbs()
    process.exit(code ?? 0)
  })
}

main().catch((err: unknown) => {
  console.error(`[e2e] ${(err as Error).message}`)
  process.exit(1)
})
