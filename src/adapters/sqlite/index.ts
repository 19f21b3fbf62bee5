/**
 * The embedded SQLite adapter (better-sqlite3, WAL): `import { sqliteAdapter } from 'touchlog/sqlite'`.
 *
 * @module touchlog/sqlite
 */
import { MIGRATIONS } from '../sql/migrations.js';
import { schemaSql } from '../sql/schema-sql.js';
import { sqliteDialect } from './sqlite-dialect.js';

export { sqliteAdapter, type SqliteAdapterOptions } from './sqlite-adapter.js';
export type { SqliteDatabaseLike, SqliteStatementLike, SqliteSynchronous } from './sqlite-connection.js';
export type { SqlAdapterOptions } from '../sql/sql-adapter.js';

/**
 * The SQLite schema as plain SQL: the statements `migrate()` runs, and the rows recording each
 * migration as applied, so that `migrate()` finds nothing left to do on a database created from
 * it. For teams that apply schema changes with their own migration tooling.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { sqliteSchemaSql } from 'touchlog/sqlite';
 * writeFileSync('migrations/0001_touchlog.sql', sqliteSchemaSql());
 * ```
 */
export function sqliteSchemaSql(): string {
  return schemaSql(sqliteDialect, MIGRATIONS);
}
