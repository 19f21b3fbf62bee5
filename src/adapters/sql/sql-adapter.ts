import type { Kysely } from 'kysely';
import { ClosedError, isTouchlogError, SchemaNotMigratedError } from '../../errors/index.js';
import type { AdapterCapabilities, AdapterTransaction, MigrationReport, ScrubReport, StorageAdapter } from '../contract.js';
import { isSerializationFailure, toAdapterError } from './errors.js';
import { MIGRATIONS, type SchemaStatement } from './migrations.js';
import { migrate } from './migrator.js';
import { CommittedScope, TransactionScope, type TenantContext } from './query-scope.js';
import type { SqlDialect } from './sql-dialect.js';
import { SqlReader } from './sql-reader.js';
import { StatementShapes } from './statement-shapes.js';
import { SqlTransaction } from './sql-transaction.js';
import { TABLES, type TouchlogTables } from './tables.js';

/**
 * What a dialect folder provides to build an adapter: connections and how to use them. The
 * shared implementation owns everything else (statements, transactions, migrations, errors).
 */
export interface SqlBackend {
  readonly dialect: SqlDialect;
  readonly capabilities: AdapterCapabilities;
  /** Runs reads outside write transactions; sees committed data only. */
  readonly readDb: Kysely<TouchlogTables>;
  /**
   * Runs `work` as one write transaction (BEGIN ... COMMIT, see `inTransaction`) on a connection
   * that nothing else uses until it returns.
   */
  runTransaction<T>(work: (db: Kysely<TouchlogTables>) => Promise<T>): Promise<T>;
  /** Sets the tenant on a connection, when the database enforces tenant isolation itself. */
  readonly tenantContext?: TenantContext;
  /** Idempotent statements applied after the migrations on every `migrate()` (row-level security). */
  readonly policies?: (db: Kysely<any>) => SchemaStatement[];
  /**
   * Writes many rows into `table` faster than multi-row INSERTs can (PostgreSQL: COPY), inside
   * the transaction `db` belongs to. Returns `false` when it cannot here (the caller then inserts).
   */
  bulkInsert?(db: Kysely<TouchlogTables>, table: string, columns: readonly string[], values: readonly unknown[]): Promise<boolean>;
  /** Rows from which {@link bulkInsert} is used instead of INSERT statements. */
  readonly bulkInsertFrom?: number;
  /** Makes sure erased data does not linger in free pages or logs (see `StorageAdapter.scrub`). */
  scrub?(): Promise<ScrubReport>;
  /** Releases the connections the adapter opened. */
  close(): Promise<void>;
}

/** Options every SQL adapter takes. */
export interface SqlAdapterOptions {
  /**
   * Brings the schema up to date before the first read or write, as `migrate()` would. On by
   * default for SQLite (the embedded default: a new file just works), off for PostgreSQL, where
   * deployments usually migrate explicitly, once, before rolling out. When off, the first read or
   * write on a schema that is missing or behind fails with `SCHEMA_NOT_MIGRATED`.
   */
  readonly autoMigrate?: boolean;
  /** How many times a transaction that hit a serialization failure or deadlock is run in all; 5 when not given. */
  readonly maxTransactionAttempts?: number;
}

/** Pause before running a transaction again: grows with the attempt, with jitter so retries spread out. */
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));

