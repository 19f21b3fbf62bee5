import { z } from 'zod';
import type { Collection, Keyset, RecordRow } from '../adapters/contract.js';
import { AbortedError, NotFoundError, ValidationError } from '../errors/index.js';
import { toInstant, type InstantInput } from '../models/primitives.js';
import { defaultMessage, toValidationIssues } from '../validation/issues.js';
import { checkId } from './collection.js';
import { recordFromRow, specOfCollection, type HistoryModel } from './model-specs.js';
import { guardStorage, runWrite, type StoreContext } from './session.js';
import { toWrite } from './write-records.js';

/** The tag that puts a record, or all records of a customer, under legal hold. */
export const LEGAL_HOLD_TAG = 'legal-hold';

/** How long each kind of record is kept, in days after it happened. Kinds left out are kept forever. */
export type RetentionPolicy = Partial<Record<HistoryModel, { readonly days: number }>>;

const PolicySchema = z.strictObject({
  interaction: z.strictObject({ days: z.int().min(1).max(36_600) }).optional(),
  communication: z.strictObject({ days: z.int().min(1).max(36_600) }).optional(),
  financialRecord: z.strictObject({ days: z.int().min(1).max(36_600) }).optional(),
  followUp: z.strictObject({ days: z.int().min(1).max(36_600) }).optional(),
});

const COLLECTIONS: Record<HistoryModel, Collection> = {
  interaction: 'interactions',
  communication: 'communications',
  financialRecord: 'financial',
  followUp: 'followUps',
};

