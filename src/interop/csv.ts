/**
 * CSV import with a column mapping, streaming through csv-parse.
 */
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { ValidationError } from '../errors/index.js';
import type { IngestItem } from '../store/ingest.js';
import type { Touchlog } from '../store/touchlog.js';
import { applyCsvMapping, checkColumns, parseCsvMapping, readCsvMapping, type CsvMapping, type CsvMappingInput, type CsvRow } from './csv-mapping.js';
import { openInput, type ImportInput } from './input.js';
import { runImport, type ImportOptions, type ImportReport, type ParsedRecord } from './run-import.js';

/** Options of {@link importCsv}. */
export interface CsvImportOptions extends ImportOptions {
  /** The mapping: an object, or the path of a JSON mapping file. See {@link CsvMappingSchema}. */
  readonly mapping: CsvMappingInput | CsvMapping | string;
}

/** Longest CSV record accepted, in characters (a larger one is rejected with its line). */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** Loads a mapping given as an object or a file path. */
export async function loadCsvMapping(mapping: CsvImportOptions['mapping']): Promise<CsvMapping> {
  return typeof mapping === 'string' ? readCsvMapping(mapping) : parseCsvMapping(mapping);
}

interface Skipped {
  line: number;
  message: string;
  code: string;
}

/**
 * Parses CSV rows into records with a mapping, streaming. The header is checked against the
 * mapping before the first row (a missing column is a `VALIDATION_FAILED` error and nothing is
 * read further). Rows that are malformed CSV (an unclosed quote, a wrong number of cells) or whose
 * cells cannot be converted become rejections with their line number.
 */
export async function* readCsv(input: ImportInput, mapping: CsvMappingInput | CsvMapping): AsyncGenerator<ParsedRecord> {
  const valid = parseCsvMapping(mapping);
  const opened = await openInput(input);
  yield* parseCsvChunks(opened.chunks, valid);
}

async function* parseCsvChunks(source: AsyncIterable<Uint8Array>, mapping: CsvMapping): AsyncGenerator<ParsedRecord> {
  const { csv } = mapping;
  let headerError: ValidationError | undefined;
  let width: number | undefined;
  const skipped: Skipped[] = [];
  const parser = parse({
    delimiter: csv.delimiter,
    quote: csv.quote,
    encoding: csv.encoding,
    bom: true,
    from_line: csv.skipLines + 1,
    ...(csv.comment !== undefined ? { comment: csv.comment } : {}),
    columns: csv.header
      ? (header: string[]) => {
          const names = header.map((name) => String(name).trim());
          try {
            checkColumns(mapping, names);
          } catch (error) {
            headerError = error as ValidationError;
          }
          return names;
        }
      : false,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (error: CsvError | undefined) => {
      if (!error) return undefined;
      skipped.push({ line: Number(error['lines'] ?? 0), message: error.message, code: error.code });
      return undefined;
    },
  });
  const feed = Readable.from(source);
  feed.on('error', (error) => parser.destroy(error));
  feed.pipe(parser);

  let index = 0;
  let previousEnd = csv.skipLines + (csv.header ? 1 : 0);
  let previousSkippedLines = 0;
  const flushSkipped = function* (before: number): Generator<ParsedRecord> {
    skipped.sort((a, b) => a.line - b.line);
    while (skipped.length > 0 && skipped[0]!.line < before) {
      const skip = skipped.shift()!;
      previousEnd = Math.max(previousEnd, skip.line);
      yield {
        at: { index: index++, line: skip.line },
        rejection: {
          model: mapping.model,
          code: 'VALIDATION_FAILED',
          message: `line ${skip.line} is not a valid CSV row: ${skip.message}`,
          issues: [{ code: 'invalid_csv', path: [], message: skip.message }],
        },
      };
    }
  };

  for await (const { record, info } of parser as AsyncIterable<{ record: CsvRow; info: { lines: number; empty_lines: number; comment_lines: number } }>) {
    if (headerError) throw headerError;
    if (!csv.header && width === undefined) {
      width = (record as unknown[]).length;
      checkColumns(mapping, undefined, width);
    }
    yield* flushSkipped(info.lines);
    const skippedLines = info.empty_lines + info.comment_lines;
    const line = previousEnd + 1 + (skippedLines - previousSkippedLines);
    previousSkippedLines = skippedLines;
    previousEnd = info.lines;
    const mapped = applyCsvMapping(mapping, record);
    const at = { index: index++, line };
    if ('issues' in mapped) {
      yield {
        at,
        rejection: {
          model: mapping.model,
          code: 'VALIDATION_FAILED',
          message: new ValidationError(`CSV row on line ${line}`, mapped.issues).message,
          issues: mapped.issues,
        },
      };
    } else {
      yield { at, item: { model: mapping.model, data: mapped.data } as IngestItem };
    }
  }
  if (headerError) throw headerError;
  yield* flushSkipped(Number.POSITIVE_INFINITY);
}

/**
 * Imports a CSV file with a column mapping, streaming in constant memory. Each row becomes one
 * record of the mapping's model; map a `source.system` and `source.externalId` so that running the
 * same file again changes nothing.
 *
 * @throws {ValidationError} `VALIDATION_FAILED` for an invalid mapping, or a column the mapping
 *   names that the file does not have (before anything is stored)
 *
 * @example
 * ```ts
 * import { importCsv } from 'touchlog/interop';
 *
 * const report = await importCsv(log, 'invoices.csv', { mapping: 'invoices.mapping.json' });
 * console.log(`${report.created} created, ${report.rejected} rejected`);
 * ```
 */
export async function importCsv(log: Touchlog, input: ImportInput, options: CsvImportOptions): Promise<ImportReport> {
  const mapping = await loadCsvMapping(options?.mapping);
  const opened = await openInput(input);
  return runImport(log, parseCsvChunks(opened.chunks, mapping), opened, options);
}
