/**
 * The WorkstationApi contract: every request/response method and every event topic the core offers.
 * Both shells (Electron IPC, WebSocket RPC) carry exactly this; the renderer only sees this interface.
 * Later capabilities add rows to `ApiMethods` and `ApiEvents`; each area's types live in their own file.
 */
export * from './methods'
export * from './events'
export * from './transport'
export * from './market'
export * from './jobs'
export * from './models'
export * from './forecasts'
export * from './backtests'
export * from './alerts'
export * from './signals'
export * from './follow'
