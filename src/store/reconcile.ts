/**
 * Reconciliation against a source: what a source system says it holds, compared with what this
 * tenant holds from it — missing here, here but not there, different — for any number of ids in
 * flat memory.
 *
 * Both sides are read in the byte order of the external ids (UTF-8, code point order) and merged
 * like two sorted files: the store's side is a range of the source key index per collection
 * (`listRecordsBySource`), the source's side is the caller's list, either already in that order
 * (`sorted: true`, streamed as it comes) or sorted on the way in runs spilled to private temporary
 * files (see external-sort.ts).
 *
 * @module
 */
import { compareUtf8 } from '../adapters/byte-order.js';
import type { Collection, RecordRow } from '../adapters/contract.js';
import { Yielder } from '../runtime/yielder.js';
import { isErasedId } from '../compliance/pseudonyms.js';
import { AbortedError, ValidationError, type ValidationIssue } from '../errors/index.js';
import { LIMITS } from '../models/limits.js';
import { SystemNameSchema, toInstant, type InstantInput } from '../models/primitives.js';
import { VALIDATORS } from './collection.js';
import { tenantPseudonymiser } from './erased-sources.js';
import { sortExternally } from './external-sort.js';
import { MODEL_SPECS, type StoredModels } from './model-specs.js';
import { optionsOf } from './options.js';
import { guardStorage, type StoreContext } from './session.js';
import { sourceDigest, type WritableModel } from './write-records.js';

/** The models whose records carry source keys. */
export type SourceModel = keyof StoredModels;

const SOURCE_MODELS: readonly SourceModel[] = ['customer', 'interaction', 'communication', 'financialRecord', 'followUp'];

/**
 * What a source says it holds of one record: its external id and, optionally, its revision
 * (`version`, as the source sends it in `source.version`) and the digest of its content as
 * touchlog computes it ({@link sourceDigestOf}).
 */
export interface SourceItem {
  readonly externalId: string;
  readonly version?: number;
  readonly digest?: string;
}

/** A source's list: external ids, or {@link SourceItem}s, as an iterable or async iterable. */
export type ReconcileSource = Iterable<string | SourceItem> | AsyncIterable<string | SourceItem>;

/** Options of `log.reconcile()`. */
export interface ReconcileOptions {
  /** The source system (`crm`, `erp`...): records whose `source.system` it is are compared. */
  readonly system: string;
  /**
   * The models to compare; every model when not given. Name the model when the system's ids are
   * only unique per kind of object (a CRM whose case 1001 and contact 1001 are two things).
   */
  readonly models?: readonly SourceModel[];
  /**
   * A window on the instant records happened (`occurredAt`, `sentAt`, `issuedAt`...; customers:
   * when recorded), for a source that lists one period: a record here outside `[from, to)` that
   * the source does not list is not reported. Records the source lists are compared wherever they fall.
   */
  readonly from?: InstantInput;
  readonly to?: InstantInput;
  /**
   * `true` when the source gives its ids already in byte order (UTF-8, code point order: what
   * `LC_ALL=C sort` and `ORDER BY id COLLATE "C"` give): they are compared as they come, and one
   * out of order stops the run with a `VALIDATION_FAILED` error. Otherwise (the default) they are
   * sorted first, in runs kept in a private temporary directory.
   */
  readonly sorted?: boolean;
  /** Where the temporary files of the sort go; the OS temporary directory when not given. */
  readonly spoolDirectory?: string;
  /** Stops the run with an `ABORTED` error. */
  readonly signal?: AbortSignal;
  /** Called as the run advances (about every thousand ids) with the counts so far. */
  readonly onProgress?: (counts: ReconcileCounts) => void;
}

/** A difference between the source and the store. */
export type ReconcileDifference =
  /** The source holds it; touchlog has no record with that source key. */
  | { readonly kind: 'missing'; readonly externalId: string; readonly sourceVersion?: number }
  /** touchlog holds it (in the window, when one is given); the source did not list it. */
  | { readonly kind: 'extra'; readonly externalId: string; readonly model: SourceModel; readonly id: string; readonly at: string }
  /**
   * Both hold it, but not the same revision: the source's `version` is newer or older than the
   * one stored (`source_newer`, `source_older`), or, at the same version, the content digest
   * differs from the digest of what touchlog last accepted from the source (`content`).
   */
  | {
      readonly kind: 'differs';
      readonly externalId: string;
      readonly model: SourceModel;
      readonly id: string;
      readonly reason: 'source_newer' | 'source_older' | 'content';
      readonly sourceVersion?: number;
      readonly storedVersion: number;
    }
  /**
   * The source holds a record whose person was erased here: touchlog keeps it without the
   * original source key (a pseudonym) and will not take it again. Reported so that the source
   * can erase it too; it does not make the two out of sync.
   */
  | { readonly kind: 'erased'; readonly externalId: string; readonly model: SourceModel; readonly id: string }
  /** The source listed this id more than once (each repetition is reported once). */
  | { readonly kind: 'duplicate'; readonly externalId: string };

