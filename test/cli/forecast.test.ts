/**
 * `touchlog forecast`, `touchlog backtest` and `touchlog clv`, in process through `runCli`: tables
 * for people, `--json` equal to the store API's answers, exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest, createTouchlog, type StorageAdapter } from 'touchlog';
import { readInvoiceTable } from 'touchlog/interop';
import { sqliteAdapter } from 'touchlog/sqlite';
import { runCli } from '../../src/cli/main.js';
import { storedReceivables, type StoredReceivables } from '../forecast/store-data.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-cli-forecast-'));
const db = join(dir, 'ar.db');
const AS_OF = '2026-03-31';
let s: StoredReceivables;
let adapter: StorageAdapter;

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
  adapter = sqliteAdapter({ filename: db });
  await adapter.migrate();
  s = await storedReceivables({ customers: 25, seed: 31 }, adapter);
}, 120_000);

afterAll(async () => {
  await adapter.close();
  rmSync(dir, { recursive: true, force: true });
});

const reader = () => createTouchlog({ adapter, tenant: 'acme', actor: 'svc:test' });

describe('touchlog forecast', () => {
  it('prints the tenant’s cash-in by week, per currency, and --json is log.forecast.cash()', async () => {
    const json = await touchlog(['--db', db, '--tenant', 'acme', 'forecast', '--as-of', AS_OF, '--weeks', '4', '--json']);
    expect(json.code).toBe(0);
    const cash = await reader().forecast.cash({ asOf: new Date(`${AS_OF}T00:00:00Z`), weeks: 4 });
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(cash)));
    const human = await touchlog(['--db', db, '--tenant', 'acme', 'forecast', '--as-of', AS_OF, '--weeks', '4']);
    expect(human.stdout).toMatch(new RegExp(`^Cash-in forecast as of ${AS_OF}: ${cash.invoices} open invoices of ${cash.customers} customers, by week\n`));
    expect(human.stdout).toMatch(/\nUSD: open \$[\d,.]+ \(\$[\d,.]+ past due\), \$[\d,.]+ expected after 2026-04-26\n/);
    expect(human.stdout).toMatch(/\n {2}Period\s+Expected\s+P10\s+P90\s+Cumulative\n/);
    expect(human.stdout).toMatch(/\n {2}2026-04-01 – 2026-04-05\s+\$[\d,.]+\s+\$[\d,.]+\s+\$[\d,.]+\s+\$[\d,.]+\n/);
  });

  it('prints one customer’s expected payments with ranges and reasons', async () => {
    const key = [...s.histories.keys()].find((k) => s.histories.get(k)!.disputes!.length > 0)!;
    const id = s.ids.get(key)!;
    const json = JSON.parse((await touchlog(['--db', db, '--tenant', 'acme', 'forecast', `erp:${key}`, '--as-of', '2026-06-30', '--json'])).stdout);
    expect(json.customer).toEqual({ id, displayName: `Customer ${key}` });
    const human = (await touchlog(['--db', db, '--tenant', 'acme', 'forecast', `erp:${key}`, '--as-of', '2026-06-30'])).stdout;
    expect(human).toContain(`Customer ${key} (${id}): expected payments as of 2026-06-30`);
    expect(human).toMatch(/\nInvoice\s+Open\s+Due\s+Days late\s+Expected\s+P10 – P90\s+Basis\s+Reasons \(days moved\)\n/);
    for (const invoice of json.invoices) {
      expect(human).toContain(`${invoice.p10On} – ${invoice.p90On}`);
      expect(human).toContain(`${invoice.ref}:\n  - ${invoice.reasons[0].message}`);
    }
  });

  it('refuses a bad command line with exit 2, and an unknown customer with exit 4', async () => {
    const weeks = await touchlog(['--db', db, '--tenant', 'acme', 'forecast', '--weeks', '0']);
    expect([weeks.code, weeks.stderr.split('\n')[0]]).toEqual([2, 'touchlog: --weeks must be a whole number from 1 to 520, not "0"']);
    const both = await touchlog(['--db', db, '--tenant', 'acme', 'forecast', 'erp:C-1000', '--segment', 'smb']);
    expect(both.code).toBe(2);
    const unknown = await touchlog(['--db', db, '--tenant', 'acme', 'forecast', 'erp:NOBODY']);
    expect(unknown.code).toBe(4);
  });
});

describe('touchlog backtest', () => {
  it('backtests a CSV table without a database, as backtest() does on its rows', async () => {
    const lines = ['customerID,InvoiceDate,DueDate,SettledDate,InvoiceAmount,Disputed'];
    for (const r of s.rows) {
      const us = (iso: unknown) => (iso ? String(iso).replace(/^(\d{4})-(\d{2})-(\d{2})$/, (_, y, m, d) => `${Number(m)}/${Number(d)}/${y}`) : '');
      lines.push(`${r.customer},${us(r.invoiceDate)},${us(r.dueDate)},${us(r.settledDate)},${(r.amountMinor! / 100).toFixed(2)},${r.disputed ? 'Yes' : 'No'}`);
    }
    const csv = join(dir, 'ar.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const json = await touchlog(['backtest', csv, '--json']);
    expect(json.code).toBe(0);
    const expected = backtest(readInvoiceTable(lines.join('\n')).rows);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    const human = (await touchlog(['backtest', csv])).stdout;
    expect(human).toMatch(new RegExp(`^Backtest of ${csv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${s.rows.length} invoices, dates mdy\\): ${expected.forecasts} forecasts`));
    expect(human).toMatch(new RegExp(`\ndue date\\s+${expected.baselines.dueDate.mae.toFixed(2)}\\s+.*${expected.ratios.toDueDate!.toFixed(3)}\n`));
    expect(human).toMatch(/% of payments fell within the forecast's P10–P90 dates/);
  });

  it('backtests the store, and says when a file is missing (exit 3)', async () => {
    const json = JSON.parse((await touchlog(['--db', db, '--tenant', 'acme', 'backtest', '--known-at', '2026-07-31', '--json'])).stdout);
    expect(json).toEqual(JSON.parse(JSON.stringify(await reader().forecast.backtest({ knownAt: new Date('2026-07-31T00:00:00Z') }))));
    const missing = await touchlog(['backtest', join(dir, 'nope.csv')]);
    expect([missing.code, missing.stderr.trim()]).toEqual([3, `touchlog: file ${join(dir, 'nope.csv')} was not found`]);
    const bad = await touchlog(['backtest', join(dir, 'nope.csv'), '--column', 'colour=red']);
    expect(bad.code).toBe(2);
  });
});

describe('touchlog clv', () => {
  it('fits the models and values the tenant; --json is log.lifetimeValue.summary() with the payback', async () => {
    const args = ['--db', db, '--tenant', 'acme', 'clv', '--from', '2024-07-01', '--to', AS_OF, '--margin', '30%', '--discount-rate', '0.1', '--top', '3', '--cac', '2500.00'];
    const json = await touchlog([...args, '--json']);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    const to = new Date(`${AS_OF}T00:00:00Z`);
    const expected = await reader().lifetimeValue.summary({ calibration: { from: new Date('2024-07-01T00:00:00Z'), to, periodDays: 7 }, margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 12, top: 3 });
    const strip = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k === 'milliseconds' ? 0 : x)));
    expect(strip({ ...body, cacPayback: undefined })).toEqual(strip(expected));
    expect(body.cacPayback).toMatchObject({ currency: 'USD', acquisitionCostMinor: 250_000, customers: 25 });
    const human = (await touchlog(args)).stdout;
    expect(human).toMatch(/^Lifetime value: 25 customers with a purchase from 2024-07-01 to 2026-03-31 \(\d+ repeat\), periods of 7 days\n/);
    expect(human).toMatch(/\nBG\/NBD: {6}r [\d.]+, alpha [\d.]+, a [\d.e-]+, b [\d.]+ \(log-likelihood -[\d.]+\)\n/);
    expect(human).toMatch(/\nTop decile \(3 customers, from \$[\d,.]+\): [\d.]+% of the value\n/);
    expect(human).toMatch(/\nCAC payback at \$2,500\.00 a customer: (month \d+|not reached)/);
  });

  it('needs a margin and a discount rate (exit 2)', async () => {
    const none = await touchlog(['--db', db, '--tenant', 'acme', 'clv']);
    expect([none.code, none.stderr.split('\n')[0]]).toEqual([2, 'touchlog: --margin is required: the share of revenue that is margin, e.g. 0.3 or 30%']);
    const bad = await touchlog(['--db', db, '--tenant', 'acme', 'clv', '--margin', '130%', '--discount-rate', '0.1']);
    expect(bad.code).toBe(2);
  });
});
