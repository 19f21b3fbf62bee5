import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTouchlog, isTouchlogError, isUniqueViolation, type RecordWrite, type StorageAdapter } from 'touchlog';
import { postgresAdapter, postgresSchemaSql, type PostgresAdapterOptions, type PostgresPoolLike } from 'touchlog/postgres';
import { runAdapterConformance, sample } from 'touchlog/testing';
import { adminQuery, dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { rawWrite as rawInteraction } from '../helpers/factories.js';

const schemas: string[] = [];
const roles: string[] = [];
/** A schema of its own for each use, dropped when the file ends. */
const newSchema = (label: string) => {
  const schema = freshSchema(label);
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  await dropSchemas(schemas);
  for (const role of roles) await adminQuery(`drop role if exists "${role}"`);
});

const conformanceSchema = newSchema('conformance');
runAdapterConformance({
  name: 'postgres',
  create: () => postgresAdapter({ connectionString: postgresUrl(), schema: conformanceSchema }),
  reopen: async () => postgresAdapter({ connectionString: postgresUrl(), schema: conformanceSchema }),
  runner: { describe, it, beforeAll, afterAll },
});

/**
 * A connection string for an ordinary role (row-level security does not apply to superusers),
 * owning `schema`. When the test server's user is already ordinary, that user.
 */
async function ordinaryRoleUrl(schema: string): Promise<string> {
  const { rows } = await adminQuery<{ privileged: boolean }>('select rolsuper or rolbypassrls as privileged from pg_roles where rolname = current_user');
  if (!rows[0]?.privileged) return postgresUrl();
  const role = `touchlog_app_${schema.slice(-10)}`;
  roles.push(role);
  await adminQuery(`create role "${role}" login password 'app-password' nosuperuser nobypassrls`);
  await adminQuery(`create schema "${schema}" authorization "${role}"`);
  const url = new URL(postgresUrl());
  url.username = role;
  url.password = 'app-password';
  return url.toString();
}

// Every write of one row or more through COPY ... FROM STDIN instead of INSERT statements.
const copySchema = newSchema('copy');
runAdapterConformance({
  name: 'postgres writing through COPY',
  create: () => postgresAdapter({ connectionString: postgresUrl(), schema: copySchema, copyFrom: 1 }),
  reopen: async () => postgresAdapter({ connectionString: postgresUrl(), schema: copySchema, copyFrom: 1 }),
  runner: { describe, it, beforeAll, afterAll },
});

const rlsSchema = newSchema('rls');
let rlsUrl: string | undefined;
const rlsConnection = async () => (rlsUrl ??= await ordinaryRoleUrl(rlsSchema));
runAdapterConformance({
  name: 'postgres with row-level security',
  create: async () => postgresAdapter({ connectionString: await rlsConnection(), schema: rlsSchema, rowLevelSecurity: true }),
  reopen: async () => postgresAdapter({ connectionString: await rlsConnection(), schema: rlsSchema, rowLevelSecurity: true }),
  runner: { describe, it, beforeAll, afterAll },
});

/** Adapters opened by a test, closed after it. */
const opened: StorageAdapter[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((adapter) => adapter.close()));
});
function open(options: Partial<PostgresAdapterOptions> & { schema: string }): StorageAdapter {
  const adapter = postgresAdapter({ ...(options.pool ? {} : { connectionString: postgresUrl() }), ...options });
  opened.push(adapter);
  return adapter;
}

/** An adapter-level interaction row, linked to invoice `INV-<id>`. */
const rawWrite = (id: string, overrides: Partial<RecordWrite['row']> = {}): RecordWrite => rawInteraction(id, overrides, [{ kind: 'invoice', ref: `INV-${id}` }]);

/** Words that would betray SQL or driver text in an error message. */
const DRIVER_WORDS = /select |insert |update |delete |relation|does not exist|duplicate key|violates|syntax|touchlog_|\$1/i;

/** A pool that records how the adapter uses it. */
function countingPool() {
  const inner = new pg.Pool({ connectionString: postgresUrl(), max: 4 });
  const stats = { connects: 0, queries: [] as Array<{ client: number; text: string }>, ended: false };
  const pool: PostgresPoolLike = {
    async connect() {
      const client = await inner.connect();
      const number = ++stats.connects;
      return {
        query: (text: string, values?: unknown[]) => {
          stats.queries.push({ client: number, text });
          return client.query(text, values);
        },
        release: (destroy?: boolean | Error) => client.release(destroy),
      };
    },
    async end() {
      stats.ended = true;
      await inner.end();
    },
  };
  return { pool, stats, end: () => inner.end() };
}