/** Counts of a reconciliation. */
export interface ReconcileCounts {
  /** Ids the source listed, repetitions included. */
  readonly listed: number;
  /** Records here that were compared: those of the system in the window, and those the source listed outside it. */
  readonly stored: number;
  /** Listed and stored, the same. */
  readonly matched: number;
  readonly missing: number;
  readonly extra: number;
  readonly differs: number;
  readonly erased: number;
  readonly duplicate: number;
}

/** The outcome of a reconciliation. */
export interface ReconcileSummary extends ReconcileCounts {
  readonly system: string;
  readonly models: readonly SourceModel[];
  readonly from?: string;
  readonly to?: string;
  /** Nothing missing, extra or different (erased records and repeated ids do not count). */
  readonly inSync: boolean;
}

/** What `log.reconcile()` returns: the summary and the first differences. */
export interface ReconcileReport extends ReconcileSummary {
  /** The differences in external id order, at most `maxDifferences` of them. */
  readonly differences: ReconcileDifference[];
  /** `true` when there were more differences than `differences` holds (the counts have them all). */
  readonly truncated: boolean;
}

/** `log.reconcile`: compares what a source system holds with what this tenant holds from it. */
export interface ReconcileApi {
  /**
   * Compares the ids a source lists with the records of that system here, and returns the counts
   * and the first `maxDifferences` (1 000 when not given, at most 100 000) differences. For every
   * difference of a large run, use {@link ReconcileApi.stream}. See docs/reconciliation.md.
   *
   * @example
   * ```ts
   * const report = await log.reconcile(crmCaseIds(), { system: 'crm', models: ['interaction'] });
   * if (!report.inSync) for (const d of report.differences) console.log(d.kind, d.externalId);
   * ```
   */
  (source: ReconcileSource, options: ReconcileOptions & { readonly maxDifferences?: number }): Promise<ReconcileReport>;
  /**
   * Every difference, in external id order, as a stream in flat memory; the generator's return
   * value (the last `next()`, which `for await` drops) is the summary.
   *
   * @example
   * ```ts
   * const run = log.reconcile.stream(readIds('crm-ids.txt'), { system: 'crm' });
   * for (let next = await run.next(); ; next = await run.next()) {
   *   if (next.done) { console.log(next.value.inSync); break; }
   *   console.log(next.value.kind, next.value.externalId);
   * }
   * ```
   */
  stream(source: ReconcileSource, options: ReconcileOptions): AsyncGenerator<ReconcileDifference, ReconcileSummary>;
}

/**
 * The content digest touchlog keeps of a source record: what to give as {@link SourceItem.digest}
 * to compare content, not only versions. `input` is the record as the source sends it to
 * `log.<collection>.record()`; it is validated first (the digest is taken over the validated
 * input, in the model's field order, with custom `metadata` and `attributes` keys sorted and
 * `threadId` left out).
 *
 * @example
 * ```ts
 * const digest = sourceDigestOf('interaction', caseAsTouchlogInput);  // 43 characters, base64url
 * await log.reconcile([{ externalId: 'CASE-1', version: 3, digest }], { system: 'crm' });
 * ```
 * @throws {ValidationError} `VALIDATION_FAILED` when `input` is not a valid record of `model`
 */
export function sourceDigestOf(model: SourceModel, input: unknown): string {
  const validator = SOURCE_MODELS.includes(model) ? VALIDATORS[model as WritableModel] : undefined;
  if (!validator) throw new ValidationError('source digest', [{ code: 'invalid_value', path: ['model'], message: `must be one of ${SOURCE_MODELS.join(', ')}` }]);
  return sourceDigest(validator.parse(input) as object);
}

const PAGE = 1000;
/** Undecided `missing` ids looked up at once (an erased record is found by its pseudonym). */
const LOOKUP_BATCH = 500;
/** Differences held back at most while undecided ones wait for their lookup. */
const QUEUE_LIMIT = 2000;
const MAX_DIFFERENCES = 100_000;

