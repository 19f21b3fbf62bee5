/**
 * A tenant's whole state, read out consistently and written back exactly: the engine under
 * restorable exports (`exportRestorable`, `restoreTenant` in touchlog/interop, which give it its
 * NDJSON form).
 *
 * A snapshot is the audit trail (every entry, byte for byte), every record as stored (document
 * and salt byte for byte, with the customer it belongs to and the digest of its source payload),
 * the identifier rows and the data keys. Links and timeline entries are not in it: they are
 * derived from the documents by the model specs, as when the records were first written, so the
 * snapshot does not depend on how an adapter lays out its tables.
 *
 * Reading holds the tenant's write lock for the whole read (writers of the tenant wait), so the
 * snapshot is one state of the tenant. Writing happens in one transaction that checks, as it
 * goes, the chain (every hash and link, reaching the head the snapshot names), every record
 * against the audit entry that last wrote it (its state digest and version, none missing, none
 * extra), where every record is filed (the customer its merges lead to), that every identifier
 * names a customer that lists it, and the counts: anything wrong and nothing is written.
 *
 * @module
 */
import type { ThreadOptions } from '../timeline/thread.js';
import type { AdapterReader, AdapterTransaction, AuditRow, Collection, IdentifierRow, RecordRow, RecordWrite, StorageAdapter, SubjectKeyRow } from '../adapters/contract.js';
import { COLLECTIONS } from '../adapters/contract.js';
import { compareUtf8 } from '../adapters/byte-order.js';
import { stateDigest } from '../audit/state.js';
import { parseEntry, verifyChain, type AuditHead, type ChainWalk } from '../audit/verify.js';
import { Yielder } from '../runtime/yielder.js';
import type { ChainedEntry } from '../audit/chain.js';
import { AbortedError, IntegrityError, RestoreIntegrityError, StorageError, TenantMismatchError, TenantNotEmptyError, ValidationError } from '../errors/index.js';
import type { Customer } from '../models/customer.js';
import { identifierKey } from '../models/identifiers.js';
import { isUlid } from '../models/primitives.js';
import { RecordInspector } from './inspect-records.js';
import { specOfCollection } from './model-specs.js';
import { guardStorage } from './session.js';
import { toWrite } from './write-records.js';

/** One record of a snapshot: what the adapter stores that its document does not say. */
export interface SnapshotRecord {
  readonly collection: Collection;
  /** The customer the record belongs to now (after merges). */
  readonly customerId: string;
  /** The customer it was recorded for. */
  readonly homeCustomerId: string;
  readonly salt: string | null;
  readonly sourceHash: string | null;
  /** The record's JSON text, byte for byte as stored. */
  readonly document: string;
}

/** How many items of each kind a snapshot holds. */
export interface SnapshotCounts {
  readonly audit: number;
  readonly records: number;
  readonly identifiers: number;
  readonly subjectKeys: number;
}

/** What a snapshot starts with. */
export interface SnapshotHeader {
  readonly tenant: string;
  /** The last audit entry of the snapshot; `undefined` for a tenant without entries. */
  readonly head: AuditHead | undefined;
}

/** Receives a snapshot as it is read, in this order: header, audit entries, records, identifiers, data keys. */
export interface SnapshotSink {
  header(header: SnapshotHeader): Promise<void>;
  audit(row: AuditRow): Promise<void>;
  record(record: SnapshotRecord): Promise<void>;
  identifier(row: IdentifierRow): Promise<void>;
  subjectKey(row: SubjectKeyRow): Promise<void>;
}

/** A snapshot item as read back, with the line (or position) it came from, for messages. */
export type SnapshotItem =
  | ({ readonly type: 'header'; readonly line: number } & SnapshotHeader)
  | { readonly type: 'audit'; readonly line: number; readonly row: AuditRow }
  | { readonly type: 'record'; readonly line: number; readonly record: SnapshotRecord }
  | { readonly type: 'identifier'; readonly line: number; readonly row: IdentifierRow }
  | { readonly type: 'subjectKey'; readonly line: number; readonly row: SubjectKeyRow }
  | { readonly type: 'end'; readonly line: number; readonly counts: SnapshotCounts };

