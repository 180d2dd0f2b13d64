import type { ApiErrorPayload } from '../../src-shared'

/** Error of one api call, already phrased as one line for the status bar (STYLE.md "report at the edges"). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorPayload['code'] | 'disconnected' | 'timeout',
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** One line for the UI from anything a call can throw: no stack, no newlines. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.split('\n')[0].trim() || 'unknown error'
}
