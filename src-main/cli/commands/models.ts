import { readFileSync } from 'node:fs'
import { MODEL_ALIASES, type ModelAbTestInfo, type ModelAlias, type ModelCard } from '../../../src-shared'
import { isBadInput, type ModelRecords } from '../../api'
import { OnnxImportError } from '../../ml'
import {
  InputError,
  optionalNumber,
  requireString,
  UsageError,
  writeOutputFile,
  type CliCore,
  type Command,
  type CommandContext,
} from '../command'

type ModelSummary = ReturnType<ModelRecords['model']>
type ModelVersion = ReturnType<ModelRecords['get']>
type AliasEvent = ReturnType<ModelRecords['history']>[number]

/**
 * Runs a call on the command's core (its WorkstationApi, or the registry's records read-only), mapping errors to exit
 * codes: bad input 2, a refusal (a promotion the gate does not allow) 1. An import refusal names the `source` file first.
 */
async function withCore<T>(ctx: CommandContext, fn: (core: CliCore) => Promise<T> | T, source?: string): Promise<T> {
  try {
    return await fn(ctx.openCore())
  } catch (err) {
    if (err instanceof OnnxImportError) {
      if (source === undefined) throw new InputError(`refused: ${err.reason}`)
      const reason = err.reason.startsWith(`${source}: `) ? err.reason.slice(source.length + 2) : err.reason
      throw new InputError(`${source}: refused: ${reason}`)
    }
    if (isBadInput(err)) throw new InputError((err as Error).message)
    throw err
  }
}

/** The alias move `seq` as the registry recorded it (with its detail: who authorised it, from which shell). */
function recordedMove(records: ModelRecords, name: string, alias: ModelAlias, seq: number): AliasEvent | undefined {
  return records.history(name, alias).find((e) => e.seq === seq)
}

function onePositional(ctx: CommandContext, what: string): string {
  if (ctx.positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${ctx.positionals.length}`)
  return ctx.positionals[0]
}

function aliasOption(ctx: CommandContext, fallback?: ModelAlias): ModelAlias {
  const a = ctx.values.alias ?? fallback
  const alias = MODEL_ALIASES.find((x) => x === a)
  if (!alias) throw new UsageError(`--alias must be one of ${MODEL_ALIASES.join(', ')}`)
  return alias
}

function readInput(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path))
  } catch (e) {
    throw new InputError(
      `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    )
  }
}

const fmt = (x: number | undefined) => (x === undefined || x !== x ? '—' : x.toFixed(3))
const when = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z')

/** A version without the bulky reference bins, for listings. */
function brief<V extends ModelVersion>(v: V): Omit<V, 'card'> & { card: Omit<ModelCard, 'reference'> } {
  const { reference: _r, ...card } = v.card
  return { ...v, card }
}

function eventLine(e: AliasEvent): string {
  return `${when(e.time)}  ${e.alias.padEnd(10)} ${e.from ?? '(none)'} → ${e.to ?? '(none)'}  ${e.kind} by ${e.actor}: ${e.reason}`
}

function summaryLines(m: ModelSummary): string[] {
  const lines = [
    `${m.name}${m.health ? `  health ${m.health.health} (${when(m.health.time)})` : ''}${m.abTest ? `  A/B #${m.abTest.id} ${m.abTest.status}${m.abTest.stale ? ' (stale)' : ''}` : ''}`,
  ]
  for (const v of m.versions) {
    const val = v.metrics.validation
    const maj = v.metrics.baselines?.majority
    lines.push(
      `  ${v.id}  ${when(v.createdAt)}  f1 ${fmt(val?.f1)} (majority ${fmt(maj?.f1)})  log loss ${fmt(val?.logLoss)}${v.aliases.length ? `  [${v.aliases.join(', ')}]` : ''}`,
    )
  }
  return lines
}

