/**
 * Moving a tenant between databases: SQLite → PostgreSQL → SQLite through restorable exports,
 * each copy the same tenant (verify() passes, the same head, timelines, links, merges, erasure),
 * each export of a copy the same as the original's. On PostgreSQL, a refused restore leaves
 * nothing behind, and a restore into a database other tenants use touches none of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createTouchlog, type StorageAdapter, type Touchlog } from 'touchlog';
import { exportRestorable, restoreTenant } from 'touchlog/interop';
import { postgresAdapter } from 'touchlog/postgres';
import { sqliteAdapter } from 'touchlog/sqlite';
import { sample, steppingClock } from 'touchlog/testing';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { buildRichTenant, expectSameTenant } from '../helpers/rich-tenant.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-restorable-pg-'));
const schemas: string[] = [];
const adapters: StorageAdapter[] = [];
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await dropSchemas(schemas);
  rmSync(dir, { recursive: true, force: true });
});

async function exported(log: Touchlog): Promise<string> {
  let out = '';
  for await (const line of exportRestorable(log)) out += line;
  return out;
}
const content = (value: string) => value.split('\n').slice(1, -2).join('\n');
const open = (adapter: StorageAdapter) => createTouchlog({ adapter, tenant: 'acme', actor: 'ops:move', clock: steppingClock('2027-01-01T00:00:00Z') });

async function postgres(): Promise<StorageAdapter> {
  const schema = freshSchema('restore');
  schemas.push(schema);
  const adapter = postgresAdapter({ connectionString: postgresUrl(), schema });
  adapters.push(adapter);
  await adapter.migrate();
  return adapter;
}

async function sqlite(name: string): Promise<StorageAdapter> {
  const adapter = sqliteAdapter({ filename: join(dir, name) });
  adapters.push(adapter);
  await adapter.migrate();
  return adapter;
}

describe('moving a tenant between SQLite and PostgreSQL', () => {
  it('SQLite → PostgreSQL → SQLite: the same tenant each time, and the same export', async () => {
    const original = open(await sqlite('original.db'));
    const fixture = await buildRichTenant(original);
    const first = await exported(original);

    const pgAdapter = await postgres();
    // Another tenant in the same database is left as it is.
    const neighbour = createTouchlog({ adapter: pgAdapter, tenant: 'globex', actor: 'svc' });
    await neighbour.customers.record(sample.customer(1));
    const neighbourHead = await neighbour.audit.head();

    const onPostgres = open(pgAdapter);
    expect(await restoreTenant(onPostgres, Readable.from([first]))).toMatchObject({ outcome: 'restored', head: await original.audit.head() });
    await expectSameTenant(original, onPostgres, fixture);
    const second = await exported(onPostgres);
    expect(content(second)).toBe(content(first));
    expect(await restoreTenant(onPostgres, Readable.from([second]))).toMatchObject({ outcome: 'unchanged' });
    expect(await neighbour.audit.head()).toEqual(neighbourHead);

    const back = open(await sqlite('back.db'));
    expect(await restoreTenant(back, Readable.from([second]))).toMatchObject({ outcome: 'restored' });
    await expectSameTenant(original, back, fixture);
    expect(content(await exported(back))).toBe(content(first));
  });

  it('restores nothing on PostgreSQL from a tampered export', async () => {
    const original = open(await sqlite('tamper.db'));
    const { record: customer } = await original.customers.record(sample.customer(1));
    await original.interactions.recordMany(Array.from({ length: 1200 }, (_, i) => sample.interaction(customer.id, i)));
    const text = await exported(original);
    // The last record's document changed: found after every audit entry and all earlier records were written.
    const lines = text.trimEnd().split('\n');
    const last = lines.findLastIndex((line) => line.startsWith('{"type":"record"'));
    lines[last] = lines[last]!.replace('Question', 'Answer');
    const adapter = await postgres();
    await expect(restoreTenant(open(adapter), Readable.from([`${lines.join('\n')}\n`]))).rejects.toMatchObject({ code: 'INTEGRITY_VIOLATION' });
    expect(await adapter.getAuditHead('acme')).toBeUndefined();
    expect(await adapter.scanRecords('acme', { limit: 1 })).toEqual([]);
    expect(await adapter.scanSubjectKeys('acme', { limit: 1 })).toEqual([]);
  });
});
