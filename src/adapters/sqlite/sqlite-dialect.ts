import { DummyDriver, sql, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Dialect } from 'kysely';
import { readAuditHead } from '../sql/sql-reader.js';
import type { DriverErrorKind, SqlDialect } from '../sql/sql-dialect.js';
import { TABLES } from '../sql/tables.js';

/** SQLite's default limit on bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
const SQLITE_MAX_PARAMETERS = 32_766;

/**
 * Which constraint a `UNIQUE constraint failed: table.column, ...` error is about. SQLite names
 * the columns rather than the constraint; this reads them, and nothing else of the message.
 */
function uniqueConstraint(message: string): 'id' | 'source' | 'identifier' | undefined {
  const columns = message.slice(message.indexOf(':') + 1).split(',').map((column) => column.trim());
  if (columns.includes(`${TABLES.records}.source_external_id`)) return 'source';
  if (columns.includes(`${TABLES.records}.id`)) return 'id';
  if (columns.includes(`${TABLES.identifiers}.key`)) return 'identifier';
  return undefined;
}

function classifyError(error: unknown): DriverErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return { kind: 'other' };
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return { kind: 'unique', constraint: uniqueConstraint(String((error as Error).message)) };
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { kind: 'unavailable' };
  // SQLite has no code of its own for it; the message is read to classify, never shown.
  if (code === 'SQLITE_ERROR' && String((error as Error).message).startsWith('no such table')) return { kind: 'missing_table' };
  return { kind: 'other' };
}

/** The SQLite dialect: JSON as text, `WITHOUT ROWID` for small keyed tables, `BEGIN IMMEDIATE` writes. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  schema: undefined,
  maxParameters: SQLITE_MAX_PARAMETERS,
  columnTypes: {
    key: 'text',
    text: 'text',
    integer: 'integer',
    sequence: 'integer',
    json: 'text',
    nowIso: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
    clusteredTableSuffix: sql`without rowid`,
  },
  castTypes: { integer: 'integer' },
  // Takes the write lock up front: a deferred transaction that reads, then writes, fails with
  // SQLITE_BUSY_SNAPSHOT at once when another connection wrote meanwhile, whatever busy_timeout says.
  beginTransactionSql: 'begin immediate',
  compileOnlyDialect(): Dialect {
    return {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    };
  },
  inList: (column, values) => sql`${column} in (${sql.join(values)})`,
  classifyError,
  // BEGIN IMMEDIATE already holds the database's write lock: writers are serialised.
  lockTenant: (db, tenant) => readAuditHead(db, tenant),
  lockMigrations: async () => {},
  preludeStatements: () => [],
  ensureNamespace: async () => {},
};
