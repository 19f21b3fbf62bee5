import { ClosedError } from '../../errors/index.js';
import { AsyncLock } from '../async-lock.js';
import {
  UniqueViolation,
  type AdapterReader,
  type AdapterTransaction,
  type AuditHeadRow,
  type AuditQuery,
  type AuditRow,
  type Collection,
  type IdentifierRow,
  type Keyset,
  type LinkQuery,
  type LinkRow,
  type MigrationReport,
  type ReassignSelection,
  type RecordFilter,
  type RecordQuery,
  type RecordRow,
  type RecordUpdate,
  type RecordWrite,
  type SourceKey,
  type StorageAdapter,
  type SubjectKeyRow,
  type TimelineHit,
  type TimelineQuery,
  type TimelineRow,
} from '../contract.js';

/** Everything one tenant has. */
interface TenantState {
  readonly records: Map<string, RecordRow>;
  /** `collection \0 system \0 externalId` → record id */
  readonly bySource: Map<string, string>;
  /** `kind \0 ref` → record id → link */
  readonly links: Map<string, Map<string, LinkRow>>;
  /** record id → its links */
  readonly linksByRecord: Map<string, LinkRow[]>;
  /** customer id → entries sorted by (at, entryId) */
  readonly timelines: Map<string, TimelineRow[]>;
  /** record id → its timeline entries */
  readonly entriesByRecord: Map<string, TimelineRow[]>;
  readonly identifiers: Map<string, string>;
  readonly audit: AuditRow[];
  head: AuditHeadRow | undefined;
  readonly keys: Map<string, string>;
}

function newTenant(): TenantState {
  return {
    records: new Map(),
    bySource: new Map(),
    links: new Map(),
    linksByRecord: new Map(),
    timelines: new Map(),
    entriesByRecord: new Map(),
    identifiers: new Map(),
    audit: [],
    head: undefined,
    keys: new Map(),
  };
}

const sourceKey = (collection: Collection, system: string, externalId: string) => `${collection}\u0000${system}\u0000${externalId}`;
const linkKey = (kind: string, ref: string) => `${kind}\u0000${ref}`;

/** Compares two keyset positions. */
function compareKeys(aAt: string, aId: string, bAt: string, bId: string): number {
  if (aAt !== bAt) return aAt < bAt ? -1 : 1;
  return aId === bId ? 0 : aId < bId ? -1 : 1;
}

/** `true` when `(at, id)` comes strictly after `after` in `order`. */
function isAfter(at: string, id: string, after: Keyset | undefined, order: 'asc' | 'desc'): boolean {
  if (after === undefined) return true;
  const cmp = compareKeys(at, id, after.at, after.id);
  return order === 'asc' ? cmp > 0 : cmp < 0;
}

const oneOf = (value: string | null, allowed: readonly string[] | undefined) =>
  allowed === undefined || (value !== null && allowed.includes(value));

function matchesFilter(row: RecordRow, filter: RecordFilter): boolean {
  return (
    (filter.ids === undefined || filter.ids.includes(row.id)) &&
    (filter.customerIds === undefined || filter.customerIds.includes(row.customerId)) &&
    (filter.homeCustomerIds === undefined || filter.homeCustomerIds.includes(row.homeCustomerId)) &&
    oneOf(row.kind, filter.kinds) &&
    oneOf(row.channel, filter.channels) &&
    oneOf(row.purpose, filter.purposes) &&
    oneOf(row.status, filter.statuses) &&
    oneOf(row.sourceSystem, filter.sourceSystems) &&
    (filter.from === undefined || row.at >= filter.from) &&
    (filter.to === undefined || row.at < filter.to) &&
    (filter.dueBefore === undefined || (row.dueAt !== null && row.dueAt < filter.dueBefore)) &&
    (filter.updatedBefore === undefined || row.updatedAt < filter.updatedBefore)
  );
}

