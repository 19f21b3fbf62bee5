import { optionsOf } from './options.js';
import type { RecordRow, ScrubReport, StorageAdapter } from '../adapters/contract.js';
import { InvalidTransitionError, isTouchlogError, NotFoundError, ValidationError, VersionConflictError } from '../errors/index.js';
import { CustomerRefSchema, type CustomerRefInput } from '../models/common.js';
import type { Customer, CustomerPatch } from '../models/customer.js';
import { identifierKey } from '../models/identifiers.js';
import type { InstantInput } from '../models/primitives.js';
import { createValidator, customerPatchValidator } from '../validation/index.js';
import { checkId, RecordCollection, type UpdateOptions } from './collection.js';
import type { Page, PageOptions } from './cursor.js';
import { customerSpec, recordFromRow, specOfCollection, type StoredRecord } from './model-specs.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { eraseCommunication, eraseCustomer, eraseFinancialRecord, eraseFollowUp, eraseInteraction } from '../compliance/erasure.js';
import type { FinancialRecord } from '../models/financial-record.js';
import { ensureTenantPseudonymiser } from './erased-sources.js';
import { guardStorage, runWrite, type StoreContext, type WriteSession } from './session.js';
import { identifierChanges, toWrite } from './write-records.js';

const refValidator = createValidator('customer reference', CustomerRefSchema);

/** Options of a customer merge or unmerge. */
export interface MergeOptions {
  /** Why; kept in the audit trail. */
  readonly reason?: string;
}

/** What a merge or unmerge did. */
export interface MergeResult {
  /** The customer that was merged (or unmerged). */
  readonly customer: Customer;
  /** The customer it was merged into (or out of). */
  readonly into: Customer;
  /** How many records (the customers' own rows included) changed hands. */
  readonly moved: number;
}

/** What `customers.erase()` did. */
export interface ErasureReport {
  /** The erased customers: the one named and every customer merged with it. */
  readonly customers: Customer[];
  /** Records changed, customers included. */
  readonly records: number;
  /**
   * Whether the storage files no longer hold the erased values (old page images in a write-ahead
   * log, free pages): the erasure itself has committed either way. When `complete` is false,
   * `pending` says why and when it will be (SQLite: as soon as readers of the file let go).
   */
  readonly scrub: ScrubReport;
}

const ERASE_PAGE = 500;

const ERASERS = {
  interactions: eraseInteraction,
  communications: eraseCommunication,
  financial: (record: FinancialRecord) => eraseFinancialRecord(record),
  followUps: eraseFollowUp,
} as const;

/**
 * Scrubs the storage files after an erasure. The erasure has committed: a scrub that cannot finish
 * (or fails) is reported, never thrown.
 */
async function scrubAfterErasure(adapter: StorageAdapter): Promise<ScrubReport> {
  if (!adapter.scrub) {
    return { complete: false, pending: `the ${adapter.name} adapter does not scrub its storage files; see its documentation for what to run (PostgreSQL: VACUUM)` };
  }
  try {
    return await adapter.scrub();
  } catch (error) {
    return { complete: false, pending: `scrubbing the storage files failed (${isTouchlogError(error) ? error.message : 'unexpected error'}); run the erasure's scrub again later` };
  }
}

/** `log.customers`: the people and companies the history is about. */
export class Customers extends RecordCollection<'customer'> {
  constructor(ctx: StoreContext) {
    super(ctx, 'customer');
  }

  /**
   * Changes fields of a customer. A new `identifiers` list replaces the old one; identifiers that
   * belong to another customer are refused.
   * @throws {IdentifierConflictError} `IDENTIFIER_CONFLICT`
   * @throws {VersionConflictError} `VERSION_CONFLICT` when `expectedVersion` is stale
   */
  async update(id: string, patch: CustomerPatch, options: UpdateOptions = {}): Promise<Customer> {
    options = optionsOf(options, 'update options');
    const valid = customerPatchValidator.parse(patch);
    return this.change(id, options, async (current, session) => {
      const next = { ...current, ...valid } as Customer;
      const added = await identifierChanges(session, current, next);
      if (added.length > 0) await session.tx.putIdentifiers(this.ctx.tenant, added);
      return next;
    });
  }

