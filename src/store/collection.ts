import { optionsOf } from './options.js';
import type { Keyset, RecordRow } from '../adapters/contract.js';
import { NotFoundError, ValidationError, VersionConflictError } from '../errors/index.js';
import type { FinancialLinkKind } from '../models/common.js';
import { FINANCIAL_LINK_KINDS } from '../models/common.js';
import { isUlid } from '../models/primitives.js';
import {
  communicationValidator,
  customerValidator,
  financialRecordValidator,
  followUpValidator,
  interactionValidator,
  type Validator,
} from '../validation/index.js';
import { classifyInputs } from './classify.js';
import { decodeCursor, fetchPage, pageLimit, pageOrder, streamPages, type Page, type PageOptions } from './cursor.js';
import { toRecordFilter, type ListFilter } from './filters.js';
import { MODEL_SPECS, recordFromRow, type ModelSpec, type StoredModels } from './model-specs.js';
import type { ResolveOptions } from './resolve.js';
import { erasedRecordBySource, writeRecordsUnlessErased } from './erased-sources.js';
import { guardStorage, runWrite, type StoreContext, type WriteSession } from './session.js';
import { toWrite, type RecordResult, type ValidInputs, type WritableModel } from './write-records.js';

export const VALIDATORS: { [M in WritableModel]: Validator<unknown, ValidInputs[M]> } = {
  customer: customerValidator as Validator<unknown, ValidInputs['customer']>,
  interaction: interactionValidator as Validator<unknown, ValidInputs['interaction']>,
  communication: communicationValidator as Validator<unknown, ValidInputs['communication']>,
  financialRecord: financialRecordValidator as Validator<unknown, ValidInputs['financialRecord']>,
  followUp: followUpValidator as Validator<unknown, ValidInputs['followUp']>,
};

/** Options of `record` and `recordMany`. */
export type RecordOptions = ResolveOptions;

/** Options of `update`. */
export interface UpdateOptions {
  /**
   * The version the change was based on. When the stored record has moved on, the update fails
   * with a `VERSION_CONFLICT` error instead of overwriting someone else's change.
   */
  readonly expectedVersion?: number;
}

/** A financial document to look up by: "everything about invoice INV-1042". */
export interface LinkTarget {
  readonly kind: FinancialLinkKind;
  readonly ref: string;
}

const rowPosition = (row: RecordRow): Keyset => ({ at: row.at, id: row.id });

/** Checks an id given by a caller before it reaches storage. */
export function checkId(label: string, id: unknown): string {
  if (!isUlid(id)) {
    throw new ValidationError(`${label} id`, [{ code: 'invalid_format', path: ['id'], message: 'must be a ULID' }]);
  }
  return id;
}

/** Checks a link target given by a caller. */
export function checkLinkTarget(target: unknown): LinkTarget {
  const t = target as Partial<LinkTarget> | undefined;
  const issues = [];
  if (!t || !FINANCIAL_LINK_KINDS.includes(t.kind as FinancialLinkKind)) {
    issues.push({ code: 'invalid_value', path: ['kind'], message: `must be one of ${FINANCIAL_LINK_KINDS.join(', ')}` });
  }
  if (typeof t?.ref !== 'string' || t.ref.length === 0 || t.ref.length > 256) {
    issues.push({ code: 'invalid_type', path: ['ref'], message: 'must be a document reference (1–256 characters)' });
  }
  if (issues.length > 0) throw new ValidationError('link lookup', issues);
  return t as LinkTarget;
}

/**
 * The operations every record collection has: record, recordMany, get, find, getBySource,
 * update, list, stream and linkedTo.
 */
export class RecordCollection<M extends WritableModel> {
  protected readonly spec: ModelSpec<M>;
  protected readonly validator: Validator<unknown, ValidInputs[M]>;

  constructor(
    protected readonly ctx: StoreContext,
    readonly model: M,
  ) {
    this.spec = MODEL_SPECS[model] as unknown as ModelSpec<M>;
    this.validator = VALIDATORS[model];
  }

