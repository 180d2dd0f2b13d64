import type { Instrument, JobInfo, StoredBar, Timeframe } from './domain'

/**
 * The WorkstationApi contract: every request/response method and every event topic the core offers.
 * Both shells (Electron IPC, WebSocket RPC) carry exactly this; the renderer only sees this interface.
 * Later capabilities add rows to `ApiMethods` and `ApiEvents`.
 */

/** Health of the running core. */
export interface Health {
  readonly ok: true
  readonly version: string
  readonly database: string
  readonly schemaVersion: number
  readonly uptimeMs: number
  readonly shell: 'electron' | 'headless' | 'cli'
}

/** Query for stored bars. `limit` caps the answer at the most recent bars inside the range. */
export interface BarsQuery {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly from?: number
  readonly to?: number
  readonly limit?: number
}

/** A series that has stored bars. */
export interface SeriesSummary {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly count: number
  readonly first: number
  readonly last: number
}

/** Request to start a background job of a registered kind. */
export interface JobRequest {
  readonly kind: string
  readonly params?: Readonly<Record<string, unknown>>
}

/** Files to import on the workstation's disk (server-local paths); anything absent is inferred. */
export interface ImportRequest {
  readonly files: readonly string[]
  readonly format?: string
  readonly symbol?: string
  readonly venue?: string
  readonly timeframe?: Timeframe
}

/** Request/response methods: `params` and `result` per method. */
export interface ApiMethods {
  health: { params: void; result: Health }
  listInstruments: { params: void; result: Instrument[] }
  listSeries: { params: void; result: SeriesSummary[] }
  getBars: { params: BarsQuery; result: StoredBar[] }
  listJobs: { params: { limit?: number } | void; result: JobInfo[] }
  startJob: { params: JobRequest; result: JobInfo }
  cancelJob: { params: { id: string }; result: JobInfo }
  getSetting: { params: { key: string }; result: unknown }
  setSetting: { params: { key: string; value: unknown }; result: void }
  importFiles: { params: ImportRequest; result: JobInfo }
  getFeedStatus: { params: void; result: FeedStatusEvent }
}

/** Methods that change state: the headless shell requires the per-run token for these. */
export const MUTATING_METHODS: ReadonlySet<keyof ApiMethods> = new Set<keyof ApiMethods>(['startJob', 'cancelJob', 'setSetting', 'importFiles'])

/** All method names, for validating incoming calls. */
export const API_METHOD_NAMES: readonly (keyof ApiMethods)[] = [
  'health',
  'listInstruments',
  'listSeries',
  'getBars',
  'listJobs',
  'startJob',
  'cancelJob',
  'getSetting',
  'setSetting',
  'importFiles',
  'getFeedStatus',
]

/** Event topics pushed to subscribers. */
export interface ApiEvents {
  bar: StoredBar
  job: JobInfo
  status: FeedStatusEvent
}

/** Live feed health as the UI shows it: state plus lag, throughput and error counters. */
export interface FeedStatusEvent {
  readonly feed: 'connected' | 'disconnected' | 'replay' | 'off'
  /** One line: endpoint and lag, or why there is no feed. */
  readonly detail?: string
  /** Where the feed comes from: the embedded replay on 127.0.0.1 or an exchange endpoint. */
  readonly source?: 'replay' | 'exchange'
  readonly url?: string
  readonly lagMs?: number
  readonly messagesPerSecond?: number
  readonly messages?: number
  readonly malformed?: number
  readonly errors?: number
  readonly reconnects?: number
  readonly backfilledBars?: number
  readonly lastMessageAt?: number
}

export type ApiMethod = keyof ApiMethods
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params']
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result']
export type ApiTopic = keyof ApiEvents

/** Something that can be released; `subscribe` returns one. */
export interface Disposable {
  dispose(): void
}

/** The contract as an object: one async function per method plus event subscription. */
export type WorkstationApi = {
  [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResult<M>>
} & {
  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable
}

/** Error carried across a transport: a one-line message and a code (`bad-request`, `unauthorized`, `failed`). */
export interface ApiErrorPayload {
  readonly code: 'bad-request' | 'unauthorized' | 'not-found' | 'failed'
  readonly message: string
}

/** Wire format of the WebSocket RPC at `/rpc`. */
export type RpcClientMessage =
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly params?: unknown; readonly token?: string }
  | { readonly type: 'subscribe'; readonly topic: string }
  | { readonly type: 'unsubscribe'; readonly topic: string }

export type RpcServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: ApiErrorPayload }
  | { readonly type: 'event'; readonly topic: string; readonly event: unknown }
  | { readonly type: 'hello'; readonly version: string }
