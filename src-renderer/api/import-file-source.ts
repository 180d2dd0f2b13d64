import type { ApiErrorPayload, DesktopShellApi, UploadedFile } from '../../src-shared'
import { ApiError } from './api-error'

/** A file the user picked or dropped (a DOM `File`; only what the renderer reads of it). */
export interface PickedFile {
  readonly name: string
  readonly size: number
}

/**
 * How picked or dropped files reach the import job: the desktop shell names their paths on disk (native dialog, or the
 * path of a dropped file); web mode uploads their bytes to the headless shell and imports the uploads.
 */
export type ImportFileSource =
  | { readonly kind: 'desktop'; pick(): Promise<string[]>; pathOf(file: PickedFile): string }
  | {
      readonly kind: 'upload'
      upload(file: PickedFile, onProgress: (sentBytes: number) => void): Promise<UploadedFile>
    }

/** The native dialog and dropped-file paths of the Electron preload's `window.armadaDesktop`. */
export function desktopFileSource(desktop: DesktopShellApi): ImportFileSource {
  return { kind: 'desktop', pick: () => desktop.pickImportFiles(), pathOf: (file) => desktop.pathForFile(file) }
}

/** The parts of `XMLHttpRequest` an upload uses (it reports upload progress; `fetch` does not). */
export interface XhrLike {
  open(method: string, url: string): void
  setRequestHeader(name: string, value: string): void
  send(body: unknown): void
  readonly status: number
  readonly responseText: string
  readonly upload: { addEventListener(type: 'progress', listener: (e: { loaded: number }) => void): void }
  addEventListener(type: 'load' | 'error', listener: () => void): void
}

/**
 * Uploads one file at a time to `POST /api/uploads?name=…` on the page's own origin with the session token, reporting
 * bytes sent; a refusal (no token, over the size limit) rejects with the server's one-line reason.
 */
export function uploadFileSource(opts: { token: string | undefined; newXhr: () => XhrLike }): ImportFileSource {
  return {
    kind: 'upload',
    upload: (file, onProgress) =>
      new Promise<UploadedFile>((resolve, reject) => {
        const xhr = opts.newXhr()
        xhr.open('POST', `/api/uploads?name=${encodeURIComponent(file.name)}`)
        if (opts.token) xhr.setRequestHeader('Authorization', `Bearer ${opts.token}`)
        xhr.setRequestHeader('Content-Type', 'application/octet-stream')
        xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded))
        xhr.addEventListener('error', () =>
          reject(
            new ApiError('disconnected', `${file.name}: the upload broke off (is the workstation still running?)`),
          ),
        )
        xhr.addEventListener('load', () => {
          let body: unknown
          try {
            body = JSON.parse(xhr.responseText)
          } catch {
            body = undefined
          }
          if (
            xhr.status === 200 &&
            typeof body === 'object' &&
            body !== null &&
            typeof (body as UploadedFile).id === 'string'
          )
            return resolve(body as UploadedFile)
          const error = (body as { error?: ApiErrorPayload } | undefined)?.error
          reject(
            new ApiError(
              error?.code ?? 'failed',
              error?.message ?? `${file.name}: upload refused (HTTP ${xhr.status})`,
            ),
          )
        })
        xhr.send(file)
      }),
  }
}
