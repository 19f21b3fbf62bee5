import { DummyDriver, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type Dialect } from 'kysely';
import type { AuditHeadRow } from '../contract.js';
import type { DriverErrorKind, SqlDialect } from '../sql/sql-dialect.js';
import { CONSTRAINTS } from '../sql/tables.js';

/** PostgreSQL's limit on bound parameters per statement (the wire protocol counts them in 16 bits). */
const POSTGRES_MAX_PARAMETERS = 65_535;

const CONSTRAINT_NAMES: Record<string, 'id' | 'source' | 'identifier'> = {
  [CONSTRAINTS.recordId]: 'id',
  [CONSTRAINTS.recordSource]: 'source',
  [CONSTRAINTS.identifier]: 'identifier',
};

/** SQLSTATEs after which trying again later may succeed (connection trouble, lock timeouts, shutdowns). */
const UNAVAILABLE_STATES = new Set(['53300', '55P03', '57014', '57P01', '57P02', '57P03', '58000', '58030']);
/** Node's network error codes. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

function classifyError(error: unknown): DriverErrorKind {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (typeof code !== 'string') return { kind: 'other' };
  if (code === '23505') return { kind: 'unique', constraint: typeof constraint === 'string' ? CONSTRAINT_NAMES[constraint] : undefined };
  // serialization_failure, deadlock_detected: the whole transaction may simply be run again.
  if (code === '40001' || code === '40P01') return { kind: 'serialization' };
  if (code === '42P01') return { kind: 'missing_table' }; // undefined_table
  if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || NETWORK_CODES.has(code)) return { kind: 'unavailable' };
  return { kind: 'other' };
}

/** A key per schema for `pg_advisory_xact_lock`, so migrators of different schemas do not wait for each other. */
const migrationLockKey = (schema: string | undefined) => `touchlog.migrate:${schema ?? ''}`;

/**
 * The PostgreSQL dialect: `jsonb` documents, keys and instants as `text COLLATE "C"` (byte
 * order, the order the contract and the other adapters use, whatever the database's locale),
 * READ COMMITTED transactions with the tenant's audit-head row locked by every writer.
 */
export function postgresDialect(schema: string | undefined): SqlDialect {
  return {
    name: 'postgres',
    schema,
    maxParameters: POSTGRES_MAX_PARAMETERS,
    columnTypes: {
      key: sql`text collate "C"`,
      text: 'text',
      integer: 'integer',
      sequence: 'bigint',
      json: 'jsonb',
      nowIso: sql`(to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
      clusteredTableSuffix: undefined,
    },
    castTypes: { integer: 'integer' },
    beginTransactionSql: 'begin',
    compileOnlyDialect(): Dialect {
      return {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      };
    },
    inList: (column, values) => sql`${column} = any(${[...values]}::text[])`,
    classifyError,
    async lockTenant(db, tenant): Promise<AuditHeadRow | undefined> {
      // Creates the head row when the tenant has none (seq 0: no chain yet) and locks it in one
      // round trip: DO UPDATE takes the row lock, so every writer of the tenant queues here until
      // the one before commits, and then sees its head. Works across processes and on Citus.
      const row = await db
        .insertInto('touchlog_audit_heads')
        .values({ tenant_id: tenant, seq: 0, hash: '' })
        .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet((eb) => ({ tenant_id: eb.ref('excluded.tenant_id') })))
        .returning(['seq', 'hash'])
        .executeTakeFirstOrThrow();
      const seq = Number(row.seq);
      return seq > 0 ? { seq, hash: row.hash } : undefined;
    },
    async lockMigrations(db) {
      await sql`select pg_advisory_xact_lock(hashtext(${migrationLockKey(schema)}))`.execute(db);
    },
    preludeStatements: (db) => (schema === undefined ? [] : [db.schema.createSchema(schema).ifNotExists()]),
    async ensureNamespace(db) {
      if (schema === undefined) return;
      // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege on the database even when the
      // schema exists; an application role given its schema by an administrator lacks it.
      const { rows } = await sql<{ found: number }>`select 1 as found from pg_namespace where nspname = ${schema}`.execute(db);
      if (rows.length === 0) await db.schema.createSchema(schema).ifNotExists().execute();
    },
  };
}