/** Index of the first element not less than `(at, id)` in a sorted timeline. */
function lowerBound(entries: readonly TimelineRow[], at: string, id: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const entry = entries[mid]!;
    if (compareKeys(entry.at, entry.entryId, at, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Reads against the state as it is now (the transaction's view inside a transaction). */
class MemoryReader implements AdapterReader {
  constructor(protected readonly tenants: Map<string, TenantState>) {}

  protected tenant(tenant: string): TenantState | undefined {
    return this.tenants.get(tenant);
  }

  async getRecords(tenant: string, collection: Collection, ids: readonly string[]): Promise<RecordRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const out: RecordRow[] = [];
    for (const id of new Set(ids)) {
      const row = state.records.get(id);
      if (row && row.collection === collection) out.push(clone(row));
    }
    return out;
  }

  async getRecordsBySource(tenant: string, collection: Collection, keys: readonly SourceKey[]): Promise<RecordRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const ids = keys.map((key) => state.bySource.get(sourceKey(collection, key.system, key.externalId))).filter((id) => id !== undefined);
    return this.getRecords(tenant, collection, ids);
  }

  async listRecords(tenant: string, query: RecordQuery): Promise<RecordRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const rows: RecordRow[] = [];
    for (const row of state.records.values()) {
      if (row.collection === query.collection && matchesFilter(row, query.filter) && isAfter(row.at, row.id, query.after, query.order)) {
        rows.push(row);
      }
    }
    rows.sort((a, b) => compareKeys(a.at, a.id, b.at, b.id) * (query.order === 'asc' ? 1 : -1));
    return rows.slice(0, query.limit).map(clone);
  }

  async listTimeline(tenant: string, query: TimelineQuery): Promise<TimelineHit[]> {
    const state = this.tenant(tenant);
    const entries = state?.timelines.get(query.customerId);
    if (!state || !entries) return [];
    const linked = query.link ? state.links.get(linkKey(query.link.kind, query.link.ref)) : undefined;
    const hits: TimelineHit[] = [];
    const step = query.order === 'asc' ? 1 : -1;
    let index: number;
    if (query.order === 'asc') index = query.after ? lowerBound(entries, query.after.at, query.after.id) : 0;
    else index = (query.after ? lowerBound(entries, query.after.at, query.after.id) : entries.length) - 1;
    for (; index >= 0 && index < entries.length && hits.length < query.limit; index += step) {
      const entry = entries[index]!;
      if (!isAfter(entry.at, entry.entryId, query.after, query.order)) continue;
      if (query.order === 'asc' ? query.to !== undefined && entry.at >= query.to : query.from !== undefined && entry.at < query.from) break;
      if (query.from !== undefined && entry.at < query.from) continue;
      if (query.to !== undefined && entry.at >= query.to) continue;
      if (!oneOf(entry.kind, query.kinds) || !oneOf(entry.channel, query.channels)) continue;
      if (!oneOf(entry.purpose, query.purposes) || !oneOf(entry.status, query.statuses)) continue;
      if (query.link && !linked?.has(entry.recordId)) continue;
      hits.push({ entry: clone(entry), record: clone(state.records.get(entry.recordId)!) });
    }
    return hits;
  }

  async listLinked(tenant: string, query: LinkQuery): Promise<RecordRow[]> {
    const state = this.tenant(tenant);
    const links = state?.links.get(linkKey(query.kind, query.ref));
    if (!state || !links) return [];
    const matching = [...links.values()].filter(
      (link) =>
        (query.collections === undefined || query.collections.includes(link.collection)) &&
        isAfter(link.at, link.recordId, query.after, query.order),
    );
    matching.sort((a, b) => compareKeys(a.at, a.recordId, b.at, b.recordId) * (query.order === 'asc' ? 1 : -1));
    return matching.slice(0, query.limit).map((link) => clone(state.records.get(link.recordId)!));
  }

  async getIdentifiers(tenant: string, keys: readonly string[]): Promise<IdentifierRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const out: IdentifierRow[] = [];
    for (const key of new Set(keys)) {
      const customerId = state.identifiers.get(key);
      if (customerId !== undefined) out.push({ key, customerId });
    }
    return out;
  }

  async readAudit(tenant: string, query: AuditQuery): Promise<AuditRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const order = query.order ?? 'asc';
    const out: AuditRow[] = [];
    const rows = order === 'asc' ? state.audit : [...state.audit].reverse();
    for (const row of rows) {
      if (out.length >= query.limit) break;
      if (query.afterSeq !== undefined && (order === 'asc' ? row.seq <= query.afterSeq : row.seq >= query.afterSeq)) continue;
      if (query.entityId !== undefined && row.entityId !== query.entityId) continue;
      out.push(clone(row));
    }
    return out;
  }

  async getAuditHead(tenant: string): Promise<AuditHeadRow | undefined> {
    const head = this.tenant(tenant)?.head;
    return head ? { ...head } : undefined;
  }

  async getSubjectKeys(tenant: string, subjectIds: readonly string[]): Promise<SubjectKeyRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const out: SubjectKeyRow[] = [];
    for (const subjectId of new Set(subjectIds)) {
      const key = state.keys.get(subjectId);
      if (key !== undefined) out.push({ subjectId, key });
    }
    return out;
  }
}

