import { ClosedError } from '../../errors/index.js';
import { AsyncLock } from '../async-lock.js';
import {
  UniqueViolation,
  type AdapterReader,
  type AdapterTransaction,
  type AuditByEntityQuery,
  type AuditHeadRow,
  type AuditQuery,
  type AuditRow,
  type Collection,
  type IdentifierRow,
  type IdentifierScanQuery,
  type Keyset,
  type LinkQuery,
  type LinkRow,
  type MigrationReport,
  type ReassignSelection,
  type RecordFilter,
  type RecordQuery,
  type RecordRow,
  type RecordScanQuery,
  type RecordUpdate,
  type RecordWrite,
  type ScrubReport,
  type SourceKey,
  type SourceScanQuery,
  type StorageAdapter,
  type SubjectKeyRow,
  type SubjectKeyScanQuery,
  type TimelineHit,
  type TimelineQuery,
  type TimelineRow,
} from '../contract.js';
import { SortedList } from './sorted-list.js';
import { compareUtf8, upperBoundUtf8 } from '../byte-order.js';

/**
 * Everything one tenant has, with the indexes its reads need: no read scans more than the range
 * it returns (the one exception: `listRecords` filtered on `dueBefore` or `updatedBefore` alone
 * walks the collection in time order). Rows are stored frozen and handed out as they are: their
 * documents are strings, so nothing needs copying.
 */
interface TenantState {
  readonly records: Map<string, StoredRow>;
  /** Every record id, in order (`scanRecords`). */
  readonly ids: SortedList<string>;
  /** `collection \0 system \0 externalId` → record id */
  readonly bySource: Map<string, string>;
  /** collection → rows by `(at, id)` */
  readonly byTime: Map<Collection, SortedList<RecordRow>>;
  /** customer id → collection → rows by `(at, id)` */
  readonly byCustomer: Map<string, Map<Collection, SortedList<RecordRow>>>;
  /** `kind \0 ref` → links by `(at, recordId)` */
  readonly links: Map<string, SortedList<LinkRow>>;
  /** customer id → entries by `(at, entryId)` */
  readonly timelines: Map<string, SortedList<TimelineRow>>;
  readonly identifiers: Map<string, string>;
  /** Audit rows in `seq` order; `seq` n is at index n - 1. */
  readonly audit: AuditRow[];
  /** entity id → its audit rows in `seq` order */
  readonly auditByEntity: Map<string, AuditRow[]>;
  /** Every entity id with audit rows, in order (`readAuditByEntity`). */
  readonly entities: SortedList<string>;
  head: AuditHeadRow | undefined;
  readonly keys: Map<string, string>;
}

/** A stored record with what was derived from it, so that it can be removed exactly. */
interface StoredRow {
  readonly row: RecordRow;
  readonly links: readonly LinkRow[];
  readonly entries: readonly TimelineRow[];
}

function newTenant(): TenantState {
  return {
    records: new Map(),
    ids: new SortedList(compareStrings),
    bySource: new Map(),
    byTime: new Map(),
    byCustomer: new Map(),
    links: new Map(),
    timelines: new Map(),
    identifiers: new Map(),
    audit: [],
    auditByEntity: new Map(),
    entities: new SortedList(compareStrings),
    head: undefined,
    keys: new Map(),
  };
}

const sourceKey = (collection: Collection, system: string, externalId: string) => `${collection}\u0000${system}\u0000${externalId}`;
const linkKey = (kind: string, ref: string) => `${kind}\u0000${ref}`;

const compareStrings = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);

/** Compares two keyset positions. */
function compareKeys(aAt: string, aId: string, bAt: string, bId: string): number {
  if (aAt !== bAt) return aAt < bAt ? -1 : 1;
  return compareStrings(aId, bId);
}

const byRowTime = (a: RecordRow, b: RecordRow) => compareKeys(a.at, a.id, b.at, b.id);
const byLinkTime = (a: LinkRow, b: LinkRow) => compareKeys(a.at, a.recordId, b.at, b.recordId);
const byEntryTime = (a: TimelineRow, b: TimelineRow) => compareKeys(a.at, a.entryId, b.at, b.entryId);

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

