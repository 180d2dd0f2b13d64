// Preloaded (`node --require`) into a CLI child process by runArmadaMeasured: writes the process's peak resident set
// size in KiB (all threads) to $ARMADA_PEAK_RSS_FILE when it exits, so tests can bound memory without timing anything.
const { writeFileSync } = require('node:fs')

process.on('exit', () => {
  if (process.env.ARMADA_PEAK_RSS_FILE)
    writeFileSync(process.env.ARMADA_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS))
})