/** Options of `retention.purge()`. */
export interface PurgeOptions {
  readonly policy: RetentionPolicy;
  /** The instant retention is measured from; records older than `asOf − days` go. */
  readonly asOf: InstantInput;
  /** Records removed per transaction; 500 when not given. */
  readonly batchSize?: number;
  /** Stops after the batch in progress (removed batches stay removed). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: PurgeReport) => void;
}

/** What a purge removed and kept. */
export interface PurgeReport {
  readonly purged: Record<HistoryModel, number>;
  /** Records past retention that were kept because they, or their customer, are under legal hold. */
  readonly held: number;
}

/** `log.retention`: removing what is past its retention period, and legal holds that stop it. */
export interface RetentionApi {
  /**
   * Removes records past their retention period, in batches, each removal audited (the entry names
   * the record and the policy, not its content). Records under legal hold — tagged `legal-hold`,
   * or belonging to a customer tagged `legal-hold` — are kept and counted.
   *
   * @example
   * ```ts
   * await log.retention.purge({ asOf: new Date(), policy: { communication: { days: 3 * 365 }, interaction: { days: 6 * 365 } } });
   * ```
   */
  purge(options: PurgeOptions): Promise<PurgeReport>;
  /** Puts a customer (all their records) under legal hold. Audited. */
  hold(customerId: string, options: { reason: string }): Promise<void>;
  /** Lifts a customer's legal hold. Audited. */
  release(customerId: string, options: { reason: string }): Promise<void>;
}

export function createRetentionApi(ctx: StoreContext): RetentionApi {
  async function setHold(customerId: string, reason: string, held: boolean): Promise<void> {
    checkId('customer', customerId);
    if (typeof reason !== 'string' || reason.length === 0 || reason.length > 1000) {
      throw new ValidationError('legal hold', [{ code: 'required', path: ['reason'], message: 'is required' }]);
    }
    await runWrite(ctx, async (session) => {
      const [row] = await session.tx.getRecords(ctx.tenant, 'customers', [customerId]);
      if (!row) throw new NotFoundError('customer', customerId);
      const spec = specOfCollection('customers');
      const before = recordFromRow<{ tags: string[]; version: number }>(row);
      const has = before.tags.includes(LEGAL_HOLD_TAG);
      if (has === held) return;
      const tags = held ? [...before.tags, LEGAL_HOLD_TAG] : before.tags.filter((tag) => tag !== LEGAL_HOLD_TAG);
      const next = { ...before, tags, version: row.version + 1, updatedAt: ctx.now() };
      const write = toWrite(spec as never, next as never, { customerId: row.customerId, homeCustomerId: row.homeCustomerId }, row.sourceHash, ctx.threading);
      await session.tx.updateRecords(ctx.tenant, [{ ...write, expectedVersion: row.version }]);
      await session.audit(spec as never, 'update', row.id, before as never, next as never, write, reason);
    });
  }

  return {
    async purge(options) {
      const parsed = PolicySchema.safeParse(options?.policy, { error: defaultMessage, reportInput: true });
      if (!parsed.success) throw new ValidationError('retention policy', toValidationIssues(parsed.error.issues, ['policy']));
      const asOf = toInstant(options.asOf);
      if (asOf === undefined) throw new ValidationError('retention purge', [{ code: 'invalid_date', path: ['asOf'], message: 'must be a valid instant' }]);
      const batchSize = options.batchSize ?? 500;
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
        throw new ValidationError('retention purge', [{ code: 'too_big', path: ['batchSize'], message: 'must be an integer from 1 to 10000' }]);
      }
      const purged: Record<HistoryModel, number> = { interaction: 0, communication: 0, financialRecord: 0, followUp: 0 };
      let held = 0;
      for (const [model, rule] of Object.entries(parsed.data) as Array<[HistoryModel, { days: number } | undefined]>) {
        if (!rule) continue;
        const collection = COLLECTIONS[model];
        const cutoff = new Date(Date.parse(asOf) - rule.days * 86_400_000).toISOString();
        const reason = `retention: ${model} older than ${rule.days} days (before ${cutoff})`;
        for (let after: Keyset | undefined; ; ) {
          if (options.signal?.aborted) throw new AbortedError('the purge was aborted');
          const rows = await guardStorage('reading for a purge', () =>
            ctx.adapter.listRecords(ctx.tenant, { collection, filter: { to: cutoff }, order: 'asc', limit: batchSize, ...(after ? { after } : {}) }),
          );
          if (rows.length === 0) break;
          const heldCustomers = await customersOnHold(ctx, rows);
          const doomed = rows.filter((row) => {
            const tags = recordFromRow<{ tags?: string[] }>(row).tags ?? [];
            const onHold = tags.includes(LEGAL_HOLD_TAG) || heldCustomers.has(row.customerId);
            if (onHold) held++;
            return !onHold;
          });
          if (doomed.length > 0) {
            await runWrite(ctx, async (session) => {
              const removed = await session.tx.deleteRecords(ctx.tenant, collection, doomed.map((row) => row.id));
              const spec = specOfCollection(collection);
              for (const row of doomed) {
                session.appendEntry(
                  { at: ctx.now(), actor: ctx.actor, action: 'purge', entity: { type: spec.entityType, id: row.id }, changes: [], reason },
                  { model: spec.model as HistoryModel, id: row.id, action: 'purge' },
                );
              }
              purged[model] += removed;
            });
          }
          options.onProgress?.({ purged: { ...purged }, held });
          if (rows.length < batchSize) break;
          const last = rows[rows.length - 1]!;
          after = { at: last.at, id: last.id };
        }
      }
      return { purged, held };
    },
    hold: (customerId, options) => setHold(customerId, options?.reason, true),
    release: (customerId, options) => setHold(customerId, options?.reason, false),
  };
}

async function customersOnHold(ctx: StoreContext, rows: readonly RecordRow[]): Promise<Set<string>> {
  const ids = [...new Set(rows.map((row) => row.customerId))];
  const customers = await guardStorage('reading for a purge', () => ctx.adapter.getRecords(ctx.tenant, 'customers', ids));
  return new Set(customers.filter((c) => (recordFromRow<{ tags?: string[] }>(c).tags ?? []).includes(LEGAL_HOLD_TAG)).map((c) => c.id));
}