/** What a restore did. */
export interface RestoreReport {
  /** `restored`: the tenant was empty and now holds the snapshot; `unchanged`: it held exactly the snapshot already, nothing was written. */
  readonly outcome: 'restored' | 'unchanged';
  readonly tenant: string;
  /** The head of the tenant's audit chain, the same as the snapshot's. */
  readonly head: AuditHead | undefined;
  readonly counts: SnapshotCounts;
  /** Records whose last entry was written before records were bound to the trail (not checked against a digest). */
  readonly unbound: number;
}

const PAGE = 1000;
const RECORD_BATCH = 500;
/** Bytes of documents held before a batch of records is written. */
const RECORD_BATCH_BYTES = 8 * 1024 * 1024;

/** Pages of a keyset read, flattened. */
async function* paged<T, K>(read: (after: K | undefined) => Promise<T[]>, key: (last: T) => K, what: string): AsyncGenerator<T> {
  const yielder = new Yielder();
  for (let after: K | undefined; ; ) {
    const page = await guardStorage(what, () => read(after));
    yield* page;
    if (page.length < PAGE) return;
    after = key(page[page.length - 1]!);
    await yielder.maybeYield();
  }
}

const auditRows = (reader: AdapterReader, tenant: string) =>
  paged<AuditRow, number>((after) => reader.readAudit(tenant, { limit: PAGE, ...(after !== undefined ? { afterSeq: after } : {}) }), (row) => row.seq, 'reading the audit trail');
const recordRows = (reader: AdapterReader, tenant: string) =>
  paged<RecordRow, string>((after) => reader.scanRecords(tenant, { limit: PAGE, ...(after !== undefined ? { afterId: after } : {}) }), (row) => row.id, 'reading records');
const identifierRows = (reader: AdapterReader, tenant: string) =>
  paged<IdentifierRow, string>((after) => reader.scanIdentifiers(tenant, { limit: PAGE, ...(after !== undefined ? { afterKey: after } : {}) }), (row) => row.key, 'reading identifiers');
const subjectKeyRows = (reader: AdapterReader, tenant: string) =>
  paged<SubjectKeyRow, string>((after) => reader.scanSubjectKeys(tenant, { limit: PAGE, ...(after !== undefined ? { afterSubjectId: after } : {}) }), (row) => row.subjectId, 'reading data keys');

/**
 * Reads the tenant's whole state into `sink`, holding the tenant's write lock meanwhile (writers
 * of the tenant wait; on SQLite, writers of the database). Returns the counts.
 */
export async function readSnapshot(adapter: StorageAdapter, tenant: string, sink: SnapshotSink, signal?: AbortSignal): Promise<SnapshotCounts> {
  let started = false;
  return guardStorage('exporting the tenant', () =>
    adapter.transaction(async (tx) => {
      if (started) {
        // The adapter runs a transaction again after a serialization failure; what was sent cannot be taken back.
        throw new StorageError('the export was interrupted by a conflicting transaction; run it again', { retryable: true });
      }
      started = true;
      const head = await tx.lockTenant(tenant);
      await sink.header({ tenant, head: head ? { seq: head.seq, hash: head.hash } : undefined });
      const counts = { audit: 0, records: 0, identifiers: 0, subjectKeys: 0 };
      const check = () => {
        if (signal?.aborted) throw new AbortedError('the export was aborted');
      };
      for await (const row of auditRows(tx, tenant)) {
        check();
        await sink.audit(row);
        counts.audit++;
      }
      for await (const row of recordRows(tx, tenant)) {
        check();
        await sink.record({ collection: row.collection, customerId: row.customerId, homeCustomerId: row.homeCustomerId, salt: row.salt, sourceHash: row.sourceHash, document: row.document });
        counts.records++;
      }
      for await (const row of identifierRows(tx, tenant)) {
        check();
        await sink.identifier(row);
        counts.identifiers++;
      }
      for await (const row of subjectKeyRows(tx, tenant)) {
        check();
        await sink.subjectKey(row);
        counts.subjectKeys++;
      }
      if ((head?.seq ?? 0) !== counts.audit) {
        throw new IntegrityError(`the audit trail has ${counts.audit} entries but its head is entry ${head?.seq ?? 0}: run audit.verify() to see what is wrong before exporting`);
      }
      return counts;
    }),
  );
}

// ------------------------------------------------------------------------------------- restoring

const fail = (message: string, where: { line: number; seq?: number; recordId?: string }) => new RestoreIntegrityError(message, where);

