/** Transport adapters of the WorkstationApi: validated dispatch, WebSocket RPC + REST server, Prometheus metrics. */
export { dispatch, isApiMethod, toErrorPayload, ApiError } from './dispatch'
export { DEFAULT_CONNECTION_LIMITS, HeadlessServer, MIN_TOKEN_LENGTH, RENDERER_CSP, tokenProblem, type ConnectionLimits, type HeadlessServerOptions, type ServerAddress, type RestHandler, type UploadSink } from './http-server'
export { resolveStaticPath, staticContentType } from './static-files'
