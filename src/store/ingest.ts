import { AbortedError, UnknownCustomerError, ValidationError, type ValidationIssue } from '../errors/index.js';
import type { TouchlogError } from '../errors/index.js';
import { classifyInputs } from './classify.js';
import { VALIDATORS } from './collection.js';
import type { ResolveOptions } from './resolve.js';
import { runWrite, type StoreContext } from './session.js';
import { writeRecordsUnlessErased } from './erased-sources.js';
import type { writeRecords, ValidInputs, WritableModel } from './write-records.js';

/** One item of a mixed stream: which model it is, and its input. */
export type IngestItem = { readonly [M in WritableModel]: { readonly model: M; readonly data: unknown } }[WritableModel];

/** An item that was not stored, and why. */
export interface IngestRejection {
  /** Position of the item in the input, from 0. */
  readonly index: number;
  readonly model: string;
  /** The item's source key, when it has one, to find it in the source system. */
  readonly source?: { readonly system: string; readonly externalId: string };
  /** The stable error code: `VALIDATION_FAILED`, `NOT_FOUND`, `SOURCE_CONFLICT`... */
  readonly code: string;
  readonly message: string;
  /** For validation failures, every problem with its path. */
  readonly issues?: readonly ValidationIssue[];
  /**
   * For `NOT_FOUND` because no customer has the identifiers the record names: their keys
   * (`email:ap@acme.example`). `createMissingCustomers: true` creates a customer for the first.
   */
  readonly unknownIdentifiers?: readonly string[];
}

/** Progress after each committed batch. */
export interface IngestProgress {
  readonly processed: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly stale: number;
  readonly rejected: number;
  readonly batches: number;
}

/** Result of `log.ingest()`: counts, and every rejection with its reason. */
export interface IngestReport extends IngestProgress {
  /**
   * The rejections, in input order. At most `maxRejections` are kept here (the count in
   * `rejected` is always complete); pass `onRejection` to receive every one as it happens.
   */
  readonly rejections: IngestRejection[];
}

export interface IngestOptions extends ResolveOptions {
  /** Items per transaction; 500 when not given. */
  readonly batchSize?: number;
  /** Called after each committed batch. */
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Called for each rejected item. */
  readonly onRejection?: (rejection: IngestRejection) => void;
  /** How many rejections the report keeps; 10 000 when not given. */
  readonly maxRejections?: number;
  /**
   * Stops after the batch in progress. Batches committed before then stay; the call rejects with
   * an `ABORTED` error.
   */
  readonly signal?: AbortSignal;
}

/**
 * Within one batch, models are written in this order, so that records can name customers created
 * earlier in the same batch.
 */
const WRITE_ORDER: readonly WritableModel[] = ['customer', 'financialRecord', 'interaction', 'communication', 'followUp'];

const MODELS = new Set<string>(WRITE_ORDER);

function sourceOf(data: unknown): IngestRejection['source'] {
  const source = (data as { source?: { system?: unknown; externalId?: unknown } } | null)?.source;
  return typeof source?.system === 'string' && typeof source.externalId === 'string'
    ? { system: source.system, externalId: source.externalId }
    : undefined;
}

function rejection(index: number, model: string, data: unknown, error: TouchlogError): IngestRejection {
  const source = sourceOf(data);
  return {
    index,
    model,
    ...(source ? { source } : {}),
    code: error.code,
    message: error.message,
    ...(error instanceof ValidationError ? { issues: error.issues } : {}),
    ...(error instanceof UnknownCustomerError ? { unknownIdentifiers: error.identifiers } : {}),
  };
}

/**
 * The bulk path: streams any number of items (of any models) from an iterable or async iterable,
 * validates each, and commits them in batches. Memory stays constant whatever the input size.
 * Invalid items, unknown customers and source conflicts are rejected one by one with their
 * reasons; the rest of their batch is stored. Re-running the same input changes nothing
 * (every item is then `unchanged`).
 */
export async function ingest(
  ctx: StoreContext,
  source: Iterable<IngestItem> | AsyncIterable<IngestItem>,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const batchSize = options.batchSize ?? 500;
  const maxRejections = options.maxRejections ?? 10_000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new ValidationError('ingest options', [{ code: 'too_big', path: ['batchSize'], message: 'must be an integer from 1 to 10000' }]);
  }
  const counts = { processed: 0, created: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0, batches: 0 };
  const rejections: IngestRejection[] = [];
  const reject = (item: IngestRejection) => {
    counts.rejected++;
    if (rejections.length < maxRejections) rejections.push(item);
    options.onRejection?.(item);
  };

  let batch: Array<{ index: number; item: IngestItem }> = [];
  let batchRejections: IngestRejection[] = [];
  const commit = async () => {
    if (options.signal?.aborted) throw new AbortedError(`ingest was aborted after ${counts.processed} items`);
    if (batch.length === 0) return;
    const groups = new Map<WritableModel, Array<{ index: number; data: unknown; valid: unknown }>>();
    for (const { index, item } of batch) {
      const model = (item as { model?: unknown } | null)?.model;
      const data = (item as { data?: unknown } | null)?.data;
      if (typeof model !== 'string' || !MODELS.has(model)) {
        batchRejections.push({
          index,
          model: String(model),
          code: 'VALIDATION_FAILED',
          message: `item ${index} has no known model`,
          issues: [{ code: 'invalid_value', path: ['model'], message: `must be one of ${WRITE_ORDER.join(', ')}` }],
        });
        continue;
      }
      const checked = VALIDATORS[model as WritableModel].check(data);
      if (checked.issues.length > 0) {
        batchRejections.push(rejection(index, model, data, new ValidationError(model, checked.issues)));
        continue;
      }
      const group = groups.get(model as WritableModel) ?? [];
      group.push({ index, data, valid: checked.data });
      groups.set(model as WritableModel, group);
    }
    const classifications = new Map<WritableModel, Awaited<ReturnType<typeof classifyInputs>>>();
    for (const [model, group] of groups) {
      classifications.set(model, await classifyInputs(ctx.classifier, model, group.map((g) => g.valid as ValidInputs[typeof model])));
    }
    const outcomes = await runWrite(ctx, async (session) => {
      const all: Array<{ index: number; model: WritableModel; data: unknown; result: Awaited<ReturnType<typeof writeRecords>>[number] }> = [];
      for (const model of WRITE_ORDER) {
        const group = groups.get(model);
        if (!group) continue;
        const results = await writeRecordsUnlessErased(session, model, group.map((g) => g.valid as ValidInputs[typeof model]), {
          ...options,
          classifications: classifications.get(model),
          mode: 'lenient',
        });
        results.forEach((result, i) => all.push({ index: group[i]!.index, model, data: group[i]!.data, result }));
      }
      return all;
    });
    for (const { index, model, data, result } of outcomes) {
      if ('outcome' in result) counts[result.outcome]++;
      else batchRejections.push(rejection(index, model, data, result));
    }
    batchRejections.sort((a, b) => a.index - b.index).forEach(reject);
    batchRejections = [];
    counts.processed += batch.length;
    counts.batches++;
    batch = [];
    options.onProgress?.({ ...counts });
    // Let the rest of the process (requests, readers, timers) run between batches: a long ingest
    // on a synchronous driver would otherwise hold the event loop for its whole duration.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  let index = 0;
  for await (const item of source as AsyncIterable<IngestItem>) {
    batch.push({ index: index++, item });
    if (batch.length >= batchSize) await commit();
  }
  await commit();
  return { ...counts, rejections };
}
