/**
 * The `touchlog` command on PostgreSQL (`--pg`), in process, against the test server
 * (test/global-setup-postgres.ts), each run in a tenant of its own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { sampleNdjson } from '../examples/sample-data.js';
import { postgresUrl } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-cli-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function touchlog(args: string[]) {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const err = new PassThrough();
  let stderr = '';
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await runCli(args, { stdout: out, stderr: err, stdin: Readable.from([]), env: {} });
  return { code, stdout, stderr };
}

describe('touchlog --pg', () => {
  it('imports, reads and verifies, and never prints the password', async () => {
    const url = postgresUrl();
    const tenant = `cli-${randomUUID().slice(0, 8)}`;
    const sample = join(dir, 'sample.ndjson');
    writeFileSync(sample, sampleNdjson());
    const imported = await touchlog(['--pg', url, '--tenant', tenant, '--json', 'import', sample]);
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    const report = JSON.parse(imported.stdout);
    expect(report).toMatchObject({ created: 14, rejected: 0 });
    expect(report.database).toMatch(/^postgres(ql)?:\/\/[^@]+\//);
    const password = decodeURIComponent(new URL(url).password);
    if (password) expect(imported.stdout).not.toContain(password);
    const again = JSON.parse((await touchlog(['--pg', url, '--tenant', tenant, '--json', 'import', sample])).stdout);
    expect(again).toMatchObject({ created: 0, unchanged: 14 });
    const timeline = JSON.parse((await touchlog(['--pg', url, '--tenant', tenant, '--json', 'timeline', 'erp:C-2001', '--all'])).stdout);
    expect(timeline.items).toHaveLength(13);
    const verify = await touchlog(['--pg', url, '--tenant', tenant, 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^Audit trail verified: 14 entries/);
  });

  it('refuses a --pg value that is no URL', async () => {
    const run = await touchlog(['--pg', 'not a url', 'verify']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('touchlog: --pg must be a PostgreSQL URL such as postgres://user:password@host:5432/db');
  });
});
