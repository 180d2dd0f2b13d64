/** Where the core runs and what it connects to. Built by a shell (CLI flags, Electron argv) and passed to `createCore`. */
export interface CoreConfig {
  /** SQLite file; ':memory:' for throwaway cores. */
  readonly dbPath: string
  readonly shell: 'electron' | 'headless' | 'cli'
  /** Inference devices the user allows, best first (later issues use it). */
  readonly devices?: readonly ('cpu' | 'webgpu' | 'cuda')[]
  /** Live feed endpoints, when a feed should run. */
  readonly feed?: FeedConfig
}

/** Live feed connection (Binance protocol; the embedded replay serves the same protocol on 127.0.0.1). */
export interface FeedConfig {
  readonly wsBase: string
  readonly restBase: string
  readonly symbols: readonly string[]
  readonly timeframe: string
  readonly venue: string
  readonly market: 'spot' | 'futures'
}
