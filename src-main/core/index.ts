/** Composition root: `createCore(config)` builds the workstation core for any shell. Never imports 'electron'. */
export { createCore, EMBEDDED_ALERT_BASKET, EMBEDDED_VENUE, WorkstationCore } from './core'
export type { CoreConfig, LiveConfig } from './config'
export { LiveFeedService, feedStatusEvent } from './live-feed'
export { EventBus } from './event-bus'
export { JobRunner, type JobExecution, type JobRunnerOptions } from './job-runner'
export { JOB_HANDLERS, runJobHandler } from './job-handlers'
export { JOB_QUEUE_NAME, QueueShardExecutor, redisConnection, SWEEP_SHARD_JOB } from './job-queue'
export { QueueWorker, type QueueWorkerOptions } from './queue-worker'
export { ARMADA_VERSION } from './version'
// Where databases live and why one cannot be opened: what a shell needs before it builds a core.
export { DatabaseOpenError, defaultDatabasePath, demoDatabasePath } from '../store'