/** Models whose erasure pseudonymises source keys (financial records keep theirs). */
const PSEUDONYMISED: ReadonlySet<SourceModel> = new Set(['customer', 'interaction', 'communication', 'followUp']);

interface Checked {
  readonly system: string;
  readonly models: readonly SourceModel[];
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly sorted: boolean;
  readonly spoolDirectory: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((counts: ReconcileCounts) => void) | undefined;
}

function checkOptions(options: ReconcileOptions): Checked {
  options = optionsOf(options, 'reconciliation options');
  const issues: ValidationIssue[] = [];
  if (!SystemNameSchema.safeParse(options.system).success) {
    issues.push({ code: 'invalid_value', path: ['system'], message: 'must be a source system name such as "crm" (lower case letters, digits, ".", "_", "-")' });
  }
  const models = options.models ?? SOURCE_MODELS;
  if (!Array.isArray(models) || models.length === 0 || models.some((model) => !SOURCE_MODELS.includes(model))) {
    issues.push({ code: 'invalid_value', path: ['models'], message: `must list models among ${SOURCE_MODELS.join(', ')}` });
  }
  const instant = (name: 'from' | 'to') => {
    const value = options[name];
    if (value === undefined) return undefined;
    const parsed = toInstant(value);
    if (parsed === undefined) issues.push({ code: 'invalid_date', path: [name], message: 'must be a valid instant (a Date or ISO 8601 with an offset)' });
    return parsed;
  };
  const from = instant('from');
  const to = instant('to');
  if (from !== undefined && to !== undefined && from >= to) issues.push({ code: 'invalid_value', path: ['to'], message: 'must be after from' });
  if (options.sorted !== undefined && typeof options.sorted !== 'boolean') issues.push({ code: 'invalid_type', path: ['sorted'], message: 'must be true or false' });
  if (options.spoolDirectory !== undefined && (typeof options.spoolDirectory !== 'string' || options.spoolDirectory === '')) {
    issues.push({ code: 'invalid_type', path: ['spoolDirectory'], message: 'must be a directory path' });
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) issues.push({ code: 'invalid_type', path: ['signal'], message: 'must be an AbortSignal' });
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') issues.push({ code: 'invalid_type', path: ['onProgress'], message: 'must be a function' });
  if (issues.length > 0) throw new ValidationError('reconciliation options', issues);
  return {
    system: options.system,
    models: [...new Set(models)],
    from,
    to,
    sorted: options.sorted ?? false,
    spoolDirectory: options.spoolDirectory,
    signal: options.signal,
    onProgress: options.onProgress,
  };
}

const badItem = (index: number, path: Array<string | number>, message: string) =>
  new ValidationError('reconciliation source', [{ code: 'invalid_value', path: [index, ...path], message }]);

/** A source item as given, checked; `index` counts from 0 in the order the source gave them. */
function toItem(value: unknown, index: number): SourceItem {
  const item = typeof value === 'string' ? { externalId: value } : value;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badItem(index, [], 'must be an external id or { externalId, version?, digest? }');
  const { externalId, version, digest } = item as Record<string, unknown>;
  for (const key of Object.keys(item)) {
    if (key !== 'externalId' && key !== 'version' && key !== 'digest') throw badItem(index, [key], 'is not a field of a source item (externalId, version, digest)');
  }
  if (typeof externalId !== 'string' || externalId.length === 0 || externalId.length > LIMITS.ref) {
    throw badItem(index, ['externalId'], `must be an external id of 1 to ${LIMITS.ref} characters`);
  }
  if (version !== undefined && (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)) {
    throw badItem(index, ['version'], 'must be a whole number, 0 or more (the source version, as in source.version)');
  }
  if (digest !== undefined && (typeof digest !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(digest))) {
    throw badItem(index, ['digest'], 'must be a content digest as sourceDigestOf() gives it');
  }
  return { externalId, ...(version !== undefined ? { version } : {}), ...(digest !== undefined ? { digest } : {}) };
}

const byExternalId = (a: SourceItem, b: SourceItem) => compareUtf8(a.externalId, b.externalId);

