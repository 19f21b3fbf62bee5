import { Kysely, sql } from 'kysely';
import type { SchemaStatement, SqlMigration } from './migrations.js';
import { migrationTableStatement } from './migrations.js';
import type { SqlDialect } from './sql-dialect.js';
import { TABLES } from './tables.js';

/**
 * The schema as plain SQL: exactly the statements `migrate()` runs, compiled without a
 * connection, followed by the rows that record each migration as applied (so that `migrate()`
 * later finds nothing to do). For teams that run migrations with their own tooling.
 */
export function schemaSql(
  dialect: SqlDialect,
  migrations: readonly SqlMigration[],
  policies?: (db: Kysely<any>) => SchemaStatement[],
): string {
  const compiler = new Kysely<any>({ dialect: dialect.compileOnlyDialect() });
  const db = dialect.schema === undefined ? compiler : compiler.withSchema(dialect.schema);
  const statements: SchemaStatement[] = [...dialect.preludeStatements(db), migrationTableStatement(db, dialect.columnTypes)];
  for (const migration of migrations) {
    statements.push(...migration.statements(db, dialect.columnTypes, dialect.schema));
    statements.push(db.insertInto(TABLES.migrations).values({ name: sql.lit(migration.name) }));
  }
  if (policies) statements.push(...policies(db));
  return `${statements.map(toSql).join(';\n\n')};\n`;
}

function toSql(statement: SchemaStatement): string {
  const compiled = statement.compile();
  // Schema statements carry no values; a parameter here would be silently lost in plain SQL.
  if (compiled.parameters.length > 0) throw new Error('a schema statement has parameters, which plain SQL cannot carry');
  return compiled.sql;
}
