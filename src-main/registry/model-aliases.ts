import {
  HINT_WORDS,
  MODEL_ALIASES,
  type AliasActor,
  type Clock,
  type ModelAlias,
  type ModelAliasEvent,
} from '../../src-shared'
import type { AliasHistoryRow, SqliteModelRegistryStore } from '../store'
import { RegistryError, type ModelVersion } from './types'

/** What `promote` did. */
export interface PromotionResult {
  readonly changed: boolean
  readonly event?: ModelAliasEvent
  /** What authorised a champion change: 'first' champion, a passing gate, an A/B win, or force. */
  readonly authorisedBy?: 'first' | 'gate' | 'ab-test' | 'force' | 'not-needed'
}

function toEvent(r: AliasHistoryRow): ModelAliasEvent {
  return {
    seq: r.seq,
    name: r.name,
    alias: r.alias,
    from: r.from_version,
    to: r.to_version,
    time: r.time,
    kind: r.kind,
    actor: r.actor,
    reason: r.reason,
    ...(r.detail !== null ? { detail: JSON.parse(r.detail) as unknown } : {}),
  }
}

/**
 * The `champion`/`challenger`/`shadow` aliases of each model name and their append-only history: every move is
 * one history row, written in the caller's transaction or its own. Champion changes need an authorisation (a
 * passing gate, an A/B win, or force).
 */
export class ModelAliases {
  constructor(
    private readonly store: SqliteModelRegistryStore,
    private readonly clock: Clock,
  ) {}

  /** Current aliases of a model name. */
  current(name: string): Partial<Record<ModelAlias, string>> {
    const out: Partial<Record<ModelAlias, string>> = {}
    for (const a of this.store.aliases(name)) out[a.alias] = a.version_id
    return out
  }

  /**
   * Every alias move goes through here (inside the caller's transaction). The champion holds no other alias: a version
   * that becomes champion loses its challenger/shadow alias first (a recorded `clear`), and a champion cannot be made
   * challenger or shadow. Challenger and shadow may share a version.
   */
  move(
    name: string,
    alias: ModelAlias,
    to: string | null,
    kind: ModelAliasEvent['kind'],
    actor: AliasActor,
    reason: string,
    detail?: unknown,
  ): ModelAliasEvent {
    if (!MODEL_ALIASES.includes(alias))
      throw new RegistryError('invalid', `unknown alias "${alias}" (expected ${MODEL_ALIASES.join(', ')})`)
    if (!reason.trim()) throw new RegistryError('invalid', 'a reason is required to move an alias')
    const time = this.clock.now()
    if (to !== null && alias !== 'champion' && this.store.getAlias(name, 'champion')?.version_id === to)
      throw new RegistryError(
        'invalid',
        `${to.slice(0, 12)} is the champion of "${name}"; a champion cannot also be its ${alias}`,
      )
    if (to !== null && alias === 'champion')
      for (const other of MODEL_ALIASES)
        if (other !== 'champion' && this.store.getAlias(name, other)?.version_id === to)
          this.store.moveAlias({
            name,
            alias: other,
            to: null,
            time,
            kind: 'clear',
            actor,
            reason: `${to.slice(0, 12)} became the champion (${kind})`,
          })
    return toEvent(
      this.store.moveAlias({
        name,
        alias,
        to,
        time,
        kind,
        actor,
        reason: reason.trim(),
        ...(detail !== undefined ? { detail } : {}),
      }),
    )
  }

