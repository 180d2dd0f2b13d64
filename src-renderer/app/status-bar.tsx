import { ConnectionIndicator } from './connection-indicator'
import { JobsTray } from './jobs-tray'
import { TimeZonePicker } from './time-zone-picker'
import { useConnection } from '../store-hooks'

/** Bottom status bar: link, database, versions, inference device, feed, jobs. */
export function StatusBar() {
  const health = useConnection((s) => s.health)
  const healthError = useConnection((s) => s.healthError)
  const feed = useConnection((s) => s.feed)
  const shell = useConnection((s) => s.shell)
  return (
    <footer className="status" data-testid="status-bar">
      <ConnectionIndicator />
      <span className="status__item" data-testid="status-shell">
        {shell === 'electron' ? 'desktop' : 'web'}
      </span>
      <span className="status__item status__db" data-testid="status-db" title={healthError ?? health?.database}>
        <span className="status__label">DB</span>
        {health ? health.database : healthError ? <span className="status__error">{healthError}</span> : '…'}
      </span>
      <span className="status__item" data-testid="status-version">
        <span className="status__label">v</span>
        {health ? `${health.version} · schema ${health.schemaVersion}` : '…'}
      </span>
      {health?.device && (
        <span
          className="status__item"
          data-testid="status-device"
          data-device={health.device.batch}
          title={
            health.device.fallback
              ? `batch work on cpu: ${health.device.fallback}`
              : `live rows on ${health.device.live}, batch work on ${health.device.batch} (asked: ${health.device.requested})`
          }
        >
          <span className="status__label">Device</span>
          {health.device.batch === 'cpu' ? 'cpu' : `cpu live · ${health.device.batch} batch`}
          {health.device.fallback && (
            // The reasons are long (one per provider): the item's tooltip has them; the bar keeps to one word.
            <span className="status__detail" data-testid="status-device-fallback" data-reason={health.device.fallback}>
              fallback
            </span>
          )}
        </span>
      )}
      <span className="status__item" data-testid="status-feed" data-feed={feed?.feed ?? 'unknown'} title={feed?.detail}>
        <span className="status__label">Feed</span>
        <span className={`status__feed status__feed--${feed?.feed ?? 'unknown'}`}>
          {feed ? feed.feed : 'no status'}
        </span>
        {feed?.lagMs !== undefined && <span className="status__detail">lag {Math.round(feed.lagMs)} ms</span>}
        {feed?.messagesPerSecond !== undefined && (
          <span className="status__detail">{feed.messagesPerSecond.toFixed(1)} msg/s</span>
        )}
        {/* Connected feeds already show lag and rate; the detail line explains a feed that is down or off. */}
        {feed?.detail && feed.lagMs === undefined && (
          <span className="status__detail status__feed-detail">{feed.detail}</span>
        )}
        {feed && (feed.errors ?? 0) + (feed.malformed ?? 0) > 0 && (
          <span className="status__detail status__error">
            {feed.errors ?? 0} errors · {feed.malformed ?? 0} malformed
          </span>
        )}
      </span>
      <span className="status__spacer" />
      <TimeZonePicker />
      <JobsTray />
    </footer>
  )
}
