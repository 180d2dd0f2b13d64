/** The `armada` command line: `runCli(argv)`, the command contract and the command list. */
export { runCli, type CliIo } from './run-cli'
export {
  UsageError,
  InputError,
  requireString,
  optionalNumber,
  optionalTime,
  type Command,
  type CommandContext,
} from './command'
export { COMMANDS } from './commands'
