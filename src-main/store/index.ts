/** SQLite persistence: the database handle, migrations and one repository per table family. */
export {
  openDatabase,
  defaultDatabasePath,
  demoDatabasePath,
  DatabaseOpenError,
  type Db,
  type OpenDatabaseOptions,
} from './database'
export { MIGRATIONS, migrate, schemaVersion, latestSchemaVersion, type Migration } from './migrations'
export { WalCheckpointer, type WalCheckpointerOptions, type CheckpointReport } from './wal-checkpointer'
export { SqliteBarStore, type SeriesKey, type BarRange, type UpsertCounts, type SeriesInfo } from './bar-store'
export { SqliteInstrumentStore } from './instrument-store'
export { SqliteSettingsStore } from './settings-store'
export { SqliteJobStore } from './job-store'
export { dbCheckJob, type DbCheckResult } from './db-check-job'
export {
  SqliteTradeStore,
  SqliteFundingStore,
  SqliteMarkPriceStore,
  SqliteLiquidationStore,
  SqliteBookTopStore,
  SqliteDepthStore,
  BOOK_RETENTION_SETTING,
  DEFAULT_BOOK_RETENTION_HOURS,
  syntheticTradeId,
  type DepthSnapshot,
  type Retention,
  type EventStore,
  type InstrumentKey,
  type EventRange,
  type MarkPrice,
} from './market-event-stores'
export {
  SqliteModelRegistryStore,
  REGISTRY_TABLES,
  type ModelVersionRow,
  type AliasRow,
  type AliasHistoryRow,
  type GateRow,
  type AbTestRow,
  type AbSampleRow,
  type DriftReportRow,
  type RetrainingRunRow,
} from './model-registry-store'
export { SqliteFeatureCacheStore, type CachedFeatures } from './feature-cache-store'
export { SqlitePredictionStore, type PredictionRow, type NewPrediction } from './prediction-store'
export { SqliteBacktestStore, type BacktestEquityPoint, type NewBacktestRun } from './backtest-store'
export { SqliteSweepStore, type NewSweep } from './sweep-store'
export { SqliteAlertStore, type NewAlert, type AlertFilter, type AlertModelRecord } from './alert-store'
export { SqliteSignalStore, type StoredSignal } from './signal-store'