/** A transaction: mutates the state directly and keeps an undo log to roll back. */
class MemoryTransaction extends MemoryReader implements AdapterTransaction {
  private readonly undo: Array<() => void> = [];
  private open = true;

  protected override tenant(tenant: string): TenantState | undefined {
    this.assertOpen();
    return super.tenant(tenant);
  }

  private assertOpen(): void {
    if (!this.open) throw new ClosedError('this transaction handle (its transaction has ended)');
  }

  private writable(tenant: string): TenantState {
    this.assertOpen();
    let state = this.tenants.get(tenant);
    if (!state) {
      state = newTenant();
      this.tenants.set(tenant, state);
      this.undo.push(() => this.tenants.delete(tenant));
    }
    return state;
  }

  /** Sets `map[key] = value` (or deletes it when `value` is undefined), remembering how to undo it. */
  private set<K, V>(map: Map<K, V>, key: K, value: V | undefined): void {
    const had = map.has(key);
    const previous = map.get(key);
    if (value === undefined) map.delete(key);
    else map.set(key, value);
    this.undo.push(() => (had ? map.set(key, previous as V) : map.delete(key)));
  }

  end(commit: boolean): void {
    if (!commit) for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo.length = 0;
    this.open = false;
  }

  async lockTenant(tenant: string): Promise<AuditHeadRow | undefined> {
    // Write transactions are already serialised by the adapter's gate.
    return this.getAuditHead(tenant);
  }

  async insertRecords(tenant: string, writes: readonly RecordWrite[]): Promise<void> {
    const state = this.writable(tenant);
    const seen = new Set<string>();
    for (const { row } of writes) {
      if (state.records.has(row.id) || seen.has(row.id)) throw new UniqueViolation('id');
      seen.add(row.id);
      if (row.sourceSystem !== null && row.sourceExternalId !== null) {
        const key = sourceKey(row.collection, row.sourceSystem, row.sourceExternalId);
        if (state.bySource.has(key) || seen.has(key)) throw new UniqueViolation('source');
        seen.add(key);
      }
    }
    for (const write of writes) this.store(state, write);
  }

  async updateRecords(tenant: string, updates: readonly RecordUpdate[]): Promise<string[]> {
    const state = this.writable(tenant);
    const stale: string[] = [];
    for (const update of updates) {
      const current = state.records.get(update.row.id);
      if (!current || current.collection !== update.row.collection || current.version !== update.expectedVersion) {
        stale.push(update.row.id);
        continue;
      }
      const newKey = update.row.sourceSystem !== null && update.row.sourceExternalId !== null
        ? sourceKey(update.row.collection, update.row.sourceSystem, update.row.sourceExternalId)
        : undefined;
      if (newKey !== undefined && state.bySource.has(newKey) && state.bySource.get(newKey) !== current.id) {
        throw new UniqueViolation('source');
      }
      this.remove(state, current);
      this.store(state, update);
    }
    return stale;
  }

