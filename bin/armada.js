#!/usr/bin/env node
// Launcher for the `armada` command: runs the built CLI (npm run build creates out/main/cli.js).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(built)) {
  process.stderr.write('armada: not built yet — run `npm run build` first\n')
  process.exit(1)
}
require(built)
