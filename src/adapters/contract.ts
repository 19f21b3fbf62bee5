/**
 * The storage adapter contract: the narrow interface a backend implements so that touchlog can
 * store its records there.
 *
 * Adapters store and fetch; they never validate, assign ids or versions, compute, or audit. The
 * core hands them rows whose indexed columns (`customerId`, `at`, `kind`, `status`...) are already
 * computed and whose documents are already encoded as JSON text, and asks for rows back through a
 * handful of filtered, keyset-paginated queries. Documents come back byte for byte as written:
 * the audit trail commits to those bytes, so an adapter that re-encodes them (a `jsonb` column,
 * say) makes every record look changed to `audit.verify()`.
 *
 * Every method takes the tenant explicitly and must confine itself to that tenant's rows: the core
 * binds one tenant per instance, and the adapter is where that promise is kept.
 *
 * Driver types never appear here. An adapter for a new backend implements {@link StorageAdapter}
 * and proves itself with `runAdapterConformance` from `touchlog/testing`.
 *
 * @module
 */

/** The record collections. */
export type Collection = 'customers' | 'interactions' | 'communications' | 'financial' | 'followUps';

export const COLLECTIONS: readonly Collection[] = ['customers', 'interactions', 'communications', 'financial', 'followUps'];

/**
 * One record as an adapter stores it: indexed columns computed by the core, and the whole record
 * as JSON text. Instants are UTC ISO strings with milliseconds (`2026-03-01T09:30:00.000Z`); they
 * sort correctly as strings, so adapters compare and order them as text.
 */
export interface RecordRow {
  readonly collection: Collection;
  readonly id: string;
  readonly version: number;
  /**
   * The customer the record currently belongs to. For a customer row, the customer it was merged
   * into, or its own id.
   */
  readonly customerId: string;
  /** The customer the record was recorded for; unlike `customerId`, merges never change it. */
  readonly homeCustomerId: string;
  /** The instant lists are ordered by: when it happened (occurred, sent, issued, received...). */
  readonly at: string;
  /** When something about the record falls due (invoice, promise, follow-up, KYC review), if anything. */
  readonly dueAt: string | null;
  /** Sub-type: the financial record type, the notification type of a message... */
  readonly kind: string | null;
  readonly channel: string | null;
  readonly purpose: string | null;
  readonly status: string | null;
  readonly sourceSystem: string | null;
  readonly sourceExternalId: string | null;
  /** Digest of the source payload last accepted for this source key (idempotency). */
  readonly sourceHash: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * Random text mixed into the digest the audit trail keeps of this version of the record, so that
   * the digest of an erased version cannot confirm a guess of its content. `null` for rows written
   * before records were bound to the audit trail.
   */
  readonly salt: string | null;
  /** The whole record as JSON text, exactly as the core encoded it. Store and return it byte for byte. */
  readonly document: string;
}

/** A link from a record to a financial document, indexed for reverse lookups. */
export interface LinkRow {
  readonly kind: string;
  readonly ref: string;
  /** Copied from the record, so that lookups can page in time order. */
  readonly at: string;
  readonly recordId: string;
  readonly collection: Collection;
}

/**
 * One entry of a customer's timeline. A record yields one or more entries (an invoice is issued,
 * then falls due); entries are derived by the core and stored so that a timeline page is an
 * index range read.
 *
 * A timeline is ordered by `(at, entryId)`. Record ids are ULIDs (26 characters), so that order is
 * also `(at, recordId, kind)`: SQL adapters keep each record's first entry on the record's own row
 * and order by those three columns.
 */
export interface TimelineRow {
  /** `recordId:kind`; breaks ties between entries at the same instant. */
  readonly entryId: string;
  readonly customerId: string;
  readonly homeCustomerId: string;
  readonly at: string;
  readonly kind: string;
  readonly channel: string | null;
  readonly purpose: string | null;
  readonly status: string | null;
  readonly recordId: string;
  readonly collection: Collection;
}

/**
 * Which records a customer merge moves: those a customer has now, or only those of them that were
 * recorded for some customers (`homeCustomerIds`, when an unmerge takes a customer's records back).
 */
export interface ReassignSelection {
  readonly fromCustomerId: string;
  readonly homeCustomerIds?: readonly string[];
}

/**
 * A record with everything derived from it, written together. The first timeline entry, when the
 * record has any, is the record's own: at the row's `at`, with its channel, purpose and status.
 */
export interface RecordWrite {
  readonly row: RecordRow;
  readonly links: readonly Omit<LinkRow, 'recordId' | 'collection' | 'at'>[];
  readonly timeline: readonly Omit<TimelineRow, 'recordId' | 'collection' | 'customerId' | 'homeCustomerId'>[];
}

