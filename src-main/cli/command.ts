import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ParseArgsConfig } from 'node:util'
import {
  canonicalSymbol,
  DEVICE_CHOICES,
  isDeviceChoice,
  venueKey,
  venuesStoring,
  type DeviceChoice,
  type SeriesSummary,
  type Timeframe,
} from '../../src-shared'
import type { LocalWorkstationApi } from '../api'
import type { WorkstationCore } from '../core'

/** Option definitions in node:util parseArgs form. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>

/** Parsed option values. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>

/**
 * What a command may use of a started core: the WorkstationApi for every change (its jobs run on the CLI's own thread),
 * the in-process calls of LocalWorkstationApi (model files as bytes, the registry's records as stored), and the stored
 * bars to read for the exports the API does not page (`bars`, `features`). Never the registry or store themselves.
 */
export type CliCore = LocalWorkstationApi & Pick<WorkstationCore, 'bars'>

/** What a command gets to work with. */
export interface CommandContext {
  readonly values: OptionValues
  readonly positionals: readonly string[]
  /** `--json`: machine output on stdout, messages on stderr. */
  readonly json: boolean
  /** `--db` or the user-data default. */
  readonly dbPath: string
  /** True when `--db` was given (a command with its own default, like `serve --embedded`, keeps this one). */
  readonly dbExplicit: boolean
  /** Prints a result: JSON when `--json`, else `human(data)` (or pretty JSON). */
  out<T>(data: T, human?: (data: T) => string): void
  /** Prints a progress/info message to stderr (never stdout). */
  info(message: string): void
  /** Opens and starts a core on `dbPath`; disposed automatically when the command ends (unless it keeps running). */
  openCore(): CliCore
}

/**
 * One `armada` command. `name` may have two words (`ml fit`, `models import`).
 * `run` returns the exit code (default 0) or throws: UsageError/InputError → 2, anything else → 1.
 */
export interface Command {
  readonly name: string
  readonly summary: string
  /** Usage lines shown by `--help`, without the leading `armada `. */
  readonly usage: string
  readonly options?: CommandOptions
  readonly allowPositionals?: boolean
  /** Longer help text after the usage. */
  readonly details?: string
  /** Set by long-running commands (serve, replay): the CLI does not dispose the core when `run` resolves. */
  readonly keepsRunning?: boolean
  run(ctx: CommandContext): Promise<number | void>
}

/** Bad usage: unknown option, missing argument. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Bad input: a file or value that cannot be used. Exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

/** Reads a required string option or throws a UsageError naming it. */
export function requireString(values: OptionValues, key: string): string {
  const v = values[key]
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${key} is required`)
  return v
}

/** Reads an optional numeric option; throws a UsageError when it is not a number. */
export function optionalNumber(values: OptionValues, key: string): number | undefined {
  const v = values[key]
  if (v === undefined) return undefined
  const n = Number(v)
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${key} must be a number, got "${String(v)}"`)
  return n
}

/** `--device auto|cpu|webgpu|cuda` (absent: undefined); anything else is bad usage naming the choices. */
export function optionalDevice(values: OptionValues): DeviceChoice | undefined {
  const v = values.device
  if (v === undefined) return undefined
  if (!isDeviceChoice(v))
    throw new UsageError(`--device must be one of ${DEVICE_CHOICES.join(', ')}, got "${String(v)}"`)
  return v
}

/** Parses a time option: epoch ms, or ISO-8601 (date or date-time, UTC unless an offset is given). */
export function optionalTime(values: OptionValues, key: string): number | undefined {
  const v = values[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw new UsageError(`--${key} must be a time`)
  const t = /^\d+$/.test(v) ? Number(v) : isoTime(v)
  if (!Number.isFinite(t)) throw new UsageError(`--${key} must be epoch ms or ISO-8601, got "${v}"`)
  return t
}

/**
 * `--from`/`--to` (epoch ms or ISO-8601, inclusive open times) of any command that takes them; `--from` after
 * `--to` is bad usage naming both values as typed.
 */
export function timeRange(values: OptionValues): { from?: number; to?: number } {
  const from = optionalTime(values, 'from')
  const to = optionalTime(values, 'to')
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError(`--from ${String(values.from)} is after --to ${String(values.to)}`)
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }
}

/**
 * A symbol as typed (`ZEC/BTC`, `ZEC-BTC`, `zec_btc`) in its canonical spelling (`ZECBTC`, as the importer stores
 * series); text that cannot be a symbol is bad usage naming `what` (`--symbol`, `SYMBOL`).
 */
export function symbolArgument(text: string, what: string): string {
  try {
    return canonicalSymbol(text)
  } catch (e) {
    throw new UsageError(`${what}: ${(e as Error).message}`)
  }
}

/** Reads a required symbol option (`--symbol` by default) in its canonical spelling. */
export function requireSymbol(values: OptionValues, key = 'symbol'): string {
  return symbolArgument(requireString(values, key), `--${key}`)
}

/** Reads a required comma-separated symbol list (`--basket A,B,C`), each in its canonical spelling, empty items dropped. */
export function requireSymbolList(values: OptionValues, key: string): string[] {
  return requireString(values, key)
    .split(',')
    .filter((s) => s.trim())
    .map((s) => symbolArgument(s, `--${key}`))
}

/** ISO-8601 text as epoch ms, UTC unless it names an offset (a bare date is its midnight); NaN when unreadable. */
export function isoTime(text: string): number {
  return Date.parse(
    /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`,
  )
}

/** A file's bytes; a missing or unreadable file is bad input naming the path. */
export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`)
  }
}

/** Writes an output file; an unwritable path is bad input naming it. */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data)
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`)
  }
}

/** Refuses an --out whose folder does not exist, before any work is done (bad input: exit 2). */
export function checkOutPath(path: string): void {
  const d = dirname(path)
  if (!existsSync(d) || !statSync(d).isDirectory()) throw new InputError(`${path}: folder ${d} does not exist`)
}

/**
 * The venue of a stored series: `--venue` when given, else the only venue storing `symbol` at `timeframe` (or, with
 * `resample`, a finer timeframe it can be built from). No such series is an InputError (`missing`, or a hint to import
 * first); several venues a UsageError asking for `--venue`.
 */
export function storedVenue(
  values: OptionValues,
  series: readonly SeriesSummary[],
  symbol: string,
  timeframe: Timeframe,
  options: { readonly missing?: string; readonly resample?: boolean } = {},
): string {
  if (typeof values.venue === 'string') return venueKey(values.venue)
  const venues = venuesStoring(series, symbol, timeframe, options)
  if (venues.length === 0)
    throw new InputError(options.missing ?? `no stored bars for ${symbol} ${timeframe} (armada import … first)`)
  if (venues.length > 1)
    throw new UsageError(`${symbol} ${timeframe} is stored for several venues (${venues.join(', ')}); pass --venue`)
  return venues[0]
}