const importCommand: Command = {
  name: 'models import',
  summary:
    'register a model: an exported version, an Armada ONNX, a foreign ONNX classifier with a card, or a LightGBM (.txt) / XGBoost (.json) model',
  usage: 'models import M.onnx|M.txt|M.json [--card C.json] [--name N] [--tag T]… [--notes TEXT] [--db PATH] [--json]',
  details:
    'Foreign ONNX models (skl2onnx, onnxmltools, torch) are prepared and run once in onnxruntime first; LightGBM text models (save_model("m.txt")) and XGBoost JSON models (save_model("m.json")) are converted to ONNX and must reproduce the library\'s own rule on rows probing every split. A corrupt, unsupported or wrong-shaped file is refused with the reason and nothing is stored.',
  options: {
    card: { type: 'string' },
    name: { type: 'string' },
    tag: { type: 'string', multiple: true },
    notes: { type: 'string' },
  },
  allowPositionals: true,
  async run(ctx) {
    const file = onePositional(ctx, 'ONNX file')
    const bytes = readInput(file)
    let card: Partial<ModelCard> | undefined
    if (typeof ctx.values.card === 'string') {
      try {
        card = JSON.parse(new TextDecoder().decode(readInput(ctx.values.card))) as Partial<ModelCard>
      } catch (e) {
        if (e instanceof InputError) throw e
        throw new InputError(`${ctx.values.card}: not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`)
      }
    }
    const r = await withCore(
      ctx,
      (core) =>
        core.importModel(bytes, {
          ...(card ? { card } : {}),
          ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}),
          ...(Array.isArray(ctx.values.tag) ? { tags: ctx.values.tag as string[] } : {}),
          ...(typeof ctx.values.notes === 'string' ? { notes: ctx.values.notes } : {}),
          source: file,
        }),
      file,
    )
    ctx.out(
      { id: r.version.id, name: r.version.name, created: r.created, changes: r.changes, version: brief(r.version) },
      (o) =>
        [
          `${o.created ? 'registered' : 'already registered'} ${o.id} as "${o.name}"`,
          ...o.changes.map((c) => `  ${c}`),
        ].join('\n'),
    )
  },
}

const listCommand: Command = {
  name: 'models list',
  summary: 'model names with their versions, metrics next to baselines, aliases, health and A/B status',
  usage: 'models list [--db PATH] [--json]',
  async run(ctx) {
    const models = await withCore(ctx, (core) => core.modelRecords.list())
    ctx.out(
      models.map((m) => ({ ...m, versions: m.versions.map(brief) })),
      () => (models.length ? models.flatMap(summaryLines).join('\n') : 'no models registered'),
    )
  },
}

const showCommand: Command = {
  name: 'models show',
  summary: 'one model name (versions, aliases, gates, history) or one version (card, lineage, metrics)',
  usage: 'models show NAME|ID [--db PATH] [--json]',
  allowPositionals: true,
  async run(ctx) {
    const ref = onePositional(ctx, 'model name or version id')
    await withCore(ctx, ({ modelRecords: reg }) => {
      if (reg.hasModel(ref)) {
        const m = reg.model(ref)
        const data = {
          kind: 'model' as const,
          ...m,
          versions: m.versions.map(brief),
          gates: reg.gates(ref),
          history: reg.history(ref),
          abTests: reg.abTests(ref),
          healthHistory: reg.healthHistory(ref, 20),
        }
        ctx.out(data, (d) =>
          [
            ...summaryLines(m),
            ...d.gates
              .slice(0, 5)
              .map((g) => `  gate #${g.id} ${when(g.time)} ${g.candidate.slice(0, 12)}: ${g.reason}`),
            ...d.history.slice(-10).map((e) => `  ${eventLine(e)}`),
          ].join('\n'),
        )
        return
      }
      const v = reg.get(ref)
      const held = Object.entries(reg.aliases(v.name))
        .filter(([, id]) => id === v.id)
        .map(([a]) => a)
      const gates = reg.gates(v.name).filter((g) => g.candidate === v.id)
      ctx.out({ kind: 'version' as const, ...v, aliases: held, gates }, (d) =>
        [
          `${d.id}  "${d.name}"  ${d.card.task} [${d.card.classes.join(', ')}]  ${d.card.features.length} features  ${d.size} bytes  ${when(d.createdAt)}`,
          `  aliases: ${held.join(', ') || '(none)'}  tags: ${d.tags.join(', ') || '(none)'}`,
          `  validation f1 ${fmt(d.metrics.validation?.f1)} log loss ${fmt(d.metrics.validation?.logLoss)}; majority f1 ${fmt(d.metrics.baselines?.majority?.f1)}; persistence f1 ${fmt(d.metrics.baselines?.persistence?.f1)}`,
          `  lineage: ${JSON.stringify(d.lineage)}`,
          ...(d.notes ? [`  notes: ${d.notes}`] : []),
          ...gates.map((g) => `  gate #${g.id} ${g.passed ? 'passed' : 'failed'}: ${g.reason}`),
        ].join('\n'),
      )
    })
  },
}

