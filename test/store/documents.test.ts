/**
 * A new record's stored document is made from its input's JSON when it can be (to encode once):
 * it must be exactly the record's own JSON, for every model and any content.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, steppingClock } from 'touchlog/testing';

async function storedDocument(log: ReturnType<typeof createTouchlog>, collection: 'customers' | 'interactions' | 'financial' | 'followUps' | 'communications', id: string): Promise<string> {
  const [row] = await log.adapter.getRecords(log.tenant, collection, [id]);
  return row!.document;
}

describe('stored documents', () => {
  it('are exactly the JSON of the record returned, for every model', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:test', clock: steppingClock() });
    const { record: customer } = await log.customers.record({ ...sample.customer(1), source: { system: 'erp', externalId: 'C-1' }, attributes: { b: 1, a: 'x' } });
    expect(await storedDocument(log, 'customers', customer.id)).toBe(JSON.stringify(customer));
    const { record: call } = await log.interactions.record({ ...sample.interaction(customer.id, 1), source: { system: 'crm', externalId: 'CASE-1' } });
    expect(await storedDocument(log, 'interactions', call.id)).toBe(JSON.stringify(call));
    const { record: invoice } = await log.finance.record({ type: 'invoice', customer: { id: customer.id }, ref: 'INV-1', issuedAt: '2026-01-01T00:00:00Z', dueAt: '2026-01-31T00:00:00Z', amount: { amountMinor: 100, currency: 'EUR' }, source: { system: 'erp', externalId: 'INV-1' } });
    expect(await storedDocument(log, 'financial', invoice.id)).toBe(JSON.stringify(invoice));
    const { record: task } = await log.followUps.record({ interactionId: call.id, action: 'Call back', dueAt: '2026-01-05T00:00:00Z', source: { system: 'crm', externalId: 'T-1' } });
    expect(await storedDocument(log, 'followUps', task.id)).toBe(JSON.stringify(task));
    const { record: message } = await log.communications.record({ customer: { id: customer.id }, channel: 'email', direction: 'inbound', sentAt: '2026-01-02T00:00:00Z', subject: 'Hi', source: { system: 'mail', externalId: 'M-1' } });
    expect(await storedDocument(log, 'communications', message.id)).toBe(JSON.stringify(message));
  });

  it('are exactly the JSON of the record for any text', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:test', clock: steppingClock() });
    const { record: customer } = await log.customers.record(sample.customer(1));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60, unit: 'binary' }), fc.string({ maxLength: 200 }), async (subject, summary) => {
        const input = { customer: { id: customer.id }, channel: 'email', direction: 'inbound', purpose: 'inquiry', subject: subject || 'x', summary, occurredAt: '2026-02-01T00:00:00Z', source: { system: 'crm', externalId: `P-${n++}` } };
        const result = await log.interactions.record(input).catch(() => undefined); // text the models refuse (lone surrogates, NUL) is not the point here
        if (!result) return;
        const document = await storedDocument(log, 'interactions', result.record.id);
        expect(document).toBe(JSON.stringify(result.record));
        expect(JSON.parse(document)).toEqual(result.record);
      }),
      { numRuns: 150 },
    );
  });
});
