/**
 * NDJSON import: one record per line.
 */
import { ValidationError } from '../errors/index.js';
import type { IngestItem } from '../store/ingest.js';
import type { Touchlog } from '../store/touchlog.js';
import { decodeUtf8, openInput, splitLines, type ImportInput } from './input.js';
import { INGEST_MODELS, isIngestModel, type IngestModel } from './models.js';
import { runImport, type ImportOptions, type ImportReport, type ParsedRecord } from './run-import.js';

/** Options of {@link importNdjson} and {@link readNdjson}. */
export interface NdjsonOptions {
  /**
   * The model of lines that are a plain record rather than a `{ "model", "data" }` envelope. Without
   * it, every line must be an envelope.
   */
  readonly model?: IngestModel;
  /** Longest line accepted, in bytes; 16 MiB when not given. Longer lines are rejected (and skipped). */
  readonly maxLineBytes?: number;
}

/** Default longest NDJSON line: 16 MiB (a message body of a million characters, escaped, fits). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkOptions(options: NdjsonOptions): void {
  if (options.model !== undefined && !isIngestModel(options.model)) {
    throw new ValidationError('NDJSON options', [{ code: 'invalid_value', path: ['model'], message: `must be one of ${INGEST_MODELS.join(', ')}` }]);
  }
  const max = options.maxLineBytes;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw new ValidationError('NDJSON options', [{ code: 'invalid_value', path: ['maxLineBytes'], message: 'must be a positive integer' }]);
  }
}

/**
 * Reads one NDJSON line into an ingest item, or says why it cannot be one.
 *
 * A line is either an envelope, `{"model":"interaction","data":{...}}` (exactly these two keys), or,
 * when `model` is given, a plain record of that model. Blank lines are skipped by the reader.
 */
export function ndjsonLineToItem(text: string, model?: IngestModel): { item: IngestItem } | { code: string; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { code: 'invalid_json', message: `is not valid JSON (${(error as Error).message})` };
  }
  if (!isPlainObject(value)) return { code: 'invalid_type', message: 'must be a JSON object' };
  const keys = Object.keys(value);
  const envelope = keys.length === 2 && keys.includes('model') && keys.includes('data');
  if (envelope) {
    if (!isIngestModel(value['model'])) {
      return { code: 'invalid_value', message: `has model ${JSON.stringify(value['model'])}; it must be one of ${INGEST_MODELS.join(', ')}` };
    }
    return { item: { model: value['model'], data: value['data'] } as IngestItem };
  }
  if (model !== undefined) return { item: { model, data: value } as IngestItem };
  return {
    code: 'invalid_value',
    message: 'must be {"model": ..., "data": {...}} (or give a default model for plain records)',
  };
}

/**
 * Parses an NDJSON input into records, streaming: one line in memory at a time. Malformed lines
 * (invalid JSON, invalid UTF-8, too long, not an object, unknown model) become rejections with
 * their line number; they never stop the import.
 */
export async function* readNdjson(input: ImportInput, options: NdjsonOptions = {}): AsyncGenerator<ParsedRecord> {
  checkOptions(options);
  const opened = await openInput(input);
  yield* parseNdjsonChunks(opened.chunks, options);
}

async function* parseNdjsonChunks(chunks: AsyncIterable<Uint8Array>, options: NdjsonOptions): AsyncGenerator<ParsedRecord> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let index = 0;
  for await (const line of splitLines(chunks, maxLineBytes)) {
    const reject = (code: string, message: string): ParsedRecord => ({
      at: { index: index++, line: line.number },
      rejection: { model: 'unknown', code: 'VALIDATION_FAILED', message: `line ${line.number} ${message}`, issues: [{ code, path: [], message }] },
    });
    if (line.bytes === undefined) {
      yield reject('too_big', `is longer than ${maxLineBytes} bytes`);
      continue;
    }
    const text = decodeUtf8(line.bytes, line.number === 1);
    if (text === undefined) {
      yield reject('invalid_encoding', 'is not valid UTF-8');
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = ndjsonLineToItem(text, options.model);
    if ('item' in parsed) yield { at: { index: index++, line: line.number }, item: parsed.item };
    else yield reject(parsed.code, parsed.message);
  }
}

/**
 * Imports NDJSON — one record per line — into a touchlog, streaming in constant memory.
 *
 * Line format: `{"model":"<model>","data":{<the model's input>}}`, where `<model>` is `customer`,
 * `interaction`, `communication`, `financialRecord` or `followUp` and `data` is what
 * `log.<collection>.record()` accepts. With `model`, a line may instead be a plain record of that
 * model. Blank lines are skipped. Records with a `source` key are idempotent: running the same
 * file again changes nothing.
 *
 * @returns the ingest report; every rejection carries the record's `index` (from 0, counting
 *   every non-blank line) and its `line` number.
 *
 * @example
 * ```ts
 * import { importNdjson } from 'touchlog/interop';
 *
 * const report = await importNdjson(log, 'records.ndjson', { onProgress: (p) => console.log(p.processed) });
 * for (const r of report.rejections) console.error(`line ${r.line}: ${r.message}`);
 * ```
 */
export async function importNdjson(log: Touchlog, input: ImportInput, options: NdjsonOptions & ImportOptions = {}): Promise<ImportReport> {
  checkOptions(options);
  const opened = await openInput(input);
  return runImport(log, parseNdjsonChunks(opened.chunks, options), opened, options);
}