describe('postgres connections', () => {
  it('runs each transaction on one client checked out of the pool, and never ends a pool it was given', async () => {
    const schema = newSchema('pool');
    const { pool, stats, end } = countingPool();
    try {
      const adapter = open({ pool, schema });
      await adapter.migrate();
      stats.connects = 0;
      stats.queries.length = 0;
      await adapter.transaction(async (tx) => {
        await tx.lockTenant('t');
        await tx.insertRecords('t', [rawWrite('R1'), rawWrite('R2')]);
        await tx.getRecords('t', 'interactions', ['R1']);
        await tx.appendAudit('t', [{ seq: 1, entityId: 'R1', entry: '{"seq":1}' }], { seq: 1, hash: 'h1' });
      });
      expect(stats.connects).toBe(1);
      expect(stats.queries[0]!.text).toBe('begin');
      expect(stats.queries[stats.queries.length - 1]!.text).toBe('commit');
      expect(new Set(stats.queries.map((q) => q.client))).toEqual(new Set([1]));
      // Multi-row inserts: records and links take one statement each (the records' own timeline
      // entries live on their rows). Head lock, records, links, audit rows, head.
      expect(stats.queries.filter((q) => q.text.startsWith('insert into')).length).toBe(5);
      await adapter.close();
      expect(stats.ended).toBe(false);
    } finally {
      await end();
    }
  });

  it('rejects options that name no database, or two', () => {
    expect(() => postgresAdapter({})).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => postgresAdapter({ connectionString: postgresUrl(), pool: countingPool().pool })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('declares itself persistent and multi-process, and fails with CLOSED after close()', async () => {
    const adapter = postgresAdapter({ connectionString: postgresUrl(), schema: newSchema('closed') });
    expect(adapter.capabilities).toEqual({ persistent: true, multiProcess: true });
    await adapter.migrate();
    await adapter.close();
    await expect(adapter.getAuditHead('t')).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(adapter.transaction(async () => 1)).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('postgres concurrency', () => {
  it('keeps one valid audit chain with writers on two adapters (two pools)', async () => {
    const schema = newSchema('writers');
    const first = open({ schema, maxConnections: 4 });
    const second = open({ schema, maxConnections: 4 });
    await first.migrate();
    const writers = [first, second].flatMap((adapter, a) =>
      Array.from({ length: 3 }, (_, w) => createTouchlog({ adapter, tenant: 'shared', actor: `writer:${a}.${w}` })),
    );
    const { record: customer } = await writers[0]!.customers.record(sample.customer(1));
    await Promise.all(Array.from({ length: 36 }, (_, i) => writers[i % writers.length]!.interactions.record(sample.interaction(customer.id, i + 1))));
    // The same source record from both pools at once: stored once.
    const input = sample.interaction(customer.id, 100, { source: { system: 'crm', externalId: 'CASE-100', version: 1 } });
    const outcomes = await Promise.all(writers.map((log) => log.interactions.record(input)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['created', 'unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    const verification = await writers[4]!.audit.verify();
    expect(verification).toMatchObject({ ok: true, entries: 38 });
    expect((await second.readAudit('shared', { limit: 100 })).map((row) => row.seq)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
  });

  it('runs a transaction again when the database aborts it as a deadlock victim', async () => {
    const schema = newSchema('deadlock');
    const first = open({ schema });
    const second = open({ schema });
    await first.migrate();
    const runs = { first: 0, second: 0 };
    let arrived = 0;
    let bothHoldOne!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    // Each locks one tenant, waits until the other holds the other tenant, then asks for it.
    const crossLock = (adapter: StorageAdapter, name: 'first' | 'second', mine: string, theirs: string) =>
      adapter.transaction(async (tx) => {
        runs[name]++;
        await tx.lockTenant(mine);
        if (++arrived === 2) bothHoldOne();
        await Promise.race([barrier, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        await tx.lockTenant(theirs);
        await tx.putSubjectKeys(theirs, [{ subjectId: name, key: 'k' }]);
      });
    await Promise.all([crossLock(first, 'first', 'tenant-a', 'tenant-b'), crossLock(second, 'second', 'tenant-b', 'tenant-a')]);
    expect(runs.first + runs.second).toBe(3); // the victim ran twice, and both committed
    expect(await first.getSubjectKeys('tenant-b', ['first'])).toEqual([{ subjectId: 'first', key: 'k' }]);
    expect(await first.getSubjectKeys('tenant-a', ['second'])).toEqual([{ subjectId: 'second', key: 'k' }]);
  });
});

describe('postgres COPY', () => {
  it('writes a large batch (records, links, audit) with COPY, and documents come back byte for byte', async () => {
    const adapter = open({ schema: newSchema('copy-batch'), copyFrom: 50 });
    await adapter.migrate();
    const texts: string[] = [];
    const query = vi.spyOn(pg.Client.prototype, 'query');
    const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:test' });
    const { record: customer } = await log.customers.record(sample.customer(1));
    // Everything COPY's text format must escape: tab, newline, carriage return, backslash, and \N.
    const tricky = 'tab\there, line\nbreak, back\\slash, \\N, carriage\rreturn — 東京 🙂';
    const results = await log.interactions.recordMany(
      Array.from({ length: 120 }, (_, n) => sample.interaction(customer.id, n, { summary: `${n} ${tricky}`, source: { system: 'crm', externalId: `C-${n}` } })),
    );
    for (const call of query.mock.calls) {
      const first = call[0] as { text?: unknown } | string;
      if (typeof first === 'object' && first !== null && typeof first.text === 'string') texts.push(first.text);
    }
    query.mockRestore();
    expect(texts.filter((text) => text.startsWith('copy ')).map((text) => text.split(' ')[1])).toEqual(
      expect.arrayContaining([expect.stringContaining('touchlog_records'), expect.stringContaining('touchlog_links'), expect.stringContaining('touchlog_audit')]),
    );
    for (const { record } of results.slice(0, 5)) expect(await log.interactions.get(record.id)).toEqual(record);
    expect((await log.audit.verify()).ok).toBe(true);
  });
});

describe('postgres errors', () => {
  it('maps unique violations to the constraint the core handles', async () => {
    const adapter = open({ schema: newSchema('unique') });
    await adapter.migrate();
    const constraintOf = async (work: Parameters<StorageAdapter['transaction']>[0]) => {
      const error = await adapter.transaction(work).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect((error as Error).message).not.toMatch(DRIVER_WORDS);
      return (error as { constraint: string }).constraint;
    };
    await adapter.transaction((tx) => tx.insertRecords('t', [rawWrite('R1', { sourceSystem: 'crm', sourceExternalId: 'X-1' })]));
    expect(await constraintOf((tx) => tx.insertRecords('t', [rawWrite('R1')]))).toBe('id');
    expect(await constraintOf((tx) => tx.insertRecords('t', [rawWrite('R2', { sourceSystem: 'crm', sourceExternalId: 'X-1' })]))).toBe('source');
    await adapter.transaction((tx) => tx.insertRecords('t', [rawWrite('R3', { sourceSystem: 'crm', sourceExternalId: 'X-3' })]));
    expect(
      await constraintOf((tx) => tx.updateRecords('t', [{ ...rawWrite('R3', { version: 2, sourceSystem: 'crm', sourceExternalId: 'X-1' }), expectedVersion: 1 }])),
    ).toBe('source');
    await adapter.transaction((tx) => tx.putIdentifiers('t', [{ key: 'email:a@x.example', customerId: 'C1' }]));
    expect(await constraintOf((tx) => tx.putIdentifiers('t', [{ key: 'email:a@x.example', customerId: 'C2' }]))).toBe('identifier');
    // Keys are per tenant: the same id, source key and identifier are free in another one.
    await adapter.transaction(async (tx) => {
      await tx.insertRecords('u', [rawWrite('R1', { sourceSystem: 'crm', sourceExternalId: 'X-1' })]);
      await tx.putIdentifiers('u', [{ key: 'email:a@x.example', customerId: 'C9' }]);
    });
    expect((await adapter.getRecords('t', 'interactions', ['R2'])).length).toBe(0);
  });

  it('reports driver failures as STORAGE_FAILURE without SQL or driver text, keeping the cause', async () => {
    const schema = newSchema('broken');
    const adapter = open({ schema });
    await adapter.migrate();
    await adminQuery(`drop table "${schema}".touchlog_audit`);
    const log = createTouchlog({ adapter, tenant: 'acme', actor: 'test' });
    for (const attempt of [() => log.customers.record(sample.customer(1)), () => adapter.readAudit('acme', { limit: 10 })]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isTouchlogError(error, 'STORAGE_FAILURE')).toBe(true);
      expect((error as Error).message).not.toMatch(DRIVER_WORDS);
    }
    const direct = await adapter.readAudit('acme', { limit: 10 }).catch((e: unknown) => e);
    expect(((direct as Error).cause as { code?: string }).code).toBe('42P01');
    expect((direct as { retryable: boolean }).retryable).toBe(false);
  });

  it('reports an unreachable server as a retryable STORAGE_FAILURE', async () => {
    const url = new URL(postgresUrl());
    url.port = '1'; // nothing listens there
    const adapter = postgresAdapter({ connectionString: url.toString(), schema: newSchema('unreachable') });
    try {
      const error = await adapter.getAuditHead('t').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STORAGE_FAILURE', retryable: true });
      expect((error as Error).message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await adapter.close();
    }
  });

  it('round-trips documents through jsonb exactly', async () => {
    const adapter = open({ schema: newSchema('json') });
    await adapter.migrate();
    const data = {
      max: Number.MAX_SAFE_INTEGER,
      min: -Number.MAX_SAFE_INTEGER,
      fraction: 0.1 + 0.2,
      tiny: 5e-324,
      huge: 1.7976931348623157e308,
      text: 'Åsa — 東京 — 👩🏽‍💼 — \u202E — "quotes" \\ back\nslash',
      emptyText: '',
      nested: { list: [1, 'two', null, true, false, { deep: [[[]]] }], empty: {} },
      '键 🙂': 'unicode key',
    };
    const document = JSON.stringify(data);
    await adapter.transaction((tx) => tx.insertRecords('t', [{ ...rawWrite('R1'), row: { ...rawWrite('R1').row, document } }]));
    const [row] = await adapter.getRecords('t', 'interactions', ['R1']);
    expect(row!.document).toBe(document);
    expect(JSON.parse(row!.document)).toStrictEqual(data);
  });
});

describe('postgres migrations', () => {
  it('applies the migrations once; later calls (also from another adapter) find nothing to do', async () => {
    const schema = newSchema('migrate');
    expect(await open({ schema }).migrate()).toEqual({ applied: ['0001_initial', '0002_bound_records'], current: '0002_bound_records' });
    expect(await open({ schema }).migrate()).toEqual({ applied: [], current: '0002_bound_records' });
    const race = newSchema('race');
    const [first, second] = await Promise.all([open({ schema: race }).migrate(), open({ schema: race }).migrate()]);
    // Each migration is applied once, by whichever migrator got to it first.
    expect([...first.applied, ...second.applied].sort()).toEqual(['0001_initial', '0002_bound_records']);
  });

  it('says SCHEMA_NOT_MIGRATED, naming what to run, on a schema not migrated yet', async () => {
    const adapter = open({ schema: newSchema('unmigrated') });
    const error = await adapter.getAuditHead('t').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHEMA_NOT_MIGRATED', pending: ['0001_initial', '0002_bound_records'] });
    expect((error as Error).message).toContain('run adapter.migrate() before using it, or create the adapter with autoMigrate: true');
    await adapter.migrate();
    expect(await adapter.getAuditHead('t')).toBeUndefined();
  });

  it('migrates before first use with autoMigrate', async () => {
    const log = createTouchlog({ adapter: open({ schema: newSchema('auto'), autoMigrate: true }), tenant: 'acme', actor: 'test' });
    const { record } = await log.customers.record(sample.customer(1));
    expect((await log.customers.get(record.id)).displayName).toBe('Customer 1');
  });

  it('fails a migration with MIGRATION_FAILED and keeps nothing of it', async () => {
    const schema = newSchema('conflict');
    await adminQuery(`create schema "${schema}"; create table "${schema}".touchlog_timeline (x integer)`);
    const error = await open({ schema }).migrate().catch((e: unknown) => e);
    expect(isTouchlogError(error, 'MIGRATION_FAILED')).toBe(true);
    expect((error as { migration: string }).migration).toBe('0001_initial');
    expect((error as Error).message).not.toMatch(DRIVER_WORDS);
    const { rows } = await adminQuery<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [schema]);
    expect(rows.map((r) => r.table_name)).toEqual(['touchlog_timeline']);
  });

  it('refuses a database migrated by a newer version', async () => {
    const schema = newSchema('newer');
    await open({ schema }).migrate();
    await adminQuery(`insert into "${schema}".touchlog_migrations (name) values ('9999_from_the_future')`);
    await expect(open({ schema }).migrate()).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migration: '9999_from_the_future' });
  });

  it('exports the schema (and the policies) as plain SQL that creates exactly what migrate() creates', async () => {
    const migrated = newSchema('migrated');
    const exported = newSchema('exported');
    await open({ schema: migrated, rowLevelSecurity: true }).migrate();
    await adminQuery(postgresSchemaSql({ schema: exported, rowLevelSecurity: true }));
    const catalog = async (schema: string) => {
      const anonymise = (text: string) => text.replaceAll(`"${schema}".`, '').replaceAll(`${schema}.`, '');
      const columns = await adminQuery(
        `select table_name, column_name, ordinal_position, data_type, collation_name, is_nullable, column_default
           from information_schema.columns where table_schema = $1 order by table_name, ordinal_position`,
        [schema],
      );
      const indexes = await adminQuery<{ indexname: string; indexdef: string }>('select indexname, indexdef from pg_indexes where schemaname = $1 order by indexname', [schema]);
      const constraints = await adminQuery(
        `select conname, contype, pg_get_constraintdef(c.oid) as definition from pg_constraint c
           join pg_namespace n on n.oid = c.connamespace where n.nspname = $1 order by conname`,
        [schema],
      );
      const policies = await adminQuery('select tablename, policyname, cmd, qual, with_check from pg_policies where schemaname = $1 order by tablename', [schema]);
      const security = await adminQuery(
        `select relname, relrowsecurity, relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = $1 and relkind = 'r' order by relname`,
        [schema],
      );
      return {
        columns: columns.rows,
        indexes: indexes.rows.map((row) => ({ ...row, indexdef: anonymise(row.indexdef) })),
        constraints: constraints.rows,
        policies: policies.rows,
        security: security.rows,
      };
    };
    const expected = await catalog(migrated);
    expect(await catalog(exported)).toEqual(expected);
    expect(expected.indexes.length).toBeGreaterThan(10);
    expect(expected.policies.length).toBe(7);
    expect(await open({ schema: exported }).migrate()).toEqual({ applied: [], current: '0002_bound_records' });
  });
});

describe('postgres row-level security', () => {
  it('hides and refuses other tenants’ rows in the database itself', async () => {
    const schema = newSchema('rls_raw');
    const url = await ordinaryRoleUrl(schema);
    const adapter = open({ schema, rowLevelSecurity: true, connectionString: url });
    await adapter.migrate();
    for (const tenant of ['tenant-a', 'tenant-b']) {
      await createTouchlog({ adapter, tenant, actor: 'test' }).customers.record(sample.customer(1));
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tenantsSeen = async () =>
        (await client.query<{ tenant_id: string }>(`select distinct tenant_id from "${schema}".touchlog_records order by tenant_id`)).rows.map((r) => r.tenant_id);
      expect(await tenantsSeen()).toEqual([]); // no tenant set: nothing
      await client.query('begin');
      await client.query(`select set_config('touchlog.tenant', 'tenant-a', true)`);
      expect(await tenantsSeen()).toEqual(['tenant-a']);
      const refused = await client
        .query(`insert into "${schema}".touchlog_identifiers (tenant_id, key, customer_id) values ('tenant-b', 'k', 'c')`)
        .catch((e: { code?: string }) => e);
      expect((refused as { code?: string }).code).toBe('42501'); // new row violates row-level security policy
      await client.query('rollback');
      expect(await tenantsSeen()).toEqual([]); // the setting ended with the transaction
    } finally {
      await client.end();
    }
    // The rows are there; only the policy hid them.
    const { rows } = await adminQuery(`select count(*)::int as n from "${schema}".touchlog_records`);
    expect(rows[0]).toEqual({ n: 2 });
  });
});
