import type { Command } from '../command'
import { backtestCommand } from './backtest'
import { barsCommand } from './bars'
import { dbCheckCommand } from './db'
import { featuresCommand } from './features'
import { importCommand } from './import'
import { indicatorsCommand } from './indicators'
import { mlCommands } from './ml'
import { MODELS_COMMANDS } from './models'
import { replayCommand } from './replay'
import { serveCommand } from './serve'
import { TRAIN_COMMANDS } from './train'
import { trainHmmCommand } from './train-hmm'
import { trainAlertsCommand, trainRegimeCommand } from './train-predictors'
import { trainSignalQualityCommand } from './train-signal-quality'

/** Every `armada` command. Add a command: write `commands/<name>.ts` exporting a Command, list it here. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  importCommand,
  barsCommand,
  replayCommand,
  dbCheckCommand,
  indicatorsCommand,
  featuresCommand,
  ...mlCommands,
  ...MODELS_COMMANDS,
  ...TRAIN_COMMANDS,
  trainRegimeCommand,
  trainAlertsCommand,
  trainSignalQualityCommand,
  trainHmmCommand,
  backtestCommand,
]
