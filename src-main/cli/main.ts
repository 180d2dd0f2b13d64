import { runCli } from './run-cli'

// Entry of out/main/cli.js (package.json bin → bin/armada.js → here).
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