/** The id of a snapshot record, from its document; a line that is no stored record is refused. */
function recordIdOf(item: SnapshotRecord, line: number): string {
  let record: { id?: unknown; version?: unknown } | undefined;
  try {
    record = JSON.parse(item.document) as typeof record;
  } catch {
    record = undefined;
  }
  if (!COLLECTIONS.includes(item.collection) || typeof record !== 'object' || record === null || Array.isArray(record) || !isUlid(record.id) || !Number.isSafeInteger(record.version)) {
    throw new ValidationError('restorable export', [{ code: 'invalid_value', path: ['line', line], message: 'is not a stored record (a collection, and a document with an id and a version)' }]);
  }
  return record.id as string;
}

/** The row and derived writes of a snapshot record, as the adapter stores them (its document was checked against its entry first). */
function derive(item: SnapshotRecord, line: number, threading: ThreadOptions | false): RecordWrite {
  const spec = specOfCollection(item.collection);
  try {
    const write = toWrite(spec as never, JSON.parse(item.document) as never, { customerId: item.customerId, homeCustomerId: item.homeCustomerId }, item.sourceHash, threading, item.document);
    return { ...write, row: { ...write.row, salt: item.salt } };
  } catch (error) {
    throw new ValidationError('restorable export', [{ code: 'invalid_value', path: ['line', line], message: `is not a ${spec.label} touchlog can store (${(error as Error).message})` }]);
  }
}

/** The last entry of each entity, in entity id order, from rows in `(entityId, seq)` order. */
async function* lastEntries(reader: AdapterReader, tenant: string): AsyncGenerator<{ entityId: string; last: ChainedEntry | undefined }> {
  let current: AuditRow | undefined;
  const rows = paged<AuditRow, { entityId: string; seq: number }>(
    (after) => reader.readAuditByEntity(tenant, { limit: PAGE, ...(after ? { after } : {}) }),
    (row) => ({ entityId: row.entityId, seq: row.seq }),
    'reading the audit trail',
  );
  for await (const row of rows) {
    if (current && current.entityId !== row.entityId) yield { entityId: current.entityId, last: parseEntry(current.entry) };
    current = row;
  }
  if (current) yield { entityId: current.entityId, last: parseEntry(current.entry) };
}

const REMOVALS = new Set(['purge', 'delete']);
const isRemoval = (entry: ChainedEntry) => REMOVALS.has(entry.action) || entry.version === undefined;

/** Pulls items one by one, keeping one back when a section ends. */
class Items {
  private pending: SnapshotItem | undefined;
  constructor(private readonly iterator: AsyncIterator<SnapshotItem>) {}
  async next(): Promise<SnapshotItem | undefined> {
    if (this.pending) {
      const item = this.pending;
      this.pending = undefined;
      return item;
    }
    const next = await this.iterator.next();
    return next.done ? undefined : next.value;
  }
  putBack(item: SnapshotItem): void {
    this.pending = item;
  }
  async close(): Promise<void> {
    await this.iterator.return?.(undefined);
  }
}

/** Takes the next item, which must exist (the reader ends every snapshot with an `end` item). */
async function take(items: Items, line: number): Promise<SnapshotItem> {
  const item = await items.next();
  if (!item) throw fail('the export ends before its last line: it was cut short', { line });
  return item;
}

/** Whether the tenant holds anything at all. */
async function isEmpty(reader: AdapterReader, tenant: string): Promise<boolean> {
  const [head, records, identifiers, keys] = await Promise.all([
    reader.getAuditHead(tenant),
    reader.scanRecords(tenant, { limit: 1 }),
    reader.scanIdentifiers(tenant, { limit: 1 }),
    reader.scanSubjectKeys(tenant, { limit: 1 }),
  ]);
  return head === undefined && records.length === 0 && identifiers.length === 0 && keys.length === 0;
}

const sameHead = (a: AuditHead | undefined, b: AuditHead | undefined) => (a === undefined ? b === undefined : b !== undefined && a.seq === b.seq && a.hash === b.hash);
const describeHead = (head: AuditHead | undefined) => (head ? `audit head #${head.seq}` : 'no audit entries');

/** Options of {@link restoreSnapshot}. */
export interface RestoreOptions {
  /** The store's threading: restored messages get its thread keys (they are not exported). */
  readonly threading: ThreadOptions | false;
  /** Stops the restore: nothing is written (`ABORTED`). */
  readonly signal?: AbortSignal | undefined;
  /** Called as the restore advances, with the counts so far. */
  readonly onProgress?: ((counts: SnapshotCounts) => void) | undefined;
}

