import type { ModelAliasEvent } from '../../src-shared'
import { formatUtc, shortId } from '../format'

const VERB = { set: 'set', promote: 'promoted', rollback: 'rolled back', clear: 'cleared' } as const

/** The append-only alias history of a model name, newest first: when, which alias, from → to, who and why. */
export function AliasTimeline({ events }: { events: readonly ModelAliasEvent[] }) {
  if (!events.length) return <div className="panel__empty">No alias moves yet.</div>
  return (
    <ol className="timeline" data-testid="alias-timeline">
      {[...events].reverse().map((e) => (
        <li
          key={e.seq}
          className={`timeline__item timeline__item--${e.alias}`}
          data-testid="alias-event"
          data-kind={e.kind}
          data-alias={e.alias}
        >
          <span className="timeline__dot" />
          <div className="timeline__head">
            <span className={`alias-badge alias-badge--${e.alias}`}>{e.alias}</span>
            <span className="timeline__kind">{VERB[e.kind]}</span>
            <span className="timeline__time mono">{formatUtc(e.time)}</span>
          </div>
          <div className="timeline__ids">
            {shortId(e.from)} → <b>{shortId(e.to)}</b>
          </div>
          <div className="timeline__reason">
            <span className="timeline__actor">{e.actor}</span> “{e.reason}”
          </div>
        </li>
      ))}
    </ol>
  )
}
