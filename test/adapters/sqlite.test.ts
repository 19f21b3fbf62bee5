import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTouchlog, isTouchlogError, isUniqueViolation, type StorageAdapter } from 'touchlog';
import { sqliteAdapter, sqliteSchemaSql, type SqliteDatabaseLike } from 'touchlog/sqlite';
import { runAdapterConformance, sample } from 'touchlog/testing';
import { rawWrite } from '../helpers/factories.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `db-${++files}.db`);

const conformanceFile = newFile();
runAdapterConformance({
  name: 'sqlite (file)',
  create: () => sqliteAdapter({ filename: conformanceFile }),
  reopen: async () => sqliteAdapter({ filename: conformanceFile }),
  runner: { describe, it, beforeAll, afterAll },
});

runAdapterConformance({
  name: 'sqlite (:memory:)',
  create: () => sqliteAdapter({ filename: ':memory:' }),
  runner: { describe, it, beforeAll, afterAll },
});

/** Adapters opened by a test, closed after it. */
const opened: StorageAdapter[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((adapter) => adapter.close()));
  vi.restoreAllMocks();
});
function open(options: Parameters<typeof sqliteAdapter>[0]): StorageAdapter {
  const adapter = sqliteAdapter(options);
  opened.push(adapter);
  return adapter;
}