/** An update that only applies when the stored version is still `expectedVersion`. */
export interface RecordUpdate extends RecordWrite {
  readonly expectedVersion: number;
}

/** A customer identifier (`email:ap@acme.example`) and the customer it belongs to. */
export interface IdentifierRow {
  readonly key: string;
  readonly customerId: string;
}

/** One stored audit entry. `entry` is the whole entry as JSON text (stored as given); `seq` and `entityId` are indexed. */
export interface AuditRow {
  readonly seq: number;
  readonly entityId: string;
  readonly entry: string;
}

/** The last entry of a tenant's audit chain. */
export interface AuditHeadRow {
  readonly seq: number;
  readonly hash: string;
}

/** A customer's data key, which seals personal data in audit entries (destroyed on erasure). */
export interface SubjectKeyRow {
  readonly subjectId: string;
  /** The key material, base64. */
  readonly key: string;
}

/** Position after which a keyset page starts. */
export interface Keyset {
  readonly at: string;
  readonly id: string;
}

/** Filters on indexed columns; every given filter must match (AND), values within one filter are OR. */
export interface RecordFilter {
  readonly ids?: readonly string[];
  readonly customerIds?: readonly string[];
  readonly homeCustomerIds?: readonly string[];
  readonly kinds?: readonly string[];
  readonly channels?: readonly string[];
  readonly purposes?: readonly string[];
  readonly statuses?: readonly string[];
  readonly sourceSystems?: readonly string[];
  /** `at >= from` */
  readonly from?: string;
  /** `at < to` */
  readonly to?: string;
  /** `dueAt < dueBefore` (rows without `dueAt` never match) */
  readonly dueBefore?: string;
  /** `updatedAt < updatedBefore` */
  readonly updatedBefore?: string;
}

/** A page of records of one collection, ordered by `(at, id)`. */
export interface RecordQuery {
  readonly collection: Collection;
  readonly filter: RecordFilter;
  readonly order: 'asc' | 'desc';
  /** Start strictly after this position (in the query's order). */
  readonly after?: Keyset;
  readonly limit: number;
}

/** A page of one customer's timeline, ordered by `(at, entryId)`. */
export interface TimelineQuery {
  /**
   * The customer whose timeline to read. A customer that was merged into another reads that
   * customer's timeline (the `customerId` of its row): the adapter follows the merge in the same
   * read, so a page never mixes the states before and after a merge.
   */
  readonly customerId: string;
  readonly kinds?: readonly string[];
  readonly channels?: readonly string[];
  readonly purposes?: readonly string[];
  readonly statuses?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  /** Only entries of records linked to this financial document. */
  readonly link?: { readonly kind: string; readonly ref: string };
  readonly order: 'asc' | 'desc';
  readonly after?: Keyset;
  readonly limit: number;
}

/**
 * A timeline entry with the record it comes from: what a timeline page shows, and no more (a page
 * is the hot read path, and every column read costs).
 */
export interface TimelineHit {
  /** `recordId:kind`. */
  readonly entryId: string;
  readonly at: string;
  readonly kind: string;
  readonly record: TimelineRecord;
}

/** The part of a record row a timeline needs to return the record. */
export type TimelineRecord = Pick<RecordRow, 'collection' | 'id' | 'customerId' | 'document'>;

/** Records linked to one financial document, ordered by `(at, recordId)`. */
export interface LinkQuery {
  readonly kind: string;
  readonly ref: string;
  readonly collections?: readonly Collection[];
  readonly order: 'asc' | 'desc';
  readonly after?: Keyset;
  readonly limit: number;
}

/** A page of a tenant's audit trail in `seq` order. */
export interface AuditQuery {
  readonly afterSeq?: number;
  /** Only entries about this entity. */
  readonly entityId?: string;
  readonly order?: 'asc' | 'desc';
  readonly limit: number;
}

/** A page of a tenant's audit trail in `(entityId, seq)` order: each entity's entries together, oldest first. */
export interface AuditByEntityQuery {
  /** Start strictly after this position. */
  readonly after?: { readonly entityId: string; readonly seq: number };
  readonly limit: number;
}

/** A page of all of a tenant's records, every collection, in id order. */
export interface RecordScanQuery {
  /** Start strictly after this id. */
  readonly afterId?: string;
  readonly limit: number;
}

/** Source key of a record: the system it came from and its id there. */
export interface SourceKey {
  readonly system: string;
  readonly externalId: string;
}

