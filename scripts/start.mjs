// `npm start`: always gives a working workstation. Builds if needed, then opens the desktop window when the
// Electron shell is complete (binary + Electron-ABI SQLite, see `npm run desktop:setup`) and a display exists;
// otherwise starts the headless workstation on its embedded default and prints its URL with the reason.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)

function newestMtime(dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return t
}

function needsBuild() {
  const built = join(root, 'out', 'main', 'cli.js')
  if (!existsSync(built) || !existsSync(join(root, 'out', 'renderer', 'index.html'))) return true
  const src = Math.max(
    ...['src-main', 'src-shared', 'src-renderer', 'src-preload'].map((d) => newestMtime(join(root, d))),
  )
  return src > statSync(built).mtimeMs
}

if (needsBuild()) {
  process.stderr.write('armada: building (first start or sources changed)…\n')
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  if (r.status !== 0) {
    process.stderr.write('armada: build failed\n')
    process.exit(1)
  }
}

function desktopUnavailableReason() {
  const electronPathFile = join(root, 'node_modules', 'electron', 'path.txt')
  if (!existsSync(electronPathFile))
    return 'the Electron binary is not installed (run `npm run desktop:setup` on a machine with internet)'
  if (!existsSync(join(root, 'node_modules', 'better-sqlite3', 'build-electron', 'better_sqlite3.node')))
    return 'the Electron build of better-sqlite3 is missing (run `npm run desktop:setup`)'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display ($DISPLAY is not set)'
  return undefined
}

const reason = process.env.ARMADA_HEADLESS ? 'ARMADA_HEADLESS is set' : desktopUnavailableReason()
if (!reason) {
  const { default: electronPath } = await import('electron')
  // The desktop window opens on the same embedded default as the headless fallback (its own demo.db).
  const child = spawn(electronPath, [root, '--embedded', ...args], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  process.stderr.write(`armada: starting the headless workstation — desktop window unavailable: ${reason}\n`)
  const port = process.env.ARMADA_PORT ?? '7420'
  const child = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'cli.js'), 'serve', '--port', port, '--embedded', ...args],
    { cwd: root, stdio: 'inherit' },
  )
  const forward = (sig) => child.kill(sig)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('exit', (code) => process.exit(code ?? 0))
}