  /**
   * The customer a reference names: `{ id }`, or an identifier such as
   * `{ type: 'email', value: 'ap@acme.example' }`. A customer that was merged resolves to the one
   * it was merged into. Returns `undefined` when nobody matches.
   */
  async resolve(ref: CustomerRefInput): Promise<Customer | undefined> {
    const valid = refValidator.parse(ref);
    let id: string | undefined;
    if ('id' in valid) id = valid.id;
    else {
      const [row] = await guardStorage('resolving a customer', () => this.ctx.adapter.getIdentifiers(this.ctx.tenant, [identifierKey(valid)]));
      id = row?.customerId;
    }
    if (id === undefined) return undefined;
    const [row] = await guardStorage('resolving a customer', () => this.ctx.adapter.getRecords(this.ctx.tenant, 'customers', [id]));
    if (!row) return undefined;
    if (row.customerId === row.id) return recordFromRow<Customer>(row);
    const [target] = await guardStorage('resolving a customer', () => this.ctx.adapter.getRecords(this.ctx.tenant, 'customers', [row.customerId]));
    if (!target) throw new NotFoundError('customer', row.customerId);
    return recordFromRow<Customer>(target);
  }

  /**
   * Customers whose KYC review is due before `asOf`, in the order they were created.
   *
   * @example
   * ```ts
   * const due = await log.customers.kycDue({ asOf: new Date() });
   * ```
   */
  kycDue(options: { asOf: InstantInput } & PageOptions): Promise<Page<Customer>> {
    const { asOf, ...rest } = options;
    return this.list({ ...rest, dueBefore: asOf });
  }

  /**
   * Merges customer `id` into `options.into`: every record of `id` (and of customers merged into
   * it before) now belongs to `into`, its identifiers resolve to `into`, and its timeline shows in
   * `into`'s. `id` stays resolvable as an alias. Audited on both customers; reversed by {@link unmerge}.
   *
   * @throws {InvalidTransitionError} `INVALID_TRANSITION` when `id` is already merged, or the merge would make a cycle
   */
  async merge(id: string, options: { into: string } & MergeOptions): Promise<MergeResult> {
    checkId('customer', id);
    checkId('customer', options?.into);
    return runWrite(this.ctx, async (session) => {
      const source = await this.row(session, id);
      const named = await this.row(session, options.into);
      const target = named.customerId === named.id ? named : await this.row(session, named.customerId);
      const sourceData = recordFromRow<Customer>(source);
      if (sourceData.mergedInto !== undefined) {
        throw new InvalidTransitionError('customer', id, `merged into ${sourceData.mergedInto}`, `merged into ${target.id}`, ['unmerged']);
      }
      if (target.id === source.id) {
        throw new ValidationError('customer merge', [{ code: 'invalid_value', path: ['into'], message: 'is the customer itself (or already merged into it)' }]);
      }
      const moved = await session.tx.reassignRecords(this.ctx.tenant, { fromCustomerId: source.id }, target.id);
      const mergedSource = await this.rewrite(session, source, target.id, { ...sourceData, mergedInto: target.id as Customer['id'] }, 'merge', options.reason);
      const targetData = recordFromRow<Customer>(target);
      const known = new Set(targetData.identifiers.map(identifierKey));
      const combined = [...targetData.identifiers, ...sourceData.identifiers.filter((i) => !known.has(identifierKey(i)))];
      const mergedTarget = await this.rewrite(session, target, target.customerId, { ...targetData, identifiers: combined }, 'merge', options.reason);
      return { customer: mergedSource, into: mergedTarget, moved };
    });
  }

