import { ForestTrainer } from './forest'
import { GbdtTrainer } from './gbdt'
import { LogregTrainer } from './logreg'
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
  trainerFor(algo).params(params)
}
