import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { rewordHints, type InputHint } from '../../src-shared'
import { ARMADA_VERSION, createCore, DatabaseOpenError, defaultDatabasePath, type WorkstationCore } from '../core'
import { InputError, UsageError, type Command, type CommandContext, type CommandOptions } from './command'
import { COMMANDS } from './commands'

const GLOBAL_OPTIONS: CommandOptions = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

/** How the CLI asks for an input the core's message requests (src-shared/input-hint.ts): by its flag. */
const CLI_HINT_WORDS: Readonly<Record<InputHint, string>> = {
  format: 'pass --format',
  symbol: 'pass --symbol',
  timeframe: 'pass --timeframe',
  venue: 'pass --venue',
  force: 'pass --force with a reason',
  database: 'pass --db with another file',
  maxInflated: 'limit --max-inflated-mb',
  maxInflateRatio: 'limit --max-inflate-ratio',
}

// Control characters other than tab and newline (C0, DEL, C1): a file's bytes quoted in a message (a rejected cell, a
// first line) must not move the cursor, recolour or clear the user's terminal, or end the one-line message early (\r).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g

/** Human-readable text with control characters shown as `\xNN` escapes. */
function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** Where output goes; tests pass buffers. */
export interface CliIo {
  stdout(s: string): void
  stderr(s: string): void
}

const processIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [3, 2, 1]) {
    const name = argv.slice(0, words).join(' ')
    const command = COMMANDS.find((c) => c.name === name)
    if (command) return { command, rest: argv.slice(words) }
  }
  return undefined
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    `armada ${ARMADA_VERSION} — ML trader workstation`,
    '',
    'usage: armada <command> [options]   (every command takes --db PATH, --json, --help)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.',
  ].join('\n')
}

function help(c: Command): string {
  return [
    `usage: armada ${c.usage}`,
    '',
    c.summary,
    ...(c.details ? ['', c.details] : []),
    '',
    'global options: --db PATH (default: the user-data database), --json, --help',
  ].join('\n')
}

/**
 * Runs one CLI invocation and returns its exit code. Never throws: errors become one line on stderr
 * (`ARMADA_DEBUG=1` adds the stack).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(overview() + '\n')
    return argv.length === 0 ? 2 : 0
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    io.stdout(`${ARMADA_VERSION}\n`)
    return 0
  }
  const found = findCommand(argv)
  if (!found) {
    io.stderr(`armada: unknown command "${argv.slice(0, 2).join(' ')}" (armada --help lists the commands)\n`)
    return 2
  }
  const { command, rest } = found
  let core: WorkstationCore | undefined
  try {
    let parsed
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...GLOBAL_OPTIONS, ...command.options },
        allowPositionals: command.allowPositionals ?? false,
        strict: true,
      })
    } catch (err) {
      throw new UsageError(((err as Error).message.split('\n')[0] ?? '').replace(/^TypeError \[[A-Z_]+\]: /, ''))
    }
    const values = parsed.values as CommandContext['values']
    if (values.help) {
      io.stdout(help(command) + '\n')
      return 0
    }
    const json = values.json === true
    const dbPath =
      typeof values.db === 'string'
        ? values.db === ':memory:'
          ? values.db
          : resolve(values.db)
        : defaultDatabasePath()
    const ctx: CommandContext = {
      values,
      positionals: parsed.positionals,
      json,
      dbPath,
      dbExplicit: typeof values.db === 'string',
      out(data, human) {
        io.stdout((json || !human ? JSON.stringify(data, null, json ? undefined : 2) : printable(human(data))) + '\n')
      },
      info(message) {
        io.stderr(printable(rewordHints(message, CLI_HINT_WORDS)) + '\n')
      },
      openCore() {
        if (!core) {
          // The command waits for its one job: it runs on this thread, not a second one (memory stays the command's own).
          core = createCore({ dbPath, shell: 'cli', jobs: 'inline' })
          core.start()
        }
        return core
      },
    }
    const code = (await command.run(ctx)) ?? 0
    return code
  } catch (err) {
    const e = err as Error
    if (process.env.ARMADA_DEBUG) io.stderr(`${e?.stack ?? String(err)}\n`)
    const message = printable(rewordHints((e?.message ?? String(err)).split('\n')[0], CLI_HINT_WORDS))
    if (err instanceof UsageError) {
      io.stderr(`armada ${command.name}: ${message} (see armada ${command.name} --help)\n`)
      return 2
    }
    if (err instanceof InputError) {
      io.stderr(`armada ${command.name}: ${message}\n`)
      return 2
    }
    if (err instanceof DatabaseOpenError) {
      io.stderr(`armada: ${message}\n`)
      return 1
    }
    io.stderr(`armada ${command.name}: ${message}\n`)
    return 1
  } finally {
    if (core && !command.keepsRunning) await core.dispose()
  }
}
