import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveStaticPath, staticContentType } from './static-files'

const root = resolve('/srv/armada/renderer')

describe('resolveStaticPath', () => {
  it('maps URL paths to files under the root, "/" to index.html', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'))
    expect(resolveStaticPath(root, '')).toBe(join(root, 'index.html'))
    expect(resolveStaticPath(root, '/assets/index-1.js')).toBe(join(root, 'assets', 'index-1.js'))
    expect(resolveStaticPath(root, '/a%20b.css')).toBe(join(root, 'a b.css'))
  })

  it('refuses malformed encoding, NUL, backslashes and paths leaving the root', () => {
    for (const p of [
      '/%ff',
      '/%e0%a4%a',
      '/a%00.js',
      '/..%5c..%5cetc%5cpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/../renderer-other/x.js',
      '/assets/../../x',
    ])
      expect({ p, file: resolveStaticPath(root, p) }).toEqual({ p, file: undefined })
  })

  it('names content types by extension', () => {
    expect(staticContentType('index.HTML')).toBe('text/html; charset=utf-8')
    expect(staticContentType('x.unknown')).toBe('application/octet-stream')
  })
})
