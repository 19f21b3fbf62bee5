import type { Dialect, Expression, Kysely, RawBuilder } from 'kysely';
import type { AuditHeadRow } from '../contract.js';
import type { SchemaStatement } from './migrations.js';
import type { TouchlogTables } from './tables.js';

/** What a driver error means to the adapter. */
export type DriverErrorKind =
  /** A unique constraint refused the write; `constraint` says which one the core cares about. */
  | { readonly kind: 'unique'; readonly constraint: 'id' | 'source' | 'identifier' | undefined }
  /** A serialization failure or deadlock: running the whole transaction again may succeed. */
  | { readonly kind: 'serialization' }
  /** The database was busy, locked or unreachable: trying again later may succeed. */
  | { readonly kind: 'unavailable' }
  /** A table the statement names does not exist (a schema not migrated yet). */
  | { readonly kind: 'missing_table' }
  | { readonly kind: 'other' };

/** Column types of the schema, per dialect. */
export interface ColumnTypes {
  /** Keys, instants and anything ordered or compared: must compare byte-wise (code point order). */
  readonly key: Expression<unknown> | 'text';
  /** Free text that is never ordered. */
  readonly text: 'text';
  readonly integer: 'integer';
  /** Audit sequence numbers. */
  readonly sequence: 'integer' | 'bigint';
  /**
   * The document column type of migration `0001_initial` (`text` in SQLite, `jsonb` in
   * PostgreSQL); `0002_bound_records` made documents `text` everywhere.
   */
  readonly json: 'text' | 'jsonb';
  /** Default of `touchlog_migrations.applied_at`: the current UTC instant as ISO text. */
  readonly nowIso: Expression<unknown>;
  /** Makes a small table with a composite key clustered on that key (SQLite `WITHOUT ROWID`). */
  readonly clusteredTableSuffix: Expression<unknown> | undefined;
}

/**
 * Everything that differs between SQL dialects. The shared implementation in `src/adapters/sql`
 * asks the dialect, and never tests which one it is.
 */
export interface SqlDialect {
  /** Adapter name in messages: `sqlite`, `postgres`. */
  readonly name: string;
  /** Schema (namespace) holding the tables, when not the connection's default. */
  readonly schema: string | undefined;
  /** Most bound parameters one statement may carry (SQLite 32 766, PostgreSQL 65 535). */
  readonly maxParameters: number;
  readonly columnTypes: ColumnTypes;
  /** SQL type to cast a parameter to where the database cannot infer it (`VALUES` lists). */
  readonly castTypes: { readonly integer: string };
  /** Statement that starts a write transaction. */
  readonly beginTransactionSql: string;
  /** A Kysely dialect that compiles queries without a connection (for the plain SQL export). */
  compileOnlyDialect(): Dialect;
  /**
   * `column IN (values)`, as the dialect plans best: a list of parameters (SQLite), or one array
   * parameter (PostgreSQL `= any($1)`, one statement shape whatever the count, and a plan that
   * does not depend on it).
   */
  inList(column: RawBuilder<unknown>, values: readonly string[]): RawBuilder<unknown>;
  /** Tells what a driver error means, from its code (and which constraint, for unique violations). */
  classifyError(error: unknown): DriverErrorKind;
  /**
   * Serialises writers of `tenant` until the transaction ends (on top of whatever the transaction
   * already holds) and returns the audit head.
   */
  lockTenant(db: Kysely<TouchlogTables>, tenant: string): Promise<AuditHeadRow | undefined>;
  /** Serialises migrators (also across processes) until the migration transaction ends. */
  lockMigrations(db: Kysely<TouchlogTables>): Promise<void>;
  /** Statements that prepare the namespace before the migration table is created (PostgreSQL: the schema), for the plain SQL export. */
  preludeStatements(db: Kysely<any>): SchemaStatement[];
  /** What `migrate()` runs instead of the prelude: the same, skipped when already done (it may need privileges the application lacks). */
  ensureNamespace(db: Kysely<any>): Promise<void>;
}