  /**
   * Validates and stores one record. Recording a record whose `source` key is already stored
   * never creates a duplicate: see {@link RecordResult} for the outcomes.
   *
   * @throws {ValidationError} `VALIDATION_FAILED` when the input is invalid (nothing is stored)
   * @throws {NotFoundError} `NOT_FOUND` when the customer it names is unknown
   * @throws {SourceConflictError} `SOURCE_CONFLICT` on the same source version with other content
   */
  async record(input: unknown, options: RecordOptions = {}): Promise<RecordResult<StoredModels[M]>> {
    options = optionsOf(options, 'record options');
    const valid = this.validator.parse(input);
    const classifications = await classifyInputs(this.ctx.classifier, this.model, [valid]);
    const [result] = await runWrite(this.ctx, (session) => writeRecordsUnlessErased(session, this.model, [valid], { ...options, classifications, mode: 'atomic' }));
    return result as RecordResult<StoredModels[M]>;
  }

  /**
   * Validates and stores a batch atomically: every item is validated first, and one invalid item
   * rejects the whole batch with every problem listed (item index first in each path); nothing is
   * written. An empty batch is a no-op. For inputs of any size, use `log.ingest()`.
   */
  async recordMany(inputs: readonly unknown[], options: RecordOptions = {}): Promise<RecordResult<StoredModels[M]>[]> {
    options = optionsOf(options, 'recordMany options');
    const valid = this.validator.parseMany(inputs);
    if (valid.length === 0) return [];
    const classifications = await classifyInputs(this.ctx.classifier, this.model, valid);
    return (await runWrite(this.ctx, (session) => writeRecordsUnlessErased(session, this.model, valid, { ...options, classifications, mode: 'atomic' }))) as RecordResult<
      StoredModels[M]
    >[];
  }

  /** The record with this id, or `undefined`. */
  async find(id: string): Promise<StoredModels[M] | undefined> {
    checkId(this.spec.label, id);
    const [row] = await guardStorage(`reading a ${this.spec.label}`, () => this.ctx.adapter.getRecords(this.ctx.tenant, this.spec.collection, [id]));
    return row ? recordFromRow<StoredModels[M]>(row) : undefined;
  }

  /**
   * The record with this id.
   * @throws {NotFoundError} `NOT_FOUND` when there is none in this tenant
   */
  async get(id: string): Promise<StoredModels[M]> {
    const record = await this.find(id);
    if (!record) throw new NotFoundError(this.spec.label, id);
    return record;
  }

  /** The record stored for a source key, or `undefined`. */
  async getBySource(source: { system: string; externalId: string }): Promise<StoredModels[M] | undefined> {
    if (typeof source?.system !== 'string' || typeof source.externalId !== 'string') {
      throw new ValidationError('source key', [{ code: 'invalid_type', path: [], message: 'must be { system, externalId }' }]);
    }
    const [row] = await guardStorage(`reading a ${this.spec.label}`, async () => {
      const [stored] = await this.ctx.adapter.getRecordsBySource(this.ctx.tenant, this.spec.collection, [{ system: source.system, externalId: source.externalId }]);
      // An erased record keeps a pseudonym of its source key: it is still found by the original.
      return [stored ?? (await erasedRecordBySource(this.ctx.adapter, this.ctx.tenant, this.spec.collection, source))];
    });
    return row ? recordFromRow<StoredModels[M]>(row) : undefined;
  }

  /** Resolves a customer id to the customer it was merged into, if it was. */
  protected async effectiveCustomer(customerId: string): Promise<string> {
    const [row] = await guardStorage('reading a customer', () => this.ctx.adapter.getRecords(this.ctx.tenant, 'customers', [customerId]));
    return row?.customerId ?? customerId;
  }

  private async filterOf(options: object) {
    const filter = toRecordFilter(this.model, options);
    if (filter.customerIds && this.model !== 'customer') {
      return { ...filter, customerIds: [await this.effectiveCustomer(filter.customerIds[0]!)] };
    }
    return filter;
  }

