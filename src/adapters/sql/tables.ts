/**
 * The SQL tables of touchlog, as Kysely sees them. Every table is keyed by `tenant_id` first, so
 * that every query is a range of one tenant's rows and the schema distributes by tenant (Citus).
 *
 * Instants are stored as text (UTC ISO strings with milliseconds): they sort correctly as text,
 * which is how the adapter contract orders them, and they come back exactly as written.
 *
 * @module
 */

/** Table names, prefixed so that touchlog can share a database (or schema) with other tables. */
export const TABLES = {
  records: 'touchlog_records',
  links: 'touchlog_links',
  timeline: 'touchlog_timeline',
  identifiers: 'touchlog_identifiers',
  audit: 'touchlog_audit',
  auditHeads: 'touchlog_audit_heads',
  subjectKeys: 'touchlog_subject_keys',
  migrations: 'touchlog_migrations',
} as const;

/** Every table that holds tenant data (all but the migration table). */
export const TENANT_TABLES = [
  TABLES.records,
  TABLES.links,
  TABLES.timeline,
  TABLES.identifiers,
  TABLES.audit,
  TABLES.auditHeads,
  TABLES.subjectKeys,
] as const;

/**
 * Names of the constraints whose violation the core needs to tell apart, as
 * `UniqueViolation('id' | 'source' | 'identifier')`.
 */
export const CONSTRAINTS = {
  recordId: 'touchlog_records_pkey',
  recordSource: 'touchlog_records_source_key',
  identifier: 'touchlog_identifiers_pkey',
} as const;

/**
 * A document column: JSON text, stored and returned byte for byte (the audit trail commits to the
 * bytes). PostgreSQL databases created before migration `0002_bound_records` held `jsonb` here;
 * that migration turns the columns into `text`.
 */
export type DocumentColumn = string;

export interface RecordsTable {
  tenant_id: string;
  id: string;
  collection: string;
  version: number;
  customer_id: string;
  home_customer_id: string;
  at: string;
  due_at: string | null;
  kind: string | null;
  channel: string | null;
  purpose: string | null;
  status: string | null;
  source_system: string | null;
  source_external_id: string | null;
  source_hash: string | null;
  created_at: string;
  updated_at: string;
  /** Salt of the state digest the audit trail keeps (null on rows written before 0002). */
  salt: string | null;
  /**
   * Kind of the record's own timeline entry (`interaction`, `invoice_issued`...), which lives on
   * the row itself; null for records with no entry (customers, copies of another record's event)
   * and for rows written before 0002, whose entries are all in the timeline table.
   */
  entry_kind: string | null;
  data: DocumentColumn;
}

export interface LinksTable {
  tenant_id: string;
  record_id: string;
  kind: string;
  ref: string;
  at: string;
  collection: string;
}

export interface TimelineTable {
  tenant_id: string;
  record_id: string;
  entry_id: string;
  customer_id: string;
  home_customer_id: string;
  at: string;
  kind: string;
  channel: string | null;
  purpose: string | null;
  status: string | null;
  collection: string;
}

export interface IdentifiersTable {
  tenant_id: string;
  key: string;
  customer_id: string;
}

export interface AuditTable {
  tenant_id: string;
  /** `bigint` in PostgreSQL, which the driver returns as a string: read it through `Number()`. */
  seq: number | string;
  entity_id: string;
  entry: DocumentColumn;
}

export interface AuditHeadsTable {
  tenant_id: string;
  /** 0 marks a head row created by `lockTenant` for a tenant whose chain is still empty. */
  seq: number | string;
  hash: string;
}

export interface SubjectKeysTable {
  tenant_id: string;
  subject_id: string;
  key: string;
}

export interface MigrationsTable {
  name: string;
  applied_at: string;
}

/** The database as Kysely types it. */
export interface TouchlogTables {
  touchlog_records: RecordsTable;
  touchlog_links: LinksTable;
  touchlog_timeline: TimelineTable;
  touchlog_identifiers: IdentifiersTable;
  touchlog_audit: AuditTable;
  touchlog_audit_heads: AuditHeadsTable;
  touchlog_subject_keys: SubjectKeysTable;
  touchlog_migrations: MigrationsTable;
}

/** Columns of each table in insert order (used by the multi-row insert statements). */
export const COLUMNS = {
  records: [
    'tenant_id',
    'id',
    'collection',
    'version',
    'customer_id',
    'home_customer_id',
    'at',
    'due_at',
    'kind',
    'channel',
    'purpose',
    'status',
    'source_system',
    'source_external_id',
    'source_hash',
    'created_at',
    'updated_at',
    'salt',
    'entry_kind',
    'data',
  ],
  links: ['tenant_id', 'record_id', 'kind', 'ref', 'at', 'collection'],
  timeline: ['tenant_id', 'record_id', 'entry_id', 'customer_id', 'home_customer_id', 'at', 'kind', 'channel', 'purpose', 'status', 'collection'],
  identifiers: ['tenant_id', 'key', 'customer_id'],
  audit: ['tenant_id', 'seq', 'entity_id', 'entry'],
  subjectKeys: ['tenant_id', 'subject_id', 'key'],
} as const satisfies { [K in keyof typeof TABLES]?: readonly string[] };
