/**
 * The common path of every import: parsed records go through `log.ingest` in batches; records
 * that could not even be parsed are rejected here, with the same report shape, and every
 * rejection names where the record was in the input (line, file).
 */
import type { IngestItem, IngestProgress, IngestRejection } from '../store/ingest.js';
import type { ResolveOptions } from '../store/resolve.js';
import type { Touchlog } from '../store/touchlog.js';

/** Where a record was in the input. */
export interface ImportPosition {
  /** Position of the record in the input, from 0 (every record counts, including rejected ones). */
  readonly index: number;
  /** 1-based line where the record starts (NDJSON, CSV, mbox). */
  readonly line?: number;
  /** The file it came from (`.eml` imports of several files). */
  readonly file?: string;
}

/** A record that was not stored, and why: an ingest rejection plus where it was in the input. */
export interface ImportRejection extends IngestRejection {
  /** 1-based line where the record starts (NDJSON, CSV, mbox). */
  readonly line?: number;
  /** The file it came from (`.eml` imports). */
  readonly file?: string;
}

/** Progress of an import. Counts are those of `log.ingest`, plus records rejected while parsing. */
export interface ImportProgress extends IngestProgress {
  /**
   * `reading`: the input is being parsed (email imports read everything once, to thread it, before
   * writing); `writing`: records are being stored (`processed` grows).
   */
  readonly phase: 'reading' | 'writing';
  /** Records read from the input so far. */
  readonly read: number;
  /** Bytes of the input read so far. */
  readonly bytesRead: number;
  /** Size of the input in bytes, when known (files). */
  readonly bytesTotal: number | undefined;
}

/** Result of an import: what happened to every record, and every rejection with its reason and position. */
export interface ImportReport extends IngestProgress {
  /**
   * The rejections, in input order, each with `index` (record position from 0) and, where it
   * applies, `line` and `file`. At most `maxRejections` are kept; `rejected` is always complete.
   */
  readonly rejections: ImportRejection[];
}

/** Options every import takes. */
export interface ImportOptions extends ResolveOptions {
  /** Records per transaction; 500 when not given. */
  readonly batchSize?: number;
  /** Called after each committed batch (and, for email imports, while reading). */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Called for every rejected record, as it happens. */
  readonly onRejection?: (rejection: ImportRejection) => void;
  /** How many rejections the report keeps; 10 000 when not given. */
  readonly maxRejections?: number;
  /** Stops after the batch in progress; the import then rejects with an `ABORTED` error. */
  readonly signal?: AbortSignal;
}

/** A record parsed from an input, or why it could not be. */
export type ParsedRecord =
  | { readonly at: ImportPosition; readonly item: IngestItem }
  | { readonly at: ImportPosition; readonly rejection: Omit<ImportRejection, 'index' | 'line' | 'file'> };

/** How far reading has got, for progress. */
export interface ReadMeter {
  bytesRead(): number;
  readonly bytesTotal: number | undefined;
}

const withPosition = (rejection: Omit<ImportRejection, 'index' | 'line' | 'file'>, at: ImportPosition): ImportRejection => ({
  ...rejection,
  index: at.index,
  ...(at.line !== undefined ? { line: at.line } : {}),
  ...(at.file !== undefined ? { file: at.file } : {}),
});

/**
 * Stores parsed records through `log.ingest` and returns the import report. Memory stays bounded:
 * positions are kept only for the records of the batch in flight.
 */
export async function runImport(log: Touchlog, records: AsyncIterable<ParsedRecord>, meter: ReadMeter, options: ImportOptions = {}): Promise<ImportReport> {
  const maxRejections = options.maxRejections ?? 10_000;
  const rejections: ImportRejection[] = [];
  let parseRejected = 0;
  let read = 0;
  const positions = new Map<number, ImportPosition>();
  let next = 0;
  const keep = (rejection: ImportRejection) => {
    if (rejections.length < maxRejections) rejections.push(rejection);
    options.onRejection?.(rejection);
  };

  async function* items(): AsyncGenerator<IngestItem> {
    for await (const record of records) {
      read++;
      if ('rejection' in record) {
        parseRejected++;
        keep(withPosition(record.rejection, record.at));
        continue;
      }
      positions.set(next++, record.at);
      yield record.item;
    }
  }

  const combine = (progress: IngestProgress): IngestProgress => ({
    ...progress,
    processed: progress.processed + parseRejected,
    rejected: progress.rejected + parseRejected,
  });

  const report = await log.ingest(items(), {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.createMissingCustomers !== undefined ? { createMissingCustomers: options.createMissingCustomers } : {}),
    ...(options.ourDomains !== undefined ? { ourDomains: options.ourDomains } : {}),
    maxRejections: 0,
    onRejection: (rejection) => {
      const at = positions.get(rejection.index) ?? { index: rejection.index };
      const { index: _index, ...rest } = rejection;
      keep(withPosition(rest, at));
    },
    onProgress: (progress) => {
      // Every item before `processed` is settled: forget where it was.
      for (const key of positions.keys()) {
        if (key >= progress.processed) break;
        positions.delete(key);
      }
      options.onProgress?.({ ...combine(progress), phase: 'writing', read, bytesRead: meter.bytesRead(), bytesTotal: meter.bytesTotal });
    },
  });
  rejections.sort((a, b) => a.index - b.index);
  const { rejections: _none, ...counts } = report;
  return { ...combine(counts), rejections };
}
