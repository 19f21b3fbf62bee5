/**
 * Restorable exports: a tenant that has been through merges, erasure and purges comes back whole
 * into an empty tenant; a restore run twice writes nothing; a non-empty tenant is never merged
 * into; and a tampered, cut or foreign export is refused, naming the first problem, with nothing
 * restored. (restorable-postgres.test.ts moves a tenant SQLite → PostgreSQL → SQLite.)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTouchlog, type StorageAdapter, type Touchlog } from 'touchlog';
import { exportRestorable, readRestorable, restoreTenant } from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';
import { sqliteAdapter } from 'touchlog/sqlite';
import { faultInjectingAdapter, sample, steppingClock } from 'touchlog/testing';
import { buildRichTenant, expectSameTenant, IDENTIFIERS, PERSONAL } from '../helpers/rich-tenant.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-restorable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let source: Touchlog;
let fixture: Awaited<ReturnType<typeof buildRichTenant>>;
let text: string;

async function exported(log: Touchlog): Promise<string> {
  let out = '';
  for await (const line of exportRestorable(log)) out += line;
  return out;
}

const open = (adapter: StorageAdapter, tenant = 'acme') => createTouchlog({ adapter, tenant, actor: 'ops:restore', clock: steppingClock('2027-01-01T00:00:00Z') });
const from = (value: string) => Readable.from([Buffer.from(value)]);

/** The lines of an export as objects, and back, with the end line's checksum recomputed. */
const parse = (value: string) => value.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
function reseal(lines: Array<Record<string, unknown>>, counts?: Record<string, number>): string {
  const body = lines.slice(0, -1).map((line) => `${JSON.stringify(line)}\n`).join('');
  const end = { ...lines[lines.length - 1]!, ...(counts ? { counts } : {}), sha256: createHash('sha256').update(body).digest('hex') };
  return `${body}${JSON.stringify(end)}\n`;
}
/** Everything but the header's instant and the end's checksum, which differ between two exports of the same data. */
const content = (value: string) => value.split('\n').slice(1, -2).join('\n');

async function expectEmpty(adapter: StorageAdapter, tenant = 'acme'): Promise<void> {
  expect(await adapter.getAuditHead(tenant)).toBeUndefined();
  expect(await adapter.scanRecords(tenant, { limit: 1 })).toEqual([]);
  expect(await adapter.scanIdentifiers(tenant, { limit: 1 })).toEqual([]);
  expect(await adapter.scanSubjectKeys(tenant, { limit: 1 })).toEqual([]);
}

beforeAll(async () => {
  const adapter = sqliteAdapter({ filename: join(dir, 'source.db') });
  await adapter.migrate();
  source = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:seed', clock: steppingClock('2026-06-01T00:00:00Z') });
  fixture = await buildRichTenant(source);
  text = await exported(source);
});

