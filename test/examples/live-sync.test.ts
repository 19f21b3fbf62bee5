import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'touchlog-live-sync-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('examples/live-sync.ts delivers the feed across a restart, reconciles, restores a backup and threads messages as they arrive', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/live-sync.ts', join(dir, 'run')], { cwd: root, encoding: 'utf8' });
  expect(out.trim().split('\n')).toEqual([
    'dispatcher: 5 changes delivered in order across a restart: #1 create customer, #2 create interaction, #3 create interaction, #4 create interaction, #5 transition interaction',
    'reconcile: out of sync — differs CASE-2 (source_newer), extra CASE-3, missing CASE-4',
    'restore: restored 4 records and 5 audit entries; copy verifies: true; same head: true',
    'restore again: unchanged',
    'threading: m3 arrives first, thread m2@northwind.example',
    'threading: after m2 and m1, m3 is in thread m1@northwind.example (version 2, audited: true)',
  ]);
  expect(statSync(join(dir, 'run', 'acme.restorable.ndjson')).mode & 0o777).toBe(0o600);
}, 60_000);
