import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '.'

/** Tracked files of the repository (what a clone has). */
const tracked = (): string[] => execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)

describe('a plain clone is self-contained', () => {
  it('no tracked source, script or config reads data from outside the repository (../shared)', () => {
    const code = tracked().filter((f) => /\.(ts|tsx|mts|mjs|cjs|js|sh|py)$/.test(f) || f === '.ci/run')
    const offenders = code.filter((f) => /\.\.\/shared\/|'shared',\s*'data'|"shared",\s*"data"|ARMADA_SHARED_DATA/.test(readFileSync(join(REPO_ROOT, f), 'utf8')))
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
