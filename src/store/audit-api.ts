import type { AuditRow } from '../adapters/contract.js';
import type { ChainedEntry } from '../audit/chain.js';
import { isSealedRef } from '../audit/diff.js';
import { unseal } from '../audit/seal.js';
import { verifyChain, type AuditHead, type AuditVerification } from '../audit/verify.js';
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

/** `log.audit`: the tenant's tamper-evident audit trail. */
export interface AuditApi {
  /**
   * The digest of the chain as it is now (position and hash of the last entry). Keep it outside
   * the database — in a log, a ticket, another system — and pass it to {@link verify} later: a
   * chain alone cannot tell that its last entries were deleted.
   */
  head(): Promise<AuditHead | undefined>;
  /**
   * Checks the whole chain, streaming: every hash, every link, no gaps. Reports the first entry
   * that was changed, removed, inserted or reordered, and with `against`, a cut-off tail.
   */
  verify(options?: { against?: AuditHead }): Promise<AuditVerification>;
  /**
   * Who changed what, when: the entries about one record, oldest first, with personal values
   * readable (or {@link ERASED} when the customer's data was erased).
   */
  history(entityId: string, options?: { limit?: number; afterSeq?: number }): Promise<AuditPage>;
  /** Every entry of the tenant from `afterSeq` on, as a stream, personal values unsealed. */
  entries(options?: { afterSeq?: number }): AsyncGenerator<AuditEntry>;
}

const VERIFY_PAGE = 1000;

export function createAuditApi(ctx: StoreContext): AuditApi {
  const { adapter, tenant } = ctx;

  async function* rows(afterSeq?: number, entityId?: string): AsyncGenerator<AuditRow> {
    let after = afterSeq;
    for (;;) {
      const page = await guardStorage('reading the audit trail', () =>
        adapter.readAudit(tenant, { limit: VERIFY_PAGE, ...(after !== undefined ? { afterSeq: after } : {}), ...(entityId ? { entityId } : {}) }),
      );
      yield* page;
      if (page.length < VERIFY_PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /** Replaces sealed references by their values, or by ERASED when the key is gone. */
  async function readable(page: readonly AuditRow[]): Promise<AuditEntry[]> {
    const entries = page.map((row) => row.entry as unknown as ChainedEntry);
    const subjects = [...new Set(entries.flatMap((entry) => (entry.sealed ? [entry.sealed.subject] : [])))];
    const keys = new Map<string, string>();
    if (subjects.length > 0) {
      for (const row of await guardStorage('reading the audit trail', () => adapter.getSubjectKeys(tenant, subjects))) keys.set(row.subjectId, row.key);
    }
    return entries.map(({ sealed, ...entry }) => {
      if (!sealed) return entry as AuditEntry;
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
      return verifyChain(tenant, rows(), against);
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
