/**
 * The `touchlog` command, built from source (tsup, as `npm run build` builds `dist/cli.js`) and run
 * as a child process against temporary SQLite files: exit codes, JSON output, messages. Building
 * once instead of running every process through tsx keeps each run well under a second.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_OF, sampleNdjson } from '../examples/sample-data.js';

const root = resolve(import.meta.dirname, '../..');
/** The build, inside the repository so that its dependencies resolve from node_modules. */
const buildDir = join(root, '.tmp', `cli-test-${process.pid}`);
const cli = join(buildDir, 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'touchlog-cli-'));
const db = join(dir, 'cli.db');
const sample = join(dir, 'sample.ndjson');
const mbox = join(root, 'test/fixtures/eml/seller-billing.mbox');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function touchlog(args: readonly string[], options: { stdin?: string } = {}): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { cwd: dir, env: { ...process.env, TOUCHLOG_DB: '', TOUCHLOG_PG: '', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    else child.stdin!.end();
  });
}

/** A user error must read as a sentence, never as a stack trace. */
const noStack = (run: Run) => expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

beforeAll(async () => {
  await build({
    entry: { cli: join(root, 'src/cli/index.ts') },
    outDir: buildDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    // As the package build: the adapters (and their drivers) in chunks loaded on demand.
    splitting: true,
    dts: false,
    clean: false,
    config: false,
    silent: true,
  });
  writeFileSync(sample, sampleNdjson());
  const run = await touchlog(['--db', db, 'import', sample, '--json']);
  expect(run.code, run.stderr).toBe(0);
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(buildDir, { recursive: true, force: true });
});

describe('touchlog import', () => {
  it('imports NDJSON with a JSON report, and a re-run changes nothing', async () => {
    const again = await touchlog(['--db', db, 'import', sample, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ format: 'ndjson', processed: 14, created: 0, unchanged: 14, rejected: 0, rejections: [] });
  });

  it('imports from stdin, lists rejected lines and exits 6', async () => {
    const text = `${sampleNdjson().split('\n')[0]}\n{"model":"customer","data":\n${JSON.stringify({ model: 'customer', data: { displayName: '' } })}\n`;
    const run = await touchlog(['--db', join(dir, 'stdin.db'), 'import', '-', '--format', 'ndjson'], { stdin: text });
    expect(run.code).toBe(6);
    expect(run.stdout).toContain('3 records — 1 created, 0 updated, 0 unchanged, 0 stale, 2 rejected');
    expect(run.stdout).toMatch(/rejected line 2 \[VALIDATION_FAILED\]: line 2 is not valid JSON/);
    expect(run.stdout).toMatch(/rejected line 3 \[VALIDATION_FAILED\]: Invalid customer: 1 problem - displayName:/);
  });

  it('imports an mbox, naming the line of each rejected message', async () => {
    const run = await touchlog(['--db', join(dir, 'mail.db'), '--json', 'import', mbox, '--our-domain', 'seller.example', '--create-customers']);
    expect(run.code).toBe(6);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ format: 'mbox', processed: 6, created: 5, rejected: 1 });
    expect(report.rejections).toEqual([expect.objectContaining({ line: 117, code: 'NOT_FOUND' })]);
  });

  it('refuses an invalid CSV mapping with every problem and its path (exit 3)', async () => {
    const csv = join(dir, 'invoices.csv');
    writeFileSync(csv, 'Invoice,Total\nINV-9001,12.00\n');
    const bad = join(dir, 'bad.mapping.json');
    writeFileSync(bad, JSON.stringify({ model: 'financialRecord', fields: { amount: { column: 'Total', as: 'money' }, ref: { colum: 'Invoice' } } }));
    const invalid = await touchlog(['--db', db, 'import', csv, '--mapping', bad]);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('touchlog: Invalid CSV mapping: 3 problems');
    expect(invalid.stderr).toContain('fields.amount.currency: a money field needs either "currency" or "currencyColumn"');
    expect(invalid.stderr).toContain('fields.ref.colum:');
    noStack(invalid);
  });

  it('says clearly when the file is missing (exit 3)', async () => {
    const missing = await touchlog(['--db', db, 'import', 'nope.ndjson']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('touchlog: file nope.ndjson was not found\n');
  });
});

