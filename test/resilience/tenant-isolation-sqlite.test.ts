import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { sqliteAdapter } from 'touchlog/sqlite';
import { checkTenantIsolation } from './tenant-isolation.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-iso-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('random operations by two tenants never show either the other’s data (SQLite file)', async () => {
  let n = 0;
  await checkTenantIsolation(() => sqliteAdapter({ filename: join(dir, `iso-${n++}.db`) }), 8);
}, 180_000);