/**
 * Brings a snapshot into `tenant`: into an empty tenant, in one transaction, checking everything
 * before it commits; into a tenant that holds exactly the snapshot already, nothing (`unchanged`);
 * into any other tenant, nothing either: {@link TenantNotEmptyError}.
 */
export async function restoreSnapshot(adapter: StorageAdapter, tenant: string, source: AsyncIterable<SnapshotItem>, options: RestoreOptions): Promise<RestoreReport> {
  const items = new Items(source[Symbol.asyncIterator]());
  try {
    const header = await take(items, 1);
    if (header.type !== 'header') throw fail('the export does not start with its header', { line: header.line });
    if (header.tenant !== tenant) {
      throw new TenantMismatchError(
        `the export is of tenant ${header.tenant}, not ${tenant}: audit entries are hashed with their tenant, so a tenant is restored under its own name (restore with --tenant ${header.tenant}, in another store if need be)`,
      );
    }
    if (!(await guardStorage('reading the tenant', () => isEmpty(adapter, tenant)))) {
      const head = await guardStorage('reading the tenant', () => adapter.getAuditHead(tenant));
      if (!sameHead(head, header.head)) {
        throw new TenantNotEmptyError(
          tenant,
          `tenant ${tenant} already holds other data (${describeHead(head)}, the export has ${describeHead(header.head)}): a restore never merges into existing data; restore into an empty tenant or another store`,
        );
      }
      return await compareSnapshot(adapter, tenant, header.head, items, options);
    }
    let attempts = 0;
    return await guardStorage('restoring the tenant', () =>
      adapter.transaction(async (tx) => {
        if (attempts++ > 0) throw new StorageError('the restore was interrupted by a conflicting transaction; nothing was restored: run it again', { retryable: true });
        await tx.lockTenant(tenant);
        if (!(await isEmpty(tx, tenant))) throw new TenantNotEmptyError(tenant, `tenant ${tenant} was written to while the restore started: nothing was restored`);
        return writeSnapshot(tx, tenant, header.head, items, options);
      }),
    );
  } finally {
    await items.close();
  }
}

