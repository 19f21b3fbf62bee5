import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createTouchlog, isTouchlogError, ValidationError, type Touchlog } from 'touchlog';
import { applyCsvMapping, importCsv, parseCsvMapping, readCsvMapping, type CsvMappingInput } from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** A German ERP export: semicolons, decimal commas, day-first dates, local time. */
const invoiceMapping: CsvMappingInput = {
  model: 'financialRecord',
  csv: { delimiter: ';' },
  fields: {
    type: { const: 'invoice' },
    customer: { column: 'Kunde', as: 'identifier', type: 'external', system: 'erp' },
    ref: 'Rechnung',
    issuedAt: { column: 'Datum', as: 'instant', format: 'DD.MM.YYYY', offset: '+01:00' },
    dueAt: { column: 'Fällig', as: 'instant', format: 'DD.MM.YYYY', offset: '+01:00' },
    amount: { column: 'Betrag', as: 'money', currencyColumn: 'Währung', decimalSeparator: ',', thousandsSeparator: '.' },
    status: { column: 'Status', map: { Offen: 'open', Bezahlt: 'paid' } },
    description: 'Text',
    tags: { column: 'Labels', as: 'list', separator: ',' },
    'source.system': { const: 'erp' },
    'source.externalId': 'Rechnung',
  },
};

const invoices = [
  'Rechnung;Kunde;Datum;Fällig;Betrag;Währung;Status;Text;Labels',
  'INV-1042;C-2001;01.03.2026;31.03.2026;18.500,00;USD;Offen;Freight and handling;priority, q1',
  'INV-1043;C-2001;02.03.2026;01.04.2026;1.250,5;eur;Bezahlt;"Two lines:',
  'second line";',
  'INV-1044;C-2001;03.03.2026;02.04.2026;12,345;EUR;Offen;;',
  'INV-1045;C-2001;31.02.2026;02.04.2026;10,00;EUR;Offen;;',
  'INV-1046;C-2001;04.03.2026;03.04.2026;10,00;EUR;Offen;;;extra cell',
  '',
  'INV-1047;C-9999;05.03.2026;04.04.2026;99;JPY;Offen;;',
  'INV-1048;C-2001;06.03.2026;05.04.2026;7.000;JPY;Offen;;',
].join('\n');

let log: Touchlog;
beforeEach(async () => {
  log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test:csv' });
  await log.customers.record({ displayName: 'Northwind Traders', identifiers: [{ type: 'external', system: 'erp', value: 'C-2001' }] });
});

