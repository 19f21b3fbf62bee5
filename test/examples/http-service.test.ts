/**
 * The HTTP service example (examples/http-service) on SQLite: every endpoint, over real HTTP on a
 * random port, and the example's one command (`npm run example:http`) starting on its own.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTouchlog, type StorageAdapter } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';
import { createService } from '../../examples/http-service/service.js';
import { AS_OF, sampleLines, sampleNdjson } from './sample-data.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'touchlog-http-'));
let adapter: StorageAdapter;
let server: Server;
let base: string;
const unexpected: unknown[] = [];

beforeAll(async () => {
  adapter = sqliteAdapter({ filename: join(dir, 'service.db') });
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:http-test' });
  server = createService({ log, asOf: AS_OF, onError: (error) => unexpected.push(error) });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  await adapter.close();
  rmSync(dir, { recursive: true, force: true });
  expect(unexpected).toEqual([]);
});

async function get(path: string) {
  const response = await fetch(base + path);
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, any> };
}

async function post(path: string, body: string, type: string) {
  const response = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': type } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('POST /api/ingest', () => {
  it('streams NDJSON into the store and reports; the same body again changes nothing', async () => {
    const first = await post('/api/ingest', sampleNdjson(), 'application/x-ndjson');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ processed: 14, created: 14, rejected: 0, rejections: [] });
    const again = await post('/api/ingest', sampleNdjson(), 'application/x-ndjson');
    expect(again.body).toMatchObject({ processed: 14, created: 0, unchanged: 14 });
  });

  it('takes a JSON array too, and reports bad lines and bad bodies', async () => {
    const items = sampleLines().slice(0, 2).map((line) => JSON.parse(line));
    const array = await post('/api/ingest', JSON.stringify(items), 'application/json');
    expect(array.body).toMatchObject({ processed: 2, unchanged: 2 });

    const mixed = await post('/api/ingest', `${sampleLines()[0]}\nnot json\n`, 'application/x-ndjson');
    expect(mixed.body.rejections).toEqual([expect.objectContaining({ line: 2, code: 'VALIDATION_FAILED' })]);

    expect((await post('/api/ingest', '{"model":', 'application/json')).body.error.code).toBe('INVALID_JSON');
    const notArray = await post('/api/ingest', '{}', 'application/json');
    expect([notArray.status, notArray.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const wrongType = await post('/api/ingest', 'a,b', 'text/csv');
    expect([wrongType.status, wrongType.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe('customers', () => {
  it('searches by name or identifier, and resolves references', async () => {
    expect((await get('/api/customers?q=NORTH')).body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Northwind Traders']);
    expect((await get('/api/customers?q=c-3001')).body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Globex Corporation']);
    expect((await get('/api/customers')).body.items).toHaveLength(2);
    const resolved = await get('/api/customers/resolve?ref=email:AP@Northwind.example');
    expect(resolved.body.displayName).toBe('Northwind Traders');
    const byId = await get(`/api/customers/${resolved.body.id}`);
    expect(byId.body.identifiers).toContainEqual({ type: 'external', system: 'erp', value: 'C-2001' });
    const unknown = await get('/api/customers/resolve?ref=erp:C-9');
    expect([unknown.status, unknown.body.error]).toEqual([404, { code: 'NOT_FOUND', message: 'no customer is known by erp:C-9' }]);
    const malformed = await get('/api/customers/Northwind');
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('pages through a timeline with a cursor, each entry with a summary', async () => {
    const first = await get(`/api/customers/${encodeURIComponent('erp:C-2001')}/timeline?limit=5`);
    expect(first.status).toBe(200);
    expect(first.body.customer.displayName).toBe('Northwind Traders');
    expect(first.body.items).toHaveLength(5);
    const rest = await get(`/api/customers/erp:C-2001/timeline?limit=100&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.nextCursor).toBeUndefined();
    const all = [...first.body.items, ...rest.body.items];
    expect(all).toHaveLength(13);
    expect(all.map((e) => e.at)).toEqual(all.map((e) => e.at).sort());
    expect(all.slice(0, 4).map((e) => e.summary.title)).toEqual(['Invoice INV-1001 issued', 'Invoice INV-1001 due', 'Invoice INV-1002 issued', 'Payment PAY-1001 received']);
    expect(all[0].summary).toEqual({ title: 'Invoice INV-1001 issued', detail: 'due 2026-02-04', amount: '$10,000.00', status: 'open' });
    expect(all.find((e) => e.kind === 'interaction').summary.title).toBe('Phone inbound: Freight charged twice on INV-1003');
    const desc = await get('/api/customers/erp:C-2001/timeline?limit=1&order=desc');
    expect(desc.body.items[0].summary.title).toBe('Email outbound: Reminder: INV-1004 is past due');
    expect((await get('/api/customers/erp:C-2001/timeline?order=sideways')).status).toBe(400);
  });

  it('scores a customer as of a day, explaining every factor', async () => {
    const score = await get('/api/customers/erp:C-2001/scores');
    expect(score.body.asOf).toBe(AS_OF);
    expect(score.body.risk).toMatchObject({ available: true });
    expect(score.body.risk.grade).toMatch(/^[A-E]$/);
    expect(score.body.risk.factors.map((f: { factor: string }) => f.factor)).toContain('payment_timeliness');
    expect(score.body.payment.overall.paydex).toBeGreaterThan(0);
    const earlier = await get('/api/customers/erp:C-2001/scores?asOf=2026-02-01');
    expect(earlier.body.risk.available).toBe(false);
    expect((await get('/api/customers/erp:C-2001/scores?asOf=June')).status).toBe(400);
    // A day that was given but does not exist is named, not reported missing or rolled into March.
    for (const path of ['/api/customers/erp:C-2001/scores?asOf=2026-02-30', '/api/worklist?asOf=2026-02-30']) {
      const impossible = await get(path);
      expect([impossible.status, impossible.body.error]).toEqual([400, { code: 'VALIDATION_FAILED', message: 'asOf must be a day that exists, such as 2026-06-01, not "2026-02-30"' }]);
    }
  });
});

describe('worklist, audit, static files', () => {
  it('ranks the worklist and verifies the audit trail', async () => {
    const worklist = await get('/api/worklist?currency=usd');
    expect(worklist.body.entries.map((e: { name: string }) => e.name)).toEqual(['Globex Corporation', 'Northwind Traders']);
    const audit = await get('/api/audit/verify');
    expect(audit.body).toMatchObject({ ok: true, entries: 14 });
  });

  it('serves the page and its script, and answers unknown paths and methods in JSON', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<ol id="timeline">');
    expect((await fetch(`${base}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // Nothing at the path: 404, under /api/ too (as the README says).
    for (const path of ['/nope', '/api/nope', '/api/customers/erp:C-2001/invoices', '/api/customers/erp:C-2001/scores/extra']) {
      const missing = await get(path);
      expect([path, missing.status, missing.body.error]).toEqual([path, 404, { code: 'NOT_FOUND', message: `nothing at ${path}` }]);
    }
    // A path that is there, with a method it does not answer: 405, and Allow says which one it does.
    for (const [method, path, allow] of [['DELETE', '/api/worklist', 'GET'], ['GET', '/api/ingest', 'POST'], ['POST', '/', 'GET']] as const) {
      const wrongMethod = await fetch(`${base}${path}`, { method });
      expect([method, path, wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([method, path, 405, allow]);
      expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });
});

describe('the example as a project of its own', () => {
  it('imports only Node built-ins, its own files and touchlog entry points, so it can be copied out', () => {
    const folder = join(root, 'examples/http-service');
    const exports = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports).map((key) => key.replace(/^\./, 'touchlog'));
    const files = ['main.ts', 'service.ts', 'public/app.js'];
    for (const file of files) {
      const source = readFileSync(join(folder, file), 'utf8');
      const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
      for (const specifier of specifiers) {
        const allowed = specifier.startsWith('node:') || exports.includes(specifier) || (specifier.startsWith('./') && existsSync(join(folder, dirname(file), specifier.replace(/\.js$/, '.ts'))));
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
      if (file.endsWith('.ts')) expect(specifiers.length, file).toBeGreaterThan(0);
    }
  });
});

describe('npm run example:http', () => {
  it('starts the service on a fresh database, seeded with demo data, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/http-service/main.ts', '--db', join(dir, 'example.db'), '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the example did not start:\n${output}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /on (http:\/\/\S+\/) /.exec(output);
        if (match) {
          clearTimeout(timer);
          done(match[1]!);
        }
      });
      child.once('exit', (code) => fail(new Error(`the example exited (${code}):\n${output}`)));
    });
    expect(output).toMatch(/seeded .*example\.db with \d+ demo records for 12 customers/);
    const customers = (await (await fetch(`${url}api/customers?limit=100`)).json()) as { items: unknown[] };
    expect(customers.items.length).toBeGreaterThanOrEqual(12); // and the ERP's duplicate accounts
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});

describe('forecast', () => {
  it('gives each open invoice an expected payment date after asOf, with its range and reasons', async () => {
    const forecast = await get('/api/customers/erp:C-2001/forecast?weeks=4');
    expect(forecast.status).toBe(200);
    expect(forecast.body).toMatchObject({ asOf: AS_OF, customer: { displayName: 'Northwind Traders' } });
    expect(forecast.body.periods).toHaveLength(4);
    expect(forecast.body.invoices.map((i: { ref: string; daysPastDue: number }) => [i.ref, i.daysPastDue])).toEqual([['INV-1004', 27]]);
    const [invoice] = forecast.body.invoices;
    expect(invoice.expectedOn > AS_OF && invoice.p10On > AS_OF && invoice.p90On >= invoice.expectedOn).toBe(true);
    expect(invoice.reasons.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['customer_history', 'age']));
    expect((await get('/api/customers/erp:C-2001/forecast?weeks=0')).status).toBe(400);
    expect((await get('/api/customers/erp:C-9/forecast')).status).toBe(404);
  });

  it('gives the tenant’s cash-in per currency and week, accounting for every cent open', async () => {
    const cash = await get('/api/forecast?weeks=6');
    expect(cash.status).toBe(200);
    expect(cash.body).toMatchObject({ asOf: AS_OF, granularity: 'week', customers: 2, invoices: 4, currencies: ['USD'] });
    const usd = cash.body.byCurrency.USD;
    expect(usd.openMinor).toBe(16_000_000); // Northwind's $10,000 and Globex's $150,000
    expect(usd.periods.reduce((sum: number, p: { expectedMinor: number }) => sum + p.expectedMinor, 0) + usd.afterHorizonMinor).toBe(usd.openMinor);
    expect((await get('/api/forecast?segment=none')).body).toMatchObject({ customers: 0, currencies: [] });
  });
});
