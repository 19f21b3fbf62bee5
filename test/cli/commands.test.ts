/**
 * The commands' output in detail, run in process through `runCli` (the same code the executable
 * runs; cli.test.ts covers the executable itself): tables, paging, CSV imports, exports, help.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { AS_OF, sampleNdjson } from '../examples/sample-data.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'touchlog-cli-commands-'));
const db = join(dir, 'commands.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function touchlog(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await runCli(args, { stdout: out, stderr: err, stdin: Readable.from([]), env: {} });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  const sample = join(dir, 'sample.ndjson');
  writeFileSync(sample, sampleNdjson());
  expect((await touchlog(['--db', db, 'import', sample])).code).toBe(0);
});

describe('timeline', () => {
  it('pages with a cursor in JSON, in order, without repeating or skipping', async () => {
    const page = JSON.parse((await touchlog(['--db', db, '--json', 'timeline', 'ap@northwind.example', '--limit', '3'])).stdout);
    const next = JSON.parse((await touchlog(['--db', db, '--json', 'timeline', 'ap@northwind.example', '--limit', '50', '--cursor', page.nextCursor])).stdout);
    const all = [...page.items, ...next.items];
    expect(all).toHaveLength(13);
    expect(new Set(all.map((e: { id: string }) => e.id)).size).toBe(13);
    expect(all.map((e: { at: string }) => e.at)).toEqual(all.map((e: { at: string }) => e.at).sort());
    expect(next.nextCursor).toBeUndefined();
    const everything = JSON.parse((await touchlog(['--db', db, '--json', 'timeline', 'erp:C-2001', '--all', '--order', 'desc'])).stdout);
    expect(everything.items.map((e: { id: string }) => e.id)).toEqual(all.map((e: { id: string }) => e.id).reverse());
    const window = JSON.parse((await touchlog(['--db', db, '--json', 'timeline', 'erp:C-2001', '--all', '--from', '2026-04-01', '--to', '2026-05-01'])).stdout);
    expect(window.items.map((e: { kind: string }) => e.kind)).toEqual(['invoice_due', 'invoice_issued', 'interaction', 'payment_received']);
  });

  it('says when there is nothing', async () => {
    const empty = join(dir, 'empty.ndjson');
    writeFileSync(empty, `${JSON.stringify({ model: 'customer', data: { displayName: 'Quiet Ltd', identifiers: [{ type: 'external', system: 'erp', value: 'C-1' }] } })}\n`);
    await touchlog(['--db', db, 'import', empty]);
    expect((await touchlog(['--db', db, 'timeline', 'erp:C-1'])).stdout).toMatch(/^Quiet Ltd \([0-9A-Z]{26}\)\nNo timeline entries\.\n$/);
  });
});

describe('score and worklist', () => {
  it('prints the risk score, every factor and the payment figures', async () => {
    const score = JSON.parse((await touchlog(['--db', db, 'score', 'erp:C-2001', '--as-of', AS_OF, '--json'])).stdout);
    const human = (await touchlog(['--db', db, 'score', 'erp:C-2001', '--as-of', AS_OF])).stdout;
    expect(human).toContain(`Northwind Traders (${score.customer.id}) as of ${AS_OF}`);
    expect(human).toContain(`Risk: ${score.risk.score.toFixed(0)}/100, grade ${score.risk.grade} (higher is riskier)`);
    for (const factor of score.risk.factors) expect(human).toMatch(new RegExp(`\\n  ${factor.factor}\\s`));
    expect(human).toMatch(/payment_timeliness\s+[\d.]+\s+35\s+[\d.]+\s+PAYDEX-style score/);
    expect(human).toContain(`Payment: PAYDEX ${score.payment.overall.paydex}`);
    expect(human).toContain('USD: open $10,000.00, past due $10,000.00');
    const early = (await touchlog(['--db', db, 'score', 'erp:C-2001', '--as-of', '2026-02-01'])).stdout;
    expect(early).toMatch(/Risk: not available — a risk score needs at least 3 invoice/);
  });

  it('prints the worklist as a table, and explains a missing --currency when customers owe in several', async () => {
    const human = (await touchlog(['--db', db, 'worklist', '--as-of', AS_OF, '--currency', 'USD'])).stdout;
    expect(human).toMatch(/^Collections worklist as of 2026-06-01: \d+ customers scored; the top 2 by amount at risk in USD\n/);
    // Every figure with its unit: money in the currency, ages in days, risk out of 100.
    expect(human).toMatch(/\n#\s+Customer\s+Past due\s+Over 90 days\s+Oldest past due\s+Open disputes\s+Broken promises\s+Risk\s+At risk\n/);
    expect(human).toMatch(/\n1\s+Globex Corporation\s+\$150,000\.00\s+\$50,000\.00\s+112 days\s+0\s+0\s+46\/100 D\s+\$69,541\.67\n/);
    expect(human).toMatch(/\n2\s+Northwind Traders\s+\$10,000\.00\s+—\s+27 days\s+0\s+0\s+20\/100 B\s+\$1,970\.83\n/);
    expect(human).toContain('Ranked by the amount at risk: past due × risk ÷ 100');
    const json = JSON.parse((await touchlog(['--db', db, 'worklist', '--as-of', AS_OF, '--currency', 'USD', '--json'])).stdout);
    expect(json.entries.map((e: { priority: number }) => Math.round(e.priority))).toEqual([6_954_167, 197_083]); // minor units: $69,541.67 and $1,970.83
    const euro = join(dir, 'euro.ndjson');
    writeFileSync(
      euro,
      `${JSON.stringify({
        model: 'financialRecord',
        data: {
          type: 'invoice',
          customer: { type: 'external', system: 'erp', value: 'C-1' },
          ref: 'EU-1',
          issuedAt: '2026-01-01T00:00:00Z',
          dueAt: '2026-01-31T00:00:00Z',
          amount: { amountMinor: 5000, currency: 'EUR' },
          status: 'open',
          source: { system: 'erp', externalId: 'EU-1' },
        },
      })}\n`,
    );
    await touchlog(['--db', db, 'import', euro]);
    const mixed = await touchlog(['--db', db, 'worklist', '--as-of', AS_OF]);
    expect(mixed.code).toBe(3);
    expect(mixed.stderr).toMatch(/^touchlog: Invalid worklist: 1 problem\n  - currency: customers owe in (EUR and USD|USD and EUR): give --currency with one of them\n$/);
  });
});

describe('counts and dates in words', () => {
  it('says 1 record, 1 customer, 1 entry and 1 line, not 1 records', async () => {
    const one = join(dir, 'one.db');
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, `${sampleNdjson().split('\n')[1]}\n`);
    expect((await touchlog(['--db', one, 'import', file])).stdout).toContain(': 1 record — 1 created');
    expect((await touchlog(['--db', one, 'worklist', '--as-of', AS_OF])).stdout).toMatch(/^Collections worklist as of 2026-06-01: 1 customer scored; the top 0 by amount at risk\nNobody owes anything past due\.\n$/);
    expect((await touchlog(['--db', one, 'verify'])).stdout).toMatch(/^Audit trail verified: 1 entry, 1 record checked against the entries that last wrote them, head #1:/);
    expect((await touchlog(['--db', one, 'export', '--out', join(dir, 'one-export.ndjson')])).stdout).toBe(`Exported tenant default: 1 line to ${join(dir, 'one-export.ndjson')}\n`);
  });

  it('refuses a day that does not exist instead of rolling it over', async () => {
    for (const args of [['score', 'erp:C-2001', '--as-of', '2026-02-30'], ['worklist', '--as-of', '2026-13-01'], ['timeline', 'erp:C-2001', '--from', '2026-04-31']]) {
      const run = await touchlog(['--db', db, ...args]);
      expect([run.code, run.stdout]).toEqual([2, '']);
      expect(run.stderr).toMatch(/^touchlog: --(as-of|from) must be a date such as 2026-11-01 or an instant such as 2026-11-01T12:00:00Z, not "2026-\d\d-\d\d"\n/);
    }
  });
});

describe('export progress', () => {
  it('counts the lines written, with no made-up total', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    out.resume();
    const code = await runCli(['--db', db, 'export', '--out', join(dir, 'progress.ndjson'), '--progress'], { stdout: out, stderr: err, stdin: Readable.from([]), env: {} });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^export \d+ lines \| tenant default\n/);
    expect(stderr).not.toMatch(/\/0\b/);
  });
});

describe('import', () => {
  it('exits 3 for a file that is no mbox, and 6 for text it could not place in a message', async () => {
    const random = join(dir, 'random.mbox');
    writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const refused = await touchlog(['--db', join(dir, 'mbox.db'), 'import', random, '--create-customers']);
    expect([refused.code, refused.stdout]).toEqual([3, '']);
    expect(refused.stderr).toBe(
      `touchlog: Invalid mbox: 1 problem\n  - (root): ${random} is not an mbox: none of its lines is an envelope line ("From <sender> <date>") starting a message. ` +
        'One message is imported as .eml (--format eml on the command line, importEml in code)\n',
    );
    const preamble = join(dir, 'preamble.mbox');
    writeFileSync(preamble, 'exported by a mail client\n\nFrom ap@northwind.example Mon Mar  2 08:00:00 2026\nFrom: ap@northwind.example\nSubject: hi\n\nhello\n');
    const partly = await touchlog(['--db', join(dir, 'mbox.db'), 'import', preamble, '--create-customers']);
    expect(partly.code).toBe(6);
    expect(partly.stdout).toContain('2 records — 1 created, 0 updated, 0 unchanged, 0 stale, 1 rejected\n  rejected line 1 [VALIDATION_FAILED]: line 1 before the first envelope line');
  });

  it('suggests --create-customers once when records name customers nobody has', async () => {
    const mbox = join(root, 'test/fixtures/eml/seller-billing.mbox');
    const plain = await touchlog(['--db', join(dir, 'hint.db'), 'import', mbox, '--our-domain', 'seller.example']);
    expect(plain.code).toBe(6);
    const lines = plain.stdout.trim().split('\n');
    expect(lines.filter((line) => line.includes('--create-customers'))).toEqual([
      '5 rejected records name their customer by an identifier no customer has: import again with --create-customers to create those customers (what is already stored stays as it is).',
    ]);
    expect(lines.at(-1)).toContain('--create-customers');
    expect(lines).toContain('  rejected line 88 [NOT_FOUND]: no customer is known by email:cfo@globex.example');
    const json = JSON.parse((await touchlog(['--db', join(dir, 'hint.db'), 'import', mbox, '--our-domain', 'seller.example', '--json'])).stdout);
    expect(json.rejections.map((r: { line: number; unknownIdentifiers?: string[] }) => [r.line, r.unknownIdentifiers])).toEqual([
      [1, ['email:ap@northwind.example']],
      [48, ['email:ap@northwind.example']],
      [88, ['email:cfo@globex.example']],
      [105, ['email:ap@northwind.example']],
      [117, undefined], // internal: no other party, --create-customers would not help
      [128, ['email:ap@northwind.example']],
    ]);
    const created = await touchlog(['--db', join(dir, 'hint.db'), 'import', mbox, '--our-domain', 'seller.example', '--create-customers']);
    expect(created.stdout).not.toContain('--create-customers');
    expect(created.stdout).toContain('5 created');
  });

  it('imports CSV with a mapping file, and warns when the mapping sets no source key', async () => {
    const csv = join(dir, 'invoices.csv');
    writeFileSync(csv, 'Invoice,Customer,Issued,Due,Total,Currency\nINV-9001,C-2001,2026-05-01,2026-05-31,"1,250.00",USD\n');
    const fields = {
      type: { const: 'invoice' },
      status: { const: 'open' },
      ref: 'Invoice',
      customer: { column: 'Customer', as: 'identifier', type: 'external', system: 'erp' },
      issuedAt: { column: 'Issued', as: 'instant' },
      dueAt: { column: 'Due', as: 'instant' },
      amount: { column: 'Total', as: 'money', currencyColumn: 'Currency', thousandsSeparator: ',' },
    };
    const mapping = join(dir, 'invoices.mapping.json');
    writeFileSync(mapping, JSON.stringify({ model: 'financialRecord', fields: { ...fields, 'source.system': { const: 'erp' }, 'source.externalId': 'Invoice' } }));
    const csvDb = join(dir, 'csv.db');
    const ok = await touchlog(['--db', csvDb, 'import', csv, '--mapping', mapping, '--json']);
    // A database without the customer: the row is rejected (exit 6), not dropped.
    expect([ok.code, ok.stderr]).toEqual([6, '']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ format: 'csv', created: 0, rejected: 1, rejections: [{ line: 2, code: 'NOT_FOUND' }] });
    await touchlog(['--db', csvDb, 'import', join(dir, 'sample.ndjson')]);
    const withCustomer = await touchlog(['--db', csvDb, 'import', csv, '--mapping', mapping, '--json']);
    expect(JSON.parse(withCustomer.stdout)).toMatchObject({ created: 1, rejected: 0 });
    expect(withCustomer.code).toBe(0);

    const keyless = join(dir, 'keyless.mapping.json');
    writeFileSync(keyless, JSON.stringify({ model: 'financialRecord', fields }));
    const warned = await touchlog(['--db', csvDb, 'import', csv, '--mapping', keyless]);
    expect(warned.stderr).toBe('warning: the mapping sets no source.externalId, so importing the same file again will store its rows again\n');
  });

  it('imports .eml files from a directory, threaded, with the customers they name', async () => {
    const mailDb = join(dir, 'mail.db');
    const spool = join(dir, 'spool');
    mkdirSync(spool);
    const run = await touchlog(['--db', mailDb, 'import', join(root, 'test/fixtures/eml'), '--our-domain', 'seller.example', '--create-customers', '--tag', 'ar-mailbox', '--spool-dir', spool]);
    expect(run.code).toBe(0);
    expect(readdirSync(spool)).toEqual([]); // used, and cleaned up
    const missingSpool = await touchlog(['--db', mailDb, 'import', join(root, 'test/fixtures/eml'), '--spool-dir', join(dir, 'no-such-dir')]);
    expect([missingSpool.code, missingSpool.stderr]).toEqual([
      3,
      `touchlog: Invalid email import options: 1 problem\n  - spoolDirectory: the directory ${join(dir, 'no-such-dir')} does not exist: the import keeps the messages it reads there until they are stored\n`,
    ]);
    expect(run.stdout).toContain('(eml) into');
    const timeline = JSON.parse((await touchlog(['--db', mailDb, '--json', 'timeline', 'email:ap@northwind.example'])).stdout);
    expect(timeline.items.map((e: { record: { threadId: string; tags: string[] } }) => [e.record.threadId, e.record.tags])).toEqual([
      ['inv-1042.20260302@seller.example', ['ar-mailbox']],
      ['inv-1042.20260302@seller.example', ['ar-mailbox']],
      ['inv-1042.20260302@seller.example', ['ar-mailbox']],
    ]);
    const refused = await touchlog(['--db', mailDb, 'import', join(dir, 'invoices.csv'), '--format', 'ndjson', '--our-domain', 'x.example']);
    expect([refused.code, refused.stderr.split('\n')[0]]).toEqual([2, 'touchlog: --our-domain, --system, --tag and --spool-dir are for email imports (eml, mbox)']);
  });
});

describe('export', () => {
  it('writes the tenant to a file, with the audit trail when asked, and the JSON Schemas', async () => {
    const out = join(dir, 'tenant.ndjson');
    const tenant = await touchlog(['--db', db, 'export', '--out', out, '--audit', '--json']);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { model: string });
    expect(JSON.parse(tenant.stdout)).toEqual({ file: out, lines: lines.length });
    expect(lines[0]!.model).toBe('customer');
    expect(lines.filter((l) => l.model === 'auditEntry').length).toBeGreaterThanOrEqual(14);

    const schemas = await touchlog(['export', '--schemas', join(dir, 'schemas')]);
    expect(schemas.stdout).toBe(`Wrote 12 JSON Schemas to ${join(dir, 'schemas')}\n`);
    expect(readdirSync(join(dir, 'schemas'))).toContain('communication.stored.schema.json');
    const printed = JSON.parse((await touchlog(['export', '--schemas', '-'])).stdout);
    expect(Object.keys(printed)).toEqual(['input', 'stored']);
    expect((await touchlog(['export', '--schemas', '-', '--customer', 'erp:C-1'])).code).toBe(2);
  });
});

describe('help', () => {
  it('explains every command and the global options', async () => {
    for (const command of ['import', 'timeline', 'score', 'worklist', 'verify', 'export', 'demo']) {
      const help = await touchlog(['help', command]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^touchlog ${command}`));
      expect(help.stdout).toContain('--db <path>');
    }
    expect((await touchlog(['import', '--help'])).stdout).toContain('--mapping <m.json>');
    const none = await touchlog([]);
    expect([none.code, none.stderr.split('\n')[0]]).toEqual([2, 'Usage: touchlog <command> [arguments] [options]']);
    expect((await touchlog(['help', 'nope'])).code).toBe(2);
  });
});

describe('demo', () => {
  it('runs the demo into its own file and says how to explore it', async () => {
    const file = join(dir, 'demo.db');
    const run = await touchlog(['demo', '--db', file, '--customers', '40']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/audit trail: [\d,]+ entries, hash chain valid/);
    const hint = /Explore it: touchlog timeline ([0-9A-Z]{26}) --db (\S+) --tenant demo/.exec(run.stdout);
    expect(hint?.[2]).toBe(file);
    const timeline = JSON.parse((await touchlog(['--db', file, '--tenant', 'demo', '--json', 'timeline', hint![1]!, '--limit', '5'])).stdout);
    expect(timeline.items).toHaveLength(5);
  }, 120_000);
});