describe('a restorable export', () => {
  it('is NDJSON with a header, typed sections in order, and an end line with counts and a checksum', async () => {
    const lines = parse(text);
    expect(lines[0]).toMatchObject({ type: 'header', format: 'touchlog.restorable', version: 1, tenant: 'acme', head: await source.audit.head(), note: expect.stringMatching(/backup/) });
    const types = lines.map((line) => line['type']);
    const order = ['header', 'audit', 'record', 'identifier', 'subjectKey', 'end'];
    expect(types.map((type) => order.indexOf(type as string))).toEqual([...types.map((type) => order.indexOf(type as string))].sort((a, b) => a - b));
    const end = lines[lines.length - 1]!;
    const count = (type: string) => types.filter((t) => t === type).length;
    expect(end['counts']).toEqual({ audit: count('audit'), records: count('record'), identifiers: count('identifier'), subjectKeys: count('subjectKey') });
    expect(end['sha256']).toBe(createHash('sha256').update(text.slice(0, text.lastIndexOf('{"type":"end"'))).digest('hex'));
    // Exactly what is stored: documents and entries as text, with the salts.
    const [row] = await source.adapter.scanRecords('acme', { limit: 1 });
    expect(lines.find((line) => line['type'] === 'record')).toEqual({ type: 'record', collection: row!.collection, customerId: row!.customerId, homeCustomerId: row!.homeCustomerId, salt: row!.salt, sourceHash: row!.sourceHash, document: row!.document });
    // The data keys are there (key material), the erased person's are not.
    expect(count('subjectKey')).toBeGreaterThan(1);
    expect(lines.some((line) => line['type'] === 'subjectKey' && line['subjectId'] === fixture.customer.id)).toBe(false);
    for (const value of Object.values(PERSONAL)) expect(text).not.toContain(value);
  });

  it('restores into an empty tenant of another adapter: same records, timeline, links, merges, erasures and chain', async () => {
    for (const adapter of [memoryAdapter(), sqliteAdapter({ filename: join(dir, 'copy.db') })]) {
      await adapter.migrate();
      const copy = open(adapter);
      const report = await restoreTenant(copy, from(text));
      expect(report).toMatchObject({ outcome: 'restored', tenant: 'acme', head: await source.audit.head(), unbound: 0 });
      expect(report.counts).toEqual(parse(text).at(-1)!['counts']);
      await expectSameTenant(source, copy, fixture);
      expect(content(await exported(copy))).toBe(content(text));
      // The restored tenant works on: the erased person is not brought back, new writes chain on.
      expect((await copy.communications.record({ channel: 'email', direction: 'inbound', from: { address: PERSONAL.email }, sentAt: '2026-03-05T11:00:00Z', source: IDENTIFIERS.messageSource })).outcome).toBe('unchanged');
      await copy.interactions.record(sample.interaction(fixture.northwind.id, 40));
      expect(await copy.audit.verify()).toMatchObject({ ok: true, entries: report.head!.seq + 1 });
      await adapter.close();
    }
  });

  it('writes nothing when run again (the tenant holds exactly the export), and never merges into other data', async () => {
    const adapter = memoryAdapter();
    const copy = open(adapter);
    await restoreTenant(copy, from(text));
    const again = await restoreTenant(copy, from(text));
    expect(again).toMatchObject({ outcome: 'unchanged', head: await source.audit.head() });
    expect(await copy.audit.head()).toEqual(await source.audit.head());
    // Same head, different data: an identifier removed behind the library's back.
    const [identifier] = await adapter.scanIdentifiers('acme', { limit: 1 });
    await adapter.transaction((tx) => tx.deleteIdentifiers('acme', [identifier!.key]));
    await expect(restoreTenant(copy, from(text))).rejects.toMatchObject({ code: 'TENANT_NOT_EMPTY', message: expect.stringContaining(`identifier ${identifier!.key}`) });
    // Written to after the restore: another head.
    await copy.interactions.record(sample.interaction(fixture.northwind.id, 41));
    await expect(restoreTenant(copy, from(text))).rejects.toMatchObject({ code: 'TENANT_NOT_EMPTY', message: expect.stringMatching(/already holds other data .*never merges/) });
    // A tenant with data of its own.
    const other = open(memoryAdapter());
    await other.customers.record(sample.customer(1));
    const head = await other.audit.head();
    await expect(restoreTenant(other, from(text))).rejects.toMatchObject({ code: 'TENANT_NOT_EMPTY' });
    expect(await other.audit.head()).toEqual(head);
    // Another tenant's export.
    await expect(restoreTenant(open(memoryAdapter(), 'globex'), from(text))).rejects.toMatchObject({ code: 'TENANT_MISMATCH', message: expect.stringMatching(/tenant acme, not globex/) });
  });

  it('restores a file written by the CLI path (a file path input) and an empty tenant', async () => {
    const file = join(dir, 'acme.ndjson');
    writeFileSync(file, text, { mode: 0o600 });
    const copy = open(memoryAdapter());
    expect((await restoreTenant(copy, file)).outcome).toBe('restored');
    const empty = open(memoryAdapter(), 'nobody');
    const blank = await exported(empty);
    expect(parse(blank).map((line) => line['type'])).toEqual(['header', 'end']);
    const target = open(memoryAdapter(), 'nobody');
    expect(await restoreTenant(target, from(blank))).toMatchObject({ outcome: 'restored', head: undefined, counts: { audit: 0, records: 0, identifiers: 0, subjectKeys: 0 } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('a tampered, cut or foreign export', () => {
  const lines = () => parse(text);
  const indexOf = (all: Array<Record<string, unknown>>, type: string, nth = 0) => all.map((line, i) => (line['type'] === type ? i : -1)).filter((i) => i >= 0)[nth]!;

  const cases: Array<{ what: string; edit: () => string; code: string; message: RegExp; where?: Record<string, unknown> }> = [
    {
      what: 'an audit entry changed (checksum recomputed)',
      edit: () => {
        const all = lines();
        const i = indexOf(all, 'audit', 5);
        all[i] = { ...all[i], entry: (all[i]!['entry'] as string).replace('"actor":"svc:seed"', '"actor":"svc:evil"') };
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /audit entry 6 of the export: entry 6 was changed/,
      where: { seq: 6, line: 7 },
    },
    {
      what: 'an audit entry removed',
      edit: () => {
        const all = lines();
        all.splice(indexOf(all, 'audit', 9), 1);
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /entry 10 is missing/,
      where: { seq: 10 },
    },
    {
      what: 'two audit entries swapped',
      edit: () => {
        const all = lines();
        const i = indexOf(all, 'audit', 3);
        [all[i], all[i + 1]] = [all[i + 1]!, all[i]!];
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /out of order/,
    },
    {
      what: 'the last audit entries cut off (with the header kept)',
      edit: () => {
        const all = lines();
        const last = indexOf(all, 'record') - 1;
        all.splice(last, 1);
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /cut off|ends at/,
    },
    {
      what: 'a record document changed',
      edit: () => {
        const all = lines();
        const i = all.findIndex((line) => line['type'] === 'record' && (line['document'] as string).includes('Northwind Traders'));
        all[i] = { ...all[i], document: (all[i]!['document'] as string).replace('Northwind Traders', 'Northwind Trading') };
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: new RegExp(`record ${fixture?.northwind.id ?? '[0-9A-Z]{26}'} is not the state audit entry \\d+ wrote`),
    },
    {
      what: 'a salt changed',
      edit: () => {
        const all = lines();
        const i = indexOf(all, 'record', 2);
        all[i] = { ...all[i], salt: 'AAAAAAAAAAAAAAAA' };
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /is not the state audit entry/,
    },
    {
      what: 'a record removed',
      edit: () => {
        const all = lines();
        all.splice(indexOf(all, 'record', 3), 1);
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /is missing from the export: audit entry \d+ wrote it/,
    },
    {
      what: 'a record added that no entry wrote',
      edit: () => {
        const all = lines();
        const i = indexOf(all, 'record', 0);
        const copy = JSON.parse(all[i]!['document'] as string) as Record<string, unknown>;
        all.splice(indexOf(all, 'identifier'), 0, { ...all[i], document: JSON.stringify({ ...copy, id: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ' }) });
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /record 7ZZZZZZZZZZZZZZZZZZZZZZZZZ has no audit entry/,
    },
    {
      what: 'a record filed under another customer',
      edit: () => {
        const all = lines();
        const i = all.findIndex((line) => line['type'] === 'record' && line['collection'] === 'interactions' && line['customerId'] === fixture.northwind.id);
        all[i] = { ...all[i], customerId: fixture.globex.id };
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /is filed under customer .* but its customer .* belongs to/,
    },
    {
      what: 'a merged customer filed under itself again',
      edit: () => {
        const all = lines();
        const i = all.findIndex((line) => line['type'] === 'record' && (line['document'] as string).includes(`"id":"${fixture.initech.id}"`));
        all[i] = { ...all[i], customerId: fixture.initech.id };
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /filed under another customer than its merges lead to|belongs to/,
    },
    {
      what: 'an identifier moved to another customer',
      edit: () => {
        const all = lines();
        const i = all.findIndex((line) => line['type'] === 'identifier' && line['key'] === 'email:ap11@customer.example');
        all[i] = { ...all[i], customerId: fixture.globex.id };
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /identifier email:ap11@customer.example names customer .*, which does not list it/,
    },
    {
      what: 'a data key removed, counts left as they were',
      edit: () => {
        const all = lines();
        all.splice(indexOf(all, 'subjectKey'), 1);
        return reseal(all);
      },
      code: 'INTEGRITY_VIOLATION',
      message: /counts \d+ subjectKeys, but \d+ were read/,
    },
    {
      what: 'a line changed without recomputing the checksum',
      // Data keys are what no other check covers: a key changed would make sealed values unreadable.
      edit: () => {
        const all = lines();
        const i = indexOf(all, 'subjectKey');
        return text.replace(JSON.stringify(all[i]), JSON.stringify({ ...all[i], key: Buffer.alloc(32, 7).toString('base64') }));
      },
      code: 'INTEGRITY_VIOLATION',
      message: /changed after it was written: the checksum/,
    },
    { what: 'the end line cut off', edit: () => text.slice(0, text.lastIndexOf('{"type":"end"')), code: 'INTEGRITY_VIOLATION', message: /cut short/ },
    { what: 'cut in the middle of a line', edit: () => text.slice(0, Math.floor(text.length / 2)), code: 'VALIDATION_FAILED', message: /is not JSON/ },
    { what: 'not an export', edit: () => '{"model":"customer","data":{}}\n', code: 'VALIDATION_FAILED', message: /not the header of a restorable export/ },
    { what: 'empty', edit: () => '', code: 'VALIDATION_FAILED', message: /empty/ },
    {
      what: 'another format version',
      edit: () => reseal([{ ...lines()[0], version: 2 }, ...lines().slice(1)]),
      code: 'VALIDATION_FAILED',
      message: /format version 2; this touchlog reads version 1/,
    },
    {
      what: 'a section out of order',
      edit: () => {
        const all = lines();
        const [identifier] = all.splice(indexOf(all, 'identifier'), 1);
        all.splice(all.length - 1, 0, identifier!);
        return reseal(all);
      },
      code: 'VALIDATION_FAILED',
      message: /is an identifier line out of its section/,
    },
    {
      what: 'a line with a field of its own',
      edit: () => {
        const all = lines();
        all[indexOf(all, 'identifier')]!['note'] = 'x';
        return reseal(all);
      },
      code: 'VALIDATION_FAILED',
      message: /has a field "note"/,
    },
  ];

  for (const { what, edit, code, message, where } of cases) {
    it(`is refused: ${what}, and nothing is restored`, async () => {
      for (const adapter of [memoryAdapter(), sqliteAdapter({ filename: ':memory:' })]) {
        await adapter.migrate();
        const error = await restoreTenant(open(adapter), from(edit())).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, what).toMatchObject({ code, message: expect.stringMatching(message) });
        if (where) expect(error).toMatchObject(where);
        await expectEmpty(adapter);
        await adapter.close();
      }
    });
  }

  it('names the line of a problem in the form of a line', async () => {
    const all = lines();
    all[3] = { type: 'audit', seq: 'three' };
    await expect(restoreTenant(open(memoryAdapter()), from(reseal(all)))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: ['line', 4] }] });
  });

  it('restores nothing when storage fails at any point, nor when aborted; a retry restores it', async () => {
    const inner = memoryAdapter();
    let failures = 0;
    for (let n = 1; ; n++) {
      const faulty = faultInjectingAdapter(inner, { failAt: n });
      const result = await restoreTenant(open(faulty), from(text)).then(
        (report) => report,
        (error: unknown) => error,
      );
      if (!faulty.fired) {
        expect(result).toMatchObject({ outcome: 'restored' });
        break;
      }
      failures++;
      expect(result).toMatchObject({ code: 'STORAGE_FAILURE' });
      await expectEmpty(inner);
    }
    expect(failures).toBeGreaterThan(10);
    await expectSameTenant(source, open(inner), fixture);
    const stop = new AbortController();
    stop.abort();
    const target = memoryAdapter();
    await expect(restoreTenant(open(target), from(text), { signal: stop.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    await expectEmpty(target);
  });

  it('reads back as typed items, one line at a time', async () => {
    const types = new Set<string>();
    for await (const item of readRestorable(from(text))) types.add(item.type);
    expect([...types]).toEqual(['header', 'audit', 'record', 'identifier', 'subjectKey', 'end']);
  });
});

describe('exporting', () => {
  it('holds the tenant lock while it reads: a write waits until the export is read', async () => {
    const adapter = memoryAdapter();
    const log = open(adapter, 'busy');
    const { record: customer } = await log.customers.record(sample.customer(1));
    // More lines than the export buffers ahead of its reader: it holds the lock until they are read.
    await log.interactions.recordMany(Array.from({ length: 600 }, (_, i) => sample.interaction(customer.id, 100 + i)));
    const lines = exportRestorable(log);
    const first = await lines.next(); // the header: the lock is held from here on
    expect(JSON.parse(first.value as string)).toMatchObject({ type: 'header', head: { seq: 601 } });
    let written = false;
    const write = log.interactions.record(sample.interaction(customer.id, 1)).then(() => (written = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(written).toBe(false);
    let rest = '';
    for await (const line of lines) rest += line;
    await write;
    expect(written).toBe(true);
    expect(parse(rest).at(-1)).toMatchObject({ type: 'end', counts: { audit: 601, records: 601 } });
    // Stopping early releases the lock too.
    const abandoned = exportRestorable(log);
    await abandoned.next();
    await abandoned.return(undefined);
    await log.interactions.record(sample.interaction(customer.id, 2));
  });
});