const promoteCommand: Command = {
  name: 'models promote',
  summary: 'point an alias at a version (champion changes need a passing gate or an A/B win, or --force)',
  usage: 'models promote ID --alias champion|challenger|shadow --reason R [--force] [--db PATH] [--json]',
  options: { alias: { type: 'string' }, reason: { type: 'string' }, force: { type: 'boolean' } },
  allowPositionals: true,
  async run(ctx) {
    const ref = onePositional(ctx, 'version id')
    const alias = aliasOption(ctx, 'champion')
    const reason = requireString(ctx.values, 'reason')
    const r = await withCore(ctx, async (core) => {
      const v = core.modelRecords.get(ref)
      const { changed, event, authorisedBy } = await core.promoteModel({
        id: v.id,
        alias,
        reason,
        force: ctx.values.force === true,
      })
      const recorded = event && recordedMove(core.modelRecords, v.name, alias, event.seq)
      return {
        id: v.id,
        name: v.name,
        alias,
        changed,
        ...(recorded ? { event: recorded } : {}),
        ...(authorisedBy ? { authorisedBy } : {}),
      }
    })
    ctx.out(r, (o) =>
      o.changed ? `${o.name} ${o.alias} → ${o.id} (${o.authorisedBy})` : `${o.name} ${o.alias} is already ${o.id}`,
    )
  },
}

const rollbackCommand: Command = {
  name: 'models rollback',
  summary: 'restore the version that held an alias before the current one',
  usage: 'models rollback NAME --alias champion|challenger|shadow --reason R [--db PATH] [--json]',
  options: { alias: { type: 'string' }, reason: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    const name = onePositional(ctx, 'model name')
    const alias = aliasOption(ctx, 'champion')
    const reason = requireString(ctx.values, 'reason')
    const e = await withCore(ctx, async (core) => {
      const moved = await core.rollbackModel({ name, alias, reason })
      return recordedMove(core.modelRecords, name, alias, moved.seq) ?? moved
    })
    ctx.out(e, eventLine)
  },
}

const historyCommand: Command = {
  name: 'models history',
  summary: 'the append-only alias history of a model name: time, from → to, who and why',
  usage: 'models history NAME [--alias A] [--db PATH] [--json]',
  options: { alias: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    const name = onePositional(ctx, 'model name')
    const alias = ctx.values.alias === undefined ? undefined : aliasOption(ctx)
    const events = await withCore(ctx, ({ modelRecords: reg }) => {
      if (!reg.hasModel(name)) throw new InputError(`no model named "${name}"`)
      return reg.history(name, alias)
    })
    ctx.out(events, (es) => (es.length ? es.map(eventLine).join('\n') : `no alias moves for "${name}"`))
  },
}

const exportCommand: Command = {
  name: 'models export',
  summary: 'write a version as one ONNX file (card and registry record in its metadata) for another workstation',
  usage: 'models export ID --out F [--db PATH] [--json]',
  options: { out: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    const ref = onePositional(ctx, 'version id')
    const out = requireString(ctx.values, 'out')
    const r = await withCore(ctx, ({ modelRecords: reg }) => {
      const v = reg.get(ref)
      const bytes = reg.exportVersion(v.id)
      writeOutputFile(out, bytes)
      return { id: v.id, name: v.name, out, bytes: bytes.length }
    })
    ctx.out(r, (o) => `wrote ${o.id} ("${o.name}") to ${o.out} (${o.bytes} bytes)`)
  },
}

