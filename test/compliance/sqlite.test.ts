import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';
import { steppingClock } from 'touchlog/testing';
import { describeErasure, PERSONAL, seedPersonalData } from './erasure.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-erase-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeErasure('sqlite', () => sqliteAdapter({ filename: join(dir, `erase-${n++}.db`) }));

/** Every byte of the database files (main file, WAL, shared memory), in UTF-8 and UTF-16. */
function filesContain(file: string, value: string): string[] {
  const hits: string[] = [];
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (!existsSync(file + suffix)) continue;
    const bytes = readFileSync(file + suffix);
    if (bytes.includes(Buffer.from(value, 'utf8')) || bytes.includes(Buffer.from(value, 'utf16le'))) hits.push(file + suffix);
  }
  return hits;
}

describe('erasure on a SQLite file', () => {
  it('leaves no trace of the erased name, email or message text anywhere in the database files', async () => {
    const file = join(dir, 'search.db');
    const adapter = sqliteAdapter({ filename: file });
    await adapter.migrate();
    const log = createTouchlog({ adapter, tenant: 'acme', actor: 'dpo:anna', clock: steppingClock() });
    const seeded = await seedPersonalData(log);
    // Before: the values are there (the search can find them).
    for (const value of Object.values(PERSONAL)) expect(filesContain(file, value).length, value).toBeGreaterThan(0);
    await log.customers.erase(seeded.customer.id, { reason: 'GDPR art. 17 request' });
    for (const value of Object.values(PERSONAL)) expect(filesContain(file, value), value).toEqual([]);
    expect((await log.audit.verify()).ok).toBe(true);
    await adapter.close();
    for (const value of Object.values(PERSONAL)) expect(filesContain(file, value), value).toEqual([]);
  });
});

describe('erasure while another connection holds a read transaction on the file', () => {
  /** A second connection in the middle of a read, as a reporting job or another process would be. */
  function heldReader(file: string) {
    const reader = new Database(file, { readonly: true });
    reader.prepare('begin').run();
    reader.prepare('select count(*) from touchlog_records').get();
    return { release: () => (reader.prepare('commit').run(), reader.close()) };
  }

  it('commits at once, says the scrub is pending, and scrubs the log as soon as the reader lets go', async () => {
    const file = join(dir, 'held-reader.db');
    const log = createTouchlog({ adapter: sqliteAdapter({ filename: file }), tenant: 'acme', actor: 'dpo:anna', clock: steppingClock() });
    const seeded = await seedPersonalData(log);
    const reader = heldReader(file);
    const started = performance.now();
    const report = await log.customers.erase(seeded.customer.id, { reason: 'GDPR art. 17 request' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(report.scrub).toMatchObject({ complete: false, pending: expect.stringContaining('another connection is reading the database') });
    expect((await log.customers.get(seeded.customer.id)).displayName).toBe('Erased customer');
    // The reader's snapshot keeps old pages in the log until it ends...
    expect(filesContain(file, PERSONAL.name)).not.toEqual([]);
    reader.release();
    // ...and the adapter truncates the log on its own soon after.
    for (let waited = 0; filesContain(file, PERSONAL.name).length > 0 && waited < 5_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const value of Object.values(PERSONAL)) expect(filesContain(file, value), value).toEqual([]);
    expect((await log.audit.verify()).ok).toBe(true);
    await log.adapter.close();
  });

  it('scrubs when the file is next opened, if the adapter closed while the reader still held on', async () => {
    const file = join(dir, 'held-reader-reopen.db');
    const log = createTouchlog({ adapter: sqliteAdapter({ filename: file }), tenant: 'acme', actor: 'dpo:anna', clock: steppingClock() });
    const seeded = await seedPersonalData(log);
    const reader = heldReader(file);
    expect((await log.customers.erase(seeded.customer.id, { reason: 'GDPR art. 17 request' })).scrub.complete).toBe(false);
    await log.adapter.close();
    reader.release();
    expect(filesContain(file, PERSONAL.name)).not.toEqual([]);
    const reopened = sqliteAdapter({ filename: file });
    for (const value of Object.values(PERSONAL)) expect(filesContain(file, value), value).toEqual([]);
    await reopened.close();
  });
});

describe('closing a SQLite adapter', () => {
  const openDescriptors = () => readdirSync('/proc/self/fd').length;

  it('releases both connections, used or not, and leaves no log behind', async () => {
    const file = join(dir, 'cycles.db');
    await sqliteAdapter({ filename: file }).close();
    const before = openDescriptors();
    for (let cycle = 0; cycle < 100; cycle++) {
      const adapter = sqliteAdapter({ filename: file });
      if (cycle % 2 === 0) {
        const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:test' });
        await log.customers.record({ displayName: `Customer ${cycle}` });
      }
      await adapter.close();
    }
    expect(openDescriptors() - before).toBeLessThan(5);
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
  });
});