/**
 * Walks sorted lists in keyset order from `after` (or from the `from`/`to` bound the order starts
 * at), merging them when there are several, and yields what `accept` lets through until `limit`
 * items were taken or `stop` says the rest is out of range.
 */
function takeInOrder<T>(
  lists: readonly SortedList<T>[],
  probe: (after: Keyset) => T,
  key: (item: T) => Keyset,
  options: {
    after: Keyset | undefined;
    from?: string | undefined;
    to?: string | undefined;
    order: 'asc' | 'desc';
    limit: number;
    accept: (item: T) => boolean;
    stop?: (item: T) => boolean;
  },
): T[] {
  const { after, order, limit, accept, stop } = options;
  const out: T[] = [];
  const step = order === 'asc' ? 1 : -1;
  // Where the walk starts: the keyset position, or the time bound it starts from, whichever is further in.
  const bound = order === 'asc' ? options.from : options.to;
  let start = after;
  if (bound !== undefined && (start === undefined || (order === 'asc' ? bound > start.at : bound < start.at))) start = { at: bound, id: '' };
  // One cursor per list, at the first item after the start (`id: ''` sorts before every id at that instant).
  const cursors = lists.map((list) => {
    if (!start) return order === 'asc' ? 0 : list.length - 1;
    const index = list.lowerBound(probe(start));
    return order === 'asc' ? index : index - 1;
  });
  const compare = (a: T, b: T) => {
    const ka = key(a);
    const kb = key(b);
    return compareKeys(ka.at, ka.id, kb.at, kb.id) * step;
  };
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const at = cursors[i]!;
      if (at < 0 || at >= lists[i]!.length) continue;
      if (best === -1 || compare(lists[i]!.at(at), lists[best]!.at(cursors[best]!)) < 0) best = i;
    }
    if (best === -1) break;
    const item = lists[best]!.at(cursors[best]!);
    cursors[best]! += step;
    const k = key(item);
    if (!isAfter(k.at, k.id, after, order)) continue;
    if (stop?.(item)) break;
    if (accept(item)) out.push(item);
  }
  return out;
}

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
      const stored = state.records.get(id);
      if (stored && stored.row.collection === collection) out.push(stored.row);
    }
    return out;
  }

  async getMergeTargets(tenant: string, customerIds: readonly string[]): Promise<Array<{ id: string; customerId: string }>> {
    return (await this.getRecords(tenant, 'customers', customerIds)).map((row) => ({ id: row.id, customerId: row.customerId }));
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
    const { filter, order } = query;
    if (filter.ids) {
      const rows = (await this.getRecords(tenant, query.collection, filter.ids)).filter(
        (row) => matchesFilter(row, filter) && isAfter(row.at, row.id, query.after, order),
      );
      rows.sort((a, b) => byRowTime(a, b) * (order === 'asc' ? 1 : -1));
      return rows.slice(0, query.limit);
    }
    const lists = filter.customerIds
      ? [...new Set(filter.customerIds)].map((id) => state.byCustomer.get(id)?.get(query.collection)).filter((list) => list !== undefined)
      : [state.byTime.get(query.collection)].filter((list) => list !== undefined);
    return takeInOrder(lists, (after) => ({ at: after.at, id: after.id }) as RecordRow, (row) => row, {
      after: query.after,
      from: filter.from,
      to: filter.to,
      order,
      limit: query.limit,
      accept: (row) => matchesFilter(row, filter),
      stop: (row) => (order === 'asc' ? filter.to !== undefined && row.at >= filter.to : filter.from !== undefined && row.at < filter.from),
    });
  }

  async listTimeline(tenant: string, query: TimelineQuery): Promise<TimelineHit[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    // A customer merged into another reads that one's timeline.
    const customer = state.records.get(query.customerId)?.row;
    const entries = state.timelines.get(customer?.collection === 'customers' ? customer.customerId : query.customerId);
    if (!entries) return [];
    let linkedIds: Set<string> | undefined;
    if (query.link) {
      const linked = state.links.get(linkKey(query.link.kind, query.link.ref));
      if (!linked) return [];
      linkedIds = new Set(linked.items().map((link) => link.recordId));
    }
    const hits = takeInOrder([entries], (after) => ({ at: after.at, entryId: after.id }) as TimelineRow, (entry) => ({ at: entry.at, id: entry.entryId }), {
      after: query.after,
      from: query.from,
      to: query.to,
      order: query.order,
      limit: query.limit,
      stop: (entry) => (query.order === 'asc' ? query.to !== undefined && entry.at >= query.to : query.from !== undefined && entry.at < query.from),
      accept: (entry) =>
        (query.from === undefined || entry.at >= query.from) &&
        (query.to === undefined || entry.at < query.to) &&
        oneOf(entry.kind, query.kinds) &&
        oneOf(entry.channel, query.channels) &&
        oneOf(entry.purpose, query.purposes) &&
        oneOf(entry.status, query.statuses) &&
        (linkedIds === undefined || linkedIds.has(entry.recordId)),
    });
    return hits.map((entry) => {
      const { collection, id, customerId, document } = state.records.get(entry.recordId)!.row;
      return { entryId: entry.entryId, at: entry.at, kind: entry.kind, record: { collection, id, customerId, document } };
    });
  }

  async listLinked(tenant: string, query: LinkQuery): Promise<RecordRow[]> {
    const state = this.tenant(tenant);
    const links = state?.links.get(linkKey(query.kind, query.ref));
    if (!state || !links) return [];
    const matching = takeInOrder([links], (after) => ({ at: after.at, recordId: after.id }) as LinkRow, (link) => ({ at: link.at, id: link.recordId }), {
      after: query.after,
      order: query.order,
      limit: query.limit,
      accept: (link) => query.collections === undefined || query.collections.includes(link.collection),
    });
    return matching.map((link) => state.records.get(link.recordId)!.row);
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
    const rows = query.entityId !== undefined ? (state.auditByEntity.get(query.entityId) ?? []) : state.audit;
    const out: AuditRow[] = [];
    if (order === 'asc') {
      let index = query.afterSeq === undefined ? 0 : lowerSeq(rows, query.afterSeq + 1);
      for (; index < rows.length && out.length < query.limit; index++) out.push(rows[index]!);
    } else {
      let index = (query.afterSeq === undefined ? rows.length : lowerSeq(rows, query.afterSeq)) - 1;
      for (; index >= 0 && out.length < query.limit; index--) out.push(rows[index]!);
    }
    return out;
  }

  async readAuditByEntity(tenant: string, query: AuditByEntityQuery): Promise<AuditRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const out: AuditRow[] = [];
    const after = query.after;
    let index = after ? state.entities.lowerBound(after.entityId) : 0;
    for (; index < state.entities.length && out.length < query.limit; index++) {
      const entityId = state.entities.at(index);
      const rows = state.auditByEntity.get(entityId)!;
      let start = 0;
      if (after && entityId === after.entityId) start = lowerSeq(rows, after.seq + 1);
      for (let i = start; i < rows.length && out.length < query.limit; i++) out.push(rows[i]!);
    }
    return out;
  }

  async scanRecords(tenant: string, query: RecordScanQuery): Promise<RecordRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const out: RecordRow[] = [];
    let index = query.afterId === undefined ? 0 : state.ids.upperBound(query.afterId);
    for (; index < state.ids.length && out.length < query.limit; index++) out.push(state.records.get(state.ids.at(index))!.row);
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

  // ---------------------------------------------------------------------------- live sync reads

  async listRecordsBySource(tenant: string, query: SourceScanQuery): Promise<RecordRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const prefix = sourceKey(query.collection, query.system, '');
    const externalIds = sortedKeys(state, `source:${prefix}`, () => {
      const ids: string[] = [];
      for (const key of state.bySource.keys()) if (key.startsWith(prefix)) ids.push(key.slice(prefix.length));
      return ids;
    });
    const out: RecordRow[] = [];
    let index = query.afterExternalId === undefined ? 0 : upperBoundUtf8(externalIds, query.afterExternalId);
    for (; index < externalIds.length && out.length < query.limit; index++) {
      const id = state.bySource.get(prefix + externalIds[index]!);
      const stored = id === undefined ? undefined : state.records.get(id);
      if (stored) out.push(stored.row);
    }
    return out;
  }

  async scanIdentifiers(tenant: string, query: IdentifierScanQuery): Promise<IdentifierRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const keys = sortedKeys(state, 'identifiers', () => [...state.identifiers.keys()]);
    const out: IdentifierRow[] = [];
    let index = query.afterKey === undefined ? 0 : upperBoundUtf8(keys, query.afterKey);
    for (; index < keys.length && out.length < query.limit; index++) {
      const customerId = state.identifiers.get(keys[index]!);
      if (customerId !== undefined) out.push({ key: keys[index]!, customerId });
    }
    return out;
  }

  async scanSubjectKeys(tenant: string, query: SubjectKeyScanQuery): Promise<SubjectKeyRow[]> {
    const state = this.tenant(tenant);
    if (!state) return [];
    const subjects = sortedKeys(state, 'keys', () => [...state.keys.keys()]);
    const out: SubjectKeyRow[] = [];
    let index = query.afterSubjectId === undefined ? 0 : upperBoundUtf8(subjects, query.afterSubjectId);
    for (; index < subjects.length && out.length < query.limit; index++) {
      const key = state.keys.get(subjects[index]!);
      if (key !== undefined) out.push({ subjectId: subjects[index]!, key });
    }
    return out;
  }
}