/** Writes a snapshot into an empty tenant inside `tx`, checking it as it goes. */
async function writeSnapshot(tx: AdapterTransaction, tenant: string, head: AuditHead | undefined, items: Items, options: RestoreOptions): Promise<RestoreReport> {
  const counts = { audit: 0, records: 0, identifiers: 0, subjectKeys: 0 };
  const yielder = new Yielder();
  const step = async () => {
    if (options.signal?.aborted) throw new AbortedError('the restore was aborted: nothing was restored');
    await yielder.maybeYield();
  };
  const progress = () => options.onProgress?.({ ...counts });

  // --- The audit trail: walked as it is written; the walk must end exactly at the header's head.
  const lines = new Map<number, number>();
  let line = 1;
  let batch: AuditRow[] = [];
  const flushAudit = async () => {
    if (batch.length === 0) return;
    const last = parseEntry(batch[batch.length - 1]!.entry);
    await tx.appendAudit(tenant, batch, { seq: batch[batch.length - 1]!.seq, hash: last?.hash ?? '' });
    batch = [];
    progress();
  };
  async function* rows(): AsyncGenerator<AuditRow> {
    for (;;) {
      const item = await take(items, line + 1);
      line = item.line;
      if (item.type !== 'audit') {
        items.putBack(item);
        return;
      }
      await step();
      lines.set(item.row.seq, item.line);
      if (lines.size > 8) lines.delete(lines.keys().next().value!);
      counts.audit++;
      batch.push(item.row);
      if (batch.length >= PAGE) await flushAudit();
      yield item.row;
    }
  }
  const walk: ChainWalk = await verifyChain(tenant, rows(), head ? [head] : []);
  if (walk.problem?.kind === 'truncated') {
    throw fail(`the export's audit trail stops at ${describeHead(walk.head)}, before the head its header names (${describeHead(head)}): entries were cut off`, { line, seq: walk.problem.seq });
  }
  if (walk.problem) {
    const { seq } = walk.problem;
    throw fail(`audit entry ${seq} of the export: ${walk.problem.message}`, { line: lines.get(seq) ?? line, seq });
  }
  if (!sameHead(walk.head, head)) {
    throw fail(`the export's audit trail ends at ${describeHead(walk.head)}, but its header names ${describeHead(head)}`, { line });
  }
  await flushAudit();

  // --- Records, in id order, against the last entry of each entity (merged like verify() does).
  const entries = lastEntries(tx, tenant)[Symbol.asyncIterator]();
  let entry = await entries.next();
  let previousId = '';
  let unbound = 0;
  let writes: Array<{ write: RecordWrite; line: number }> = [];
  let bytes = 0;
  /** History records whose customer comes later in id order: home customer → the customer it must be filed under. */
  const awaited = new Map<string, { customerId: string; recordId: string; line: number }>();
  /** Customers already written → the customer their row is filed under. */
  const filedUnder = new Map<string, string>();
  const flushRecords = async () => {
    if (writes.length === 0) return;
    // Each history record is filed under the customer its home customer's row is filed under.
    const homes = [...new Set(writes.filter(({ write }) => write.row.collection !== 'customers').map(({ write }) => write.row.homeCustomerId))].filter((id) => !filedUnder.has(id));
    for (const target of homes.length > 0 ? await tx.getMergeTargets(tenant, homes) : []) filedUnder.set(target.id, target.customerId);
    for (const { write, line: at } of writes) {
      const { id, collection, homeCustomerId, customerId } = write.row;
      if (collection === 'customers') continue;
      const expected = filedUnder.get(homeCustomerId) ?? awaited.get(homeCustomerId)?.customerId;
      if (expected === undefined) awaited.set(homeCustomerId, { customerId, recordId: id, line: at });
      else if (expected !== customerId) {
        throw fail(`record ${id} is filed under customer ${customerId}, but its customer ${homeCustomerId} belongs to ${expected}`, { line: at, recordId: id });
      }
    }
    await tx.insertRecords(tenant, writes.map(({ write }) => write));
    if (filedUnder.size > 20_000) filedUnder.clear();
    writes = [];
    bytes = 0;
    progress();
  };
  const missing = (last: ChainedEntry, at: number) =>
    fail(`record ${last.entity.id} is missing from the export: audit entry ${last.seq} wrote it (version ${last.version}) and no entry removed it`, { line: at, seq: last.seq, recordId: last.entity.id });

  for (;;) {
    const item = await take(items, line + 1);
    line = item.line;
    if (item.type !== 'record') {
      items.putBack(item);
      break;
    }
    await step();
    const id = recordIdOf(item.record, item.line);
    if (compareUtf8(id, previousId) <= 0) throw new ValidationError('restorable export', [{ code: 'unsorted', path: ['line', item.line], message: `record ${id} is out of order: records come in id order` }]);
    previousId = id;
    // Entities before this record with no record of their own must have been removed.
    while (!entry.done && compareUtf8(entry.value.entityId, id) < 0) {
      const last = entry.value.last;
      if (last && !isRemoval(last)) throw missing(last, item.line);
      entry = await entries.next();
    }
    const last = !entry.done && entry.value.entityId === id ? entry.value.last : undefined;
    if (!entry.done && entry.value.entityId === id) entry = await entries.next();
    if (!last) throw fail(`record ${id} has no audit entry: it was added to the export`, { line: item.line, recordId: id });
    if (isRemoval(last)) throw fail(`record ${id} is in the export although audit entry ${last.seq} removed it`, { line: item.line, seq: last.seq, recordId: id });
    const spec = specOfCollection(item.record.collection);
    if (last.entity.type !== spec.entityType) {
      throw fail(`record ${id} is in ${item.record.collection}, but audit entry ${last.seq} wrote a ${last.entity.type}`, { line: item.line, seq: last.seq, recordId: id });
    }
    const { version } = JSON.parse(item.record.document) as { version: number };
    if (last.state === undefined) unbound++;
    else if (
      version !== last.version ||
      item.record.salt === null ||
      stateDigest(item.record.salt, item.record.homeCustomerId, item.record.document) !== last.state
    ) {
      throw fail(`record ${id} is not the state audit entry ${last.seq} wrote (version ${last.version}): it was changed after it was exported`, { line: item.line, seq: last.seq, recordId: id });
    }
    const write = derive(item.record, item.line, options.threading);
    if (write.row.collection === 'customers') {
      filedUnder.set(write.row.id, write.row.customerId);
      const waiting = awaited.get(write.row.id);
      if (waiting && waiting.customerId !== write.row.customerId) {
        throw fail(`record ${waiting.recordId} is filed under customer ${waiting.customerId}, but its customer ${write.row.id} belongs to ${write.row.customerId}`, { line: item.line, recordId: waiting.recordId });
      }
      awaited.delete(write.row.id);
    }
    writes.push({ write, line: item.line });
    bytes += item.record.document.length;
    counts.records++;
    if (writes.length >= RECORD_BATCH || bytes >= RECORD_BATCH_BYTES) await flushRecords();
  }
  await flushRecords();
  for (; !entry.done; entry = await entries.next()) {
    const last = entry.value.last;
    if (last && !isRemoval(last)) throw missing(last, line);
  }
  const [orphan] = awaited;
  if (orphan) throw fail(`record ${orphan[1].recordId} belongs to customer ${orphan[0]}, which is not in the export`, { line, recordId: orphan[1].recordId });

  // Customers: each filed under the customer its merges lead to (their documents, checked above, say where).
  const inspector = new RecordInspector({ getRecords: (t: string, c: Collection, ids: readonly string[]) => tx.getRecords(t, c, ids) } as StorageAdapter, tenant);
  for (let after: { at: string; id: string } | undefined; ; ) {
    const page = await tx.listRecords(tenant, { collection: 'customers', filter: {}, order: 'asc', limit: PAGE, ...(after ? { after } : {}) });
    await inspector.prepare(page);
    for (const row of page) {
      const { inconsistency } = inspector.inspect(row);
      if (inconsistency !== undefined) throw fail(`customer ${row.id} of the export: ${inconsistency}`, { line, recordId: row.id });
    }
    await step();
    if (page.length < PAGE) break;
    const lastRow = page[page.length - 1]!;
    after = { at: lastRow.at, id: lastRow.id };
  }

  // --- Identifiers: each names a customer whose document lists it.
  let previousKey: string | undefined;
  let identifiers: Array<IdentifierRow & { line: number }> = [];
  const flushIdentifiers = async () => {
    if (identifiers.length === 0) return;
    const customers = new Map((await tx.getRecords(tenant, 'customers', [...new Set(identifiers.map((row) => row.customerId))])).map((row) => [row.id, row]));
    for (const row of identifiers) {
      const customer = customers.get(row.customerId);
      const listed = customer !== undefined && (JSON.parse(customer.document) as Customer).identifiers.some((identifier) => identifierKey(identifier) === row.key);
      if (!listed) throw fail(`identifier ${row.key} names customer ${row.customerId}, which does not list it`, { line: row.line, recordId: row.customerId });
    }
    await tx.putIdentifiers(tenant, identifiers.map(({ key, customerId }) => ({ key, customerId })));
    identifiers = [];
    progress();
  };
  for (;;) {
    const item = await take(items, line + 1);
    line = item.line;
    if (item.type !== 'identifier') {
      items.putBack(item);
      break;
    }
    await step();
    if (previousKey !== undefined && compareUtf8(item.row.key, previousKey) <= 0) {
      throw new ValidationError('restorable export', [{ code: 'unsorted', path: ['line', item.line], message: 'identifiers come in key order, each once' }]);
    }
    previousKey = item.row.key;
    identifiers.push({ ...item.row, line: item.line });
    counts.identifiers++;
    if (identifiers.length >= PAGE) await flushIdentifiers();
  }
  await flushIdentifiers();

  // --- Data keys.
  let previousSubject: string | undefined;
  let keys: SubjectKeyRow[] = [];
  for (;;) {
    const item = await take(items, line + 1);
    line = item.line;
    if (item.type !== 'subjectKey') {
      items.putBack(item);
      break;
    }
    await step();
    if (previousSubject !== undefined && compareUtf8(item.row.subjectId, previousSubject) <= 0) {
      throw new ValidationError('restorable export', [{ code: 'unsorted', path: ['line', item.line], message: 'data keys come in subject order, each once' }]);
    }
    previousSubject = item.row.subjectId;
    keys.push(item.row);
    counts.subjectKeys++;
    if (keys.length >= PAGE) {
      await tx.putSubjectKeys(tenant, keys);
      keys = [];
    }
  }
  if (keys.length > 0) await tx.putSubjectKeys(tenant, keys);

  await checkEnd(items, line, counts);
  progress();
  return { outcome: 'restored', tenant, head, counts, unbound };
}

