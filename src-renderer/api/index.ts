export { ApiError, errorLine } from './api-error'
export { connectWorkstation, type PageEnvironment, type Workstation } from './connect-workstation'
export { readSessionToken, rpcUrl, TOKEN_STORAGE_KEY } from './session-token'
export { toWorkstationApi, WsRpcClient, type ConnectionState, type ConnectionStatus, type SocketLike, type WsClientOptions } from './ws-client'