/** A raw connection to inspect a database file. */
function inspect<T>(filename: string, fn: (db: Database.Database) => T): T {
  const db = new Database(filename);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const tables = (filename: string) =>
  inspect(filename, (db) => (db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as Array<{ name: string }>).map((r) => r.name));

/** Words that would betray SQL or driver text in an error message. */
const DRIVER_WORDS = /SQLITE_|sqlite_|select |insert |update |delete |no such|constraint|syntax|touchlog_/i;

describe('sqlite connections', () => {
  it('uses WAL, busy_timeout and synchronous=FULL by default, and checks them on every connection it opens', async () => {
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    const filename = newFile();
    const adapter = open({ filename, busyTimeoutMs: 1234 });
    await adapter.migrate();
    const connections = new Set(pragma.mock.contexts);
    expect(connections.size).toBe(2); // the writer and the reader
    for (const connection of connections) {
      const calls = pragma.mock.calls.filter((_, i) => pragma.mock.contexts[i] === connection).map((call) => call[0]);
      expect(calls).toContain('synchronous = FULL');
      expect(calls).toContain('synchronous'); // read back
      expect(calls).toContain('busy_timeout = 1234');
      expect((connection as Database.Database).pragma('synchronous', { simple: true })).toBe(2);
      expect((connection as Database.Database).pragma('busy_timeout', { simple: true })).toBe(1234);
      expect((connection as Database.Database).pragma('journal_mode', { simple: true })).toBe('wal');
    }
    expect(inspect(filename, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('sets synchronous=NORMAL when asked, on a database it is given', async () => {
    const filename = newFile();
    const db = new Database(filename);
    try {
      const adapter = open({ database: db, synchronous: 'normal' });
      await adapter.migrate();
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      await adapter.close();
      expect(db.open).toBe(true); // a database it was given is not closed
    } finally {
      db.close();
    }
  });

  it('refuses a connection on which synchronous does not take', () => {
    const real = new Database(':memory:');
    const stubborn: SqliteDatabaseLike = {
      name: real.name,
      memory: real.memory,
      prepare: (sql) => real.prepare(sql),
      close: () => real.close(),
      // Ignores the setting, as a connection left at better-sqlite3's WAL default would.
      pragma: (source, options) => (source === 'synchronous' ? 1 : real.pragma(source, options)),
    };
    try {
      expect(() => sqliteAdapter({ database: stubborn })).toThrow(expect.objectContaining({ code: 'STORAGE_FAILURE' }));
    } finally {
      real.close();
    }
  });

  it('rejects options that name no database, or two', () => {
    expect(() => sqliteAdapter({})).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    const db = new Database(':memory:');
    expect(() => sqliteAdapter({ filename: ':memory:', database: db })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    db.close();
  });

  it('declares file databases persistent and multi-process, in-memory ones neither', () => {
    expect(open({ filename: newFile() }).capabilities).toEqual({ persistent: true, multiProcess: true });
    expect(open({ filename: ':memory:' }).capabilities).toEqual({ persistent: false, multiProcess: false });
  });

  it('fails with CLOSED after close()', async () => {
    const adapter = sqliteAdapter({ filename: newFile() });
    await adapter.migrate();
    await adapter.close();
    await expect(adapter.getAuditHead('t')).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(adapter.transaction(async () => 1)).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('serialises writers of two adapters on one file in one process without blocking the event loop', async () => {
    const filename = newFile();
    const first = open({ filename, busyTimeoutMs: 200 });
    const second = open({ filename, busyTimeoutMs: 200 });
    await first.migrate();
    const writers = [first, second].flatMap((adapter, a) =>
      Array.from({ length: 3 }, (_, w) => createTouchlog({ adapter, tenant: 'shared', actor: `writer:${a}.${w}` })),
    );
    const { record: customer } = await writers[0]!.customers.record(sample.customer(1));
    // Each transaction awaits between its statements; with a busy_timeout of 200 ms, a blocking
    // wait on the other connection's lock would time out (or freeze the loop) instead of queueing.
    await Promise.all(Array.from({ length: 30 }, (_, i) => writers[i % writers.length]!.interactions.record(sample.interaction(customer.id, i + 1))));
    const verification = await writers[3]!.audit.verify();
    expect(verification).toMatchObject({ ok: true, entries: 31 });
  });
});

describe('sqlite migrations', () => {
  it('applies the migrations once; later calls find nothing to do', async () => {
    const filename = newFile();
    const adapter = open({ filename });
    expect(await adapter.migrate()).toEqual({ applied: ['0001_initial', '0002_bound_records'], current: '0002_bound_records' });
    expect(await adapter.migrate()).toEqual({ applied: [], current: '0002_bound_records' });
    expect(await open({ filename }).migrate()).toEqual({ applied: [], current: '0002_bound_records' });
    expect(tables(filename)).toEqual([
      'touchlog_audit',
      'touchlog_audit_heads',
      'touchlog_identifiers',
      'touchlog_links',
      'touchlog_migrations',
      'touchlog_records',
      'touchlog_subject_keys',
      'touchlog_timeline',
    ]);
  });

  it('migrates a new file on first use by default; with autoMigrate: false, says what to run', async () => {
    const manual = open({ filename: newFile(), autoMigrate: false });
    const error = await manual.getAuditHead('t').catch((e: unknown) => e);
    expect(isTouchlogError(error, 'SCHEMA_NOT_MIGRATED')).toBe(true);
    expect((error as Error).message).toBe(
      'the sqlite database lacks migrations 0001_initial, 0002_bound_records: run adapter.migrate() before using it, or create the adapter with autoMigrate: true',
    );
    expect((error as { pending: string[] }).pending).toEqual(['0001_initial', '0002_bound_records']);
    // Writes say the same, and after migrate() everything works.
    const writer = createTouchlog({ adapter: manual, tenant: 'acme', actor: 'test' });
    await expect(writer.customers.record(sample.customer(1))).rejects.toMatchObject({ code: 'SCHEMA_NOT_MIGRATED' });
    await manual.migrate();
    expect((await writer.customers.record(sample.customer(1))).outcome).toBe('created');

    const filename = newFile();
    const log = createTouchlog({ adapter: sqliteAdapter({ filename }), tenant: 'acme', actor: 'test' });
    const { record } = await log.customers.record(sample.customer(1));
    expect((await log.customers.get(record.id)).displayName).toBe('Customer 1');
    expect(inspect(filename, (db) => db.prepare('select name from touchlog_migrations order by name').all())).toEqual([{ name: '0001_initial' }, { name: '0002_bound_records' }]);
    await log.adapter.close();
  });

  it('exports the schema as plain SQL that creates exactly what migrate() creates', async () => {
    const migrated = newFile();
    await open({ filename: migrated }).migrate();
    const exported = newFile();
    inspect(exported, (db) => db.exec(sqliteSchemaSql()));
    const schemaOf = (filename: string) =>
      inspect(filename, (db) => db.prepare(`select type, name, tbl_name, sql from sqlite_master order by type, name`).all());
    expect(schemaOf(exported)).toEqual(schemaOf(migrated));
    expect(schemaOf(exported).length).toBeGreaterThan(10);
    // A database created from the export is recognised as up to date.
    expect(await open({ filename: exported }).migrate()).toEqual({ applied: [], current: '0002_bound_records' });
  });

  it('fails a migration with MIGRATION_FAILED and keeps nothing of it', async () => {
    const filename = newFile();
    // A table of the same name in the way, as a stale or foreign schema would leave it.
    inspect(filename, (db) => db.exec('create table touchlog_timeline (x integer)'));
    const error = await open({ filename }).migrate().catch((e: unknown) => e);
    expect(isTouchlogError(error, 'MIGRATION_FAILED')).toBe(true);
    expect((error as { migration: string }).migration).toBe('0001_initial');
    expect((error as Error).message).not.toMatch(DRIVER_WORDS);
    expect((error as Error).cause).toBeInstanceOf(Error);
    // The failed migration's transaction (which also created the bookkeeping table) left nothing.
    expect(tables(filename)).toEqual(['touchlog_timeline']);
  });

  it('refuses a database migrated by a newer version', async () => {
    const filename = newFile();
    await open({ filename }).migrate();
    inspect(filename, (db) => db.prepare(`insert into touchlog_migrations (name) values ('9999_from_the_future')`).run());
    await expect(open({ filename }).migrate()).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migration: '9999_from_the_future' });
  });
});

describe('sqlite storage', () => {
  it('maps unique violations to the constraint the core handles', async () => {
    const adapter = open({ filename: newFile() });
    await adapter.migrate();
    const constraintOf = async (work: Parameters<StorageAdapter['transaction']>[0]) => {
      const error = await adapter.transaction(work).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      return (error as { constraint: string }).constraint;
    };
    await adapter.transaction((tx) => tx.insertRecords('t', [rawWrite('R1', { sourceSystem: 'crm', sourceExternalId: 'X-1' })]));
    expect(await constraintOf((tx) => tx.insertRecords('t', [rawWrite('R1')]))).toBe('id');
    expect(await constraintOf((tx) => tx.insertRecords('t', [rawWrite('R2', { sourceSystem: 'crm', sourceExternalId: 'X-1' })]))).toBe('source');
    expect(await constraintOf((tx) => tx.insertRecords('t', [rawWrite('R3'), rawWrite('R3')]))).toBe('id');
    await adapter.transaction((tx) => tx.putIdentifiers('t', [{ key: 'email:a@x.example', customerId: 'C1' }]));
    expect(await constraintOf((tx) => tx.putIdentifiers('t', [{ key: 'email:a@x.example', customerId: 'C2' }]))).toBe('identifier');
    // Another tenant has its own keys.
    await adapter.transaction((tx) => tx.insertRecords('u', [rawWrite('R1', { sourceSystem: 'crm', sourceExternalId: 'X-1' })]));
    expect(await adapter.getRecords('t', 'interactions', ['R2', 'R3'])).toEqual([]);
  });

  it('reports driver failures as STORAGE_FAILURE without SQL or driver text, keeping the cause', async () => {
    const filename = newFile();
    const adapter = open({ filename });
    await adapter.migrate();
    inspect(filename, (db) => db.exec('drop table touchlog_audit'));
    const log = createTouchlog({ adapter, tenant: 'acme', actor: 'test' });
    for (const attempt of [() => log.customers.record(sample.customer(1)), () => adapter.readAudit('acme', { limit: 10 })]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isTouchlogError(error, 'STORAGE_FAILURE')).toBe(true);
      expect((error as Error).message).not.toMatch(DRIVER_WORDS);
    }
    const direct = await adapter.readAudit('acme', { limit: 10 }).catch((e: unknown) => e);
    expect(String((direct as Error).cause)).toMatch(/no such table/);
  });

  it('never commits a transaction in which a statement failed, even if the caller swallowed the error', async () => {
    const adapter = open({ filename: newFile() });
    await adapter.migrate();
    await adapter.transaction((tx) => tx.insertRecords('t', [rawWrite('R1')]));
    const error = await adapter
      .transaction(async (tx) => {
        await tx.insertRecords('t', [rawWrite('R2')]);
        await tx.insertRecords('t', [rawWrite('R1')]).catch(() => undefined);
        return 'done';
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await adapter.getRecords('t', 'interactions', ['R2'])).toEqual([]);
  });

  it('writes and reads batches larger than one statement can carry', async () => {
    const adapter = open({ filename: newFile() });
    await adapter.migrate();
    const ids = Array.from({ length: 2_500 }, (_, i) => `R${String(i).padStart(5, '0')}`);
    await adapter.transaction((tx) => tx.insertRecords('t', ids.map((id) => rawWrite(id, {}, [{ kind: 'invoice', ref: `INV-${id}` }]))));
    expect((await adapter.getRecords('t', 'interactions', ids)).length).toBe(ids.length);
    const page = await adapter.listTimeline('t', { customerId: 'C1', order: 'desc', limit: 1000 });
    expect(page.length).toBe(1000);
    expect(page[0]!.entryId).toBe(`${ids[ids.length - 1]}:interaction`);
    const stale = await adapter.transaction((tx) =>
      tx.updateRecords('t', ids.map((id, i) => ({ ...rawWrite(id, { version: 2, status: 'closed' }), expectedVersion: i % 2 === 0 ? 1 : 5 }))),
    );
    expect(stale).toEqual(ids.filter((_, i) => i % 2 === 1));
    expect((await adapter.listRecords('t', { collection: 'interactions', filter: { statuses: ['closed'] }, order: 'asc', limit: 1000 })).length).toBe(1000);
    expect(await adapter.transaction((tx) => tx.deleteRecords('t', 'interactions', ids))).toBe(ids.length);
    expect(await adapter.listLinked('t', { kind: 'invoice', ref: `INV-${ids[0]}`, order: 'asc', limit: 10 })).toEqual([]);
  });

  it('moves records with their timeline entries to another customer, keeping their links', async () => {
    const adapter = open({ filename: newFile() });
    await adapter.migrate();
    const linked = (id: string, customer: string) => ({
      ...rawWrite(id, { customerId: customer, homeCustomerId: customer }),
      links: [{ kind: 'invoice', ref: 'INV-9' }],
    });
    await adapter.transaction((tx) => tx.insertRecords('t', [linked('R1', 'A'), linked('R2', 'A'), linked('R3', 'B')]));
    expect(await adapter.transaction((tx) => tx.reassignRecords('t', { fromCustomerId: 'A' }, 'B'))).toBe(2);
    const timeline = await adapter.listTimeline('t', { customerId: 'B', order: 'asc', limit: 10 });
    expect(timeline.map((hit) => [hit.record.id, hit.record.customerId])).toEqual([
      ['R1', 'B'],
      ['R2', 'B'],
      ['R3', 'B'],
    ]);
    const moved = await adapter.getRecords('t', 'interactions', ['R1', 'R3']);
    expect(moved.map((row) => [row.id, row.customerId, row.homeCustomerId]).sort()).toEqual([
      ['R1', 'B', 'A'],
      ['R3', 'B', 'B'],
    ]);
    expect(await adapter.listTimeline('t', { customerId: 'A', order: 'asc', limit: 10 })).toEqual([]);
    expect((await adapter.listLinked('t', { kind: 'invoice', ref: 'INV-9', order: 'asc', limit: 10 })).map((row) => row.id)).toEqual(['R1', 'R2', 'R3']);
    // Back to where they were recorded (an unmerge).
    expect(await adapter.transaction((tx) => tx.reassignRecords('t', { fromCustomerId: 'B', homeCustomerIds: ['A'] }, 'A'))).toBe(2);
    expect((await adapter.listTimeline('t', { customerId: 'A', order: 'asc', limit: 10 })).map((hit) => hit.record.id)).toEqual(['R1', 'R2']);
    expect((await adapter.listLinked('t', { kind: 'invoice', ref: 'INV-9', order: 'asc', limit: 10 })).length).toBe(3);
  });

  it('round-trips documents exactly', async () => {
    const adapter = open({ filename: newFile() });
    await adapter.migrate();
    const data = {
      max: Number.MAX_SAFE_INTEGER,
      min: -Number.MAX_SAFE_INTEGER,
      fraction: 0.1 + 0.2,
      tiny: 5e-324,
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
