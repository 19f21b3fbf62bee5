import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CommunicationSchema,
  InteractionSchema,
  InvoiceSchema,
  itemFromCommunication,
  itemFromInteraction,
  itemFromTimelineEntry,
  mergeTimelines,
  type CommunicationRecord,
  type Interaction,
  type TimelineEntry,
  type TimelineItem,
} from 'touchlog';

const CUSTOMER = '01JQ0000000000000000000001';
const stored = { version: 2, createdAt: '2026-03-02T09:20:00.000Z', updatedAt: '2026-03-02T09:25:00.000Z', customerId: CUSTOMER };

// Real stored records: parsed by the stored schemas, as the store returns them.
const interaction = InteractionSchema.parse({
  ...stored,
  id: '01JQ0000000000000000000010',
  channel: 'phone',
  direction: 'inbound',
  purpose: 'payment_promise',
  subject: 'Promise to pay INV-1042',
  summary: 'Customer will pay on Friday.',
  occurredAt: '2026-03-02T09:15:00.000Z',
  participants: [],
  source: { system: 'crm', externalId: 'ACT-3', version: 4 },
  status: 'open',
  links: [],
  tags: [],
  priority: 'normal',
});
const communication = CommunicationSchema.parse({
  ...stored,
  id: '01JQ0000000000000000000011',
  channel: 'email',
  direction: 'outbound',
  from: { address: 'billing@seller.example' },
  to: [{ address: 'ap@acme.example' }],
  cc: [],
  subject: 'Invoice INV-1042',
  body: 'Please find attached invoice INV-1042.',
  attachments: [],
  sentAt: '2026-03-01T08:00:00.000Z',
  messageId: 'inv-1042@seller.example',
  references: [],
  source: { system: 'mail', externalId: 'MSG-5001' },
  links: [],
  tags: [],
  delivery: { status: 'sent', history: [] },
});
const invoice = InvoiceSchema.parse({
  ...stored,
  id: '01JQ0000000000000000000012',
  type: 'invoice',
  ref: 'INV-1042',
  issuedAt: '2026-03-01T00:00:00.000Z',
  dueAt: '2026-03-31T00:00:00.000Z',
  amount: { amountMinor: 1_850_000, currency: 'EUR' },
  status: 'open',
  source: { system: 'erp', externalId: 'INV-1042', version: 1 },
  links: [],
  tags: [],
});

describe('timeline items from stored records', () => {
  it('turns an interaction into an item with the store timeline id', () => {
    expect(itemFromInteraction(interaction)).toEqual({
      id: '01JQ0000000000000000000010:interaction',
      at: '2026-03-02T09:15:00.000Z',
      kind: 'interaction',
      source: { system: 'crm', externalId: 'ACT-3', version: 4 },
      customerId: CUSTOMER,
      channel: 'phone',
      direction: 'inbound',
      subject: 'Promise to pay INV-1042',
      body: 'Customer will pay on Friday.',
      messageId: undefined,
      recordedAt: '2026-03-02T09:25:00.000Z',
      record: interaction,
    });
  });

  it('turns a message into an item', () => {
    expect(itemFromCommunication(communication)).toEqual({
      id: '01JQ0000000000000000000011:communication',
      at: '2026-03-01T08:00:00.000Z',
      kind: 'communication',
      source: { system: 'mail', externalId: 'MSG-5001', version: undefined },
      customerId: CUSTOMER,
      channel: 'email',
      direction: 'outbound',
      subject: 'Invoice INV-1042',
      body: 'Please find attached invoice INV-1042.',
      messageId: 'inv-1042@seller.example',
      recordedAt: '2026-03-02T09:25:00.000Z',
      record: communication,
    });
  });

  it('turns store timeline entries into items: the same ids, financial events by kind', () => {
    const entries: TimelineEntry[] = [
      { id: `${invoice.id}:invoice_issued`, at: invoice.issuedAt, kind: 'invoice_issued', model: 'financialRecord', record: invoice },
      { id: `${communication.id}:communication`, at: communication.sentAt, kind: 'communication', model: 'communication', record: communication },
      { id: `${interaction.id}:interaction`, at: interaction.occurredAt, kind: 'interaction', model: 'interaction', record: interaction },
      { id: `${invoice.id}:invoice_due`, at: invoice.dueAt, kind: 'invoice_due', model: 'financialRecord', record: invoice },
    ];
    const items = entries.map(itemFromTimelineEntry);
    expect(items[1]).toEqual(itemFromCommunication(communication));
    expect(items[2]).toEqual(itemFromInteraction(interaction));
    expect(items[0]).toEqual({
      id: `${invoice.id}:invoice_issued`,
      at: '2026-03-01T00:00:00.000Z',
      kind: 'invoice_issued',
      record: invoice,
      source: { system: 'erp', externalId: 'INV-1042', version: 1 },
      customerId: CUSTOMER,
      recordedAt: '2026-03-02T09:25:00.000Z',
    });
    expect(items[3]).toMatchObject({ kind: 'invoice_due', at: '2026-03-31T00:00:00.000Z', source: { system: 'erp', externalId: 'INV-1042' } });

    // The store's timeline and a fresh ERP export of the same invoice: the export's copy of the
    // invoice event folds into the stored one (same source key and kind), the due date does not.
    const erpExport: TimelineItem[] = [
      { id: 'erp-export:INV-1042', at: '2026-03-01T00:00:00.000Z', kind: 'invoice_issued', source: { system: 'erp', externalId: 'INV-1042', version: 2 }, customerId: CUSTOMER, recordedAt: '2026-03-03T00:00:00.000Z' },
    ];
    const merged = [...mergeTimelines([items, erpExport])];
    expect(merged.map((item) => [item.id, item.kind, item.mergedFrom.map((c) => `${c.id}${c.matchedBy ? ` by ${c.matchedBy}` : ''}`)])).toEqual([
      [`${invoice.id}:invoice_issued`, 'invoice_issued', [`${invoice.id}:invoice_issued`, 'erp-export:INV-1042 by source']],
      [`${communication.id}:communication`, 'communication', [`${communication.id}:communication`]],
      [`${interaction.id}:interaction`, 'interaction', [`${interaction.id}:interaction`]],
      [`${invoice.id}:invoice_due`, 'invoice_due', [`${invoice.id}:invoice_due`]],
    ]);
    // The export is the newer version of the record: its source (and so its record) wins.
    expect(merged[0]!.source).toEqual({ system: 'erp', externalId: 'INV-1042', version: 2 });
  });

  it('types the record of merged items as the union of the sources\' records', () => {
    const merged = [...mergeTimelines([[itemFromInteraction(interaction)], [itemFromCommunication(communication)]])];
    expectTypeOf(merged[0]!.record).toEqualTypeOf<Interaction | CommunicationRecord | undefined>();
    expect(merged.map((item) => item.record)).toEqual([communication, interaction]);
  });
});
