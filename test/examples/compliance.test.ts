import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'touchlog-compliance-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('examples/compliance.ts purges, holds, erases and proves the erased name is gone', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/compliance.ts', join(dir, 'example.db')], { cwd: root, encoding: 'utf8' });
  expect(out.trim().split('\n')).toEqual([
    'retention: purged 1 message(s) older than 5 years, kept 1 under legal hold',
    'erasure: 2 record(s) changed; the customer is now "Erased customer"',
    'search of the database files for the erased name: nothing found',
    expect.stringMatching(/^audit chain: valid, \d+ entries$/),
    'the customer\'s audit history: create → erase; name before the erasure: {"erased":true}',
  ]);
}, 60_000);