  async deleteRecords(tenant: string, collection: Collection, ids: readonly string[]): Promise<number> {
    const state = this.writable(tenant);
    let count = 0;
    for (const id of new Set(ids)) {
      const row = state.records.get(id);
      if (row && row.collection === collection) {
        this.remove(state, row);
        count++;
      }
    }
    return count;
  }

  async reassignRecords(
    tenant: string,
    selection: ReassignSelection,
    toCustomerId: string,
  ): Promise<number> {
    const state = this.writable(tenant);
    const selected = [...state.records.values()].filter((row) =>
      'fromCustomerId' in selection ? row.customerId === selection.fromCustomerId : selection.homeCustomerIds.includes(row.homeCustomerId),
    );
    for (const row of selected) {
      const entries = state.entriesByRecord.get(row.id) ?? [];
      const links = this.linksOf(state, row.id); // before remove(), which drops them
      this.remove(state, row);
      const moved: RecordWrite = {
        row: { ...row, customerId: toCustomerId },
        links,
        timeline: entries.map(({ entryId, at, kind, channel, purpose, status }) => ({ entryId, at, kind, channel, purpose, status })),
      };
      this.store(state, moved);
    }
    return selected.length;
  }

  private linksOf(state: TenantState, recordId: string): RecordWrite['links'] {
    return (state.linksByRecord.get(recordId) ?? []).map(({ kind, ref }) => ({ kind, ref }));
  }

  private store(state: TenantState, write: RecordWrite): void {
    const row = clone(write.row);
    this.set(state.records, row.id, row);
    if (row.sourceSystem !== null && row.sourceExternalId !== null) {
      this.set(state.bySource, sourceKey(row.collection, row.sourceSystem, row.sourceExternalId), row.id);
    }
    const links: LinkRow[] = write.links.map(({ kind, ref }) => ({ kind, ref, at: row.at, recordId: row.id, collection: row.collection }));
    this.set(state.linksByRecord, row.id, links);
    for (const link of links) {
      const key = linkKey(link.kind, link.ref);
      let byRecord = state.links.get(key);
      if (!byRecord) {
        byRecord = new Map();
        this.set(state.links, key, byRecord);
      }
      this.set(byRecord, row.id, link);
    }
    const entries: TimelineRow[] = write.timeline.map((entry) => ({
      ...entry,
      customerId: row.customerId,
      homeCustomerId: row.homeCustomerId,
      recordId: row.id,
      collection: row.collection,
    }));
    this.set(state.entriesByRecord, row.id, entries);
    for (const entry of entries) {
      let timeline = state.timelines.get(row.customerId);
      if (!timeline) {
        timeline = [];
        this.set(state.timelines, row.customerId, timeline);
      }
      const at = lowerBound(timeline, entry.at, entry.entryId);
      timeline.splice(at, 0, entry);
      const list = timeline;
      this.undo.push(() => list.splice(lowerBound(list, entry.at, entry.entryId), 1));
    }
  }

  private remove(state: TenantState, row: RecordRow): void {
    this.set(state.records, row.id, undefined);
    if (row.sourceSystem !== null && row.sourceExternalId !== null) {
      this.set(state.bySource, sourceKey(row.collection, row.sourceSystem, row.sourceExternalId), undefined);
    }
    for (const link of state.linksByRecord.get(row.id) ?? []) {
      const key = linkKey(link.kind, link.ref);
      const byRecord = state.links.get(key);
      if (!byRecord) continue;
      this.set(byRecord, row.id, undefined);
      if (byRecord.size === 0) this.set(state.links, key, undefined);
    }
    this.set(state.linksByRecord, row.id, undefined);
    for (const entry of state.entriesByRecord.get(row.id) ?? []) {
      const timeline = state.timelines.get(entry.customerId);
      if (!timeline) continue;
      const at = lowerBound(timeline, entry.at, entry.entryId);
      if (timeline[at]?.entryId === entry.entryId) {
        timeline.splice(at, 1);
        this.undo.push(() => timeline.splice(lowerBound(timeline, entry.at, entry.entryId), 0, entry));
      }
    }
    this.set(state.entriesByRecord, row.id, undefined);
  }

