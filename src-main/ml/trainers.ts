import { FOREST_DEFAULTS, FOREST_PARAM_RULES, ForestTrainer } from './forest'
import { GBDT_DEFAULTS, GBDT_PARAM_RULES, GbdtTrainer } from './gbdt'
import { LOGREG_DEFAULTS, LOGREG_PARAM_RULES, LogregTrainer } from './logreg'
import { resolveParams } from './params'
import type { Trainer } from './types'

/** Algorithms Armada trains itself. */
export type Algo = 'gbdt' | 'rf' | 'extra-trees' | 'logreg'

/** The trainer for an algorithm name (as used by the CLI and the job runner). */
export function trainerFor(algo: string): Trainer<Record<string, unknown>> {
  switch (algo) {
    case 'gbdt':
      return new GbdtTrainer() as unknown as Trainer<Record<string, unknown>>
    case 'rf':
      return new ForestTrainer(false) as unknown as Trainer<Record<string, unknown>>
    case 'extra-trees':
    case 'et':
      return new ForestTrainer(true) as unknown as Trainer<Record<string, unknown>>
    case 'logreg':
      return new LogregTrainer() as unknown as Trainer<Record<string, unknown>>
    default:
      throw new Error(`unknown algorithm "${algo}" (gbdt, rf, extra-trees, logreg)`)
  }
}

/**
 * Checks an algorithm's parameters without training (what `fit` checks first), so a caller can refuse bad
 * `k=v` pairs before reading any data. Throws `TrainerParamError` naming the parameter, `Error` for an unknown algorithm.
 */
export function checkTrainerParams(algo: string, params: object): void {
  const name = trainerFor(algo).algo
  if (name === 'gbdt') resolveParams(name, GBDT_DEFAULTS, GBDT_PARAM_RULES, params)
  else if (name === 'logreg') resolveParams(name, LOGREG_DEFAULTS, LOGREG_PARAM_RULES, params)
  else resolveParams(name, FOREST_DEFAULTS, FOREST_PARAM_RULES, params)
}
