import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createTouchlog, isTouchlogError, type Touchlog } from 'touchlog';
import { importNdjson, readNdjson, type ImportProgress } from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-ndjson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, lines: readonly string[], ending = '\n') => {
  const path = join(dir, name);
  writeFileSync(path, lines.join(ending) + ending);
  return path;
};

const line = (model: string, data: unknown) => JSON.stringify({ model, data });

const customer = line('customer', {
  displayName: 'Northwind Traders',
  identifiers: [{ type: 'email', value: 'ap@northwind.example' }, { type: 'external', system: 'erp', value: 'C-2001' }],
  source: { system: 'crm', externalId: 'ACC-1' },
});
const invoice = line('financialRecord', {
  type: 'invoice',
  customer: { type: 'external', system: 'erp', value: 'C-2001' },
  ref: 'INV-1042',
  issuedAt: '2026-03-01T00:00:00Z',
  dueAt: '2026-03-31T00:00:00Z',
  amount: { amountMinor: 1_850_000, currency: 'USD' },
  status: 'open',
  source: { system: 'erp', externalId: 'INV-1042' },
});
const call = (n: number) =>
  line('interaction', {
    customer: { type: 'email', value: 'AP@Northwind.example' },
    channel: 'phone',
    direction: 'inbound',
    purpose: 'dispute',
    subject: `Call ${n}`,
    occurredAt: `2026-03-${String(5 + (n % 20)).padStart(2, '0')}T14:20:00+01:00`,
    links: [{ kind: 'invoice', ref: 'INV-1042', role: 'disputes' }],
    source: { system: 'phone', externalId: `CALL-${n}` },
  });

let log: Touchlog;
beforeEach(() => {
  log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test:ndjson' });
});

