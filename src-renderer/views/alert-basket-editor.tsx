import { useEffect, useMemo, useState } from 'react'
import { ALERT_TIMEFRAMES, type AlertStatus, type AlertType, type Timeframe } from '../../src-shared'
import { useAlerts, useChartState, useStores } from '../store-hooks'
import { ALERT_TYPE_LABELS } from '../stores'

/** Stored symbols per venue and alert timeframe, where at least 3 are stored (a basket's minimum). */
function basketGroups(series: readonly { symbol: string; venue: string; timeframe: string }[]): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const s of series) {
    if (!(ALERT_TIMEFRAMES as readonly string[]).includes(s.timeframe)) continue
    const key = `${s.venue}|${s.timeframe}`
    groups.set(key, [...(groups.get(key) ?? []), s.symbol])
  }
  for (const [k, v] of groups) if (v.length < 3) groups.delete(k)
  return groups
}

/**
 * The basket editor (Alerts view): a venue and timeframe among the stored series, the lead, the second major and the
 * other members, a name. Saving restarts the live loop on it (`setAlertBasket`); a refusal is shown as its one line.
 */
export function AlertBasketEditor({ status, onClose }: { status: AlertStatus | undefined; onClose: () => void }) {
  const series = useChartState((s) => s.series)
  const saving = useAlerts((s) => s.basketSaving)
  const error = useAlerts((s) => s.basketError)
  const store = useStores().alerts
  const groups = useMemo(() => basketGroups(series), [series])
  const current = status?.venue && status.timeframe ? `${status.venue}|${status.timeframe}` : undefined
  const [group, setGroup] = useState(current && groups.has(current) ? current : ([...groups.keys()][0] ?? ''))
  const symbols = groups.get(group) ?? []
  const fromStatus = group === current ? (status?.assets ?? []) : []
  const [lead, setLead] = useState(fromStatus[0] ?? symbols[0] ?? '')
  const [second, setSecond] = useState(fromStatus[1] ?? symbols.find((s) => s !== lead) ?? '')
  const [members, setMembers] = useState<readonly string[]>(
    fromStatus.length ? fromStatus.slice(2) : symbols.filter((s) => s !== lead && s !== second),
  )
  const [name, setName] = useState(status?.source === 'trader' ? (status.basket ?? '') : '')
  const others = symbols.filter((s) => s !== lead && s !== second)
  const chosen = [lead, second, ...others.filter((s) => members.includes(s))].filter(Boolean)

  const pickGroup = (g: string) => {
    const list = groups.get(g) ?? []
    const mine = g === current ? (status?.assets ?? []) : []
    setGroup(g)
    setLead(mine[0] ?? list[0] ?? '')
    setSecond(mine[1] ?? list[1] ?? '')
    setMembers(mine.length ? mine.slice(2) : list.slice(2))
  }
  // Series listed after the editor opened (a feed's first bars): the basket's own group, else the first.
  useEffect(() => {
    if (!groups.has(group) && groups.size) pickGroup(current && groups.has(current) ? current : [...groups.keys()][0])
  }, [groups])
  const save = async () => {
    const [venue, timeframe] = group.split('|')
    const ok = await store.getState().setBasket({
      ...(name.trim() ? { name: name.trim() } : {}),
      assets: chosen,
      venue,
      timeframe: timeframe as Timeframe,
    })
    if (ok) onClose()
  }

  if (groups.size === 0)
    return (
      <div className="alert-basket-editor" data-testid="alert-basket-editor" role="dialog" aria-label="Alert basket">
        <p>
          A basket needs at least 3 stored series of one venue at 5m, 15m, 1h or 4h. Import them (Data view) or follow
          them from a feed first.
        </p>
        <button type="button" className="button button--small" onClick={onClose}>
          Close
        </button>
      </div>
    )
  return (
    <form
      className="alert-basket-editor"
      data-testid="alert-basket-editor"
      role="dialog"
      aria-label="Alert basket"
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose()
      }}
    >
      <label className="field">
        <span className="field__label">Series</span>
        <select
          className="select"
          data-testid="alert-basket-group"
          value={group}
          autoFocus
          onChange={(e) => pickGroup(e.target.value)}
        >
          {[...groups.keys()].map((g) => (
            <option key={g} value={g}>
              {g.replace('|', ' · ')} ({groups.get(g)!.length} stored)
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">Lead</span>
        <select
          className="select"
          data-testid="alert-basket-lead"
          value={lead}
          onChange={(e) => {
            setLead(e.target.value)
            if (e.target.value === second) setSecond(lead)
          }}
        >
          {symbols.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">Second major</span>
        <select
          className="select"
          data-testid="alert-basket-second"
          value={second}
          onChange={(e) => {
            setSecond(e.target.value)
            if (e.target.value === lead) setLead(second)
          }}
        >
          {symbols.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <fieldset className="alert-basket-editor__members" data-testid="alert-basket-members">
        <legend className="field__label">Members</legend>
        {others.map((s) => (
          <label key={s} className="alert-basket-editor__member">
            <input
              type="checkbox"
              data-testid="alert-basket-member"
              data-symbol={s}
              checked={members.includes(s)}
              onChange={(e) => setMembers(e.target.checked ? [...members, s] : members.filter((m) => m !== s))}
            />
            {s}
          </label>
        ))}
        {others.length === 0 && <span className="alert-basket-editor__none">no other stored series</span>}
      </fieldset>
      <label className="field">
        <span className="field__label">Name</span>
        <input
          className="input"
          data-testid="alert-basket-name"
          value={name}
          maxLength={64}
          placeholder={`${chosen.join(',')}-${group.split('|')[1] ?? ''}`}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <div className="alert-basket-editor__actions">
        <span className="alert-basket-editor__summary mono" data-testid="alert-basket-summary">
          {chosen.length} instruments{chosen.length < 3 ? ' · at least 3' : ''}
        </span>
        <button
          type="submit"
          className="button button--primary button--small"
          data-testid="alert-basket-save"
          disabled={saving || chosen.length < 3}
        >
          {saving ? 'Saving…' : 'Use this basket'}
        </button>
        {status?.source === 'trader' && (
          <button
            type="button"
            className="button button--small"
            data-testid="alert-basket-default"
            disabled={saving}
            title="Forget this basket: the workstation's own (the demo's, or none) is scored again"
            onClick={() =>
              void store
                .getState()
                .setBasket(null)
                .then((ok) => ok && onClose())
            }
          >
            Back to default
          </button>
        )}
        <button type="button" className="button button--small" onClick={onClose}>
          Cancel
        </button>
      </div>
      {error && (
        <div className="alert-basket-editor__error" role="alert" data-testid="alert-basket-error">
          {error}
        </div>
      )}
    </form>
  )
}

interface TrainResult {
  readonly bars?: number
  readonly models?: readonly { name?: string }[]
  readonly skipped?: readonly { type: AlertType; horizonHours: number; reason: string }[]
}

/**
 * "Train alert models": every (type, horizon) model of the basket as one `alerts.train` job, progress while it runs,
 * then what it trained and which pairs it skipped with their reason. New names become champion at once.
 */
export function AlertBasketTrain({ status }: { status: AlertStatus | undefined }) {
  const job = useAlerts((s) => s.trainJob)
  const startError = useAlerts((s) => s.trainError)
  const store = useStores().alerts
  const busy = job?.state === 'queued' || job?.state === 'running'
  const pct = Math.round(100 * (job?.progress ?? 0))
  const result = job?.state === 'succeeded' ? (job.result as TrainResult | undefined) : undefined
  const failed = startError ?? (job?.state === 'failed' ? (job.error ?? job.message) : undefined)
  if (!status?.basket) return null
  return (
    <div className="alert-basket-train" data-testid="alert-basket-train" data-state={job?.state ?? 'none'}>
      <button
        type="button"
        className="button button--small"
        data-testid="alert-basket-train-start"
        disabled={busy}
        title={`Train ${status.modelPrefix}-<type>-h<H>h on the stored ${status.assets.join(', ')} ${status.timeframe} bars`}
        onClick={() => void store.getState().trainBasket()}
      >
        {busy ? 'Training…' : 'Train alert models'}
      </button>
      {busy && job && (
        <span className="alert-basket-train__progress" data-testid="alert-basket-train-progress">
          <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
            <span className="progress__fill" style={{ width: `${pct}%` }} />
          </span>
          <span className="mono">
            {pct} %{job.message ? ` · ${job.message}` : ''}
          </span>
        </span>
      )}
      {result && (
        <span className="alert-basket-train__done" data-testid="alert-basket-train-done">
          trained {result.models?.length ?? 0} models on {result.bars ?? 0} aligned bars
          {result.skipped?.length ? `, skipped ${result.skipped.length}:` : ''}
          {result.skipped?.map((s) => (
            <span
              key={`${s.type}-${s.horizonHours}`}
              className="alert-basket-train__skip"
              data-testid="alert-basket-train-skip"
              title={s.reason}
            >
              {ALERT_TYPE_LABELS[s.type]} {s.horizonHours}h — {s.reason}
            </span>
          ))}
        </span>
      )}
      {failed && (
        <span className="alert-basket-train__failed" role="alert" data-testid="alert-basket-train-error">
          Training did not finish: {failed}
        </span>
      )}
    </div>
  )
}