/** The source's items, checked, in byte order. */
async function* sourceInOrder(source: ReconcileSource, options: Checked): AsyncGenerator<SourceItem> {
  if (source === null || typeof source !== 'object' || (typeof (source as Iterable<unknown>)[Symbol.iterator] !== 'function' && typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function')) {
    throw new ValidationError('reconciliation source', [{ code: 'invalid_type', path: [], message: 'must be an iterable or async iterable of external ids' }]);
  }
  async function* checked(): AsyncGenerator<SourceItem> {
    let index = 0;
    let previous: SourceItem | undefined;
    for await (const value of source as AsyncIterable<unknown>) {
      const item = toItem(value, index);
      if (options.sorted && previous !== undefined && byExternalId(item, previous) < 0) {
        throw new ValidationError('reconciliation source', [
          {
            code: 'unsorted',
            path: [index, 'externalId'],
            message: `${JSON.stringify(item.externalId)} comes after ${JSON.stringify(previous.externalId)}, which sorts after it: the ids are not in byte order (leave out "sorted" to have them sorted)`,
          },
        ]);
      }
      previous = item;
      index++;
      yield item;
    }
  }
  if (options.sorted) yield* checked();
  else yield* sortExternally(checked(), { compare: byExternalId, ...(options.spoolDirectory !== undefined ? { directory: options.spoolDirectory } : {}) });
}

/** A stored record of the system, with the model it belongs to. */
interface StoredItem {
  readonly row: RecordRow;
  readonly model: SourceModel;
  readonly rank: number;
}

export function createReconcileApi(ctx: StoreContext): ReconcileApi {
  const { adapter, tenant } = ctx;

  /** The system's records of one collection, in external id order. */
  async function* storedOf(collection: Collection, system: string): AsyncGenerator<RecordRow> {
    for (let after: string | undefined; ; ) {
      const rows = await guardStorage('reading records for a reconciliation', () =>
        adapter.listRecordsBySource(tenant, { collection, system, limit: PAGE, ...(after !== undefined ? { afterExternalId: after } : {}) }),
      );
      yield* rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.sourceExternalId!;
    }
  }

  /** The system's records of every model asked for, merged in external id order (then model). */
  async function* storedInOrder(options: Checked): AsyncGenerator<StoredItem> {
    const streams = options.models.map((model, rank) => ({ model, rank, rows: storedOf(MODEL_SPECS[model].collection, options.system) }));
    const heads: Array<StoredItem & { next: () => Promise<IteratorResult<RecordRow>> }> = [];
    for (const stream of streams) {
      const first = await stream.rows.next();
      if (!first.done) heads.push({ row: first.value, model: stream.model, rank: stream.rank, next: () => stream.rows.next() });
    }
    while (heads.length > 0) {
      let best = 0;
      for (let i = 1; i < heads.length; i++) {
        const order = compareUtf8(heads[i]!.row.sourceExternalId!, heads[best]!.row.sourceExternalId!) || heads[i]!.rank - heads[best]!.rank;
        if (order < 0) best = i;
      }
      const head = heads[best]!;
      yield { row: head.row, model: head.model, rank: head.rank };
      const next = await head.next();
      if (next.done) heads.splice(best, 1);
      else heads[best] = { ...head, row: next.value };
    }
  }

  async function* run(source: ReconcileSource, options: Checked): AsyncGenerator<ReconcileDifference, ReconcileSummary> {
    const counts = { listed: 0, stored: 0, matched: 0, missing: 0, extra: 0, differs: 0, erased: 0, duplicate: 0 };
    const pseudonyms = await guardStorage('reading for a reconciliation', () => tenantPseudonymiser(adapter, tenant));
    const erasable = options.models.filter((model) => PSEUDONYMISED.has(model));
    const inWindow = (row: RecordRow) => (options.from === undefined || row.at >= options.from) && (options.to === undefined || row.at < options.to);
    const yielder = new Yielder();

    // Differences in order; a `missing` one waits for the lookup that may find it erased.
    const queue: Array<ReconcileDifference | SourceItem> = [];
    let undecided = 0;
    const settle = async (): Promise<ReconcileDifference[]> => {
      const items = queue.filter((entry): entry is SourceItem => !('kind' in entry));
      const erased = new Map<string, { model: SourceModel; id: string }>();
      if (items.length > 0 && pseudonyms && erasable.length > 0) {
        const keys = items.map((item) => ({ system: options.system, externalId: pseudonyms.sourceKey(options.system, item.externalId) }));
        const byKey = new Map(items.map((item, i) => [keys[i]!.externalId, item.externalId]));
        for (const model of erasable) {
          const rows = await guardStorage('reading for a reconciliation', () => adapter.getRecordsBySource(tenant, MODEL_SPECS[model].collection, keys));
          for (const row of rows) {
            const externalId = byKey.get(row.sourceExternalId!);
            if (externalId !== undefined && !erased.has(externalId)) erased.set(externalId, { model, id: row.id });
          }
        }
      }
      const out = queue.splice(0).map((entry): ReconcileDifference => {
        if ('kind' in entry) return entry;
        const found = erased.get(entry.externalId);
        if (found) {
          counts.erased++;
          return { kind: 'erased', externalId: entry.externalId, model: found.model, id: found.id };
        }
        counts.missing++;
        return { kind: 'missing', externalId: entry.externalId, ...(entry.version !== undefined ? { sourceVersion: entry.version } : {}) };
      });
      undecided = 0;
      options.onProgress?.({ ...counts });
      return out;
    };
    const ready = () => undecided >= LOOKUP_BATCH || queue.length >= QUEUE_LIMIT;

    const compareRevision = (item: SourceItem, stored: StoredItem): ReconcileDifference | undefined => {
      const { row, model } = stored;
      const storedVersion = (JSON.parse(row.document) as { source?: { version?: number } }).source?.version ?? 0;
      const base = { kind: 'differs' as const, externalId: item.externalId, model, id: row.id, storedVersion, ...(item.version !== undefined ? { sourceVersion: item.version } : {}) };
      if (item.version !== undefined && item.version > storedVersion) return { ...base, reason: 'source_newer' };
      if (item.version !== undefined && item.version < storedVersion) return { ...base, reason: 'source_older' };
      if (item.digest !== undefined && row.sourceHash !== null && item.digest !== row.sourceHash) return { ...base, reason: 'content' };
      return undefined;
    };

    const items = sourceInOrder(source, options)[Symbol.asyncIterator]();
    const stored = storedInOrder(options)[Symbol.asyncIterator]();
    let item = await items.next();
    let record = await stored.next();
    let last: string | undefined;
    let processed = 0;
    try {
      while (!item.done || !record.done) {
        if (options.signal?.aborted) throw new AbortedError('the reconciliation was aborted');
        if (++processed % 1000 === 0 && queue.length === 0) options.onProgress?.({ ...counts });
        await yielder.maybeYield();
        const order = item.done ? 1 : record.done ? -1 : compareUtf8(item.value.externalId, record.value.row.sourceExternalId!);
        if (order > 0) {
          // Here, not listed by the source (erased records keep a pseudonym, which no source lists).
          const { row, model } = record.value!;
          if (!(isErasedId(row.sourceExternalId!) && PSEUDONYMISED.has(model)) && inWindow(row)) {
            counts.stored++;
            counts.extra++;
            queue.push({ kind: 'extra', externalId: row.sourceExternalId!, model, id: row.id, at: row.at });
          }
          record = await stored.next();
        } else {
          const current = item.value!;
          counts.listed++;
          if (current.externalId === last) {
            counts.duplicate++;
            queue.push({ kind: 'duplicate', externalId: current.externalId });
          } else if (order < 0) {
            queue.push(current);
            undecided++;
          } else {
            // Every record of this external id (one per model at most) against the source's item.
            while (!record.done && record.value.row.sourceExternalId === current.externalId) {
              counts.stored++;
              const difference = compareRevision(current, record.value);
              if (difference) {
                counts.differs++;
                queue.push(difference);
              } else counts.matched++;
              record = await stored.next();
            }
          }
          last = current.externalId;
          item = await items.next();
        }
        // With nothing undecided, every queued entry is a difference already.
        if (undecided === 0 && queue.length > 0) yield* queue.splice(0) as ReconcileDifference[];
        else if (ready()) yield* await settle();
      }
      if (queue.length > 0) yield* await settle();
    } finally {
      await Promise.all([items.return?.(undefined), stored.return?.(undefined)]);
    }
    const summary: ReconcileSummary = {
      system: options.system,
      models: options.models,
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...counts,
      inSync: counts.missing === 0 && counts.extra === 0 && counts.differs === 0,
    };
    options.onProgress?.({ ...counts });
    return summary;
  }

  const reconcile = (async (source, options) => {
    const checked = checkOptions(options);
    const max = (options as { maxDifferences?: unknown }).maxDifferences ?? 1000;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > MAX_DIFFERENCES) {
      throw new ValidationError('reconciliation options', [{ code: 'invalid_value', path: ['maxDifferences'], message: `must be an integer from 0 to ${MAX_DIFFERENCES}` }]);
    }
    const differences: ReconcileDifference[] = [];
    let truncated = false;
    const iterator = run(source, checked);
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { ...next.value, differences, truncated };
      if (differences.length < max) differences.push(next.value);
      else truncated = true;
    }
  }) as ReconcileApi;
  reconcile.stream = async function* stream(source, options) {
    return yield* run(source, checkOptions(options));
  };
  return reconcile;
}