describe('importNdjson', () => {
  it('stores every model from envelope lines, and a re-run changes nothing', async () => {
    const path = write('mixed.ndjson', [call(1), customer, invoice, call(2)]);
    const report = await importNdjson(log, path);
    expect(report).toMatchObject({ processed: 4, created: 4, rejected: 0, rejections: [] });

    const northwind = await log.customers.resolve({ type: 'external', system: 'erp', value: 'C-2001' });
    expect(northwind?.displayName).toBe('Northwind Traders');
    const timeline = await log.timeline(northwind!.id);
    expect(timeline.items.map((entry) => entry.kind)).toEqual(['invoice_issued', 'interaction', 'interaction', 'invoice_due']);

    const audit = (await log.audit.verify()).entries;
    const again = await importNdjson(log, path);
    expect(again).toMatchObject({ processed: 4, created: 0, unchanged: 4, rejected: 0 });
    expect((await log.audit.verify()).entries).toBe(audit);
  });

  it('rejects malformed lines with their line numbers and stores the rest', async () => {
    const path = write('broken.ndjson', [
      customer, // line 1
      '{"model":"interaction","data":', // 2: invalid JSON
      '', // 3: blank, skipped
      '[1,2,3]', // 4: not an object
      line('invoice', { ref: 'X' }), // 5: unknown model
      line('interaction', { customer: { type: 'email', value: 'ap@northwind.example' }, channel: 'fax', direction: 'inbound', occurredAt: '2026-03-01T00:00:00Z' }), // 6: invalid
      JSON.stringify({ displayName: 'Plain record, no envelope' }), // 7: no model
      call(1), // 8
      line('interaction', { ...JSON.parse(call(2)).data, customer: { type: 'email', value: 'nobody@else.example' } }), // 9: unknown customer
      '   ', // 10: blank
      call(3), // 11
    ]);
    const report = await importNdjson(log, path, { batchSize: 2 });
    expect(report).toMatchObject({ processed: 9, created: 3, rejected: 6 });
    expect(report.rejections.map((r) => [r.index, r.line, r.code])).toEqual([
      [1, 2, 'VALIDATION_FAILED'],
      [2, 4, 'VALIDATION_FAILED'],
      [3, 5, 'VALIDATION_FAILED'],
      [4, 6, 'VALIDATION_FAILED'],
      [5, 7, 'VALIDATION_FAILED'],
      [7, 9, 'NOT_FOUND'],
    ]);
    const [json, array, model, invalid, plain, unknown] = report.rejections;
    expect(json!.message).toMatch(/^line 2 is not valid JSON/);
    expect(json!.issues?.[0]?.code).toBe('invalid_json');
    expect(array!.message).toBe('line 4 must be a JSON object');
    expect(model!.message).toContain('"invoice"');
    expect(invalid!.model).toBe('interaction');
    expect(invalid!.issues?.map((issue) => issue.path.join('.'))).toEqual(['channel']);
    expect(plain!.message).toContain('give a default model');
    expect(unknown!.message).toContain('nobody@else.example');
    expect(unknown!.source).toEqual({ system: 'phone', externalId: 'CALL-2' });
    const stored = await log.interactions.list();
    expect(stored.items.map((i) => i.subject)).toEqual(['Call 1', 'Call 3']);
  });

  it('maps ingest rejections back to lines across many batches', async () => {
    const lines: string[] = [customer];
    for (let n = 1; n <= 40; n++) {
      lines.push(n % 7 === 0 ? 'not json' : n % 5 === 0 ? line('interaction', { ...JSON.parse(call(n)).data, channel: 'pigeon', source: { system: 'phone', externalId: `BAD-${n}` } }) : call(n));
    }
    const path = write('many.ndjson', lines);
    const report = await importNdjson(log, path, { batchSize: 3 });
    const expected = lines.flatMap((text, i) => (text === 'not json' || text.includes('pigeon') ? [i + 1] : []));
    expect(report.rejections.map((r) => r.line)).toEqual(expected);
    expect(report.rejections.every((r) => r.index === r.line! - 1)).toBe(true);
    expect(report.processed).toBe(41);
    expect(report.created + report.rejected).toBe(41);
  });

  it('takes plain records with a default model', async () => {
    const path = write('customers.ndjson', [
      JSON.stringify({ displayName: 'Globex', identifiers: [{ type: 'email', value: 'ap@globex.example' }], source: { system: 'crm', externalId: 'G-1' } }),
      customer, // envelopes still work
    ]);
    const report = await importNdjson(log, path, { model: 'customer' });
    expect(report).toMatchObject({ created: 2, rejected: 0 });
    expect((await log.customers.list()).items.map((c) => c.displayName).sort()).toEqual(['Globex', 'Northwind Traders']);
  });

  it('reads a stream split anywhere, including inside a UTF-8 character, with CRLF and a BOM', async () => {
    const text = '\uFEFF' + [customer, line('customer', { displayName: 'Zürich Lébensmittel AG', source: { system: 'crm', externalId: 'Z-1' } })].join('\r\n') + '\r\n';
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const report = await importNdjson(log, Readable.from(chunks));
    expect(report).toMatchObject({ created: 2, rejected: 0 });
    expect((await log.customers.getBySource({ system: 'crm', externalId: 'Z-1' }))?.displayName).toBe('Zürich Lébensmittel AG');
  });

  it('rejects a line that is too long or not UTF-8, and goes on', async () => {
    const path = join(dir, 'odd.ndjson');
    writeFileSync(path, Buffer.concat([Buffer.from(`${'x'.repeat(300)}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${customer}\n`)]));
    const report = await importNdjson(log, path, { maxLineBytes: 256 });
    expect(report.rejections.map((r) => [r.line, r.issues?.[0]?.code])).toEqual([
      [1, 'too_big'],
      [2, 'invalid_encoding'],
    ]);
    expect(report.created).toBe(1);
  });

  it('reports progress after each batch, with bytes read', async () => {
    const path = write('progress.ndjson', [customer, call(1), call(2), call(3), call(4)]);
    const seen: ImportProgress[] = [];
    await importNdjson(log, path, { batchSize: 2, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.processed)).toEqual([2, 4, 5]);
    expect(seen.every((p) => p.phase === 'writing')).toBe(true);
    expect(seen.at(-1)!.bytesRead).toBe(seen.at(-1)!.bytesTotal);
  });

  it('fails clearly for a missing file or a bad default model', async () => {
    const missing = await importNdjson(log, join(dir, 'nope.ndjson')).catch((e: unknown) => e);
    expect(isTouchlogError(missing, 'NOT_FOUND')).toBe(true);
    expect((missing as Error).message).toContain('nope.ndjson was not found');
    const bad = await importNdjson(log, write('x.ndjson', [customer]), { model: 'invoice' as never }).catch((e: unknown) => e);
    expect(isTouchlogError(bad, 'VALIDATION_FAILED')).toBe(true);
  });

  it('parses without storing through readNdjson', async () => {
    const records = [];
    for await (const record of readNdjson(Readable.from([`${customer}\n{oops\n`]))) records.push(record);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ at: { index: 0, line: 1 }, item: { model: 'customer' } });
    expect(records[1]).toMatchObject({ at: { index: 1, line: 2 }, rejection: { code: 'VALIDATION_FAILED' } });
  });
});