  async putIdentifiers(tenant: string, rows: readonly IdentifierRow[], options?: { replace?: boolean }): Promise<void> {
    const state = this.writable(tenant);
    if (!options?.replace) {
      const seen = new Set<string>();
      for (const row of rows) {
        if (state.identifiers.has(row.key) || seen.has(row.key)) throw new UniqueViolation('identifier');
        seen.add(row.key);
      }
    }
    for (const row of rows) this.set(state.identifiers, row.key, row.customerId);
  }

  async deleteIdentifiers(tenant: string, keys: readonly string[]): Promise<void> {
    const state = this.writable(tenant);
    for (const key of keys) this.set(state.identifiers, key, undefined);
  }

  async appendAudit(tenant: string, rows: readonly AuditRow[], head: AuditHeadRow): Promise<void> {
    const state = this.writable(tenant);
    const length = state.audit.length;
    const previousHead = state.head;
    state.audit.push(...rows.map(clone));
    state.head = { ...head };
    this.undo.push(() => {
      state.audit.length = length;
      state.head = previousHead;
    });
  }

  async putSubjectKeys(tenant: string, rows: readonly SubjectKeyRow[]): Promise<void> {
    const state = this.writable(tenant);
    for (const row of rows) this.set(state.keys, row.subjectId, row.key);
  }

  async deleteSubjectKeys(tenant: string, subjectIds: readonly string[]): Promise<void> {
    const state = this.writable(tenant);
    for (const subjectId of subjectIds) this.set(state.keys, subjectId, undefined);
  }
}

/** Options of {@link memoryAdapter}. */
export interface MemoryAdapterOptions {
  /** Adapter name in messages. */
  readonly name?: string;
}

/**
 * An adapter that keeps everything in process memory, with real transaction semantics: a
 * transaction that throws leaves no trace, and nobody sees a transaction's writes before it
 * commits. For tests, prototypes and short-lived jobs; data is lost when the process ends.
 *
 * @example
 * ```ts
 * import { createTouchlog } from 'touchlog';
 * import { memoryAdapter } from 'touchlog/memory';
 * const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test' });
 * ```
 */
export function memoryAdapter(options: MemoryAdapterOptions = {}): StorageAdapter {
  const tenants = new Map<string, TenantState>();
  const reader = new MemoryReader(tenants);
  // Serialises write transactions; reads wait for the one in progress, so nobody outside a
  // transaction ever sees its uncommitted writes.
  const gate = new AsyncLock();
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new ClosedError(`the ${options.name ?? 'memory'} adapter`);
  };

  /** Reads wait for a running write transaction, so they only ever see committed data. */
  const read =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      assertOpen();
      await gate.idle();
      return fn(...args);
    };

  return {
    name: options.name ?? 'memory',
    capabilities: { persistent: false, multiProcess: false },
    getRecords: read(reader.getRecords.bind(reader)),
    getRecordsBySource: read(reader.getRecordsBySource.bind(reader)),
    listRecords: read(reader.listRecords.bind(reader)),
    listTimeline: read(reader.listTimeline.bind(reader)),
    listLinked: read(reader.listLinked.bind(reader)),
    getIdentifiers: read(reader.getIdentifiers.bind(reader)),
    readAudit: read(reader.readAudit.bind(reader)),
    getAuditHead: read(reader.getAuditHead.bind(reader)),
    getSubjectKeys: read(reader.getSubjectKeys.bind(reader)),
    async transaction<T>(fn: (tx: AdapterTransaction) => Promise<T>): Promise<T> {
      assertOpen();
      return gate.exclusive(async () => {
        const tx = new MemoryTransaction(tenants);
        try {
          const result = await fn(tx);
          tx.end(true);
          return result;
        } catch (error) {
          tx.end(false);
          throw error;
        }
      });
    },
    async migrate(): Promise<MigrationReport> {
      assertOpen();
      return { applied: [], current: undefined };
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
