import { COLLECTIONS, type AuditRow, type RecordRow } from '../adapters/contract.js';
import { isSealedRef } from '../audit/diff.js';
import { unseal } from '../audit/seal.js';
import { parseEntry, verifyChain, verifyRecords, type AuditHead, type AuditVerification } from '../audit/verify.js';
import { Yielder } from '../runtime/yielder.js';
import { collectionOfEntity, RecordInspector } from './inspect-records.js';
import { ValidationError } from '../errors/index.js';
import type { AuditChange, AuditEntry } from '../models/audit-entry.js';
import { pageLimit } from './cursor.js';
import { optionsOf } from './options.js';
import { guardStorage, type StoreContext } from './session.js';

/** What an audit change shows in place of a personal value whose customer was erased. */
export const ERASED = Object.freeze({ erased: true as const });

/** A page of audit entries; `nextSeq` continues after the last one. */
export interface AuditPage {
  readonly items: AuditEntry[];
  readonly nextSeq?: number;
}

/** Options of `audit.verify()`. */
export interface AuditVerifyOptions {
  /** A head saved earlier (`audit.head()`): the chain must still reach it, with the same hash. */
  readonly against?: AuditHead;
  /** Check the records against the trail too; `true` when not given. `false` checks the chain alone. */
  readonly records?: boolean;
}

/** `log.audit`: the tenant's tamper-evident audit trail. */
export interface AuditApi {
  /**
   * The digest of the chain as it is now (position and hash of the last entry). Keep it outside
   * the database — in a log, a ticket, another system — and pass it to {@link verify} later: a
   * chain alone cannot tell that its last entries were deleted.
   */
  head(): Promise<AuditHead | undefined>;
  /**
   * Checks the trail and the records it binds, streaming, in flat memory:
   * - the chain: every hash, every link, no gaps, reaching the stored head (and `against`, a
   *   head saved elsewhere, which also catches a tail cut off together with the stored head);
   * - the records (unless `records: false`): every live record is the state its last entry
   *   committed to, no record the trail says exists is missing, and no record exists that no
   *   entry wrote.
   *
   * Reports the first problem, by entry or by record. See docs/audit.md for what an attacker
   * who can rewrite the whole database can still do, and how saved heads stop it.
   */
  verify(options?: AuditVerifyOptions): Promise<AuditVerification>;
  /**
   * Who changed what, when: the entries about one record, oldest first, with personal values
   * readable (or {@link ERASED} when the customer's data was erased).
   */
  history(entityId: string, options?: { limit?: number; afterSeq?: number }): Promise<AuditPage>;
  /** Every entry of the tenant from `afterSeq` on, as a stream, personal values unsealed. */
  entries(options?: { afterSeq?: number }): AsyncGenerator<AuditEntry>;
}

const VERIFY_PAGE = 1000;

async function* flatten<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
}

