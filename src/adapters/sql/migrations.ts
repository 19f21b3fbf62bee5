import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { ColumnTypes } from './sql-dialect.js';
import { CONSTRAINTS, TABLES } from './tables.js';

/** A schema statement: compiled for the plain SQL export, executed by `migrate()`. */
export interface SchemaStatement {
  compile(): CompiledQuery;
  execute(): Promise<unknown>;
}

/**
 * One versioned, forward-only migration. Migrations ship in code (no files are discovered at run
 * time) and are applied in array order, each in its own transaction.
 */
export interface SqlMigration {
  /** Stable name, recorded in `touchlog_migrations`; never renamed once released. */
  readonly name: string;
  /**
   * The statements, built on `db` (which decides whether they run or are only compiled). `schema`
   * is the namespace of the tables, for raw statements (builders get it from `db`).
   */
  statements(db: Kysely<any>, types: ColumnTypes, schema: string | undefined): SchemaStatement[];
}

/** The bookkeeping table, created (if missing) before any migration runs. */
export function migrationTableStatement(db: Kysely<any>, types: ColumnTypes): SchemaStatement {
  return db.schema
    .createTable(TABLES.migrations)
    .ifNotExists()
    .addColumn('name', types.key, (column) => column.notNull())
    .addColumn('applied_at', types.text, (column) => column.notNull().defaultTo(types.nowIso))
    .addPrimaryKeyConstraint('touchlog_migrations_pkey', ['name']);
}

const initial: SqlMigration = {
  name: '0001_initial',
  statements(db, t) {
    const clustered = <B extends { modifyEnd(expression: NonNullable<ColumnTypes['clusteredTableSuffix']>): B }>(builder: B): B =>
      t.clusteredTableSuffix ? builder.modifyEnd(t.clusteredTableSuffix) : builder;
    return [
      // Records: indexed columns computed by the core, and the whole record as a document.
      db.schema
        .createTable(TABLES.records)
        .addColumn('tenant_id', t.key, (c) => c.notNull())
        .addColumn('id', t.key, (c) => c.notNull())
        .addColumn('collection', t.key, (c) => c.notNull())
        .addColumn('version', t.integer, (c) => c.notNull())
        .addColumn('customer_id', t.key, (c) => c.notNull())
        .addColumn('home_customer_id', t.key, (c) => c.notNull())
        .addColumn('at', t.key, (c) => c.notNull())
        .addColumn('due_at', t.key)
        .addColumn('kind', t.key)
        .addColumn('channel', t.key)
        .addColumn('purpose', t.key)
        .addColumn('status', t.key)
        .addColumn('source_system', t.key)
        .addColumn('source_external_id', t.key)
        .addColumn('source_hash', t.text)
        .addColumn('created_at', t.key, (c) => c.notNull())
        .addColumn('updated_at', t.key, (c) => c.notNull())
        .addColumn('data', t.json, (c) => c.notNull())
        .addPrimaryKeyConstraint(CONSTRAINTS.recordId, ['tenant_id', 'id'])
        // Idempotent ingestion lives in the database: one record per source key and tenant.
        .addUniqueConstraint(CONSTRAINTS.recordSource, ['tenant_id', 'collection', 'source_system', 'source_external_id']),
      db.schema.createIndex('touchlog_records_by_time').on(TABLES.records).columns(['tenant_id', 'collection', 'at', 'id']),
      db.schema
        .createIndex('touchlog_records_by_customer')
        .on(TABLES.records)
        .columns(['tenant_id', 'customer_id', 'collection', 'at', 'id']),
      db.schema.createIndex('touchlog_records_by_home').on(TABLES.records).columns(['tenant_id', 'home_customer_id']),
      db.schema
        .createIndex('touchlog_records_by_due')
        .on(TABLES.records)
        .columns(['tenant_id', 'collection', 'due_at'])
        .where('due_at', 'is not', null),

      // Financial links, for "everything about invoice INV-1042" in time order.
      clustered(
        db.schema
          .createTable(TABLES.links)
          .addColumn('tenant_id', t.key, (c) => c.notNull())
          .addColumn('record_id', t.key, (c) => c.notNull())
          .addColumn('kind', t.key, (c) => c.notNull())
          .addColumn('ref', t.key, (c) => c.notNull())
          .addColumn('at', t.key, (c) => c.notNull())
          .addColumn('collection', t.key, (c) => c.notNull())
          .addPrimaryKeyConstraint('touchlog_links_pkey', ['tenant_id', 'record_id', 'kind', 'ref']),
      ),
      db.schema.createIndex('touchlog_links_by_ref').on(TABLES.links).columns(['tenant_id', 'kind', 'ref', 'at', 'record_id']),

      // Timeline entries: a page is one range of this index, whatever the customer's history size.
      clustered(
        db.schema
          .createTable(TABLES.timeline)
          .addColumn('tenant_id', t.key, (c) => c.notNull())
          .addColumn('record_id', t.key, (c) => c.notNull())
          .addColumn('entry_id', t.key, (c) => c.notNull())
          .addColumn('customer_id', t.key, (c) => c.notNull())
          .addColumn('home_customer_id', t.key, (c) => c.notNull())
          .addColumn('at', t.key, (c) => c.notNull())
          .addColumn('kind', t.key, (c) => c.notNull())
          .addColumn('channel', t.key)
          .addColumn('purpose', t.key)
          .addColumn('status', t.key)
          .addColumn('collection', t.key, (c) => c.notNull())
          .addPrimaryKeyConstraint('touchlog_timeline_pkey', ['tenant_id', 'record_id', 'entry_id']),
      ),
      db.schema
        .createIndex('touchlog_timeline_by_customer')
        .on(TABLES.timeline)
        .columns(['tenant_id', 'customer_id', 'at', 'entry_id']),

      // Customer identifiers: unique per tenant, so two customers can never claim one address.
      clustered(
        db.schema
          .createTable(TABLES.identifiers)
          .addColumn('tenant_id', t.key, (c) => c.notNull())
          .addColumn('key', t.key, (c) => c.notNull())
          .addColumn('customer_id', t.key, (c) => c.notNull())
          .addPrimaryKeyConstraint(CONSTRAINTS.identifier, ['tenant_id', 'key']),
      ),

      // The audit chain: the primary key refuses a second entry at a sequence number, so a chain
      // can never fork even if two writers got past the tenant lock.
      db.schema
        .createTable(TABLES.audit)
        .addColumn('tenant_id', t.key, (c) => c.notNull())
        .addColumn('seq', t.sequence, (c) => c.notNull())
        .addColumn('entity_id', t.key, (c) => c.notNull())
        .addColumn('entry', t.json, (c) => c.notNull())
        .addPrimaryKeyConstraint('touchlog_audit_pkey', ['tenant_id', 'seq']),
      db.schema.createIndex('touchlog_audit_by_entity').on(TABLES.audit).columns(['tenant_id', 'entity_id', 'seq']),
      clustered(
        db.schema
          .createTable(TABLES.auditHeads)
          .addColumn('tenant_id', t.key, (c) => c.notNull())
          .addColumn('seq', t.sequence, (c) => c.notNull())
          .addColumn('hash', t.text, (c) => c.notNull())
          .addPrimaryKeyConstraint('touchlog_audit_heads_pkey', ['tenant_id']),
      ),

      // Data keys sealing personal values in audit entries; deleted on erasure.
      clustered(
        db.schema
          .createTable(TABLES.subjectKeys)
          .addColumn('tenant_id', t.key, (c) => c.notNull())
          .addColumn('subject_id', t.key, (c) => c.notNull())
          .addColumn('key', t.text, (c) => c.notNull())
          .addPrimaryKeyConstraint('touchlog_subject_keys_pkey', ['tenant_id', 'subject_id']),
      ),
    ];
  },
};

