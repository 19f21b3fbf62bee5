import { describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, steppingClock } from 'touchlog/testing';

function setup() {
  return createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:sync', clock: steppingClock('2026-05-01T00:00:00Z') });
}

describe('identity resolution', () => {
  it('resolves a customer known by email in one system and by ERP number in another', async () => {
    const log = setup();
    const { record: acme } = await log.customers.record({
      displayName: 'Acme GmbH',
      identifiers: [
        { type: 'email', value: 'AP@Acme.Example' },
        { type: 'phone', value: '+49 30 1234567' },
        { type: 'external', system: 'erp', value: 'C-1001' },
        { type: 'external', system: 'crm', value: '0015g00000ABC' },
      ],
    });
    const byCrm = await log.interactions.record(sample.interaction('x', 1, { customer: { type: 'external', system: 'crm', value: '0015g00000ABC' } }));
    const byErp = await log.finance.record(sample.invoice('x', 1, { customer: { type: 'external', system: 'erp', value: 'C-1001' } }));
    const byPhone = await log.interactions.record(sample.interaction('x', 2, { customer: { type: 'phone', value: '030 1234567'.replace(/^0/, '+49 ') }, channel: 'phone' }));
    const byMail = await log.communications.record(
      sample.communication('x', 3, { customer: undefined, direction: 'inbound', from: { address: 'ap@ACME.example', name: 'AP team' }, to: [{ address: 'billing@seller.example' }] }),
    );
    for (const record of [byCrm.record, byErp.record, byPhone.record, byMail.record]) expect(record.customerId).toBe(acme.id);
    expect((await log.timeline(acme.id)).items).toHaveLength(5);
  });

  it('reports unknown identifiers, or creates the customer when asked', async () => {
    const log = setup();
    await expect(log.communications.record(sample.communication('x', 1, { customer: undefined, direction: 'inbound', from: { address: 'stranger@x.example' } }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no customer is known by email:stranger@x.example',
    });
    await expect(log.communications.record(sample.communication('x', 1, { customer: undefined, direction: 'internal' }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'the record names no customer and has no address to find one by',
    });
    const { record } = await log.communications.record(
      sample.communication('x', 2, { customer: undefined, direction: 'inbound', from: { address: 'Stranger@x.example', name: 'Sam Stranger' } }),
      { createMissingCustomers: true },
    );
    const created = await log.customers.get(record.customerId);
    expect(created.displayName).toBe('Sam Stranger');
    expect(created.identifiers).toEqual([{ type: 'email', value: 'stranger@x.example' }]);
  });

  it('keeps identifiers unique per tenant', async () => {
    const log = setup();
    const { record: a } = await log.customers.record(sample.customer(1));
    const { record: b } = await log.customers.record(sample.customer(2));
    await expect(log.customers.update(b.id, { identifiers: [{ type: 'email', value: 'AP1@customer.example' }] })).rejects.toMatchObject({ code: 'IDENTIFIER_CONFLICT' });
    await log.customers.update(a.id, { identifiers: [{ type: 'email', value: 'billing@one.example' }] });
    // The freed identifier can now go to someone else.
    const moved = await log.customers.update(b.id, { identifiers: [{ type: 'email', value: 'ap1@customer.example' }] });
    expect((await log.customers.resolve({ type: 'email', value: 'ap1@customer.example' }))?.id).toBe(moved.id);
    expect(await log.customers.resolve({ type: 'external', system: 'erp', value: 'C-1001' })).toBeUndefined();
  });
});

describe('customer merge', () => {
  async function twoCustomers() {
    const log = setup();
    const { record: a } = await log.customers.record(sample.customer(1, { displayName: 'Acme GmbH' }));
    const { record: b } = await log.customers.record(sample.customer(2, { displayName: 'ACME (duplicate from CRM)' }));
    await log.interactions.record(sample.interaction(a.id, 1));
    const onB = (await log.interactions.record(sample.interaction(b.id, 2))).record;
    await log.finance.record(sample.invoice(b.id, 2));
    return { log, a, b, onB };
  }

  it('combines histories, links and identifiers; B stays resolvable as an alias; audited', async () => {
    const { log, a, b, onB } = await twoCustomers();
    const result = await log.customers.merge(b.id, { into: a.id, reason: 'same company, two CRM accounts' });
    expect(result.moved).toBe(3); // B itself, its interaction and its invoice
    expect(result.customer.mergedInto).toBe(a.id);
    expect(result.into.identifiers.map((i) => i.value)).toEqual(['ap1@customer.example', 'C-1001', 'ap2@customer.example', 'C-1002']);
    const timeline = (await log.timeline(a.id)).items.map((e) => e.kind);
    expect(timeline).toEqual(['interaction', 'interaction', 'invoice_issued', 'invoice_due']);
    expect((await log.timeline(b.id)).items).toHaveLength(4); // B resolves to A
    expect((await log.customers.resolve({ id: b.id }))?.id).toBe(a.id);
    expect((await log.customers.resolve({ type: 'email', value: 'ap2@customer.example' }))?.id).toBe(a.id);
    expect((await log.interactions.get(onB.id)).customerId).toBe(a.id);
    expect((await log.interactions.list({ customerId: b.id })).items).toHaveLength(2);
    // New records naming B land on A.
    const later = await log.interactions.record(sample.interaction('x', 3, { customer: { type: 'external', system: 'erp', value: 'C-1002' } }));
    expect(later.record.customerId).toBe(a.id);
    const history = (await log.audit.history(b.id)).items;
    expect(history.map((e) => e.action)).toEqual(['create', 'merge']);
    expect(history[1]).toMatchObject({ reason: 'same company, two CRM accounts', changes: [{ path: 'mergedInto', after: a.id }] });
    expect((await log.audit.verify()).ok).toBe(true);
  });

  it('refuses merging twice, into itself, or into a cycle', async () => {
    const { log, a, b } = await twoCustomers();
    await expect(log.customers.merge(a.id, { into: a.id })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await log.customers.merge(b.id, { into: a.id });
    await expect(log.customers.merge(b.id, { into: a.id })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(log.customers.merge(a.id, { into: b.id })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(log.customers.unmerge(a.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('unmerges the last merge, including what was recorded for B meanwhile', async () => {
    const { log, a, b, onB } = await twoCustomers();
    await log.customers.merge(b.id, { into: a.id });
    const later = (await log.interactions.record(sample.interaction('x', 9, { customer: { id: b.id } }))).record;
    expect(later.customerId).toBe(a.id);
    const result = await log.customers.unmerge(b.id, { reason: 'different legal entities after all' });
    expect(result.customer.mergedInto).toBeUndefined();
    expect(result.into.identifiers.map((i) => i.value)).toEqual(['ap1@customer.example', 'C-1001']);
    expect((await log.interactions.get(onB.id)).customerId).toBe(b.id);
    expect((await log.interactions.get(later.id)).customerId).toBe(b.id);
    expect((await log.timeline(a.id)).items.map((e) => e.kind)).toEqual(['interaction']);
    expect((await log.timeline(b.id)).items.map((e) => e.kind)).toEqual(['interaction', 'interaction', 'invoice_issued', 'invoice_due']);
    expect((await log.customers.resolve({ type: 'email', value: 'ap2@customer.example' }))?.id).toBe(b.id);
    expect((await log.audit.history(b.id)).items.map((e) => e.action)).toEqual(['create', 'merge', 'unmerge']);
    expect((await log.audit.verify()).ok).toBe(true);
  });

  it('follows chains: C into B, then B into A, then B out again with C', async () => {
    const { log, a, b } = await twoCustomers();
    const { record: c } = await log.customers.record(sample.customer(3));
    const onC = (await log.interactions.record(sample.interaction(c.id, 5))).record;
    await log.customers.merge(c.id, { into: b.id });
    await log.customers.merge(b.id, { into: a.id });
    expect((await log.interactions.get(onC.id)).customerId).toBe(a.id);
    expect((await log.customers.resolve({ id: c.id }))?.id).toBe(a.id);
    expect((await log.customers.get(a.id)).identifiers).toHaveLength(6);
    await log.customers.unmerge(b.id);
    expect((await log.interactions.get(onC.id)).customerId).toBe(b.id);
    expect((await log.customers.resolve({ id: c.id }))?.id).toBe(b.id);
    expect((await log.customers.get(a.id)).identifiers).toHaveLength(2);
    expect((await log.customers.get(b.id)).identifiers).toHaveLength(4);
  });
});
