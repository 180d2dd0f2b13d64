import { extname, resolve, sep } from 'node:path'

// The built renderer's files, as both shells serve them: the headless server over HTTP, the desktop shell over app://.

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** Content-Type of a renderer file, by its extension (`application/octet-stream` when unknown). */
export function staticContentType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * The file under `root` that a URL path names (`/` and `` name `index.html`), or undefined when the path is malformed
 * (bad percent-encoding, a NUL or a backslash once decoded) or leads outside `root` (`/%2e%2e/…`). Existence is the
 * caller's question.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  // A backslash is a separator on Windows: refusing it keeps the check below the same on every platform.
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined
  const base = resolve(root)
  const file = resolve(base, decoded.replace(/^\/+/, '') || 'index.html')
  return file === base || file.startsWith(base + sep) ? file : undefined
}