export function createAuditApi(ctx: StoreContext): AuditApi {
  const { adapter, tenant } = ctx;

  /** Pages of rows from `read`, each page after the last row of the one before. */
  async function* paged<T, C>(read: (after: C | undefined) => Promise<T[]>, next: (last: T) => C): AsyncGenerator<T[]> {
    const yielder = new Yielder();
    for (let after: C | undefined; ; ) {
      const page = await guardStorage('reading the audit trail', () => read(after));
      if (page.length > 0) yield page;
      if (page.length < VERIFY_PAGE) return;
      after = next(page[page.length - 1]!);
      await yielder.maybeYield();
    }
  }

  /** Every audit row after `afterSeq`, in `seq` order. */
  function rows(afterSeq?: number): AsyncGenerator<AuditRow> {
    return flatten(
      paged<AuditRow, number>((after = afterSeq) => adapter.readAudit(tenant, { limit: VERIFY_PAGE, ...(after !== undefined ? { afterSeq: after } : {}) }), (last) => last.seq),
    );
  }

  /** Replaces sealed references by their values, or by ERASED when the key is gone. */
  async function readable(page: readonly AuditRow[]): Promise<AuditEntry[]> {
    const entries = page.map((row) => parseEntry(row.entry)!);
    const subjects = [...new Set(entries.flatMap((entry) => (entry.sealed ? [entry.sealed.subject] : [])))];
    const keys = new Map<string, string>();
    if (subjects.length > 0) {
      for (const row of await guardStorage('reading the audit trail', () => adapter.getSubjectKeys(tenant, subjects))) keys.set(row.subjectId, row.key);
    }
    return entries.map(({ sealed, v: _format, ...entry }) => {
      // A creation stores no field list: its state is the record.
      if (!sealed) return (entry.changes === undefined ? { ...entry, changes: [] } : entry) as AuditEntry;
      const key = keys.get(sealed.subject);
      let values: unknown[] | undefined;
      try {
        values = key ? unseal(key, sealed) : undefined;
      } catch {
        values = undefined;
      }
      const open = (value: unknown) => (isSealedRef(value) ? (values ? values[value.$sealed] : ERASED) : value);
      const changes = entry.changes.map(
        (change): AuditChange => ({
          path: change.path,
          ...('before' in change ? { before: open(change.before) } : {}),
          ...('after' in change ? { after: open(change.after) } : {}),
        }),
      );
      return { ...entry, changes } as AuditEntry;
    });
  }

  return {
    async head() {
      const head = await guardStorage('reading the audit trail', () => adapter.getAuditHead(tenant));
      return head ? { seq: head.seq, hash: head.hash } : undefined;
    },
    async verify(options) {
      options = optionsOf(options, 'audit verification');
      const against = options.against;
      if (against !== undefined && (typeof against !== 'object' || against === null || !Number.isSafeInteger(against.seq) || against.seq < 0 || typeof against.hash !== 'string')) {
        throw new ValidationError('audit head', [{ code: 'invalid_type', path: ['against'], message: 'must be { seq, hash } as returned by audit.head()' }]);
      }
      if (options.records !== undefined && typeof options.records !== 'boolean') {
        throw new ValidationError('audit verification', [{ code: 'invalid_type', path: ['records'], message: 'must be true or false' }]);
      }
      const stored = await guardStorage('reading the audit trail', () => adapter.getAuditHead(tenant));
      const anchors = [stored ?? { seq: 0, hash: '' }, ...(against ? [against] : [])];
      const walk = await verifyChain(tenant, rows(), anchors);
      if (walk.problem || options.records === false) return { ok: walk.problem === undefined, ...walk };
      const inspector = new RecordInspector(adapter, tenant);
      const checked = await verifyRecords(
        {
          entries: flatten(paged<AuditRow, { entityId: string; seq: number }>(
            (after) => adapter.readAuditByEntity(tenant, { limit: VERIFY_PAGE, ...(after ? { after } : {}) }),
            (last) => ({ entityId: last.entityId, seq: last.seq }),
          )),
          records: (async function* () {
            for await (const page of paged<RecordRow, string>((afterId) => adapter.scanRecords(tenant, { limit: VERIFY_PAGE, ...(afterId !== undefined ? { afterId } : {}) }), (last) => last.id)) {
              await guardStorage('reading records', () => inspector.prepare(page));
              yield* page;
            }
          })(),
          inspect: async (row) => {
            await guardStorage('reading records', () => inspector.prepare([row]));
            return inspector.inspect(row);
          },
          reread: async (recordId, entityType) => {
            const collection = entityType === undefined ? undefined : collectionOfEntity(entityType);
            const [row] = (
              await Promise.all((collection ? [collection] : COLLECTIONS).map((c) => guardStorage('reading records', () => adapter.getRecords(tenant, c, [recordId]))))
            ).flat();
            const [last] = await guardStorage('reading the audit trail', () => adapter.readAudit(tenant, { entityId: recordId, order: 'desc', limit: 1 }));
            return { row, last: last ? parseEntry(last.entry) : undefined };
          },
        },
        walk.head?.seq ?? 0,
      );
      const records = { checked: checked.checked, unbound: checked.unbound };
      return checked.problem ? { ok: false, ...walk, records, problem: checked.problem } : { ok: true, ...walk, records };
    },
    async history(entityId, options) {
      options = optionsOf(options, 'audit history');
      if (typeof entityId !== 'string' || entityId.length === 0 || entityId.length > 64) {
        throw new ValidationError('audit history', [{ code: 'invalid_type', path: ['entityId'], message: 'must be a record id' }]);
      }
      const limit = pageLimit(options.limit ?? 100);
      const page = await guardStorage('reading the audit trail', () =>
        adapter.readAudit(tenant, { entityId, limit: limit + 1, ...(options.afterSeq !== undefined ? { afterSeq: options.afterSeq } : {}) }),
      );
      const items = await readable(page.slice(0, limit));
      return page.length > limit ? { items, nextSeq: items[items.length - 1]!.seq } : { items };
    },
    async *entries(options) {
      options = optionsOf(options, 'audit entries');
      const buffer: AuditRow[] = [];
      for await (const row of rows(options.afterSeq)) {
        buffer.push(row);
        if (buffer.length === VERIFY_PAGE) yield* await readable(buffer.splice(0));
      }
      yield* await readable(buffer);
    },
  };
}
