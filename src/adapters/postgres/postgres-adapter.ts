import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ValidationError } from '../../errors/index.js';
import type { StorageAdapter } from '../contract.js';
import { createSqlAdapter, type SqlAdapterOptions } from '../sql/sql-adapter.js';
import type { TouchlogTables } from '../sql/tables.js';
import { inTransaction } from '../sql/transaction-runner.js';
import { postgresDialect } from './postgres-dialect.js';
import { CopyIn, copyChunks } from './copy.js';
import { kyselyPool, singleClientPool, type PostgresClientLike, type PostgresPoolLike } from './postgres-pool.js';
import { rowLevelSecurityStatements, setTenant } from './row-level-security.js';

/** Options of {@link postgresAdapter}: give `pool` or `connectionString`. */
export interface PostgresAdapterOptions extends SqlAdapterOptions {
  /** A `pg.Pool` (or a compatible pool) to borrow connections from. The adapter never ends it. */
  readonly pool?: PostgresPoolLike;
  /** A connection string (`postgres://user:pass@host:5432/db`) for a pool the adapter creates and ends on `close()`. */
  readonly connectionString?: string;
  /** Size of the pool created from `connectionString`; 10 when not given. */
  readonly maxConnections?: number;
  /** The schema that holds touchlog's tables (created by `migrate()` when missing); the connection's default when not given. */
  readonly schema?: string;
  /**
   * Rows from which a write uses `COPY ... FROM STDIN` instead of multi-row INSERTs: an ingest
   * batch of that many records (and their links and audit entries) goes to the server as one
   * stream. 1 000 when not given; `Infinity` never copies. COPY needs a `pg` client (the pool's
   * own) and is not used with `rowLevelSecurity` (PostgreSQL refuses COPY FROM under row-level
   * security).
   */
  readonly copyFrom?: number;
  /**
   * Enforces tenant isolation in the database too, as defence in depth: `migrate()` enables
   * row-level security with a policy per table, and every statement runs in a transaction that
   * names its tenant. Costs a transaction (three extra round trips) per read. Has no effect for
   * superusers or roles with BYPASSRLS: connect as an ordinary role.
   */
  readonly rowLevelSecurity?: boolean;
}

/**
 * The production adapter: PostgreSQL through `pg`, on a pool of connections.
 *
 * - Each write transaction runs on one client checked out of the pool, at READ COMMITTED, and
 *   begins by locking the tenant's audit-head row: writers of a tenant queue there (also across
 *   processes), so audit chains never fork and conditional updates see the latest version.
 * - Serialization failures and deadlocks (40001, 40P01) run the whole transaction again.
 * - Unique violations map to the typed errors by constraint name; every other driver error
 *   becomes a `StorageError` whose message carries no SQL or driver text (the driver's error is
 *   its `cause`).
 * - Every table is keyed by `tenant_id` first and every statement filters by tenant: the schema
 *   distributes on Citus with `tenant_id` as the distribution column.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createTouchlog } from 'touchlog';
 * import { postgresAdapter } from 'touchlog/postgres';
 *
 * const adapter = postgresAdapter({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await adapter.migrate();
 * const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:billing-sync' });
 * ```
 */
/** An identifier, double-quoted. */
const escapeIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function postgresAdapter(options: PostgresAdapterOptions): StorageAdapter {
  if ((options.pool === undefined) === (options.connectionString === undefined)) {
    throw new ValidationError('postgres adapter options', [
      { code: 'invalid_union', path: ['pool'], message: 'give either a pool or a connection string, not both or neither' },
    ]);
  }
  const dialect = postgresDialect(options.schema);
  let ownedPool: pg.Pool | undefined;
  if (options.connectionString !== undefined) {
    ownedPool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
    // An idle client that loses its connection is discarded by the pool; without a listener,
    // its 'error' event would crash the process.
    ownedPool.on('error', () => {});
  }
  const pool: PostgresPoolLike = options.pool ?? (ownedPool as unknown as PostgresPoolLike);
  const withSchema = (db: Kysely<TouchlogTables>) => (options.schema === undefined ? db : db.withSchema(options.schema));
  const readDb = withSchema(new Kysely<TouchlogTables>({ dialect: new PostgresDialect({ pool: kyselyPool(pool) }) }));
  const rls = options.rowLevelSecurity === true;
  /** The client each transaction's Kysely instance runs on, for COPY. */
  const clients = new WeakMap<Kysely<TouchlogTables>, PostgresClientLike>();
  const table = (name: string) => (options.schema === undefined ? escapeIdentifier(name) : `${escapeIdentifier(options.schema)}.${escapeIdentifier(name)}`);

  return createSqlAdapter(
    {
      dialect,
      capabilities: { persistent: true, multiProcess: true },
      readDb,
      async runTransaction(work) {
        // One client for the whole transaction; never the pool, whose statements could land on
        // other connections.
        const client = await pool.connect();
        let broken: unknown;
        // A connection that dies while the transaction waits between statements (terminated by an
        // administrator, a network cut) emits 'error' on the checked-out client; unheard, that
        // event would crash the process. The next statement fails instead, as a StorageError.
        const onError = (error: Error) => (broken ??= error);
        client.on?.('error', onError);
        try {
          const db = withSchema(new Kysely<TouchlogTables>({ dialect: new PostgresDialect({ pool: singleClientPool(client) }) }));
          clients.set(db, client);
          return await inTransaction(db, dialect, work, (error) => (broken = error));
        } finally {
          // A client that could not even roll back may still be inside the transaction: destroy it.
          client.off?.('error', onError);
          client.release(broken === undefined ? undefined : true);
        }
      },
      ...(rls ? { tenantContext: setTenant, policies: (db) => rowLevelSecurityStatements(db, options.schema) } : {}),
      ...(rls || options.copyFrom === Number.POSITIVE_INFINITY
        ? {}
        : {
            bulkInsertFrom: options.copyFrom ?? 1_000,
            async bulkInsert(db, name, columns, values) {
              const client = clients.get(db);
              // COPY speaks pg's own protocol: only with pg's client (a pool of another driver inserts).
              if (!(client instanceof pg.Client)) return false;
              const copy = new CopyIn(`copy ${table(name)} (${columns.map(escapeIdentifier).join(', ')}) from stdin`, copyChunks(values, columns.length));
              (client as unknown as { query(copy: CopyIn): unknown }).query(copy);
              await copy.done;
              return true;
            },
          }),
      async close() {
        await readDb.destroy();
        await ownedPool?.end();
      },
    },
    options,
  );
}
