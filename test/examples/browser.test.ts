/**
 * The browser page of the HTTP service example, in real headless Chromium (Debian's package,
 * driven by playwright-core): what a person sees — the customer's name, the timeline in order,
 * the risk score and grade — and what they can do (search, load more).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTouchlog, type StorageAdapter } from 'touchlog';
import { importNdjson } from 'touchlog/interop';
import { sqliteAdapter } from 'touchlog/sqlite';
import { createService } from '../../examples/http-service/service.js';
import { AS_OF, sampleNdjson } from './sample-data.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-browser-'));
let adapter: StorageAdapter;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const found = inject('chromium');
  if ('error' in found) throw new Error(found.error);
  adapter = sqliteAdapter({ filename: join(dir, 'browser.db') });
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:browser-test' });
  const report = await importNdjson(log, Readable.from([sampleNdjson()]));
  expect(report.created).toBe(14);
  server = createService({ log, asOf: AS_OF });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: found.path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  });
}, 120_000);

beforeEach(async () => {
  page = await browser.newPage();
  return async () => {
    await page.close();
  };
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((done) => server.close(done));
  await adapter?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The visible text of each timeline entry's parts, top to bottom. */
async function timeline(): Promise<Array<{ when: string; title: string; amount: string }>> {
  return page.locator('#timeline li.entry').evaluateAll((items) =>
    items.map((item) => ({
      when: item.querySelector('.when')!.textContent!,
      title: item.querySelector('.title')!.textContent!,
      amount: item.querySelector('.amount')?.textContent ?? '',
    })),
  );
}

async function apiScore(ref: string) {
  return (await (await fetch(`${base}/api/customers/${encodeURIComponent(ref)}/scores?asOf=${AS_OF}`)).json()) as { risk: { score: number; grade: string } };
}

describe('the customer page', () => {
  it("shows the customer's name, scores and merged timeline in order, page by page", async () => {
    await page.goto(`${base}/?customer=erp:C-2001&asOf=${AS_OF}&limit=5`);
    await expect.poll(() => page.locator('#customer-name').textContent()).toBe('Northwind Traders');
    await expect.poll(() => page.locator('#customer-identifiers').textContent()).toBe('ap@northwind.example · erp:C-2001');

    const { risk } = await apiScore('erp:C-2001');
    await expect.poll(() => page.locator('#risk-score').textContent()).toBe(`${Math.round(risk.score)}/100`);
    expect(await page.locator('#risk-grade').textContent()).toBe(`Grade ${risk.grade}`);
    expect(await page.locator('#paydex').textContent()).toMatch(/^\d+$/);
    expect(await page.locator('#past-due').textContent()).toBe('$10,000.00');
    expect(await page.locator('#factors tbody tr').count()).toBe(7);
    expect(await page.locator('#factors tbody tr').first().textContent()).toContain('payment timeliness');

    await expect.poll(async () => (await timeline()).length).toBe(5);
    const more = page.getByRole('button', { name: 'Load more' });
    while (await more.isVisible()) {
      const before = (await timeline()).length;
      await more.click();
      await expect.poll(async () => (await timeline()).length).toBeGreaterThan(before);
    }
    const entries = await timeline();
    expect(entries).toHaveLength(13);
    expect(entries.slice(0, 4)).toEqual([
      { when: '2026-01-05 00:00', title: 'Invoice INV-1001 issued', amount: '$10,000.00' },
      { when: '2026-02-04 00:00', title: 'Invoice INV-1001 due', amount: '$10,000.00' },
      { when: '2026-02-05 00:00', title: 'Invoice INV-1002 issued', amount: '$10,000.00' },
      { when: '2026-02-06 00:00', title: 'Payment PAY-1001 received', amount: '$10,000.00' },
    ]);
    expect(entries.map((e) => e.when)).toEqual(entries.map((e) => e.when).sort());
    expect(entries.map((e) => e.title)).toContain('Phone inbound: Freight charged twice on INV-1003');
    expect(entries.at(-1)!.title).toBe('Email outbound: Reminder: INV-1004 is past due');
  });

  it('finds a customer by search and opens them', async () => {
    await page.goto(`${base}/?asOf=${AS_OF}`);
    await page.getByRole('searchbox').fill('glob');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Globex Corporation' }).click();
    await expect.poll(() => page.locator('#customer-name').textContent()).toBe('Globex Corporation');
    const { risk } = await apiScore('erp:C-3001');
    await expect.poll(() => page.locator('#risk-grade').textContent()).toBe(`Grade ${risk.grade}`);
    expect(await page.locator('#past-due').textContent()).toBe('$150,000.00');
    expect((await timeline()).map((e) => e.title)).toEqual([
      'Invoice INV-2001 issued',
      'Invoice INV-2001 due',
      'Invoice INV-2002 issued',
      'Invoice INV-2003 issued',
      'Invoice INV-2002 due',
      'Invoice INV-2003 due',
    ]);
    expect(new URL(page.url()).searchParams.get('customer')).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('says so when the customer is unknown', async () => {
    await page.goto(`${base}/?customer=erp:C-404`);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('no customer is known by erp:C-404');
    expect(await page.locator('#customer').isVisible()).toBe(false);
  });
});

describe('the expected payments', () => {
  it('lists each open invoice with its expected date, range and reasons, as the API says', async () => {
    const forecast = (await (await fetch(`${base}/api/customers/erp:C-3001/forecast?asOf=${AS_OF}`)).json()) as {
      invoices: Array<{ ref: string; expectedOn: string; p10On: string; p90On: string; reasons: Array<{ message: string }> }>;
    };
    await page.goto(`${base}/?customer=erp:C-3001&asOf=${AS_OF}`);
    await expect.poll(() => page.locator('#expected tbody tr').count()).toBe(3);
    const rows = await page.locator('#expected tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => [r[0], r[1], r[3], r[4]])).toEqual(forecast.invoices.map((i) => [i.ref, '$50,000.00', i.expectedOn, `${i.p10On} – ${i.p90On}`]));
    expect(rows[0]![5]).toContain(forecast.invoices[0]!.reasons[0]!.message);
    expect(await page.locator('#forecast-note').textContent()).toMatch(new RegExp(`^As of ${AS_OF}; the expected date is the median`));
  });
});