  /**
   * Reverses the merge of customer `id`: its records (and those of customers merged into it) go
   * back to it, and its identifiers leave the customers it was merged into. Records recorded for
   * it after the merge go back too.
   *
   * @throws {InvalidTransitionError} `INVALID_TRANSITION` when `id` is not merged
   */
  async unmerge(id: string, options: MergeOptions = {}): Promise<MergeResult> {
    options = optionsOf(options, 'unmerge options');
    checkId('customer', id);
    return runWrite(this.ctx, async (session) => {
      const source = await this.row(session, id);
      const sourceData = recordFromRow<Customer>(source);
      if (sourceData.mergedInto === undefined) throw new InvalidTransitionError('customer', id, 'not merged', 'unmerged', []);
      // Everyone merged into `id`, directly or through others, comes back with it.
      const group = await this.mergedGroup(session, source);
      const moved = await session.tx.reassignRecords(this.ctx.tenant, { fromCustomerId: source.customerId, homeCustomerIds: [...group] }, id);
      const { mergedInto, ...rest } = sourceData;
      const restored = await this.rewrite(session, { ...source, customerId: id }, id, rest as Customer, 'unmerge', options.reason);
      // Its identifiers leave every customer up the chain it was merged into.
      const leaving = new Set(sourceData.identifiers.map(identifierKey));
      let into: Customer | undefined;
      for (let ancestorId: string | undefined = mergedInto; ancestorId !== undefined; ) {
        const ancestor = await this.row(session, ancestorId);
        const data = recordFromRow<Customer>(ancestor);
        const kept = data.identifiers.filter((i) => !leaving.has(identifierKey(i)));
        const updated = await this.rewrite(session, ancestor, ancestor.customerId, { ...data, identifiers: kept }, 'unmerge', options.reason);
        into ??= updated;
        ancestorId = data.mergedInto;
      }
      return { customer: restored, into: into!, moved };
    });
  }

  /**
   * Erases a customer's personal data (right to be forgotten): across every record of the
   * customer — and of customers merged with it, which are the same person — names, addresses,
   * message bodies and subjects, attachment metadata and free-text notes are removed or replaced,
   * identifiers are released, and the customer's data keys are destroyed, so the personal values
   * sealed in earlier audit entries can no longer be read. Financial facts and links stay, and the
   * audit chain still verifies. See docs/compliance.md for exactly what is kept and why.
   *
   * @returns the erased customers and how many records were changed
   */
  async erase(id: string, options: { reason: string }): Promise<ErasureReport> {
    checkId('customer', id);
    if (typeof options?.reason !== 'string' || options.reason.length === 0 || options.reason.length > 1000) {
      throw new ValidationError('erasure', [{ code: 'required', path: ['reason'], message: 'is required: say why (e.g. "GDPR art. 17 request #123")' }]);
    }
    const report = await runWrite(this.ctx, async (session) => {
      const named = await this.row(session, id);
      const effective = named.customerId;
      const members = await session.tx.listRecords(this.ctx.tenant, {
        collection: 'customers',
        filter: { customerIds: [effective] },
        order: 'asc',
        limit: 100_000,
      });
      const erasedAt = this.ctx.now();
      // Source keys and thread ids become pseudonyms under the tenant's secret (see erased-sources.ts).
      const pseudonyms = await ensureTenantPseudonymiser(session.tx, this.ctx.tenant);
      let records = 0;
      for (const collection of ['interactions', 'communications', 'financial', 'followUps'] as const) {
        const spec = specOfCollection(collection);
        for (let after: { at: string; id: string } | undefined; ; ) {
          const rows = await session.tx.listRecords(this.ctx.tenant, {
            collection,
            filter: { customerIds: [effective] },
            order: 'asc',
            limit: ERASE_PAGE,
            ...(after ? { after } : {}),
          });
          const updates = [];
          for (const row of rows) {
            const before = recordFromRow<StoredRecord>(row);
            const erased = ERASERS[collection](before as never, pseudonyms) as StoredRecord;
            if (canonicalJson(erased) === canonicalJson(before)) continue;
            const next = { ...erased, version: row.version + 1, updatedAt: erasedAt } as StoredRecord;
            const write = toWrite(spec as never, next as never, { customerId: row.customerId, homeCustomerId: row.homeCustomerId }, row.sourceHash, this.ctx.threading);
            updates.push({ ...write, expectedVersion: row.version });
            await session.audit(spec as never, 'erase', row.homeCustomerId, before as never, next as never, write, options.reason);
          }
          if (updates.length > 0) {
            const stale = await session.tx.updateRecords(this.ctx.tenant, updates);
            if (stale.length > 0) throw new VersionConflictError(spec.label, stale[0]!, updates[0]!.expectedVersion);
            records += updates.length;
          }
          if (rows.length < ERASE_PAGE) break;
          const last = rows[rows.length - 1]!;
          after = { at: last.at, id: last.id };
        }
      }
      const customers: Customer[] = [];
      for (const member of members) {
        const before = recordFromRow<Customer>(member);
        await session.tx.deleteIdentifiers(this.ctx.tenant, before.identifiers.map(identifierKey));
        const erased = eraseCustomer(before, before.erasedAt ?? erasedAt, pseudonyms);
        if (canonicalJson(erased) === canonicalJson(before)) {
          customers.push(before);
          continue;
        }
        const next = { ...erased, version: member.version + 1, updatedAt: erasedAt } as Customer;
        const write = toWrite(customerSpec, next, { customerId: member.customerId, homeCustomerId: member.id }, member.sourceHash, this.ctx.threading);
        const stale = await session.tx.updateRecords(this.ctx.tenant, [{ ...write, expectedVersion: member.version }]);
        if (stale.length > 0) throw new VersionConflictError('customer', member.id, member.version);
        await session.audit(customerSpec, 'erase', member.id, before, next, write, options.reason);
        customers.push(next);
        records++;
      }
      // Last: destroy the keys, after this transaction's own entries were sealed with them.
      await session.destroyKeys(members.map((member) => member.id));
      return { customers, records };
    });
    return { ...report, scrub: await scrubAfterErasure(this.ctx.adapter) };
  }