  /**
   * Points `alias` of the version's model at the version, atomically with its history row. `champion` changes
   * need a passing gate vs the current champion, an A/B win over it, or `force` (with the reason); the first
   * champion needs none. Throws `RegistryError` ('refused') otherwise.
   */
  promote(
    v: ModelVersion,
    opts: { alias?: ModelAlias; reason: string; actor?: AliasActor; force?: boolean; detail?: unknown },
  ): PromotionResult {
    const alias = opts.alias ?? 'champion'
    if (!MODEL_ALIASES.includes(alias))
      throw new RegistryError('invalid', `unknown alias "${alias}" (expected ${MODEL_ALIASES.join(', ')})`)
    if (!opts.reason?.trim())
      throw new RegistryError(
        'invalid',
        `a reason is required to promote${opts.force ? ' (forced promotions above all)' : ''}`,
      )
    return this.store.transaction(() => {
      const current = this.store.getAlias(v.name, alias)?.version_id
      if (current === v.id) return { changed: false }
      let authorisedBy: PromotionResult['authorisedBy'] = 'not-needed'
      let auth: unknown
      const failed = alias === 'champion' ? failedPromotionRule(v) : []
      if (failed.length) {
        if (!opts.force)
          throw new RegistryError(
            'refused',
            `${v.name} ${v.id.slice(0, 12)} fails the DOMAIN.md §4 promotion rule (${failed.join('; ')}): it cannot become champion without ${HINT_WORDS.force}`,
          )
        authorisedBy = 'force'
        auth = { forced: true, failedRule: failed }
      } else if (alias === 'champion') {
        if (!current) authorisedBy = 'first'
        else {
          const gate = this.store.gates({ candidate: v.id }).find((g) => g.champion === current && g.passed === 1)
          const ab = this.store
            .abTests(v.name)
            .find((t) => t.status === 'won' && t.winner === v.id && t.champion === current)
          if (gate) {
            authorisedBy = 'gate'
            auth = { gate: gate.id }
          } else if (ab) {
            authorisedBy = 'ab-test'
            auth = { abTest: ab.id }
          } else if (opts.force) {
            authorisedBy = 'force'
            auth = { forced: true }
          } else
            throw new RegistryError(
              'refused',
              `promoting ${v.id.slice(0, 12)} to champion of "${v.name}" needs a passing promotion gate or an A/B win against the champion ${current.slice(0, 12)}, or ${HINT_WORDS.force}`,
            )
        }
      }
      const detail =
        opts.detail !== undefined || auth !== undefined
          ? { ...(auth as object | undefined), ...(opts.detail !== undefined ? { info: opts.detail } : {}) }
          : undefined
      const event = this.move(v.name, alias, v.id, 'promote', opts.actor ?? 'user', opts.reason, detail)
      return { changed: true, event, authorisedBy }
    })
  }

  /** Removes an alias (history keeps the move). */
  clear(name: string, alias: ModelAlias, reason: string, actor: AliasActor = 'user'): ModelAliasEvent | undefined {
    return this.store.transaction(() =>
      this.store.getAlias(name, alias) ? this.move(name, alias, null, 'clear', actor, reason) : undefined,
    )
  }

  /**
   * Restores the version that held the alias before the current one, in one action. Rollbacks undo moves in
   * stack order, so two rollbacks after two promotions return to the first champion.
   * Throws `RegistryError` when there is nothing earlier to return to.
   */
  rollback(name: string, alias: ModelAlias, reason: string, actor: AliasActor = 'user'): ModelAliasEvent {
    return this.store.transaction(() => {
      const stack: (string | null)[] = []
      for (const e of this.store.aliasHistory(name, alias)) {
        if (e.kind === 'rollback') stack.pop()
        else stack.push(e.from_version)
      }
      const target = stack[stack.length - 1]
      const current = this.store.getAlias(name, alias)?.version_id
      if (!current) throw new RegistryError('not-found', `"${name}" has no ${alias} to roll back`)
      if (!target) throw new RegistryError('refused', `"${name}" has no earlier ${alias} to roll back to`)
      return this.move(name, alias, target, 'rollback', actor, reason, { undone: current })
    })
  }

  /** The append-only alias history of a model name (one alias or all), oldest first. */
  history(name: string, alias?: ModelAlias): ModelAliasEvent[] {
    return this.store.aliasHistory(name, alias).map(toEvent)
  }

  /** The version `alias` pointed at, at time `t` (ms), from the history; undefined when none did. */
  at(name: string, alias: ModelAlias, t: number): string | undefined {
    let at: string | null = null
    for (const e of this.store.aliasHistory(name, alias)) {
      if (e.time > t) break
      at = e.to_version
    }
    return at ?? undefined
  }
}

/**
 * The failed conditions of the DOMAIN.md §4 promotion rule stored with a signal-quality version (its card's
 * `metrics.promotion`), each as `name value rule`; empty for other predictors and for versions that pass.
 */
export function failedPromotionRule(v: ModelVersion): string[] {
  if (v.card.predictor !== 'signal-quality') return []
  const p = (
    v.card.metrics as
      | { promotion?: { promote?: boolean; checks?: { name: string; value: number; rule: string; passed: boolean }[] } }
      | undefined
  )?.promotion
  if (!p || p.promote !== false) return []
  return (p.checks ?? [])
    .filter((c) => !c.passed)
    .map(
      (c) =>
        `${c.name} ${typeof c.value === 'number' && Number.isFinite(c.value) ? c.value.toFixed(3) : 'n/a'} not ${c.rule}`,
    )
}
