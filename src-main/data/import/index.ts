/** Market data files in: format detection, parsers, per-row validation and the transactional importer. */
export {
  DEFAULT_INFLATE_LIMITS,
  IMPORT_FORMATS,
  isImportFormat,
  ImportError,
  type ImportFormat,
  type ImportOptions,
  type InflateLimits,
  type FileImportReport,
  type RejectedRow,
  type Gap,
  type RecordKind,
} from './import-types'
export {
  MarketDataImporter,
  parseImportFile,
  seriesSymbol,
  type MarketDataImporterOptions,
} from './market-data-importer'
export { validateRecords, type ValidatedFile } from './validate-records'
export { importJob, importedFileSummary, type ImportJobOutcome } from './import-job'
