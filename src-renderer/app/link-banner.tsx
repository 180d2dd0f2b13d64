import { useConnection } from '../store-hooks'

/** Says above the view that what it shows may be stale while the link to the core is down. */
export function LinkBanner() {
  const state = useConnection((s) => s.link.state)
  const attempt = useConnection((s) => s.link.attempt)
  if (state !== 'disconnected') return null
  return (
    <div className="banner banner--warn" role="status" data-testid="link-banner">
      Lost the connection to the Armada core — showing the last data received; reconnecting
      {attempt > 1 ? ` (attempt ${attempt})` : ''}…
    </div>
  )
}
