/** Key under which the headless shell's per-run token survives reloads of the tab. */
export const TOKEN_STORAGE_KEY = 'armada.token'

/** The parts of `window.location` and `sessionStorage` the token needs (injected so tests run in Node). */
export interface TokenSources {
  readonly hash: string
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'>
}

/**
 * Reads the per-run token: from the URL fragment `#token=…` when present (and then remembers it in session
 * storage), else the remembered one. Returns undefined when neither has one (read-only session).
 */
export function readSessionToken({ hash, storage }: TokenSources): string | undefined {
  const fromHash = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim()
  if (fromHash) {
    storage?.setItem(TOKEN_STORAGE_KEY, fromHash)
    return fromHash
  }
  return storage?.getItem(TOKEN_STORAGE_KEY) ?? undefined
}

/** WebSocket RPC address on the page's own host: `ws(s)://host/rpc`. */
export function rpcUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`
}