/** What an adapter can do beyond the required contract; checks that need a capability skip, and say so, without it. */
export interface AdapterCapabilities {
  /** Data survives `close()` and a new adapter on the same storage sees it. */
  readonly persistent: boolean;
  /** Several processes may write to the same storage at once. */
  readonly multiProcess: boolean;
}

/** Reads. Available on the adapter (committed data) and on a transaction (including its own writes). */
export interface AdapterReader {
  /** Rows with these ids; missing ids are left out. Order not significant. */
  getRecords(tenant: string, collection: Collection, ids: readonly string[]): Promise<RecordRow[]>;
  /** Rows with these source keys; missing keys are left out. */
  getRecordsBySource(tenant: string, collection: Collection, keys: readonly SourceKey[]): Promise<RecordRow[]>;
  /** One keyset page of records. */
  listRecords(tenant: string, query: RecordQuery): Promise<RecordRow[]>;
  /** One keyset page of a customer's timeline, each entry with its record. */
  listTimeline(tenant: string, query: TimelineQuery): Promise<TimelineHit[]>;
  /** One keyset page of the records linked to a financial document (`kind` + `ref`). */
  listLinked(tenant: string, query: LinkQuery): Promise<RecordRow[]>;
  /**
   * For each of these customers, the customer its records belong to now: itself, or the customer
   * it was merged into (the `customerId` of its row). Missing ids are left out. Identity resolution
   * asks this for every customer a batch names, so it reads no documents.
   */
  getMergeTargets(tenant: string, customerIds: readonly string[]): Promise<Array<{ readonly id: string; readonly customerId: string }>>;
  /** Identifier rows for these keys; missing keys are left out. */
  getIdentifiers(tenant: string, keys: readonly string[]): Promise<IdentifierRow[]>;
  /** One page of audit rows. */
  readAudit(tenant: string, query: AuditQuery): Promise<AuditRow[]>;
  /** One page of audit rows in `(entityId, seq)` order (verification reads each entity's last entry this way). */
  readAuditByEntity(tenant: string, query: AuditByEntityQuery): Promise<AuditRow[]>;
  /** One page of the tenant's records of every collection, in id order (verification, exports). */
  scanRecords(tenant: string, query: RecordScanQuery): Promise<RecordRow[]>;
  /** The head of the tenant's audit chain, if it has one. */
  getAuditHead(tenant: string): Promise<AuditHeadRow | undefined>;
  /** Data keys of these subjects; missing ones are left out. */
  getSubjectKeys(tenant: string, subjectIds: readonly string[]): Promise<SubjectKeyRow[]>;
}

/**
 * A write transaction. Everything written through it commits together when the callback given to
 * {@link StorageAdapter.transaction} resolves, and none of it is visible to anyone else when the
 * callback throws. The handle is only valid inside that callback.
 */
export interface AdapterTransaction extends AdapterReader {
  /**
   * Serialises writers of the tenant until the transaction ends and returns the audit head. The
   * core calls it first in every write transaction, so appends to the tenant's audit chain never
   * interleave.
   */
  lockTenant(tenant: string): Promise<AuditHeadRow | undefined>;
  /**
   * Inserts new records with their links and timeline entries. Throws {@link UniqueViolation}
   * when an id or a source key already exists in the tenant.
   */
  insertRecords(tenant: string, writes: readonly RecordWrite[]): Promise<void>;
  /**
   * Replaces records (and their links and timeline entries) whose stored version equals
   * `expectedVersion`, as a conditional write. Returns the ids that did not match.
   */
  updateRecords(tenant: string, updates: readonly RecordUpdate[]): Promise<string[]>;
  /** Deletes records with their links and timeline entries; returns how many existed. */
  deleteRecords(tenant: string, collection: Collection, ids: readonly string[]): Promise<number>;
  /**
   * Moves records (and their timeline entries) to another customer: those currently belonging to
   * `fromCustomerId`, or those recorded for one of `homeCustomerIds`. Returns how many moved.
   */
  reassignRecords(tenant: string, selection: ReassignSelection, toCustomerId: string): Promise<number>;
  /**
   * Inserts identifier rows, or repoints existing keys when `replace` is set. Without `replace`,
   * an existing key throws {@link UniqueViolation}.
   */
  putIdentifiers(tenant: string, rows: readonly IdentifierRow[], options?: { replace?: boolean }): Promise<void>;
  deleteIdentifiers(tenant: string, keys: readonly string[]): Promise<void>;
  /** Appends audit rows (already chained by the core) and moves the head to the last one. */
  appendAudit(tenant: string, rows: readonly AuditRow[], head: AuditHeadRow): Promise<void>;
  putSubjectKeys(tenant: string, rows: readonly SubjectKeyRow[]): Promise<void>;
  deleteSubjectKeys(tenant: string, subjectIds: readonly string[]): Promise<void>;
}

