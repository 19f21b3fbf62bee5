import type { Collection, RecordRow, StorageAdapter } from '../adapters/contract.js';
import { stateDigest } from '../audit/state.js';
import type { RecordInspection } from '../audit/verify.js';
import type { Customer } from '../models/customer.js';
import { MODEL_SPECS, recordFromRow, specOfCollection, type StoredRecord } from './model-specs.js';

/** Customers whose merge roots are remembered at once; the cache starts over when full. */
const ROOT_CACHE = 20_000;

/** The collection a record of an audited entity type lives in. */
export function collectionOfEntity(entityType: string): Collection | undefined {
  return Object.values(MODEL_SPECS).find((spec) => spec.entityType === entityType)?.collection;
}

/**
 * Checks a stored row against itself, for `audit.verify()`: the digest of its state as stored,
 * and whether its indexed columns are the ones its document implies (an edit of a status column
 * hides a record from a filtered list as surely as an edit of the document changes it). The
 * customer a row belongs to must be where the merges of the customer it was recorded for lead.
 */
export class RecordInspector {
  /** customer id → the customer it was merged into (`null`: none), `undefined`: not loaded */
  private readonly mergedInto = new Map<string, string | null>();

  constructor(
    private readonly adapter: StorageAdapter,
    private readonly tenant: string,
  ) {}

  /** Loads the merge links needed to inspect `rows` (one read for the customers not yet known). */
  async prepare(rows: readonly RecordRow[]): Promise<void> {
    let wanted = [...new Set(rows.map((row) => row.homeCustomerId))];
    for (let hops = 0; hops < 64 && wanted.length > 0; hops++) {
      const missing = wanted.filter((id) => !this.mergedInto.has(id));
      if (missing.length === 0) {
        wanted = wanted.map((id) => this.mergedInto.get(id)).filter((id): id is string => typeof id === 'string');
        continue;
      }
      if (this.mergedInto.size + missing.length > ROOT_CACHE) this.mergedInto.clear();
      const found = await this.adapter.getRecords(this.tenant, 'customers', missing);
      for (const id of missing) this.mergedInto.set(id, null);
      for (const row of found) this.mergedInto.set(row.id, recordFromRow<Customer>(row).mergedInto ?? null);
      wanted = wanted.map((id) => this.mergedInto.get(id)).filter((id): id is string => typeof id === 'string');
    }
  }

  /** Where the merges of `customerId` lead (itself when it was never merged). */
  private root(customerId: string): string | undefined {
    let at = customerId;
    for (let hops = 0; hops < 64; hops++) {
      const next = this.mergedInto.get(at);
      if (next === undefined) return undefined; // not loaded: not judged
      if (next === null) return at;
      at = next;
    }
    return undefined;
  }

  inspect(row: RecordRow): RecordInspection {
    const state = row.salt === null ? undefined : stateDigest(row.salt, row.homeCustomerId, row.document);
    let record: StoredRecord;
    try {
      record = recordFromRow<StoredRecord>(row);
    } catch {
      return { state, inconsistency: 'its document is not JSON' };
    }
    const spec = specOfCollection(row.collection);
    if (!spec) return { state, inconsistency: `it is in an unknown collection "${row.collection}"` };
    if (record.id !== row.id || record.version !== row.version) return { state, inconsistency: 'its id or version columns disagree with its document' };
    const facets = spec.facets(record as never) as unknown as Record<string, unknown>;
    for (const column of ['at', 'dueAt', 'kind', 'channel', 'purpose', 'status'] as const) {
      if (facets[column] !== row[column]) return { state, inconsistency: `its ${column} column disagrees with its document` };
    }
    const source = (record as { source?: { system: string; externalId: string } }).source;
    if ((source?.system ?? null) !== row.sourceSystem || (source?.externalId ?? null) !== row.sourceExternalId) {
      return { state, inconsistency: 'its source key columns disagree with its document' };
    }
    const root = this.root(row.homeCustomerId);
    if (root !== undefined && root !== row.customerId) return { state, inconsistency: 'it is filed under another customer than its merges lead to' };
    return { state };
  }
}
