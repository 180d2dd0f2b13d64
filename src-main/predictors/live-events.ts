import type { ApiEvents, ApiTopic, Disposable } from '../../src-shared'

/**
 * The event bus as the live loops see it (the core's EventBus implements it): they subscribe to closed bars, registry
 * changes and jobs, and publish what they stored (forecasts, alerts, registered shipped models).
 */
export interface LiveEvents {
  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable
  publish<T extends ApiTopic>(topic: T, event: ApiEvents[T]): void
}
