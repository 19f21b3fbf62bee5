import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTouchlog, isTouchlogError, MODEL_NAMES, type Customer, type Touchlog } from 'touchlog';
import {
  exportTenant,
  exportTimeline,
  modelJsonSchemas,
  parseCustomerRef,
  resolveCustomerRef,
  writeJsonSchemas,
  type ExportLine,
  type TimelineExportLine,
} from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

let log: Touchlog;
let northwind: Customer;
beforeAll(async () => {
  log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test:export' });
  northwind = (
    await log.customers.record({
      displayName: 'Northwind Traders',
      identifiers: [{ type: 'email', value: 'ap@northwind.example' }, { type: 'external', system: 'erp', value: 'C-2001' }],
    })
  ).record;
  await log.customers.record({ displayName: 'Globex', identifiers: [{ type: 'external', system: 'erp', value: 'C-3001' }] });
  await log.finance.record({
    type: 'invoice',
    customer: { type: 'external', system: 'erp', value: 'C-2001' },
    ref: 'INV-1042',
    issuedAt: '2026-03-01T00:00:00Z',
    dueAt: '2026-03-31T00:00:00Z',
    amount: { amountMinor: 1_850_000, currency: 'USD' },
    status: 'open',
  });
  await log.interactions.record({
    customer: { type: 'email', value: 'ap@northwind.example' },
    channel: 'phone',
    direction: 'inbound',
    purpose: 'dispute',
    subject: 'Freight charged twice',
    occurredAt: '2026-03-05T14:20:00+01:00',
  });
  await log.communications.record({
    channel: 'email',
    direction: 'outbound',
    to: [{ address: 'ap@northwind.example' }],
    subject: 'Reminder INV-1042',
    sentAt: '2026-04-02T08:00:00Z',
  });
});

describe('exportTimeline', () => {
  it('streams a customer timeline as NDJSON, oldest first, one line per entry with its model', async () => {
    const lines = await collect(exportTimeline(log, northwind.id));
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    const parsed = lines.map((line) => JSON.parse(line) as TimelineExportLine);
    expect(parsed.map((line) => [line.entry.kind, line.model])).toEqual([
      ['invoice_issued', 'financialRecord'],
      ['interaction', 'interaction'],
      ['invoice_due', 'financialRecord'],
      ['communication', 'communication'],
    ]);
    const ats = parsed.map((line) => line.entry.at);
    expect([...ats].sort()).toEqual(ats);
    expect(parsed[1]!.data).toMatchObject({ subject: 'Freight charged twice', customerId: northwind.id, version: 1 });
  });

  it('says so for an unknown customer', async () => {
    const error = await collect(exportTimeline(log, '01JQ0000000000000000000000')).catch((e: unknown) => e);
    expect(isTouchlogError(error, 'NOT_FOUND')).toBe(true);
  });
});

describe('exportTenant', () => {
  it('streams every record of the tenant, customers first, and the audit trail when asked', async () => {
    const lines = (await collect(exportTenant(log, { audit: true, pageSize: 1 }))).map((line) => JSON.parse(line) as ExportLine);
    const models = lines.map((line) => line.model);
    expect(models).toEqual(['customer', 'customer', 'financialRecord', 'interaction', 'communication', ...Array(5).fill('auditEntry')]);
    const seqs = lines.filter((line) => line.model === 'auditEntry').map((line) => (line.data as { seq: number }).seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    const onlyCustomers = await collect(exportTenant(log, { models: ['customer'] }));
    expect(onlyCustomers).toHaveLength(2);
    await expect(collect(exportTenant(log, { models: ['invoice' as never] }))).rejects.toThrow(/must list models/);
  });
});

describe('JSON Schemas', () => {
  it('gives both forms of every model, and writes them as files', async () => {
    const schemas = modelJsonSchemas();
    expect(Object.keys(schemas.input).sort()).toEqual([...MODEL_NAMES].sort());
    expect(schemas.input.customer).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
    expect(Object.keys((schemas.stored.communication as { properties: object }).properties)).toContain('delivery');
    const files = await writeJsonSchemas(join(dir, 'schemas'));
    expect(files).toHaveLength(MODEL_NAMES.length * 2);
    expect(readdirSync(join(dir, 'schemas')).sort()).toContain('interaction.input.schema.json');
    const interaction = JSON.parse(readFileSync(join(dir, 'schemas', 'interaction.input.schema.json'), 'utf8')) as { required: string[] };
    expect(interaction.required).toEqual(expect.arrayContaining(['channel', 'direction', 'occurredAt']));
  });
});

describe('customer references in text', () => {
  it('reads ids, emails, phones and external ids', () => {
    expect(parseCustomerRef('01JQ8Z6M3V4N5P6Q7R8S9T0V1W')).toEqual({ id: '01JQ8Z6M3V4N5P6Q7R8S9T0V1W' });
    expect(parseCustomerRef('email:AP@Northwind.example')).toEqual({ type: 'email', value: 'AP@Northwind.example' });
    expect(parseCustomerRef(' ap@northwind.example ')).toEqual({ type: 'email', value: 'ap@northwind.example' });
    expect(parseCustomerRef('phone:+1 415 555 2671')).toEqual({ type: 'phone', value: '+1 415 555 2671' });
    expect(parseCustomerRef('+14155552671')).toEqual({ type: 'phone', value: '+14155552671' });
    expect(parseCustomerRef('erp:C-1001')).toEqual({ type: 'external', system: 'erp', value: 'C-1001' });
    expect(parseCustomerRef('external:crm:0015g00000ABC')).toEqual({ type: 'external', system: 'crm', value: '0015g00000ABC' });
    expect(() => parseCustomerRef('Northwind')).toThrow(/is not a customer: give an id/);
    expect(() => parseCustomerRef('')).toThrow(/is not a customer/);
  });

  it('resolves them, and says who is unknown', async () => {
    expect((await resolveCustomerRef(log, 'erp:C-2001')).id).toBe(northwind.id);
    expect((await resolveCustomerRef(log, 'AP@northwind.example')).id).toBe(northwind.id);
    const unknown = await resolveCustomerRef(log, 'erp:C-9').catch((e: unknown) => e);
    expect(isTouchlogError(unknown, 'NOT_FOUND')).toBe(true);
    expect((unknown as Error).message).toBe('no customer is known by erp:C-9');
  });
});
