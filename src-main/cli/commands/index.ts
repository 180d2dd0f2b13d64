import type { Command } from '../command'
import { backtestCommand } from './backtest'
import { dbCheckCommand } from './db'
import { featuresCommand } from './features'
import { indicatorsCommand } from './indicators'
import { mlCommands } from './ml'
import { MODELS_COMMANDS } from './models'
import { serveCommand } from './serve'
import { TRAIN_COMMANDS } from './train'
import { trainRegimeCommand } from './train-predictors'

/** Every `armada` command. Add a command: write `commands/<name>.ts` exporting a Command, list it here. */
export const COMMANDS: readonly Command[] = [serveCommand, dbCheckCommand, indicatorsCommand, featuresCommand, ...mlCommands, ...MODELS_COMMANDS, ...TRAIN_COMMANDS, trainRegimeCommand, backtestCommand]