describe('importCsv', () => {
  it('maps columns to fields with transforms, rejects bad rows with their lines, and re-runs idempotently', async () => {
    const path = file('invoices.csv', invoices);
    const report = await importCsv(log, path, { mapping: invoiceMapping });
    expect(report).toMatchObject({ processed: 7, created: 3, rejected: 4 });
    expect(report.rejections.map((r) => [r.line, r.code])).toEqual([
      [5, 'VALIDATION_FAILED'], // 12,345 EUR: more decimals than EUR has
      [6, 'VALIDATION_FAILED'], // 31 February
      [7, 'VALIDATION_FAILED'], // one cell too many
      [9, 'NOT_FOUND'], // unknown customer C-9999
    ]);
    expect(report.rejections[0]!.issues).toEqual([{ code: 'invalid_cell', path: ['amount'], message: expect.stringContaining('more decimals than EUR') }]);
    expect(report.rejections[0]!.message).toContain('CSV row on line 5');
    expect(report.rejections[1]!.issues?.[0]?.path).toEqual(['issuedAt']);
    expect(report.rejections[2]!.message).toMatch(/line 7 is not a valid CSV row/);
    expect(report.rejections[3]!.source).toEqual({ system: 'erp', externalId: 'INV-1047' });

    const first = await log.finance.getBySource({ system: 'erp', externalId: 'INV-1042' });
    expect(first).toMatchObject({
      type: 'invoice',
      ref: 'INV-1042',
      issuedAt: '2026-02-28T23:00:00.000Z',
      dueAt: '2026-03-30T23:00:00.000Z', // a fixed offset, not a time zone: no summer time
      amount: { amountMinor: 1_850_000, currency: 'USD' },
      status: 'open',
      description: 'Freight and handling',
      tags: ['priority', 'q1'],
    });
    const second = await log.finance.getBySource({ system: 'erp', externalId: 'INV-1043' });
    expect(second).toMatchObject({ amount: { amountMinor: 125_050, currency: 'EUR' }, status: 'paid', description: 'Two lines:\nsecond line' });
    expect(second).not.toHaveProperty('tags', ['']);
    const yen = await log.finance.getBySource({ system: 'erp', externalId: 'INV-1048' });
    expect(yen).toMatchObject({ amount: { amountMinor: 7000, currency: 'JPY' } });

    const entries = (await log.audit.verify()).entries;
    const again = await importCsv(log, path, { mapping: invoiceMapping });
    expect(again).toMatchObject({ created: 0, unchanged: 3, rejected: 4 });
    expect((await log.audit.verify()).entries).toBe(entries);
  });

  it('reads a headerless file by column numbers, with templates, booleans, address lists and defaults', async () => {
    const mapping: CsvMappingInput = {
      model: 'communication',
      csv: { header: false },
      fields: {
        customer: { column: 0, as: 'identifier', type: 'email' },
        channel: { const: 'email' },
        direction: { column: 1, map: { in: 'inbound', out: 'outbound' } },
        sentAt: { column: 2, as: 'instant' },
        subject: 3,
        to: { column: 4, as: 'addresses', separator: '|' },
        deliveryStatus: { column: 5, default: 'delivered' },
        'metadata.urgent': { column: 6, as: 'boolean' },
        'source.system': { const: 'mail' },
        'source.externalId': { template: 'MSG-{0}-{2}' },
      },
    };
    const path = file('messages.csv', [
      'ap@northwind.example,out,2026-03-02 08:00,Reminder INV-1042,ap@northwind.example|cfo@northwind.example,,yes',
      'ap@northwind.example,in,2026-03-03T09:00:00+01:00,Re: Reminder,billing@seller.example,opened,n',
    ].join('\r\n'));
    await log.customers.update((await log.customers.resolve({ type: 'external', system: 'erp', value: 'C-2001' }))!.id, {
      identifiers: [{ type: 'external', system: 'erp', value: 'C-2001' }, { type: 'email', value: 'ap@northwind.example' }],
    });
    const report = await importCsv(log, path, { mapping });
    expect(report).toMatchObject({ created: 2, rejected: 0 });
    const messages = (await log.communications.list()).items;
    expect(messages.map((m) => [m.direction, m.sentAt, m.to.length, m.delivery.status, m.metadata, m.source?.externalId])).toEqual([
      ['outbound', '2026-03-02T08:00:00.000Z', 2, 'delivered', { urgent: true }, 'MSG-ap@northwind.example-2026-03-02 08:00'],
      ['inbound', '2026-03-03T08:00:00.000Z', 1, 'opened', { urgent: false }, 'MSG-ap@northwind.example-2026-03-03T09:00:00+01:00'],
    ]);
  });

  it('refuses an invalid mapping with every problem and its path, before reading anything', async () => {
    const error = (() => {
      try {
        parseCsvMapping({
          model: 'invoice',
          fields: {
            amount: { column: 'Total', as: 'money' },
            'a..b': 'X',
            'links.0.__proto__': 'Y',
            customer: { column: 'C', as: 'identifier', type: 'external' },
            ref: { colum: 'Ref' },
            status: { column: 2 },
          },
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['model', 'fields.amount.currency', 'fields.a..b', 'fields.links.0.__proto__', 'fields.customer.system', 'fields.ref.colum']));
    expect(() => parseCsvMapping({ model: 'customer', fields: { displayName: { column: 2 } } })).toThrow(/file has a header row/);
    expect(() => parseCsvMapping({ model: 'customer', fields: { identifiers: 'A', 'identifiers.0': 'B' } })).toThrow(/cannot be set together/);
    expect(() => parseCsvMapping({ model: 'customer', fields: {} })).toThrow(/at least one field/);
  });

  it('checks the header against the mapping and writes nothing when a column is missing', async () => {
    const path = file('wrong-header.csv', 'Invoice;Customer\nINV-1;C-2001\n');
    const error = await importCsv(log, path, { mapping: invoiceMapping }).catch((e: unknown) => e);
    expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as ValidationError).issues.map((i) => i.message)).toContainEqual(expect.stringContaining('column "Rechnung" is not in the file\'s header'));
    expect((await log.finance.list()).items).toHaveLength(0);
  });

  it('reads mapping files, reporting missing files and invalid JSON clearly', async () => {
    const good = file('mapping.json', JSON.stringify(invoiceMapping));
    expect((await readCsvMapping(good)).model).toBe('financialRecord');
    const report = await importCsv(log, Readable.from([invoices.split('\n').slice(0, 2).join('\n')]), { mapping: good });
    expect(report.created).toBe(1);
    const missing = await readCsvMapping(join(dir, 'none.json')).catch((e: unknown) => e);
    expect(isTouchlogError(missing, 'NOT_FOUND')).toBe(true);
    const broken = await readCsvMapping(file('broken.json', '{ "model": ')).catch((e: unknown) => e);
    expect(isTouchlogError(broken, 'VALIDATION_FAILED')).toBe(true);
    expect((broken as Error).message).toContain('is not valid JSON');
  });

  it('applies a mapping to one row without storing it', () => {
    const mapping = parseCsvMapping({
      model: 'customer',
      fields: {
        displayName: 'Name',
        'identifiers.0': { column: 'Email', as: 'identifier', type: 'email' },
        'identifiers.1': { column: 'ERP', as: 'identifier', type: 'external', system: 'erp' },
        'creditTerms.netDays': { column: 'Terms', as: 'integer' },
        'creditTerms.limit': { column: 'Limit', as: 'money', currency: 'GBP', thousandsSeparator: ',' },
        attributes: { column: 'Extra', as: 'json' },
      },
    });
    expect(applyCsvMapping(mapping, { Name: ' Globex ', Email: '', ERP: 'G-7', Terms: '30', Limit: '25,000.00', Extra: '{"tier":"gold"}' })).toEqual({
      data: {
        displayName: 'Globex',
        identifiers: [{ type: 'external', system: 'erp', value: 'G-7' }],
        creditTerms: { netDays: 30, limit: { amountMinor: 2_500_000, currency: 'GBP' } },
        attributes: { tier: 'gold' },
      },
    });
    const bad = applyCsvMapping(mapping, { Name: 'X', Email: '', ERP: '', Terms: '30.5', Limit: 'lots', Extra: '{' });
    expect('issues' in bad && bad.issues.map((i) => i.path.join('.'))).toEqual(['creditTerms.netDays', 'creditTerms.limit', 'attributes']);
  });
});