  /**
   * One page of records, ordered by their instant (occurred, sent, issued...) then id.
   *
   * @example
   * ```ts
   * const page = await log.interactions.list({ customerId, status: ['open', 'pending'], limit: 20 });
   * const next = await log.interactions.list({ customerId, status: ['open', 'pending'], limit: 20, cursor: page.nextCursor });
   * ```
   */
  async list(options: ListFilter & PageOptions = {}): Promise<Page<StoredModels[M]>> {
    options = optionsOf(options, 'list options');
    const filter = await this.filterOf(options);
    const limit = pageLimit(options.limit);
    const order = pageOrder(options.order);
    const after = decodeCursor(options.cursor);
    return guardStorage(`listing ${this.spec.label}s`, () =>
      fetchPage(
        limit,
        (n) => this.ctx.adapter.listRecords(this.ctx.tenant, { collection: this.spec.collection, filter, order, limit: n, ...(after ? { after } : {}) }),
        rowPosition,
        (row) => recordFromRow<StoredModels[M]>(row),
      ),
    );
  }

  /** Every matching record, as an async iterator that holds one page in memory at a time. */
  async *stream(options: ListFilter & Omit<PageOptions, 'limit'> & { pageSize?: number } = {}): AsyncGenerator<StoredModels[M]> {
    options = optionsOf(options, 'stream options');
    const { pageSize, ...rest } = options;
    const filter = await this.filterOf(rest);
    const order = pageOrder(options.order);
    const size = pageLimit(pageSize ?? 500);
    yield* streamPages(
      size,
      decodeCursor(options.cursor),
      (after, limit) =>
        guardStorage(`listing ${this.spec.label}s`, () =>
          this.ctx.adapter.listRecords(this.ctx.tenant, { collection: this.spec.collection, filter, order, limit, ...(after ? { after } : {}) }),
        ),
      rowPosition,
      (row) => recordFromRow<StoredModels[M]>(row),
    );
  }

  /** One page of the records of this collection linked to a financial document. */
  async linkedTo(target: LinkTarget, options: PageOptions = {}): Promise<Page<StoredModels[M]>> {
    options = optionsOf(options, 'linkedTo options');
    const { kind, ref } = checkLinkTarget(target);
    const limit = pageLimit(options.limit);
    const order = pageOrder(options.order);
    const after = decodeCursor(options.cursor);
    return guardStorage('looking up linked records', () =>
      fetchPage(
        limit,
        (n) => this.ctx.adapter.listLinked(this.ctx.tenant, { kind, ref, collections: [this.spec.collection], order, limit: n, ...(after ? { after } : {}) }),
        rowPosition,
        (row) => recordFromRow<StoredModels[M]>(row),
      ),
    );
  }

  /**
   * Applies a change to one record in a write transaction: loads it, checks `expectedVersion`,
   * lets `change` compute the next version, writes it as a conditional update and audits it.
   */
  protected async change(
    id: string,
    options: UpdateOptions,
    change: (current: StoredModels[M], session: WriteSession, row: RecordRow) => Promise<StoredModels[M]> | StoredModels[M],
    action: 'update' | 'transition' = 'update',
    reason?: string,
  ): Promise<StoredModels[M]> {
    checkId(this.spec.label, id);
    if (options.expectedVersion !== undefined && (!Number.isSafeInteger(options.expectedVersion) || options.expectedVersion < 1)) {
      throw new ValidationError('update options', [{ code: 'invalid_type', path: ['expectedVersion'], message: 'must be a positive integer' }]);
    }
    return runWrite(this.ctx, async (session) => {
      const [row] = await session.tx.getRecords(this.ctx.tenant, this.spec.collection, [id]);
      if (!row) throw new NotFoundError(this.spec.label, id);
      if (options.expectedVersion !== undefined && options.expectedVersion !== row.version) {
        throw new VersionConflictError(this.spec.label, id, options.expectedVersion, row.version);
      }
      const current = recordFromRow<StoredModels[M]>(row);
      const proposed = await change(current, session, row);
      const next = { ...proposed, id: current.id, version: row.version + 1, createdAt: current.createdAt, updatedAt: this.ctx.now() } as StoredModels[M];
      const write = toWrite(this.spec, next, { customerId: row.customerId, homeCustomerId: row.homeCustomerId }, row.sourceHash, this.ctx.threading);
      const stale = await session.tx.updateRecords(this.ctx.tenant, [{ ...write, expectedVersion: row.version }]);
      if (stale.length > 0) throw new VersionConflictError(this.spec.label, id, row.version);
      await session.audit(this.spec, action, row.homeCustomerId, current, next, write, reason);
      return next;
    });
  }
}
