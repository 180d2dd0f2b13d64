import { useConnection } from '../store-hooks'

const LABEL = { connecting: 'Connecting', connected: 'Connected', disconnected: 'Disconnected' } as const

/** Link state dot and label; while disconnected it says when the next attempt is. */
export function ConnectionIndicator() {
  const link = useConnection((s) => s.link)
  const retry =
    link.state !== 'connected' && link.retryInMs !== undefined
      ? `retry #${link.attempt} in ${(link.retryInMs / 1000).toFixed(link.retryInMs < 1000 ? 2 : 0)} s`
      : undefined
  return (
    <span
      className={`status__item status__link status__link--${link.state}`}
      data-testid="status-connection"
      data-state={link.state}
      title={retry}
    >
      <span className="status__dot" aria-hidden="true" />
      {LABEL[link.state]}
      {retry && <span className="status__detail">{retry}</span>}
    </span>
  )
}
