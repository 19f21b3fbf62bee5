import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
