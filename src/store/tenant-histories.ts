/**
 * Every customer's history, one customer at a time, for the tenant-wide passes of the forecast
 * and lifetime-value conveniences: customers are read a page at a time, and each customer's
 * records with keyset-paged queries on that one customer, so memory holds one customer's records
 * whatever the tenant's size. Only the public `StorageAdapter.listRecords`/`getRecords` reads are
 * used.
 *
 * One customer per query, not a chunk of customers: a single `customerId` with `(at, id)` order is
 * served by the (tenant, customer, collection, at, id) index on every backend, while a list of
 * customers ordered by time makes SQLite walk the tenant's records by time and filter them — every
 * page then scans most of the tenant, and a pass becomes quadratic in its size (5 000 customers
 * with 200 000 records: 24 s in chunks of 200, 5 s one by one).
 *
 * @internal
 * @module
 */
import type { Collection, Keyset, RecordFilter, RecordRow } from '../adapters/contract.js';
import { isTouchlogError, StorageError, ValidationError } from '../errors/index.js';
import type { CommunicationRecord } from '../models/communication.js';
import type { Customer } from '../models/customer.js';
import type { FinancialRecord } from '../models/financial-record.js';
import type { Interaction } from '../models/interaction.js';
import { toCustomerHistory, type StoredCustomerHistory } from '../scoring/history.js';
import { recordFromRow } from './model-specs.js';
import type { Touchlog } from './touchlog.js';

/** Which customers a pass covers, and how it reads. */
export interface TenantPassSelection {
  /** Only customers of this segment (`customer.segment`). */
  readonly segment?: string;
  /** Only these customers (ids). */
  readonly customerIds?: readonly string[];
  /** Customers read per page of the customers collection. Default 200. */
  readonly customersPerChunk?: number;
  /** Rows per page when reading records. Default 1000. */
  readonly pageSize?: number;
}

/** One customer and its records. */
export interface TenantHistory {
  readonly customer: Customer;
  readonly history: StoredCustomerHistory;
}

async function guard<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isTouchlogError(error)) throw error;
    throw new StorageError(`the storage backend failed while ${what}`, { cause: error });
  }
}

function whole(value: number | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && value >= 1 && value <= max) return value;
  throw new ValidationError('tenant pass options', [{ code: 'invalid_value', path: [name], message: `must be a whole number from 1 to ${max}` }]);
}

/** Every row of a collection matching `filter`, page by page. */
async function rowsOf(log: Touchlog, collection: Collection, filter: RecordFilter, pageSize: number, what: string): Promise<RecordRow[]> {
  const rows: RecordRow[] = [];
  let after: Keyset | undefined;
  for (;;) {
    const page = await guard(what, () => log.adapter.listRecords(log.tenant, { collection, filter, order: 'asc', limit: pageSize, ...(after ? { after } : {}) }));
    for (const row of page) rows.push(row);
    if (page.length < pageSize) return rows;
    const last = page[page.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}

/**
 * Streams every (non-merged) customer of the selection with its financial records, and — when a
 * `contacts` window is given — its interactions and messages of that window.
 */
export async function* tenantHistories(
  log: Touchlog,
  selection: TenantPassSelection,
  options: { readonly what: string; readonly contacts?: { readonly from: string; readonly to: string } },
): AsyncGenerator<TenantHistory> {
  const chunk = whole(selection.customersPerChunk, 200, 'customersPerChunk', 1000);
  const pageSize = whole(selection.pageSize, 1000, 'pageSize', 1000);
  const segment = selection.segment;
  if (segment !== undefined && (typeof segment !== 'string' || segment.length === 0)) {
    throw new ValidationError('tenant pass options', [{ code: 'invalid_type', path: ['segment'], message: 'must be a segment name' }]);
  }
  const ids = selection.customerIds;
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))) {
    throw new ValidationError('tenant pass options', [{ code: 'invalid_type', path: ['customerIds'], message: 'must be a list of customer ids' }]);
  }
  let after: Keyset | undefined;
  let offset = 0;
  for (;;) {
    let customerRows: RecordRow[];
    if (ids !== undefined) {
      const slice = ids.slice(offset, offset + chunk);
      offset += chunk;
      customerRows = slice.length === 0 ? [] : await guard(`reading customers for ${options.what}`, () => log.adapter.getRecords(log.tenant, 'customers', slice));
    } else {
      customerRows = await guard(`reading customers for ${options.what}`, () =>
        log.adapter.listRecords(log.tenant, { collection: 'customers', filter: {}, order: 'asc', limit: chunk, ...(after ? { after } : {}) }),
      );
    }
    // A customer merged into another has no records left: they moved to the survivor.
    const customers = customerRows
      .filter((row) => row.customerId === row.id)
      .map((row) => recordFromRow<Customer>(row))
      .filter((c) => segment === undefined || c.segment === segment);
    const what = `reading records for ${options.what}`;
    for (const customer of customers) {
      const customerIds = [customer.id];
      const [financial, interactions, communications] = await Promise.all([
        rowsOf(log, 'financial', { customerIds }, pageSize, what),
        options.contacts ? rowsOf(log, 'interactions', { customerIds, ...options.contacts }, pageSize, what) : [],
        options.contacts ? rowsOf(log, 'communications', { customerIds, ...options.contacts }, pageSize, what) : [],
      ]);
      yield {
        customer,
        history: toCustomerHistory(
          financial.map((row) => recordFromRow<FinancialRecord>(row)),
          interactions.map((row) => recordFromRow<Interaction>(row)),
          communications.map((row) => recordFromRow<CommunicationRecord>(row)),
        ),
      };
    }
    if (ids !== undefined) {
      if (offset >= ids.length) return;
      continue;
    }
    if (customerRows.length < chunk) return;
    const last = customerRows[customerRows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}

/** One customer's history: every financial record, and the interactions and messages of a window. */
export async function customerHistory(log: Touchlog, customerId: string, contacts: { readonly from: string; readonly to: string } | undefined): Promise<{ customer: Customer; history: StoredCustomerHistory }> {
  const customer = await log.customers.get(customerId); // NOT_FOUND for an unknown customer
  const collect = async <T>(iterable: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of iterable) out.push(item);
    return out;
  };
  const [financial, interactions, communications] = await Promise.all([
    collect(log.finance.stream({ customerId, pageSize: 1000 })),
    contacts ? collect(log.interactions.stream({ customerId, ...contacts, pageSize: 1000 })) : [],
    contacts ? collect(log.communications.stream({ customerId, ...contacts, pageSize: 1000 })) : [],
  ]);
  return { customer, history: toCustomerHistory(financial, interactions, communications) };
}
