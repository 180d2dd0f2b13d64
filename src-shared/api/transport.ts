/** Error carried across a transport: a one-line message and a code (`bad-request`, `unauthorized`, `failed`). */
export interface ApiErrorPayload {
  readonly code: 'bad-request' | 'unauthorized' | 'not-found' | 'failed'
  readonly message: string
}

/**
 * An expected refusal thrown by the core for a call it cannot take: `not-found` for a thing named that does not exist
 * (a job, a backtest, an alert, an upload, a stored series), `bad-request` for a value it does not know. Transports pass
 * the code on (HTTP 404 / 400); any other error is a failure (500). The message is one line for the user.
 */
export class CallRefused extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found',
    message: string,
  ) {
    super(message)
    this.name = 'CallRefused'
  }
}

/** Wire format of the WebSocket RPC at `/rpc`. */
export type RpcClientMessage =
  | {
      readonly type: 'call'
      readonly id: number
      readonly method: string
      readonly params?: unknown
      readonly token?: string
    }
  | { readonly type: 'subscribe'; readonly topic: string }
  | { readonly type: 'unsubscribe'; readonly topic: string }

/** What the server sends on `/rpc`: a call's result or error, a subscribed event, or the greeting. */
export type RpcServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: ApiErrorPayload }
  | { readonly type: 'event'; readonly topic: string; readonly event: unknown }
  | { readonly type: 'hello'; readonly version: string }
