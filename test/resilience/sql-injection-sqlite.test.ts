import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { sqliteAdapter } from 'touchlog/sqlite';
import { checkSqlInjection } from './sql-injection.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-inject-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('an SQL-injection corpus through every string filter and field leaves the SQLite database unchanged', async () => {
  const file = join(dir, 'inject.db');
  const adapter = sqliteAdapter({ filename: file });
  await checkSqlInjection(adapter, async () => {
    const db = new Database(file, { readonly: true });
    try {
      const tables = db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as Array<{ name: string }>;
      return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`select * from "${name}"`).all() as unknown[]).map((row) => JSON.stringify(row)).sort()]));
    } finally {
      db.close();
    }
  });
  await adapter.close();
}, 120_000);
