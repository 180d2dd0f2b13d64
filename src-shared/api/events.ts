import type { JobInfo, StoredBar } from '../domain'
import type { AlertEvent } from './alerts'
import type { PredictionEvent } from './forecasts'
import type { FeedStatusEvent } from './market'
import type { ModelsEvent } from './models'
import type { SignalEvent } from './signals'

/** Event topics pushed to subscribers. */
export interface ApiEvents {
  bar: StoredBar
  job: JobInfo
  status: FeedStatusEvent
  models: ModelsEvent
  prediction: PredictionEvent
  alert: AlertEvent
  signal: SignalEvent
}

/** A live-update topic a client can subscribe to. */
export type ApiTopic = keyof ApiEvents

// A record, so a topic added to ApiEvents does not compile until it is listed here too.
const TOPIC_LIST: Readonly<Record<ApiTopic, true>> = {
  bar: true,
  job: true,
  status: true,
  models: true,
  prediction: true,
  alert: true,
  signal: true,
}

/** Every live-update topic, in ApiEvents order: what the preload, the Electron shell and the WebSocket RPC allow. */
export const API_TOPICS: readonly ApiTopic[] = Object.keys(TOPIC_LIST) as ApiTopic[]