/** One A/B test in a line: sides, samples against the minimum, F1 and log loss of each side, confidence, verdict. */
function abTestLines(t: ModelAbTestInfo): string[] {
  const c = t.comparison
  return [
    `A/B #${t.id} "${t.name}" ${t.status}${t.stale ? ' (stale)' : ''}: champion ${t.champion.slice(0, 12)} vs challenger ${t.challenger.slice(0, 12)}, started ${when(t.startedAt)}${t.endedAt !== undefined ? `, ended ${when(t.endedAt)}` : ''}`,
    `  ${t.resolved} of ${t.recorded} samples resolved (a winner needs ${t.minSamples} and confidence ${t.confidenceNeeded} on ${t.metric === 'f1' ? 'F1' : 'log loss'}${t.autoPromote ? ', promoted automatically' : ', offered to the trader'})`,
    ...(c
      ? [
          `  F1 ${fmt(c.f1Champion)} vs ${fmt(c.f1Challenger)} (confidence ${fmt(c.confidenceF1)}), log loss ${fmt(c.logLossChampion)} vs ${fmt(c.logLossChallenger)} (confidence ${fmt(c.confidenceLogLoss)}) on ${c.n}`,
        ]
      : []),
    `  ${t.winner ? `winner ${t.winner.slice(0, 12)}: ` : ''}${t.reason}`,
  ]
}

const abStartCommand: Command = {
  name: 'models ab start',
  summary: 'start a champion-vs-challenger A/B test of a model name (DOMAIN.md §6)',
  usage:
    'models ab start NAME [--champion ID] [--challenger ID] [--auto-promote] [--horizon-ms MS] [--db PATH] [--json]',
  details:
    'Both versions score every live bar; a winner is declared at ≥ 100 resolved samples with paired-bootstrap confidence\n' +
    '≥ 0.95; the test ends on a winner or after 7 days and is flagged stale after 14. Default sides: the champion and\n' +
    "challenger aliases; outcomes are due one horizon (the champion card's) after each bar. --auto-promote promotes a\n" +
    'winning challenger; without it the win is offered to the trader.',
  options: {
    champion: { type: 'string' },
    challenger: { type: 'string' },
    'auto-promote': { type: 'boolean' },
    'horizon-ms': { type: 'string' },
  },
  allowPositionals: true,
  async run(ctx) {
    const name = onePositional(ctx, 'model name')
    const horizonMs = optionalNumber(ctx.values, 'horizon-ms')
    const t = await withCore(ctx, (core) =>
      core.startAbTest({
        name,
        ...(typeof ctx.values.champion === 'string'
          ? { champion: core.modelRecords.resolveId(ctx.values.champion) }
          : {}),
        ...(typeof ctx.values.challenger === 'string'
          ? { challenger: core.modelRecords.resolveId(ctx.values.challenger) }
          : {}),
        ...(ctx.values['auto-promote'] === true ? { autoPromote: true } : {}),
        ...(horizonMs !== undefined ? { horizonMs } : {}),
      }),
    )
    ctx.out(t, (x) => abTestLines(x).join('\n'))
  },
}

const abStatusCommand: Command = {
  name: 'models ab status',
  summary: 'A/B tests of a model name (all names without one), newest first: samples, F1 and log loss, confidence',
  usage: 'models ab status [NAME] [--db PATH] [--json]',
  allowPositionals: true,
  async run(ctx) {
    if (ctx.positionals.length > 1)
      throw new UsageError(`expected at most one model name, got ${ctx.positionals.length}`)
    const name = ctx.positionals[0]
    const tests = await withCore(ctx, (core) => core.listAbTests(name !== undefined ? { name } : undefined))
    ctx.out(tests, (ts) =>
      ts.length ? ts.flatMap(abTestLines).join('\n') : `no A/B tests${name !== undefined ? ` for "${name}"` : ''}`,
    )
  },
}

const abStopCommand: Command = {
  name: 'models ab stop',
  summary: 'end the running A/B test of a model name without a winner',
  usage: 'models ab stop NAME --reason R [--db PATH] [--json]',
  options: { reason: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    const name = onePositional(ctx, 'model name')
    const reason = requireString(ctx.values, 'reason')
    const t = await withCore(ctx, (core) => core.stopAbTest({ name, reason }))
    ctx.out(t, (x) => abTestLines(x).join('\n'))
  },
}

/** `armada models …`: the registry from the command line (changes through the WorkstationApi, reads of its records). */
export const MODELS_COMMANDS: readonly Command[] = [
  importCommand,
  listCommand,
  showCommand,
  promoteCommand,
  rollbackCommand,
  historyCommand,
  exportCommand,
  abStartCommand,
  abStatusCommand,
  abStopCommand,
]
