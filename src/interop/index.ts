/**
 * Getting data in and out: NDJSON and CSV (with a column mapping) imports, email (`.eml`, mbox)
 * into threaded communication records, NDJSON exports of a timeline or a tenant, and the JSON
 * Schema of every model. `import { importNdjson, importCsv, importMbox } from 'touchlog/interop'`.
 *
 * Every import streams in bounded memory, reports progress, is idempotent on re-run (through source
 * keys) and returns every rejected record with its reason and position. See docs/interop.md.
 *
 * @module touchlog/interop
 */
export type { ImportInput } from './input.js';
export {
  runImport,
  type ImportOptions,
  type ImportPosition,
  type ImportProgress,
  type ImportRejection,
  type ImportReport,
  type ParsedRecord,
  type ReadMeter,
} from './run-import.js';
export { INGEST_MODELS, isIngestModel, type IngestModel } from './models.js';
export { importNdjson, readNdjson, ndjsonLineToItem, DEFAULT_MAX_LINE_BYTES, type NdjsonOptions } from './ndjson.js';
export {
  applyCsvMapping,
  checkColumns,
  CsvFieldSchema,
  CsvMappingSchema,
  CSV_TRANSFORMS,
  parseCsvMapping,
  readCsvMapping,
  type CsvMapping,
  type CsvMappingInput,
  type CsvRow,
  type CsvTransform,
} from './csv-mapping.js';
export { importCsv, readCsv, loadCsvMapping, type CsvImportOptions } from './csv.js';
export { parseEmail, directionOf, isOurAddress, normaliseDomains, type EmailOptions, type ParsedEmail } from './email/parse-email.js';
export { splitMbox, envelopeOf, type MboxMessage } from './email/mbox.js';
export { htmlToText, decodeEntities } from './email/html-text.js';
export { importMbox, importEml, DEFAULT_MAX_MESSAGE_BYTES, type EmailImportOptions } from './email/import-email.js';
export {
  exportTimeline,
  exportTenant,
  modelJsonSchemas,
  writeJsonSchemas,
  type ExportLine,
  type TenantExportOptions,
  type TimelineExportLine,
} from './export.js';
export { parseCustomerRef, resolveCustomerRef } from './customer-ref.js';
export { summariseTimelineEntry, type EntrySummary } from './describe.js';
export { readInvoiceTable, type InvoiceTable, type InvoiceTableField, type InvoiceTableOptions, type TableDateFormat } from './invoice-table.js';
export {
  exportRestorable,
  readRestorable,
  restoreTenant,
  RESTORABLE_FORMAT,
  RESTORABLE_VERSION,
  type RestorableExportOptions,
  type RestoreTenantOptions,
  type RestoreReport,
  type SnapshotCounts,
  type SnapshotItem,
  type SnapshotRecord,
} from './restorable.js';
