/**
 * Who may talk to a server bound to 127.0.0.1 (the headless shell, the replay exchange): a Host header naming a loopback
 * address with the server's own port, and — for browsers, which send one — an Origin of that same server. A page on
 * another site reaching the port through DNS rebinding carries its own name in Host; a foreign page opening a
 * WebSocket carries its own Origin. Pure functions over header values, shared by every server.
 */

/** True when a Host header names this loopback server: `127.0.0.1:P`, `localhost:P` or `[::1]:P`. */
export function loopbackHostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase())
}

/**
 * True when an Origin header is absent (scripts, tests and the feed client send none) or names this server
 * (`http://127.0.0.1:P`, `http://localhost:P`). Anything else — another site, `null` from a sandboxed frame — is foreign.
 */
export function sameOriginAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`].includes(origin.toLowerCase())
}