/** Result of {@link StorageAdapter.scrub}. */
export interface ScrubReport {
  /** `true` when nothing removed lingers in the files any more. */
  readonly complete: boolean;
  /** When not complete: why, and when it will be. */
  readonly pending?: string;
}

/** Result of {@link StorageAdapter.migrate}. */
export interface MigrationReport {
  /** Migrations applied by this call, in order. */
  readonly applied: readonly string[];
  /** The schema version after the call. */
  readonly current: string | undefined;
}

/** A storage backend for touchlog. */
export interface StorageAdapter extends AdapterReader {
  /** Short name for messages: `memory`, `sqlite`, `postgres`. */
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  /**
   * Runs `fn` in one write transaction and commits when it resolves; rolls back when it throws.
   * Adapters may run `fn` more than once (to retry a serialization failure), so `fn` must have no
   * effect outside the transaction.
   */
  transaction<T>(fn: (tx: AdapterTransaction) => Promise<T>): Promise<T>;
  /** Brings the storage schema up to date. Idempotent. */
  migrate(): Promise<MigrationReport>;
  /**
   * Optional: makes sure data removed or overwritten so far no longer lingers in the storage files
   * (free pages, write-ahead logs). The core calls it after a customer's personal data is erased.
   * SQLite: `secure_delete` on, then a WAL checkpoint that truncates the log. It never waits long:
   * when a reader (another connection, another process) holds the log back, it reports the scrub
   * pending and finishes it as soon as readers allow, when the adapter closes, or when the file is
   * next opened. Adapters that cannot do this omit it and document what operators must do instead
   * (PostgreSQL: `VACUUM`).
   */
  scrub?(): Promise<ScrubReport>;
  /** Releases connections. Further calls fail with a `CLOSED` error. */
  close(): Promise<void>;
}

/**
 * Thrown by adapters when a write hits a unique constraint (an id, a source key or an identifier
 * that already exists). The core turns it into the matching typed error or retries.
 */
export class UniqueViolation extends Error {
  readonly constraint: 'id' | 'source' | 'identifier';
  constructor(constraint: 'id' | 'source' | 'identifier', options?: { cause?: unknown }) {
    super(`unique constraint on ${constraint} violated`, options);
    this.name = 'UniqueViolation';
    this.constraint = constraint;
  }
}

/** `true` when `error` is a {@link UniqueViolation} (also across package copies). */
export function isUniqueViolation(error: unknown): error is UniqueViolation {
  return error instanceof Error && error.name === 'UniqueViolation' && 'constraint' in error;
}

// ------------------------------------------------------------------------------------------------
// Reads for live sync: reconciliation against a source, and restorable exports. Declared in their
// own block and merged into AdapterReader (TypeScript merges the two declarations), so that every
// adapter implements them on the adapter and on its transactions.

/**
 * A page of one source system's records of one collection, in the order of their external ids:
 * byte order of the ids' UTF-8 encoding (code point order), which is what SQLite's `BINARY` and
 * PostgreSQL's `COLLATE "C"` give. The source key index `(tenant, collection, system, externalId)`
 * answers it as one range.
 */
export interface SourceScanQuery {
  readonly collection: Collection;
  readonly system: string;
  /** Start strictly after this external id. */
  readonly afterExternalId?: string;
  readonly limit: number;
}

/** A page of a tenant's identifier rows, in key order (byte order, like {@link SourceScanQuery}). */
export interface IdentifierScanQuery {
  /** Start strictly after this key. */
  readonly afterKey?: string;
  readonly limit: number;
}

/** A page of a tenant's data keys, in subject id order (byte order). */
export interface SubjectKeyScanQuery {
  /** Start strictly after this subject id. */
  readonly afterSubjectId?: string;
  readonly limit: number;
}

export interface AdapterReader {
  /** One page of the records of a source system in one collection, in external id order (reconciliation). */
  listRecordsBySource(tenant: string, query: SourceScanQuery): Promise<RecordRow[]>;
  /** One page of the tenant's identifier rows, in key order (restorable exports). */
  scanIdentifiers(tenant: string, query: IdentifierScanQuery): Promise<IdentifierRow[]>;
  /** One page of the tenant's data keys, in subject id order (restorable exports). */
  scanSubjectKeys(tenant: string, query: SubjectKeyScanQuery): Promise<SubjectKeyRow[]>;
}
