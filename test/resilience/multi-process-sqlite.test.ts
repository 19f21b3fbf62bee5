import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { sqliteAdapter } from 'touchlog/sqlite';
import { checkMultiProcess } from './multi-process.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('three processes on one SQLite file: no lost update, no duplicate, one valid chain', async () => {
  const file = join(dir, 'race.db');
  await checkMultiProcess(
    () => sqliteAdapter({ filename: file }),
    (worker, rounds, ids) => ['sqlite', file, '-', String(worker), String(rounds), ids.join(',')],
  );
}, 180_000);
