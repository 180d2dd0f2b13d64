import { runCli } from './run-cli'

// A reader that stops early (`armada ml predict … | head`) closes stdout: that ends the command quietly, as in
// other Unix tools, rather than as an unhandled 'error' event with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e
  process.exit(process.exitCode ?? 0)
})

// Entry of out/main/cli.js (package.json bin → bin/armada.js → here).
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
