import type { AlertBasketSpec, DeviceChoice, LiveStrategySpec } from '../../src-shared'
import type { BinanceFeedOptions, InflateLimits } from '../data'
import type { AlertsConfig } from '../predictors'
import type { JobExecution } from './job-runner'

/** Where the core runs and what it connects to. Built by a shell (CLI flags, Electron argv) and passed to `createCore`. */
export interface CoreConfig {
  /** SQLite file; ':memory:' for throwaway cores. */
  readonly dbPath: string
  readonly shell: 'electron' | 'headless' | 'cli'
  /** Inference devices the user allows, best first: the GPU providers `auto` probes, in order (default webgpu, cuda). */
  readonly devices?: readonly ('cpu' | 'webgpu' | 'cuda')[]
  /** `--device`: where batch work runs (absent: the `inference.device` setting, else `auto`); live rows stay on cpu. */
  readonly device?: DeviceChoice
  /** The live feed: an exchange endpoint, or a replay on 127.0.0.1 (the embedded default). Absent: no feed. */
  readonly live?: LiveConfig
  /** The basket the predictive-alert loop scores (DOMAIN.md §2); the embedded default brings its own. Absent: alerts off. */
  readonly alerts?: AlertsConfig
  /** A basket chosen on the command line (`serve --alert-basket`): stored as the trader's choice before the loop starts. */
  readonly alertBasket?: AlertBasketSpec
  /** Strategies to run live from the start (`serve --strategies`), added to the stored `strategies.live`. */
  readonly strategies?: readonly LiveStrategySpec[]
  /** Where the private folder of uploaded files is made (default: the OS temp folder). */
  readonly uploadsDir?: string
  /** Caps on inflating gzip/zip files this core imports or replays (uploads included); absent fields keep the defaults. */
  readonly inflateLimits?: Partial<InflateLimits>
  /** Where jobs run (default `worker`); the CLI runs its one job `inline`, on its own thread. */
  readonly jobs?: JobExecution
  /** Prometheus metrics (`core.metrics`, served at `/metrics` by `armada serve`); default on. Off: nothing is timed for them. */
  readonly metrics?: boolean
}

/** Live data source. */
export type LiveConfig =
  | { readonly kind: 'exchange'; readonly feed: BinanceFeedOptions }
  | {
      readonly kind: 'replay'
      /** Files to replay; absent = the bundled real sample (resources/sample-data). */
      readonly files?: readonly string[]
      /** Bars per second streamed by the replay (default 2). */
      readonly barsPerSecond?: number
    }