/** Builds a {@link StorageAdapter} on a SQL backend. */
export function createSqlAdapter(backend: SqlBackend, options: SqlAdapterOptions = {}): StorageAdapter {
  const { dialect } = backend;
  const maxAttempts = options.maxTransactionAttempts ?? 5;
  let closed = false;
  /** Transactions under way, which `close()` lets finish. */
  const running = new Set<Promise<unknown>>();
  /** Settled once the schema is known to be current (checked, or migrated), on first use. */
  let schemaReady: Promise<unknown> | undefined;

  const assertOpen = () => {
    if (closed) throw new ClosedError(`the ${dialect.name} adapter`);
  };

  const runMigrations = (): Promise<MigrationReport> =>
    migrate(
      dialect,
      MIGRATIONS,
      (work) =>
        backend.runTransaction(async (db) => {
          try {
            return await work(db);
          } catch (error) {
            throw toAdapterError(dialect, error, 'migrating the schema');
          }
        }),
      backend.policies,
    );

  /** Fails with SCHEMA_NOT_MIGRATED unless every migration of this version is applied. */
  const checkSchema = async (): Promise<void> => {
    let applied: string[];
    try {
      applied = (await backend.readDb.selectFrom(TABLES.migrations).select('name').execute()).map((row) => row.name);
    } catch (error) {
      if (dialect.classifyError(error).kind !== 'missing_table') throw toAdapterError(dialect, error, 'reading the schema version');
      applied = []; // no migration table: a new database
    }
    const pending = MIGRATIONS.map((m) => m.name).filter((name) => !applied.includes(name));
    if (pending.length > 0) throw new SchemaNotMigratedError(dialect.name, pending);
  };

  const ready = async () => {
    assertOpen();
    schemaReady ??= (options.autoMigrate ? runMigrations() : checkSchema()).catch((error: unknown) => {
      schemaReady = undefined; // let a later call (after migrate(), say) try again
      throw isTouchlogError(error) ? error : toAdapterError(dialect, error, 'migrating the schema');
    });
    await schemaReady;
  };

  const shapes = new StatementShapes();
  const bulk = backend.bulkInsert ? { insert: backend.bulkInsert.bind(backend), from: backend.bulkInsertFrom ?? 1_000 } : undefined;
  const reader = new SqlReader(dialect, new CommittedScope(dialect, backend.readDb, ready, backend.tenantContext), shapes);

  async function runOnce<T>(fn: (tx: AdapterTransaction) => Promise<T>): Promise<T> {
    return backend.runTransaction(async (db) => {
      const scope = new TransactionScope(dialect, db, backend.tenantContext);
      try {
        const result = await fn(new SqlTransaction(dialect, scope, shapes, bulk));
        if (scope.failure !== undefined) throw scope.failure;
        return result;
      } catch (error) {
        // After a serialization failure, everything else that failed is its consequence.
        throw isSerializationFailure(scope.failure) ? scope.failure : error;
      } finally {
        scope.end();
      }
    });
  }

  return {
    name: dialect.name,
    capabilities: backend.capabilities,
    getRecords: (...args) => reader.getRecords(...args),
    getRecordsBySource: (...args) => reader.getRecordsBySource(...args),
    getMergeTargets: (...args) => reader.getMergeTargets(...args),
    listRecords: (...args) => reader.listRecords(...args),
    listTimeline: (...args) => reader.listTimeline(...args),
    listLinked: (...args) => reader.listLinked(...args),
    getIdentifiers: (...args) => reader.getIdentifiers(...args),
    readAudit: (...args) => reader.readAudit(...args),
    readAuditByEntity: (...args) => reader.readAuditByEntity(...args),
    scanRecords: (...args) => reader.scanRecords(...args),
    getAuditHead: (...args) => reader.getAuditHead(...args),
    getSubjectKeys: (...args) => reader.getSubjectKeys(...args),
    listRecordsBySource: (...args) => reader.listRecordsBySource(...args),
    scanIdentifiers: (...args) => reader.scanIdentifiers(...args),
    scanSubjectKeys: (...args) => reader.scanSubjectKeys(...args),

    async transaction<T>(fn: (tx: AdapterTransaction) => Promise<T>): Promise<T> {
      await ready();
      const run = (async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await runOnce(fn);
          } catch (error) {
            if (!isSerializationFailure(error) || attempt >= maxAttempts || closed) throw error;
            await backoff(attempt);
          }
        }
      })();
      running.add(run);
      try {
        return await run;
      } finally {
        running.delete(run);
      }
    },

    async migrate(): Promise<MigrationReport> {
      assertOpen();
      try {
        const report = await runMigrations();
        schemaReady = Promise.resolve();
        return report;
      } catch (error) {
        throw isTouchlogError(error) ? error : toAdapterError(dialect, error, 'migrating the schema');
      }
    },

    ...(backend.scrub
      ? {
          async scrub(): Promise<ScrubReport> {
            assertOpen();
            try {
              return await backend.scrub!();
            } catch (error) {
              throw isTouchlogError(error) ? error : toAdapterError(dialect, error, 'scrubbing freed storage');
            }
          },
        }
      : {}),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...running]);
      await backend.close();
    },
  };
}
