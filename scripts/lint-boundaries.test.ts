import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src-main/testing'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A throwaway project with the real lint config and the given source files; returns the lint's exit code and output. */
function lint(files: Record<string, string>): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'armada-lint-'))
  dirs.push(dir)
  for (const f of ['.dependency-cruiser.cjs', 'tsconfig.node.json', 'tsconfig.base.json', 'package.json'])
    copyFileSync(join(REPO_ROOT, f), join(dir, f))
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'lint-boundaries.mjs'), dir], {
    cwd: dir,
    encoding: 'utf8',
  })
  return { code: r.status ?? -1, out: r.stdout + r.stderr }
}

const base = {
  'src-shared/index.ts': 'export const x = 1\n',
  'src-main/ml/index.ts': "import { x } from '../../src-shared'\nexport const model = x\n",
  'src-main/ml/trees.ts': 'export const t = 2\n',
  'src-main/store/index.ts': "import { x } from '../../src-shared'\nexport const store = x\n",
  'src-main/registry/index.ts':
    "import { model } from '../ml'\nimport { store } from '../store'\nexport const r = model + store\n",
}

describe('boundary lint', () => {
  it('passes a tree that follows the may-import table', () => {
    const r = lint(base)
    expect(r.out).toMatch(/0 violations/)
    expect(r.code).toBe(0)
  })

  it('fails when src-main/store imports from src-main/ml', () => {
    const r = lint({
      ...base,
      'src-main/store/index.ts': "import { model } from '../ml'\nexport const store = model\n",
    })
    expect(r.code).toBe(1)
    expect(r.out).toContain('src-main/store/index.ts → src-main/ml/index.ts')
  })

  it('fails when a folder is entered behind its index.ts', () => {
    const r = lint({ ...base, 'src-main/registry/index.ts': "import { t } from '../ml/trees'\nexport const r = t\n" })
    expect(r.code).toBe(1)
    expect(r.out).toContain('enter-folders-through-index')
  })

  it("fails when code outside the Electron shell imports 'electron'", () => {
    const r = lint({ ...base, 'src-main/store/index.ts': "import { app } from 'electron'\nexport const store = app\n" })
    expect(r.code).toBe(1)
    expect(r.out).toContain('electron-only-in-shells')
  })

  it('fails when the CLI writes through the registry instead of the API, naming the rule', () => {
    const r = lint({
      ...base,
      'src-main/cli/index.ts': "import { r } from '../registry'\nexport const promote = r\n",
    })
    expect(r.code).toBe(1)
    expect(r.out).toContain('lint: cli-changes-through-the-api: src-main/cli/index.ts → src-main/registry/index.ts')
  })

  it('fails when the CLI opens the store itself, and lets a CLI test seed a database', () => {
    const store = lint({
      ...base,
      'src-main/cli/index.ts': "import { store } from '../store'\nexport const db = store\n",
    })
    expect(store.code).toBe(1)
    expect(store.out).toContain('lint: cli-changes-through-the-api: src-main/cli/index.ts → src-main/store/index.ts')
    const test = lint({
      ...base,
      'src-main/cli/index.ts': 'export const cli = 1\n',
      'src-main/cli/seed.test.ts': "import { store } from '../store'\nexport const seeded = store\n",
    })
    expect(test.out).toMatch(/0 violations/)
    expect(test.code).toBe(0)
  })

  it('fails when shared code imports a node built-in', () => {
    const r = lint({
      ...base,
      'src-shared/index.ts': "import { readFileSync } from 'node:fs'\nexport const x = readFileSync\n",
    })
    expect(r.code).toBe(1)
    expect(r.out).toContain('no-node-builtins-in-browser-code')
  })

  it("fails when data/live reaches into data/replay behind the subfolder's index.ts", () => {
    const data = {
      'src-main/data/index.ts': "export { feed } from './live'\nexport { replay } from './replay'\n",
      'src-main/data/replay/index.ts': "export { replay } from './replay-server'\n",
      'src-main/data/replay/replay-server.ts': 'export const replay = 1\n',
    }
    const live = (from: string) => ({
      'src-main/data/live/index.ts': `import { replay } from '${from}'\nexport const feed = replay\n`,
    })
    const through = lint({ ...base, ...data, ...live('../replay') })
    expect(through.code).toBe(0)
    const behind = lint({ ...base, ...data, ...live('../replay/replay-server') })
    expect(behind.code).toBe(1)
    expect(behind.out).toContain('enter-data-subfolders-through-index')
  })
})