  /** `source` and every customer whose merge chain leads to it. */
  private async mergedGroup(session: WriteSession, source: RecordRow): Promise<Set<string>> {
    const members = await session.tx.listRecords(this.ctx.tenant, {
      collection: 'customers',
      filter: { customerIds: [source.customerId] },
      order: 'asc',
      limit: 100_000,
    });
    const parent = new Map(members.map((row) => [row.id, (recordFromRow<Customer>(row)).mergedInto]));
    const group = new Set([source.id]);
    for (const member of members) {
      for (let at: string | undefined = member.id, hops = 0; at !== undefined && hops <= members.length; at = parent.get(at), hops++) {
        if (at === source.id) {
          group.add(member.id);
          break;
        }
      }
    }
    return group;
  }

  private async row(session: WriteSession, id: string): Promise<RecordRow> {
    const [row] = await session.tx.getRecords(this.ctx.tenant, 'customers', [id]);
    if (!row) throw new NotFoundError('customer', id);
    return row;
  }

  /** Writes a new version of a customer row (conditional on its version) and audits it. */
  private async rewrite(
    session: WriteSession,
    row: RecordRow,
    customerId: string,
    data: Customer,
    action: 'merge' | 'unmerge',
    reason: string | undefined,
  ): Promise<Customer> {
    const before = recordFromRow<Customer>(row);
    const next = { ...data, version: row.version + 1, updatedAt: this.ctx.now() } as Customer;
    const write = toWrite(customerSpec, next, { customerId, homeCustomerId: row.id }, row.sourceHash, this.ctx.threading);
    const stale = await session.tx.updateRecords(this.ctx.tenant, [{ ...write, expectedVersion: row.version }]);
    if (stale.length > 0) throw new VersionConflictError('customer', row.id, row.version);
    await session.audit(customerSpec, action, row.id, before, next, write, reason);
    return next;
  }
}