/**
 * Sorted key lists for the live sync reads, built on first use and kept until the next write
 * (by any transaction, or a rollback): a scan of a million keys sorts them once, not once per page.
 */
const sortedKeyCache = new WeakMap<TenantState, Map<string, { generation: number; keys: string[] }>>();
let writeGeneration = 0;

/** Called before every change to the state (and on rollback): the sorted key lists are out of date. */
function stateChanging(): void {
  writeGeneration++;
}

function sortedKeys(state: TenantState, name: string, collect: () => string[]): string[] {
  let lists = sortedKeyCache.get(state);
  if (!lists) {
    lists = new Map();
    sortedKeyCache.set(state, lists);
  }
  const cached = lists.get(name);
  if (cached && cached.generation === writeGeneration) return cached.keys;
  const keys = collect().sort(compareUtf8);
  lists.set(name, { generation: writeGeneration, keys });
  return keys;
}

/** Index of the first row with `seq >= seq` in rows sorted by seq. */
function lowerSeq(rows: readonly AuditRow[], seq: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How to take back one change of a transaction. */
type Undo =
  | { readonly op: 'stored'; readonly state: TenantState; readonly stored: StoredRow }
  | { readonly op: 'removed'; readonly state: TenantState; readonly stored: StoredRow }
  | { readonly op: 'set'; readonly map: Map<string, string>; readonly key: string; readonly had: boolean; readonly previous: string | undefined }
  | { readonly op: 'audit'; readonly state: TenantState; readonly length: number; readonly head: AuditHeadRow | undefined }
  | { readonly op: 'tenant'; readonly tenant: string };

/** A transaction: mutates the state directly and keeps an undo log to roll back. */
class MemoryTransaction extends MemoryReader implements AdapterTransaction {
  private readonly undo: Undo[] = [];
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
    stateChanging();
    let state = this.tenants.get(tenant);
    if (!state) {
      state = newTenant();
      this.tenants.set(tenant, state);
      this.undo.push({ op: 'tenant', tenant });
    }
    return state;
  }

  /** Sets `map[key] = value` (or deletes it when `value` is undefined), remembering how to undo it. */
  private set(map: Map<string, string>, key: string, value: string | undefined): void {
    this.undo.push({ op: 'set', map, key, had: map.has(key), previous: map.get(key) });
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }

  end(commit: boolean): void {
    if (!commit) {
      stateChanging();
      for (let i = this.undo.length - 1; i >= 0; i--) {
        const undo = this.undo[i]!;
        switch (undo.op) {
          case 'stored':
            unindex(undo.state, undo.stored);
            break;
          case 'removed':
            index(undo.state, undo.stored);
            break;
          case 'set':
            if (undo.had) undo.map.set(undo.key, undo.previous!);
            else undo.map.delete(undo.key);
            break;
          case 'audit':
            truncateAudit(undo.state, undo.length);
            undo.state.head = undo.head;
            break;
          case 'tenant':
            this.tenants.delete(undo.tenant);
            break;
        }
      }
    }
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
    for (const write of writes) this.store(state, toStored(write));
  }

  async updateRecords(tenant: string, updates: readonly RecordUpdate[]): Promise<string[]> {
    const state = this.writable(tenant);
    const stale: string[] = [];
    for (const update of updates) {
      const current = state.records.get(update.row.id);
      if (!current || current.row.collection !== update.row.collection || current.row.version !== update.expectedVersion) {
        stale.push(update.row.id);
        continue;
      }
      const { row } = update;
      if (row.sourceSystem !== null && row.sourceExternalId !== null) {
        const owner = state.bySource.get(sourceKey(row.collection, row.sourceSystem, row.sourceExternalId));
        if (owner !== undefined && owner !== current.row.id) throw new UniqueViolation('source');
      }
      this.remove(state, current);
      this.store(state, toStored(update));
    }
    return stale;
  }

  async deleteRecords(tenant: string, collection: Collection, ids: readonly string[]): Promise<number> {
    const state = this.writable(tenant);
    let count = 0;
    for (const id of new Set(ids)) {
      const stored = state.records.get(id);
      if (stored && stored.row.collection === collection) {
        this.remove(state, stored);
        count++;
      }
    }
    return count;
  }

  async reassignRecords(tenant: string, selection: ReassignSelection, toCustomerId: string): Promise<number> {
    const state = this.writable(tenant);
    const homes = selection.homeCustomerIds === undefined ? undefined : new Set(selection.homeCustomerIds);
    const selected: StoredRow[] = [];
    for (const list of state.byCustomer.get(selection.fromCustomerId)?.values() ?? []) {
      for (const row of list.items()) if (homes === undefined || homes.has(row.homeCustomerId)) selected.push(state.records.get(row.id)!);
    }
    for (const stored of selected) {
      this.remove(state, stored);
      const row = Object.freeze({ ...stored.row, customerId: toCustomerId });
      this.store(state, {
        row,
        links: stored.links,
        entries: stored.entries.map((entry) => Object.freeze({ ...entry, customerId: toCustomerId })),
      });
    }
    return selected.length;
  }

  private store(state: TenantState, stored: StoredRow): void {
    index(state, stored);
    this.undo.push({ op: 'stored', state, stored });
  }

  private remove(state: TenantState, stored: StoredRow): void {
    unindex(state, stored);
    this.undo.push({ op: 'removed', state, stored });
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
    this.undo.push({ op: 'audit', state, length: state.audit.length, head: state.head });
    for (const given of rows) {
      const row = Object.freeze({ seq: given.seq, entityId: given.entityId, entry: given.entry });
      state.audit.push(row);
      let list = state.auditByEntity.get(row.entityId);
      if (!list) {
        list = [];
        state.auditByEntity.set(row.entityId, list);
        state.entities.insert(row.entityId);
      }
      list.push(row);
    }
    state.head = { ...head };
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

/**
 * A write as stored: the row and what is derived from it, frozen, as they are handed out as they
 * are. The row given is frozen in place rather than copied: the core never changes a row it wrote.
 */
function toStored(write: RecordWrite): StoredRow {
  const row = Object.freeze(write.row);
  const links: LinkRow[] = [];
  for (const { kind, ref } of write.links) {
    if (!links.some((link) => link.kind === kind && link.ref === ref)) links.push(Object.freeze({ kind, ref, at: row.at, recordId: row.id, collection: row.collection }));
  }
  const entries = write.timeline.map((entry) =>
    Object.freeze({
      entryId: entry.entryId,
      customerId: row.customerId,
      homeCustomerId: row.homeCustomerId,
      at: entry.at,
      kind: entry.kind,
      channel: entry.channel,
      purpose: entry.purpose,
      status: entry.status,
      recordId: row.id,
      collection: row.collection,
    }),
  );
  return { row, links, entries };
}

function listOf<K, T>(map: Map<K, SortedList<T>>, key: K, compare: (a: T, b: T) => number): SortedList<T> {
  let list = map.get(key);
  if (!list) {
    list = new SortedList(compare);
    map.set(key, list);
  }
  return list;
}

/** Adds a stored record to every index. */
function index(state: TenantState, stored: StoredRow): void {
  const { row } = stored;
  state.records.set(row.id, stored);
  state.ids.insert(row.id);
  if (row.sourceSystem !== null && row.sourceExternalId !== null) state.bySource.set(sourceKey(row.collection, row.sourceSystem, row.sourceExternalId), row.id);
  listOf(state.byTime, row.collection, byRowTime).insert(row);
  let collections = state.byCustomer.get(row.customerId);
  if (!collections) {
    collections = new Map();
    state.byCustomer.set(row.customerId, collections);
  }
  listOf(collections, row.collection, byRowTime).insert(row);
  for (const link of stored.links) listOf(state.links, linkKey(link.kind, link.ref), byLinkTime).insert(link);
  for (const entry of stored.entries) listOf(state.timelines, entry.customerId, byEntryTime).insert(entry);
}

/** Removes a stored record from every index. */
function unindex(state: TenantState, stored: StoredRow): void {
  const { row } = stored;
  state.records.delete(row.id);
  state.ids.remove(row.id);
  if (row.sourceSystem !== null && row.sourceExternalId !== null) {
    const key = sourceKey(row.collection, row.sourceSystem, row.sourceExternalId);
    if (state.bySource.get(key) === row.id) state.bySource.delete(key);
  }
  state.byTime.get(row.collection)?.remove(row);
  state.byCustomer.get(row.customerId)?.get(row.collection)?.remove(row);
  for (const link of stored.links) {
    const key = linkKey(link.kind, link.ref);
    const list = state.links.get(key);
    list?.remove(link);
    if (list?.length === 0) state.links.delete(key);
  }
  for (const entry of stored.entries) state.timelines.get(entry.customerId)?.remove(entry);
}

function truncateAudit(state: TenantState, length: number): void {
  for (const row of state.audit.splice(length)) {
    const list = state.auditByEntity.get(row.entityId)!;
    list.pop();
    if (list.length === 0) {
      state.auditByEntity.delete(row.entityId);
      state.entities.remove(row.entityId);
    }
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
    getMergeTargets: read(reader.getMergeTargets.bind(reader)),
    listRecords: read(reader.listRecords.bind(reader)),
    listTimeline: read(reader.listTimeline.bind(reader)),
    listLinked: read(reader.listLinked.bind(reader)),
    getIdentifiers: read(reader.getIdentifiers.bind(reader)),
    readAudit: read(reader.readAudit.bind(reader)),
    readAuditByEntity: read(reader.readAuditByEntity.bind(reader)),
    scanRecords: read(reader.scanRecords.bind(reader)),
    listRecordsBySource: read(reader.listRecordsBySource.bind(reader)),
    scanIdentifiers: read(reader.scanIdentifiers.bind(reader)),
    scanSubjectKeys: read(reader.scanSubjectKeys.bind(reader)),
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
    // Nothing removed lingers: erased values are gone once the process lets go of them.
    async scrub(): Promise<ScrubReport> {
      assertOpen();
      return { complete: true };
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
