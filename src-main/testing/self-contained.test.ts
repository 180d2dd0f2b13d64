import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '.'

const SKIP = new Set(['node_modules', 'out', 'test-results', 'reports', '.git', 'playwright-report'])

/** Tracked files of the repository (what a clone has); every file outside build output when it is not a git checkout. */
function tracked(): string[] {
  try {
    return execFileSync('git', ['-c', 'safe.directory=*', 'ls-files'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter(Boolean)
  } catch {
    const out: string[] = []
    const walk = (dir: string): void => {
      for (const e of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
        if (SKIP.has(e.name)) continue
        const rel = dir ? `${dir}/${e.name}` : e.name
        if (e.isDirectory()) walk(rel)
        else out.push(rel)
      }
    }
    walk('')
    return out
  }
}

describe('a plain clone is self-contained', () => {
  it('no tracked source, script or config reads data from outside the repository (../shared)', () => {
    const code = tracked().filter((f) => /\.(ts|tsx|mts|mjs|cjs|js|sh|py)$/.test(f) || f === '.ci/run')
    const offenders = code.filter((f) =>
      /\.\.\/shared\/|'shared',\s*'data'|"shared",\s*"data"|ARMADA_SHARED_DATA/.test(
        readFileSync(join(REPO_ROOT, f), 'utf8'),
      ),
    )
    expect(offenders.filter((f) => f !== 'src-main/testing/self-contained.test.ts')).toEqual([])
  })

  it('every test-data folder carries its PROVENANCE.md and is listed in test-data/README.md', () => {
    const root = join(REPO_ROOT, 'test-data')
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const folders = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory())
    expect(folders.length).toBeGreaterThan(0)
    for (const d of folders) {
      expect(existsSync(join(root, d, 'PROVENANCE.md')), `${d}/PROVENANCE.md`).toBe(true)
      expect(readme, `test-data/README.md lists ${d}/`).toContain(`| ${d}/ |`)
    }
  })
})
