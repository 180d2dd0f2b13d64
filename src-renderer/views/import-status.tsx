import { failedFileLine } from '../../src-shared'
import { formatCount, formatUtc } from '../format'
import { useImports, useStores } from '../store-hooks'
import { importOutcome } from '../stores'

const TONE = { queued: 'active', running: 'active', succeeded: 'done', failed: 'failed', cancelled: 'stopped' } as const

/**
 * The last import as it goes: files uploading, the job's progress, then what it did — FAILED with the reason, or per
 * file imported, duplicates, rejected (the first rejected rows: file, line, reason) and gaps, and each failed file.
 */
export function ImportStatus() {
  const error = useImports((s) => s.error)
  const uploading = useImports((s) => s.uploading)
  const job = useImports((s) => s.job)
  const { imports } = useStores()
  if (!error && !uploading && !job) return null
  const outcome = job ? importOutcome(job) : undefined
  const reports = outcome?.result?.reports ?? []
  const failed = outcome?.result?.failed ?? []
  const rejected = reports.flatMap((r) => r.rejectedRows.map((x) => ({ file: r.file, ...x })))
  const moreRejected = reports.reduce((n, r) => n + r.rejected - r.rejectedRows.length, 0)
  return (
    <section className="import-status" data-testid="import-status" aria-live="polite">
      {error && (
        <div className="import-status__error" data-testid="import-error">
          {error}
        </div>
      )}
      {uploading && (
        <ul className="import-status__uploads" data-testid="import-uploading">
          {uploading.map((u) => (
            <li key={u.name} className="import-status__upload">
              <span className="mono import-status__file">{u.name}</span>
              <span
                className="progress progress--active"
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round((u.sent / Math.max(1, u.size)) * 100)}
              >
                <span className="progress__fill" style={{ width: `${(u.sent / Math.max(1, u.size)) * 100}%` }} />
              </span>
              <span className="import-status__pct">uploading {Math.round((u.sent / Math.max(1, u.size)) * 100)} %</span>
            </li>
          ))}
        </ul>
      )}
      {job && outcome && (
        <>
          <div className="import-status__head" data-testid="import-outcome" data-state={outcome.state}>
            <span className={`badge badge--${outcome.state}`}>{outcome.state}</span>
            <span className="import-status__kind">import</span>
            {(outcome.state === 'running' || outcome.state === 'queued') && (
              <span
                className={`progress progress--${TONE[outcome.state]}`}
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(job.progress * 100)}
              >
                <span className="progress__fill" style={{ width: `${job.progress * 100}%` }} />
              </span>
            )}
            <span
              className={`import-status__line${outcome.state === 'failed' ? ' import-status__line--failed' : ''}`}
              data-testid="import-outcome-line"
            >
              {outcome.line}
            </span>
            <button
              type="button"
              className="button button--small button--ghost"
              data-testid="import-dismiss"
              aria-label="Hide the import result"
              onClick={() => imports.getState().dismiss()}
            >
              ✕
            </button>
          </div>
          {/* One failed file and nothing else: the line above says it all. */}
          {failed.length > 0 && (failed.length > 1 || reports.length > 0) && (
            <ul className="import-status__failed" data-testid="import-failed">
              {failed.map((f) => (
                <li key={failedFileLine(f)} data-testid="import-failed-file">
                  <span className="badge badge--failed">failed</span> <span className="mono">{failedFileLine(f)}</span>
                </li>
              ))}
            </ul>
          )}
          {reports.length > 0 && (
            <div className="table-scroll">
              <table className="table import-status__table" data-testid="import-report">
                <thead>
                  <tr>
                    <th>File</th>
                    <th>Stored as</th>
                    <th className="num">Imported</th>
                    <th className="num">Duplicates</th>
                    <th className="num">Rejected</th>
                    <th className="num">Gaps (missing bars)</th>
                    <th>First → last (UTC)</th>
                  </tr>
                </thead>
                <tbody>
                  {reports.map((r) => (
                    <tr key={r.file} data-testid="import-report-row" data-file={r.file}>
                      <td className="mono import-status__file" title={r.file}>
                        {r.file}
                      </td>
                      <td>{`${r.symbol}.${r.venue}${r.timeframe ? ` · ${r.timeframe}` : ''} ${r.kind}`}</td>
                      <td className="num" data-field="imported">
                        {formatCount(r.imported)}
                      </td>
                      <td className="num" data-field="duplicates">
                        {formatCount(r.duplicates)}
                      </td>
                      <td className={`num${r.rejected ? ' import-status__warn' : ''}`} data-field="rejected">
                        {formatCount(r.rejected)}
                      </td>
                      <td
                        className="num"
                        data-field="gaps"
                      >{`${formatCount(r.gaps)} (${formatCount(r.missingBars)})`}</td>
                      <td className="mono">
                        {r.first !== undefined && r.last !== undefined
                          ? `${formatUtc(r.first)} → ${formatUtc(r.last)}`
                          : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {rejected.length > 0 && (
            <div className="import-status__rejected">
              <div className="field__label">Rejected rows (file:line: reason)</div>
              <ul data-testid="import-rejected">
                {rejected.map((x) => (
                  <li key={`${x.file}:${x.line}`} className="mono" data-testid="import-rejected-row">
                    {`${x.file}:${x.line}: ${x.reason}`}
                  </li>
                ))}
              </ul>
              {moreRejected > 0 && (
                <div className="panel__foot">{`… and ${formatCount(moreRejected)} more (armada import --json lists every one)`}</div>
              )}
            </div>
          )}
        </>
      )}
    </section>
  )
}
