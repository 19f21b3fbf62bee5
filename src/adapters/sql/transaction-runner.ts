import { sql, type Kysely } from 'kysely';
import { toAdapterError } from './errors.js';
import type { SqlDialect } from './sql-dialect.js';
import type { TouchlogTables } from './tables.js';

/**
 * Runs `work` between the dialect's BEGIN and COMMIT on `db`, which must be bound to one
 * connection that nothing else uses meanwhile. Rolls back when `work` throws or COMMIT fails.
 * `onBroken` hears of a connection that could not even roll back: it must not be reused.
 */
export async function inTransaction<T>(
  db: Kysely<TouchlogTables>,
  dialect: SqlDialect,
  work: (db: Kysely<TouchlogTables>) => Promise<T>,
  onBroken: (error: unknown) => void,
): Promise<T> {
  try {
    await sql.raw(dialect.beginTransactionSql).execute(db);
  } catch (error) {
    throw toAdapterError(dialect, error, 'starting a transaction');
  }
  let result: T;
  try {
    result = await work(db);
  } catch (error) {
    await rollback(db, onBroken);
    throw error;
  }
  try {
    await sql.raw('commit').execute(db);
  } catch (error) {
    await rollback(db, onBroken);
    throw toAdapterError(dialect, error, 'committing a transaction');
  }
  return result;
}

async function rollback(db: Kysely<TouchlogTables>, onBroken: (error: unknown) => void): Promise<void> {
  try {
    await sql.raw('rollback').execute(db);
  } catch (error) {
    onBroken(error);
  }
}
