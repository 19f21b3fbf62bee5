/**
 * The samples of docs/interop.md, imported exactly as written there (read from the Markdown), so
 * that what a reader copies works and a sample cannot drift from the code.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { importCsv, importNdjson, parseCsvMapping } from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';
import { codeBlocks } from '../helpers/markdown.js';

const newLog = () => createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test:docs' });

describe('docs/interop.md', () => {
  it('imports the NDJSON sample as written: every line stored, and again unchanged', async () => {
    const [sample] = codeBlocks('docs/interop.md', 'NDJSON', 'json');
    expect(sample!.trim().split('\n')).toHaveLength(3);
    const log = newLog();
    const report = await importNdjson(log, Readable.from([sample!]));
    expect(report).toMatchObject({ processed: 3, created: 3, rejected: 0, rejections: [] });
    const customer = await log.customers.resolve({ type: 'email', value: 'ap@northwind.example' });
    expect((await log.timeline(customer!.id)).items.map((entry) => entry.kind)).toEqual(['invoice_issued', 'interaction', 'invoice_due']);
    expect(await importNdjson(log, Readable.from([sample!]))).toMatchObject({ processed: 3, unchanged: 3 });
  });

  it('imports the CSV sample row with the sample mapping', async () => {
    const [mappingText, csv] = [codeBlocks('docs/interop.md', 'CSV with a column mapping', 'json')[0]!, codeBlocks('docs/interop.md', 'CSV with a column mapping', 'text')[0]!];
    const log = newLog();
    await log.customers.record({ displayName: 'Northwind Traders', identifiers: [{ type: 'external', system: 'erp', value: 'C-2001' }] });
    const report = await importCsv(log, Readable.from([csv]), { mapping: parseCsvMapping(JSON.parse(mappingText)) });
    expect(report).toMatchObject({ processed: 1, created: 1, rejected: 0 });
    const [invoice] = (await log.finance.list()).items;
    expect(invoice).toMatchObject({ type: 'invoice', ref: 'INV-1042', amount: { amountMinor: 1_850_000, currency: 'USD' }, issuedAt: '2026-02-28T23:00:00.000Z', tags: ['priority', 'q1'] });
  });
});
