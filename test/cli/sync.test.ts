/**
 * The live sync commands, in process through `runCli`: `changes` (once, NDJSON, following),
 * `reconcile` (files and stdin, plain ids and NDJSON, exit codes), `export --restorable` and
 * `restore` (restored, already restored, tampered, not empty).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';
import { sample } from 'touchlog/testing';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-cli-sync-'));
const db = join(dir, 'sync.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function touchlog(args: string[], options: { stdin?: string; signal?: AbortSignal } = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const io = { stdout: out, stderr: err, stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), env: {} };
  const code = await runCli(args, io, options.signal ? { signal: options.signal } : {});
  return { code, stdout, stderr };
}

let customerId: string;
beforeAll(async () => {
  const adapter = sqliteAdapter({ filename: db });
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:crm-sync' });
  const { record: customer } = await log.customers.record(sample.customer(1, { source: { system: 'crm', externalId: 'ACC-1' } }));
  customerId = customer.id;
  await log.interactions.recordMany([1, 2, 3].map((n) => sample.interaction(customer.id, n, { source: { system: 'crm', externalId: `CASE-${n}`, version: n } })));
  await adapter.close();
});

describe('touchlog changes', () => {
  it('prints the changes after a cursor as a table, and the cursor to continue from', async () => {
    const all = await touchlog(['--db', db, '--tenant', 'acme', 'changes']);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+Seq  When \(UTC\)\s+Action\s+Model\s+Id\s+Version  Actor$/);
    expect(lines.slice(1, -1)).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^\\s+1  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  create\\s+customer\\s+${customerId}\\s+1  svc:crm-sync$`));
    const cursor = /continue with --after (\S+)$/.exec(lines.at(-1)!)![1]!;
    expect(lines.at(-1)).toMatch(/^4 changes; continue with --after /);
    const none = await touchlog(['--db', db, '--tenant', 'acme', 'changes', '--after', cursor]);
    expect(none.stdout.trimEnd().split('\n').at(-1)).toBe(`No changes after that cursor; continue with --after ${cursor}`);
  });

  it('prints NDJSON with --json, each change with its cursor; --limit stops early; a bad cursor is exit 3', async () => {
    const first = await touchlog(['--db', db, '--tenant', 'acme', 'changes', '--json', '--limit', '2']);
    const changes = first.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(changes.map((c: { seq: number; action: string; model: string }) => [c.seq, c.action, c.model])).toEqual([[1, 'create', 'customer'], [2, 'create', 'interaction']]);
    const rest = await touchlog(['--db', db, '--tenant', 'acme', 'changes', '--json', '--after', changes[1].cursor]);
    expect(rest.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).seq)).toEqual([3, 4]);
    const bad = await touchlog(['--db', db, '--tenant', 'acme', 'changes', '--after', 'not-a-cursor', '--json']);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toBe('');
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ path: ['after'], code: 'invalid_cursor' }] } });
    const other = await touchlog(['--db', db, '--tenant', 'globex', 'changes', '--after', changes[1].cursor]);
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/another tenant/);
  });

  it('follows new changes, written by another process, until interrupted (exit 130)', async () => {
    const stop = new AbortController();
    const following = touchlog(['--db', db, '--tenant', 'acme', 'changes', '--json', '--follow', '--poll', '20', '--after', await latest()], { signal: stop.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const adapter = sqliteAdapter({ filename: db });
    const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:other-process' });
    await log.interactions.record(sample.interaction(customerId, 9));
    await adapter.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.abort();
    const result = await following;
    expect(result.code).toBe(130);
    expect(result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))).toMatchObject([{ action: 'create', model: 'interaction', actor: 'svc:other-process' }]);
  });
});

async function latest(): Promise<string> {
  const adapter = sqliteAdapter({ filename: db });
  try {
    return await createTouchlog({ adapter, tenant: 'acme', actor: 'x' }).changes.latestCursor();
  } finally {
    await adapter.close();
  }
}

describe('touchlog reconcile', () => {
  it('exits 0 when the source and the store agree, from a file of plain ids', async () => {
    const file = join(dir, 'ids.txt');
    writeFileSync(file, 'CASE-2\nCASE-1\nCASE-3\nCASE-9\n');
    // CASE-9 was recorded without a source key in the follow test: crm holds only 1–3.
    const result = await touchlog(['--db', db, '--tenant', 'acme', 'reconcile', file, '--system', 'crm', '--model', 'interaction']);
    expect(result.stdout).toMatch(/^Out of sync with crm \(interaction\): 4 ids listed, 3 records here — 3 matched, 1 missing here, 0 extra, 0 different\n/);
    expect(result.code).toBe(7);
    writeFileSync(file, 'CASE-1\nCASE-2\nCASE-3\n');
    const ok = await touchlog(['--db', db, '--tenant', 'acme', 'reconcile', file, '--system', 'crm', '--model', 'interaction', '--sorted']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('In sync with crm (interaction): 3 ids listed, 3 records here — 3 matched, 0 missing here, 0 extra, 0 different\n');
  });

  it('reads NDJSON from stdin, lists the differences, and gives NDJSON with --json', async () => {
    const stdin = ['{"externalId":"CASE-1","version":1}', '{"externalId":"CASE-2","version":5}', 'ACC-1', 'CASE-7', ''].join('\n');
    const table = await touchlog(['--db', db, '--tenant', 'acme', 'reconcile', '-', '--system', 'crm'], { stdin });
    expect(table.code).toBe(7);
    expect(table.stdout).toMatch(/differs\s+CASE-2\s+interaction \w{26}\s+source version 5, stored 2 \(source newer\)/);
    expect(table.stdout).toMatch(/extra\s+CASE-3\s+interaction \w{26}\s+not listed by the source/);
    expect(table.stdout).toMatch(/missing\s+CASE-7\s+not here/);
    const json = await touchlog(['--db', db, '--tenant', 'acme', 'reconcile', '-', '--system', 'crm', '--json'], { stdin });
    const lines = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line: { kind?: string; externalId?: string }) => line.kind ?? 'summary')).toEqual(['differs', 'extra', 'missing', 'summary']);
    expect(lines.at(-1).summary).toMatchObject({ listed: 4, matched: 2, missing: 1, extra: 1, differs: 1, inSync: false, system: 'crm' });
  });

  it('names the line of bad input (exit 3) and says what is wrong on the command line (exit 2)', async () => {
    const bad = await touchlog(['--db', db, '--tenant', 'acme', 'reconcile', '-', '--system', 'crm'], { stdin: 'CASE-1\n{"externalId":"CASE-2","version":-1}\n' });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/line\[2\]\.version: must be a whole number/);
    const blank = await touchlog(['--db', db, '--tenant', 'acme', 'reconcile', '-', '--system', 'crm'], { stdin: 'CASE-1\n\nCASE-2\n' });
    expect(blank.stderr).toMatch(/line\[2\]: is empty/);
    const unsorted = await touchlog(['--db', db, '--tenant', 'acme', 'reconcile', '-', '--system', 'crm', '--sorted'], { stdin: 'CASE-2\nCASE-1\n' });
    expect(unsorted.code).toBe(3);
    expect(unsorted.stderr).toMatch(/line\[2\]\.externalId: "CASE-1" comes after "CASE-2"/);
    expect((await touchlog(['--db', db, 'reconcile', '-'])).code).toBe(2);
    expect((await touchlog(['--db', db, 'reconcile', '-', '--system', 'crm', '--model', 'invoice'])).stderr).toMatch(/--model must be one of/);
    expect((await touchlog(['--db', db, 'reconcile', join(dir, 'nope.txt'), '--system', 'crm'])).code).toBe(3);
  });
});

describe('touchlog export --restorable and restore', () => {
  it('moves the tenant into another database, says so when run again, and refuses a tampered export', async () => {
    const file = join(dir, 'acme.restorable.ndjson');
    const exported = await touchlog(['--db', db, '--tenant', 'acme', 'export', '--restorable', '--out', file]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^Exported tenant acme \(restorable; it holds key material\): \d+ lines to /);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const target = join(dir, 'copy.db');
    const restored = await touchlog(['--db', target, '--tenant', 'acme', 'restore', file]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^Restored tenant acme into .*copy\.db: 5 records, 5 audit entries, 2 identifiers, 0 data keys; audit head #5:\S+\n$/);
    const again = await touchlog(['--db', target, '--tenant', 'acme', 'restore', file, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'unchanged', counts: { records: 5 } });
    expect((await touchlog(['--db', target, '--tenant', 'acme', 'verify'])).code).toBe(0);
    // From stdin, into a tenant of another name: refused (entries are hashed with their tenant).
    const other = await touchlog(['--db', target, '--tenant', 'globex', 'restore', '-'], { stdin: readFileSync(file, 'utf8') });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/the export is of tenant acme, not globex/);
    const tampered = join(dir, 'tampered.ndjson');
    writeFileSync(tampered, readFileSync(file, 'utf8').replace('Question 2 about INV-2', 'Question 2 about INV-3'));
    const refused = await touchlog(['--db', join(dir, 'fresh.db'), '--tenant', 'acme', 'restore', tampered]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/^touchlog: record \w{26} is not the state audit entry \d+ wrote/);
    const busy = await touchlog(['--db', db, '--tenant', 'acme', 'restore', tampered]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/already holds data with the export's audit head, but not the export's data \(record \w{26} is not the same\)/);
    expect((await touchlog(['--db', db, 'export', '--restorable', '--customer', 'erp:C-1001'])).code).toBe(2);
  });
});
