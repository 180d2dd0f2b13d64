import { basename } from 'node:path'
import { detectFormat } from './detect-format'
import { readImportText } from './file-text'
import { hintsFromPath } from './file-name-hints'
import type { ImportFormat, ImportOptions } from './import-types'
import type { SeriesHints } from './parsed-file'

/** A file's decompressed text with its format (given or detected) and what its name says about the series. */
export interface ImportSource {
  readonly text: string
  /** The zip entry the text came from, or the file's name without `.gz`. */
  readonly entryName: string
  readonly format: ImportFormat
  readonly hints: SeriesHints
}

/** Reads a file for import (the importer and its parse worker alike). Throws {@link ImportError} when it cannot be read. */
export function readImportSource(
  path: string,
  options: Pick<ImportOptions, 'format' | 'inflateLimits'> = {},
): ImportSource {
  const { text, entryName } = readImportText(path, options.inflateLimits)
  const format: ImportFormat =
    options.format && options.format !== 'auto' ? options.format : detectFormat(path, entryName, text)
  return { text, entryName, format, hints: hintsFromPath(path, entryName === basename(path) ? undefined : entryName) }
}