describe('touchlog timeline, score, worklist', () => {
  it('prints a timeline as a table with a cursor for the next page', async () => {
    const human = await touchlog(['--db', db, 'timeline', 'erp:C-2001', '--limit', '3']);
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Northwind Traders \([0-9A-Z]{26}\)$/);
    expect(lines[1]).toMatch(/^When \(UTC\)\s+Kind\s+What\s+Amount\s+Status$/);
    expect(lines[3]).toMatch(/^2026-01-05 00:00\s+invoice_issued\s+Invoice INV-1001 issued\s+\$10,000\.00\s+open$/);
    expect(lines.at(-1)).toMatch(/^3 entries; more with --cursor \S+$/);

  });

  it('scores a customer as JSON', async () => {
    const json = await touchlog(['--db', db, 'score', 'erp:C-2001', '--as-of', AS_OF, '--json']);
    expect(json.code).toBe(0);
    const score = JSON.parse(json.stdout);
    expect(score).toMatchObject({ customer: { displayName: 'Northwind Traders' }, asOf: AS_OF, risk: { available: true } });
    expect(score.risk.grade).toMatch(/^[A-E]$/);
  });

  it('ranks the worklist', async () => {
    const run = await touchlog(['--db', db, 'worklist', '--as-of', AS_OF, '--currency', 'USD', '--json']);
    expect(run.code).toBe(0);
    const worklist = JSON.parse(run.stdout);
    expect(worklist.entries.map((e: { name: string }) => e.name)).toEqual(['Globex Corporation', 'Northwind Traders']);
  });

  it('exits 4 for an unknown customer, with a sentence (JSON on stderr with --json)', async () => {
    const human = await touchlog(['--db', db, 'score', 'erp:C-9999']);
    expect(human.code).toBe(4);
    expect(human.stderr).toBe('touchlog: no customer is known by erp:C-9999\n');
    const json = await touchlog(['--db', db, 'timeline', 'erp:C-9999', '--json']);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: 'no customer is known by erp:C-9999' } });
  });
});

