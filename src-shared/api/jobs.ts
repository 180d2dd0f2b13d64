import type { Timeframe } from '../domain'

// ── Background jobs and imports ─────────────────────────────────────────────────────────────────────────

/** Request to start a background job: a kind of src-shared/job-requests.ts and its request, parsed by `parseJob`. */
export interface JobRequest {
  readonly kind: string
  readonly params?: unknown
}

/**
 * Files to import: paths on the workstation's disk, and/or files uploaded to the headless shell (`POST /api/uploads`,
 * their ids; deleted once the import ends). At least one of the two. Anything absent is inferred.
 */
export interface ImportRequest {
  readonly files: readonly string[]
  readonly uploads?: readonly string[]
  readonly format?: string
  readonly symbol?: string
  readonly venue?: string
  readonly timeframe?: Timeframe
}

/** A file received by `POST /api/uploads?name=…` (headless shell), waiting for `importFiles({ uploads: [id] })`. */
export interface UploadedFile {
  readonly id: string
  /** The sanitised file name it is stored (and reported) under. */
  readonly name: string
  readonly size: number
}
