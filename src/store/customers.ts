import type { Customer, CustomerPatch } from '../models/customer.js';
import { CustomerRefSchema, type CustomerRefInput } from '../models/common.js';
import { identifierKey } from '../models/identifiers.js';
import { NotFoundError } from '../errors/index.js';
import { createValidator, customerPatchValidator } from '../validation/index.js';
import { RecordCollection, type UpdateOptions } from './collection.js';
import { guardStorage, type StoreContext } from './session.js';
import { identifierChanges } from './write-records.js';

const refValidator = createValidator('customer reference', CustomerRefSchema);

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
    if (row.customerId === row.id) return row.data as unknown as Customer;
    const [target] = await guardStorage('resolving a customer', () => this.ctx.adapter.getRecords(this.ctx.tenant, 'customers', [row.customerId]));
    if (!target) throw new NotFoundError('customer', row.customerId);
    return target.data as unknown as Customer;
  }
}
