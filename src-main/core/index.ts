/** Composition root: `createCore(config)` builds the workstation core for any shell. Never imports 'electron'. */
export { createCore, TRAIN_JOB_KIND, WorkstationCore } from './core'
export type { CoreConfig, LiveConfig } from './config'
export { LiveFeedService, feedStatusEvent } from './live-feed'
export { EventBus } from './event-bus'
export { JobRunner } from './job-runner'
export { JOB_KINDS, type JobHandler, type JobContext } from './job-kinds'
export { ARMADA_VERSION } from './version'
export { FeatureService, type FeatureTable } from './feature-service'
