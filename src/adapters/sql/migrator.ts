import type { Kysely } from 'kysely';
import { MigrationError } from '../../errors/index.js';
import type { MigrationReport } from '../contract.js';
import { migrationTableStatement, type SchemaStatement, type SqlMigration } from './migrations.js';
import type { SqlDialect } from './sql-dialect.js';
import { TABLES, type TouchlogTables } from './tables.js';

/** Runs `work` in one write transaction on a dedicated connection (begin, commit or roll back). */
export type RunInTransaction = <T>(work: (db: Kysely<TouchlogTables>) => Promise<T>) => Promise<T>;

/** Name under which failures of the idempotent policy statements are reported. */
export const POLICIES = 'row_level_security';

/** What one migration transaction did. */
type Step = { readonly applied: string } | { readonly current: string | undefined };

/**
 * Brings the schema up to date: applies, in order, every migration not yet recorded in
 * `touchlog_migrations`, each in its own transaction together with its record, so that a failing
 * migration leaves nothing of itself behind. Concurrent migrators (other processes) wait for each
 * other; the second finds the work done. Idempotent.
 *
 * `policies` are idempotent statements applied after the migrations on every call (PostgreSQL
 * row-level security, when enabled).
 */
export async function migrate(
  dialect: SqlDialect,
  migrations: readonly SqlMigration[],
  transaction: RunInTransaction,
  policies?: (db: Kysely<any>) => SchemaStatement[],
): Promise<MigrationReport> {
  const applied: string[] = [];
  for (;;) {
    const step = await transaction<Step>(async (db) => {
      await dialect.lockMigrations(db);
      await dialect.ensureNamespace(db);
      await migrationTableStatement(db, dialect.columnTypes).execute();
      const done = (await db.selectFrom(TABLES.migrations).select('name').orderBy('name').execute()).map((row) => row.name);
      done.forEach((name, index) => {
        if (migrations[index]?.name !== name) {
          throw new MigrationError(
            name,
            migrations.some((m) => m.name === name)
              ? 'the database records migrations out of order; it was changed by hand'
              : 'the database was migrated by a newer version of touchlog; upgrade touchlog to use it',
          );
        }
      });
      const next = migrations[done.length];
      if (!next) return { current: done[done.length - 1] };
      try {
        for (const statement of next.statements(db, dialect.columnTypes, dialect.schema)) await statement.execute();
        await db.insertInto(TABLES.migrations).values({ name: next.name } as never).execute();
      } catch (error) {
        throw new MigrationError(next.name, 'a schema statement was refused by the database; nothing of this migration was kept', {
          cause: error,
        });
      }
      return { applied: next.name };
    });
    if ('current' in step) {
      if (policies) {
        await transaction(async (db) => {
          await dialect.lockMigrations(db);
          try {
            for (const statement of policies(db)) await statement.execute();
          } catch (error) {
            throw new MigrationError(POLICIES, 'the database refused the row-level security policies', { cause: error });
          }
        });
      }
      return { applied, current: step.current };
    }
    applied.push(step.applied);
  }
}
