export { ApiError, errorLine } from './api-error'
export { guiWords, withGuiWording, GUI_HINT_WORDS } from './gui-wording'
export { connectWorkstation, type PageEnvironment, type Workstation } from './connect-workstation'
export { readSessionToken, rpcUrl, TOKEN_STORAGE_KEY } from './session-token'
export {
  toWorkstationApi,
  WsRpcClient,
  type ConnectionState,
  type ConnectionStatus,
  type SocketLike,
  type WsClientOptions,
} from './ws-client'
export {
  desktopFileSource,
  uploadFileSource,
  type ImportFileSource,
  type PickedFile,
  type XhrLike,
} from './import-file-source'