/** The end item: last, with the counts of what was read. */
async function checkEnd(items: Items, line: number, counts: SnapshotCounts): Promise<void> {
  const end = await take(items, line + 1);
  if (end.type !== 'end') {
    throw new ValidationError('restorable export', [{ code: 'invalid_value', path: ['line', end.line], message: `is ${/^[aeiu]/.test(end.type) ? 'an' : 'a'} ${end.type} line out of its section (sections: header, audit, record, identifier, subjectKey, end)` }]);
  }
  for (const name of ['audit', 'records', 'identifiers', 'subjectKeys'] as const) {
    if (end.counts[name] !== counts[name]) {
      throw fail(`the export's last line counts ${end.counts[name]} ${name}, but ${counts[name]} were read: lines were removed or added`, { line: end.line });
    }
  }
  const after = await items.next();
  if (after) throw new ValidationError('restorable export', [{ code: 'invalid_value', path: ['line', after.line], message: 'comes after the last line of the export' }]);
}

/**
 * Compares a snapshot with a tenant that has the same audit head: `unchanged` when it holds
 * exactly the snapshot, {@link TenantNotEmptyError} naming the first difference otherwise.
 */
async function compareSnapshot(adapter: StorageAdapter, tenant: string, head: AuditHead | undefined, items: Items, options: RestoreOptions): Promise<RestoreReport> {
  const counts = { audit: 0, records: 0, identifiers: 0, subjectKeys: 0 };
  const yielder = new Yielder();
  const differs = (what: string) =>
    new TenantNotEmptyError(tenant, `tenant ${tenant} already holds data with the export's audit head, but not the export's data (${what}): a restore never merges into existing data`);
  let line = 1;

  async function section<T, S>(
    type: SnapshotItem['type'],
    stored: AsyncGenerator<S>,
    value: (item: SnapshotItem) => T,
    same: (given: T, row: S) => boolean,
    label: (given: T) => string,
    storedLabel: (row: S) => string,
  ): Promise<number> {
    let count = 0;
    for (;;) {
      const item = await take(items, line + 1);
      line = item.line;
      if (item.type !== type) {
        items.putBack(item);
        break;
      }
      if (options.signal?.aborted) throw new AbortedError('the restore was aborted');
      await yielder.maybeYield();
      const given = value(item);
      const row = await stored.next();
      if (row.done) throw differs(`it lacks ${label(given)}`);
      if (!same(given, row.value)) throw differs(`${label(given)} is not the same`);
      count++;
    }
    const extra = await stored.next();
    if (!extra.done) throw differs(`it also holds ${storedLabel(extra.value)}`);
    return count;
  }

  counts.audit = await section(
    'audit',
    auditRows(adapter, tenant),
    (item) => (item as Extract<SnapshotItem, { type: 'audit' }>).row,
    (given, row: AuditRow) => given.seq === row.seq && given.entityId === row.entityId && given.entry === row.entry,
    (given) => `audit entry ${given.seq}`,
    (row) => `audit entry ${row.seq}`,
  );
  counts.records = await section(
    'record',
    recordRows(adapter, tenant),
    (item) => derive((item as Extract<SnapshotItem, { type: 'record' }>).record, item.line, options.threading).row,
    (given, row: RecordRow) => (Object.keys(given) as Array<keyof RecordRow>).every((key) => given[key] === row[key]),
    (given) => `record ${given.id}`,
    (row) => `record ${row.id}`,
  );
  counts.identifiers = await section(
    'identifier',
    identifierRows(adapter, tenant),
    (item) => (item as Extract<SnapshotItem, { type: 'identifier' }>).row,
    (given, row: IdentifierRow) => given.key === row.key && given.customerId === row.customerId,
    (given) => `identifier ${given.key}`,
    (row) => `identifier ${row.key}`,
  );
  counts.subjectKeys = await section(
    'subjectKey',
    subjectKeyRows(adapter, tenant),
    (item) => (item as Extract<SnapshotItem, { type: 'subjectKey' }>).row,
    (given, row: SubjectKeyRow) => given.subjectId === row.subjectId && given.key === row.key,
    (given) => `the data key of ${given.subjectId}`,
    (row) => `the data key of ${row.subjectId}`,
  );
  await checkEnd(items, line, counts);
  const now = await guardStorage('reading the tenant', () => adapter.getAuditHead(tenant));
  if (!sameHead(now, head)) throw differs('it was written to during the comparison');
  return { outcome: 'unchanged', tenant, head, counts, unbound: 0 };
}
