/** Transport adapters of the WorkstationApi: validated dispatch, WebSocket RPC + REST server, Prometheus metrics. */
export { dispatch, isApiMethod, toErrorPayload, ApiError } from './dispatch'
export { HeadlessServer, RENDERER_CSP, type HeadlessServerOptions, type ServerAddress, type RestHandler, type UploadSink } from './http-server'