describe('touchlog verify and export', () => {
  it('verifies the audit trail, and exits 5 once an entry was changed behind its back', async () => {
    const copy = join(dir, 'tampered.db');
    await touchlog(['--db', copy, '--actor', 'test:importer', 'import', sample]);
    const ok = await touchlog(['--db', copy, 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Audit trail verified: 14 entries, 14 records checked against the entries that last wrote them, head #14:[A-Za-z0-9_-]{43}\n$/);
    const head = ok.stdout.trim().split(' ').pop()!.replace('#', '');
    expect((await touchlog(['--db', copy, 'verify', '--against', head, '--chain-only'])).stdout).toMatch(/^Audit trail verified: 14 entries, head #14:/);
    const raw = new Database(copy);
    raw.prepare(`UPDATE touchlog_audit SET entry = replace(entry, 'test:importer', 'test:forger') WHERE seq = 1`).run();
    raw.close();
    const broken = await touchlog(['--db', copy, 'verify', '--json']);
    expect(broken.code).toBe(5);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, problem: { seq: 1, kind: 'changed' } });
  });

  it('exits 5 when a record was edited or deleted behind the library\'s back, naming it', async () => {
    const copy = join(dir, 'edited-record.db');
    await touchlog(['--db', copy, 'import', sample]);
    const raw = new Database(copy);
    const [first, second] = raw.prepare(`SELECT id FROM touchlog_records WHERE collection = 'financial' ORDER BY id LIMIT 2`).all() as Array<{ id: string }>;
    raw.prepare(`UPDATE touchlog_records SET data = replace(data, '"amountMinor":', '"amountMinor":1') WHERE id = ?`).run(first!.id);
    raw.close();
    const edited = await touchlog(['--db', copy, 'verify']);
    expect(edited.code).toBe(5);
    expect(edited.stdout).toContain(`Audit trail does NOT verify: record ${first!.id} record_changed`);
    const again = new Database(copy);
    again.prepare('DELETE FROM touchlog_records WHERE id IN (?, ?)').run(first!.id, second!.id);
    again.close();
    const deleted = await touchlog(['--db', copy, 'verify', '--json']);
    expect(deleted.code).toBe(5);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ ok: false, problem: { kind: 'record_removed', recordId: [first!.id, second!.id].sort()[0] } });
  });

  it('exports a timeline as NDJSON on stdout', async () => {
    const run = await touchlog(['--db', db, 'export', '--customer', 'erp:C-3001']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.data.ref} ${l.entry.kind}`)).toEqual([
      'INV-2001 invoice_issued',
      'INV-2001 invoice_due',
      'INV-2002 invoice_issued',
      'INV-2003 invoice_issued',
      'INV-2002 invoice_due',
      'INV-2003 invoice_due',
    ]);
    expect(lines.every((l) => l.model === 'financialRecord' && l.data.customerId)).toBe(true);
  });
});

describe('touchlog usage', () => {
  it('lists the commands', async () => {
    const help = await touchlog(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['import', 'timeline', 'score', 'worklist', 'verify', 'export', 'demo']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('exits 2 with a pointer to help for a wrong command line, and 3 for wrong input, in one sentence', async () => {
    const help = (command?: string) => (command ? `Run "touchlog help ${command}" for its options.\n` : 'Run "touchlog help" for the commands.\n');
    const cases: Array<[string[], number, string]> = [
      [['frobnicate'], 2, `touchlog: unknown command "frobnicate"\n${help()}`],
      [['--db', db, 'timeline', 'erp:C-2001', '--colour'], 2, `touchlog: unknown option --colour for "timeline"\n${help('timeline')}`],
      [['--db', db, 'timeline'], 2, `touchlog: "timeline" needs <customer>\n${help('timeline')}`],
      [['--db', db, 'timeline', 'erp:C-2001', '--limit', 'lots'], 2, `touchlog: --limit must be a whole number from 1 to 1000, not "lots"\n${help('timeline')}`],
      [['--db', db, 'verify', 'extra'], 2, `touchlog: "verify" takes no arguments, but got "extra"\n${help('verify')}`],
      [
        ['--db', db, 'score', 'erp:C-2001', '--as-of', 'yesterday'],
        2,
        `touchlog: --as-of must be a date such as 2026-11-01 or an instant such as 2026-11-01T12:00:00Z, not "yesterday"\n${help('score')}`,
      ],
      [['--pg', 'postgres://x/y', 'demo'], 2, `touchlog: demo runs on an embedded SQLite file: use --db, not --pg\n${help('demo')}`],
      [['--db', db, 'import', 'x.csv', '--format', 'csv'], 2, `touchlog: a CSV import needs --mapping <mapping.json> (see docs/interop.md)\n${help('import')}`],
      [['--db', db, 'import', sample, '--format', 'xml'], 2, `touchlog: --format must be one of ndjson, csv, eml, mbox, not "xml"\n${help('import')}`],
      [['--db', db, 'timeline', 'Northwind'], 3, 'touchlog: Invalid customer reference: 1 problem\n  - customer: "Northwind" is not a customer: give an id, email:<address>, phone:<+number> or <system>:<id> such as erp:C-1001\n'],
      [
        ['--db', join(dir, 'nothing.db'), 'verify'],
        3,
        `touchlog: database ${join(dir, 'nothing.db')} does not exist: create it with "touchlog import" or "touchlog demo", or name another with --db\n`,
      ],
    ];
    const runs = await Promise.all(cases.map(([args]) => touchlog(args)));
    runs.forEach((run, i) => {
      const [args, code, stderr] = cases[i]!;
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.stderr).toBe(stderr);
      expect(run.stdout).toBe('');
    });
  });
});
