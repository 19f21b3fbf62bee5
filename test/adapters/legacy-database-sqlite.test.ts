import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { sqliteAdapter } from 'touchlog/sqlite';
import { describeLegacyDatabase, LEGACY_FIXTURE } from './legacy-database.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let copies = 0;

describe('a SQLite database from touchlog 0.0.0', () => {
  describeLegacyDatabase(async () => {
    const filename = join(dir, `legacy-${copies++}.sqlite`);
    copyFileSync(LEGACY_FIXTURE, filename);
    return sqliteAdapter({ filename });
  });
});
