import type { Kysely } from 'kysely';
import { ClosedError, isTouchlogError } from '../../errors/index.js';
import type { AdapterCapabilities, AdapterTransaction, MigrationReport, StorageAdapter } from '../contract.js';
import { isSerializationFailure, toAdapterError } from './errors.js';
import { MIGRATIONS, type SchemaStatement } from './migrations.js';
import { migrate } from './migrator.js';
import { CommittedScope, TransactionScope, type TenantContext } from './query-scope.js';
import type { SqlDialect } from './sql-dialect.js';
import { SqlReader } from './sql-reader.js';
import { StatementShapes } from './statement-shapes.js';
import { SqlTransaction } from './sql-transaction.js';
import type { TouchlogTables } from './tables.js';

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
  /** Makes sure erased data does not linger in free pages or logs (see `StorageAdapter.scrub`). */
  scrub?(): Promise<void>;
  /** Releases the connections the adapter opened. */
  close(): Promise<void>;
}

/** Options every SQL adapter takes. */
export interface SqlAdapterOptions {
  /**
   * Brings the schema up to date before the first read or write, as `migrate()` would. Off by
   * default: production deployments usually migrate explicitly, once, before rolling out.
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
  let migration: Promise<MigrationReport> | undefined;

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

  const ready = async () => {
    assertOpen();
    if (options.autoMigrate) {
      migration ??= runMigrations().catch((error: unknown) => {
        migration = undefined; // let a later call try again
        throw error;
      });
      await migration;
    }
  };

  const shapes = new StatementShapes();
  const reader = new SqlReader(dialect, new CommittedScope(dialect, backend.readDb, ready, backend.tenantContext), shapes);

  async function runOnce<T>(fn: (tx: AdapterTransaction) => Promise<T>): Promise<T> {
    return backend.runTransaction(async (db) => {
      const scope = new TransactionScope(dialect, db, backend.tenantContext);
      try {
        const result = await fn(new SqlTransaction(dialect, scope, shapes));
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
        return await runMigrations();
      } catch (error) {
        throw isTouchlogError(error) ? error : toAdapterError(dialect, error, 'migrating the schema');
      }
    },

    ...(backend.scrub
      ? {
          async scrub(): Promise<void> {
            assertOpen();
            try {
              await backend.scrub!();
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