/** A raw statement as a {@link SchemaStatement}. */
const raw = (db: Kysely<any>, statement: RawBuilder<unknown>): SchemaStatement => ({
  compile: () => statement.compile(db),
  execute: () => statement.execute(db),
});

/**
 * Records bound to the audit trail, and a leaner write path:
 * - `salt` and `entry_kind` on records: the salt of the state digest the audit trail keeps, and
 *   the record's own timeline entry, which now lives on its row (the timeline table keeps the
 *   further entries: an invoice falling due, a dispute resolved, a promise falling due; rows
 *   written before keep all their entries there, and both are read together).
 * - The timeline table's customer index orders by `(at, record_id, kind)`, the order the record
 *   rows give; the customer index of records becomes unique, which lets SQLite merge the two.
 * - No index by home customer: an unmerge selects records by their current customer.
 * - PostgreSQL: documents and audit entries become `text`, so they come back byte for byte.
 * - SQLite: the audit table is clustered on its key (`WITHOUT ROWID`), one B-tree instead of two.
 */
const boundRecords: SqlMigration = {
  name: '0002_bound_records',
  statements(db, t, schema) {
    const table = (name: string) => (schema === undefined ? sql.id(name) : sql.id(schema, name));
    const statements: SchemaStatement[] = [
      db.schema.alterTable(TABLES.records).addColumn('salt', t.text),
      db.schema.alterTable(TABLES.records).addColumn('entry_kind', t.key),
      db.schema.dropIndex('touchlog_records_by_home'),
      db.schema.dropIndex('touchlog_records_by_customer'),
      db.schema
        .createIndex('touchlog_records_by_customer')
        .unique()
        .on(TABLES.records)
        .columns(['tenant_id', 'customer_id', 'collection', 'at', 'id']),
      db.schema.dropIndex('touchlog_timeline_by_customer'),
      db.schema
        .createIndex('touchlog_timeline_by_customer')
        .on(TABLES.timeline)
        .columns(['tenant_id', 'customer_id', 'at', 'record_id', 'kind']),
    ];
    if (t.json !== 'text') {
      for (const [name, column] of [
        [TABLES.records, 'data'],
        [TABLES.audit, 'entry'],
      ] as const) {
        statements.push(raw(db, sql`alter table ${table(name)} alter column ${sql.ref(column)} type text using ${sql.ref(column)}::text`));
      }
    }
    if (t.clusteredTableSuffix) {
      const next = `${TABLES.audit}_next`;
      statements.push(
        db.schema
          .createTable(next)
          .addColumn('tenant_id', t.key, (c) => c.notNull())
          .addColumn('seq', t.sequence, (c) => c.notNull())
          .addColumn('entity_id', t.key, (c) => c.notNull())
          .addColumn('entry', t.text, (c) => c.notNull())
          .addPrimaryKeyConstraint('touchlog_audit_pkey', ['tenant_id', 'seq'])
          .modifyEnd(t.clusteredTableSuffix),
        raw(db, sql`insert into ${table(next)} (tenant_id, seq, entity_id, entry) select tenant_id, seq, entity_id, entry from ${table(TABLES.audit)}`),
        db.schema.dropTable(TABLES.audit),
        db.schema.alterTable(next).renameTo(TABLES.audit),
        db.schema.createIndex('touchlog_audit_by_entity').on(TABLES.audit).columns(['tenant_id', 'entity_id', 'seq']),
      );
    }
    return statements;
  },
};

/**
 * Every migration, oldest first. Append only: a released migration is never edited, renamed or
 * removed (databases in the field have recorded it).
 */
export const MIGRATIONS: readonly SqlMigration[] = [initial, boundRecords];
