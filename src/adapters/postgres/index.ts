/**
 * The PostgreSQL adapter (pg): `import { postgresAdapter } from 'touchlog/postgres'`.
 *
 * @module touchlog/postgres
 */
import { MIGRATIONS } from '../sql/migrations.js';
import { schemaSql } from '../sql/schema-sql.js';
import { postgresDialect } from './postgres-dialect.js';
import { rowLevelSecurityStatements } from './row-level-security.js';

export { postgresAdapter, type PostgresAdapterOptions } from './postgres-adapter.js';
export type { PostgresClientLike, PostgresPoolLike } from './postgres-pool.js';
export type { SqlAdapterOptions } from '../sql/sql-adapter.js';
export { POLICY_NAME, TENANT_SETTING } from './row-level-security.js';

/** Options of {@link postgresSchemaSql}. */
export interface PostgresSchemaSqlOptions {
  /** Qualify every table with this schema (and create it), as `postgresAdapter({ schema })` does. */
  readonly schema?: string;
  /** Append the row-level security policies, as `postgresAdapter({ rowLevelSecurity: true })` applies them. */
  readonly rowLevelSecurity?: boolean;
}

/**
 * The PostgreSQL schema as plain SQL: the statements `migrate()` runs, and the rows recording each
 * migration as applied, so that `migrate()` finds nothing left to do on a database created from
 * it. For teams that apply schema changes with their own migration tooling.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { postgresSchemaSql } from 'touchlog/postgres';
 * writeFileSync('migrations/0001_touchlog.sql', postgresSchemaSql({ schema: 'crm' }));
 * ```
 */
export function postgresSchemaSql(options: PostgresSchemaSqlOptions = {}): string {
  return schemaSql(
    postgresDialect(options.schema),
    MIGRATIONS,
    options.rowLevelSecurity ? (db) => rowLevelSecurityStatements(db, options.schema) : undefined,
  );
}
