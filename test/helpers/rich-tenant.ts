/**
 * A tenant that has been through everything a restore must carry: customers merged and
 * unmerged, a customer created by a record that named it (its id comes after the record's),
 * de-duplicated copies, transitions, delivery updates, payments linked to invoices, a legal hold,
 * a retention purge and an erasure. And what to compare between two copies of it.
 */
import { expect } from 'vitest';
import type { Touchlog } from 'touchlog';
import { sample } from 'touchlog/testing';
import { IDENTIFIERS, PERSONAL, seedPersonalData } from '../compliance/erasure.js';

export { IDENTIFIERS, PERSONAL };

export async function buildRichTenant(log: Touchlog) {
  const seeded = await seedPersonalData(log);
  const { record: northwind } = await log.customers.record(sample.customer(11, { displayName: 'Northwind Traders', source: { system: 'crm', externalId: 'ACC-11' } }));
  const { record: globex } = await log.customers.record(sample.customer(12, { displayName: 'Globex' }));
  const { record: initech } = await log.customers.record(sample.customer(13, { displayName: 'Initech' }));
  await log.finance.recordMany([sample.invoice(northwind.id, 1042), sample.invoice(globex.id, 2001, { source: { system: 'erp', externalId: 'INV-2001', version: 1 } })]);
  await log.finance.record({
    type: 'payment',
    customer: { id: northwind.id },
    ref: 'PAY-9',
    receivedAt: '2026-03-30T00:00:00Z',
    amount: { amountMinor: 101_042, currency: 'USD' },
    allocations: [{ invoiceRef: 'INV-1042', amount: { amountMinor: 101_042, currency: 'USD' } }],
  });
  const { record: call } = await log.interactions.record(sample.interaction(northwind.id, 3, { channel: 'phone', purpose: 'dispute', source: { system: 'crm', externalId: 'CASE-3', version: 1 } }));
  await log.interactions.record(sample.interaction(northwind.id, 3, { channel: 'phone', purpose: 'dispute', summary: 'second revision', source: { system: 'crm', externalId: 'CASE-3', version: 2 } }));
  await log.interactions.transition(call.id, 'resolved', { outcome: { code: 'credit_issued', note: 'CN-5' }, reason: 'customer agreed' });
  const { record: mail } = await log.communications.record(sample.communication(globex.id, 4, { source: { system: 'mail', externalId: '<inv-4@seller.example>' } }));
  await log.communications.markDelivery(mail.id, { status: 'delivered', at: '2026-01-01T00:10:00Z' });
  const { record: task } = await log.followUps.record(sample.followUp(globex.id, 5));
  await log.followUps.complete(task.id);
  // A record naming a customer nobody has yet: the customer is created after the record's id.
  const { record: created } = await log.interactions.record(
    sample.interaction('unused', 6, { customer: { type: 'email', value: 'new.buyer@umbrella.example' }, source: { system: 'crm', externalId: 'CASE-6' } }),
    { createMissingCustomers: true },
  );
  await log.customers.merge(initech.id, { into: globex.id, reason: 'same company' });
  await log.customers.merge(globex.id, { into: northwind.id });
  await log.customers.unmerge(globex.id, { reason: 'different companies after all' });
  await log.retention.hold(northwind.id, { reason: 'litigation 2026-44' });
  await log.interactions.record(sample.interaction(globex.id, 7, { occurredAt: '2012-01-01T00:00:00Z' }));
  await log.retention.purge({ asOf: '2026-06-01T00:00:00Z', policy: { interaction: { days: 3650 } } });
  await log.customers.erase(seeded.duplicate.id, { reason: 'GDPR art. 17 request #2026-118' });
  return { ...seeded, northwind, globex, initech, call, mail, task, created };
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Asserts that `copy` holds what `original` holds, as the API shows it. */
export async function expectSameTenant(original: Touchlog, copy: Touchlog, fixture: Awaited<ReturnType<typeof buildRichTenant>>): Promise<void> {
  const verification = await copy.audit.verify();
  expect(verification.ok, verification.problem?.message).toBe(true);
  expect(await copy.audit.head()).toEqual(await original.audit.head());
  expect(await copy.audit.verify({ against: (await original.audit.head())! })).toMatchObject({ ok: true });
  for (const collection of ['customers', 'interactions', 'communications', 'finance', 'followUps'] as const) {
    const stream = (log: Touchlog) => (log[collection] as unknown as { stream(): AsyncIterable<unknown> }).stream();
    expect(await all(stream(copy))).toEqual(await all(stream(original)));
  }
  for (const customer of [fixture.customer, fixture.northwind, fixture.globex, fixture.initech]) {
    expect(await all(copy.timeline.stream(customer.id))).toEqual(await all(original.timeline.stream(customer.id)));
  }
  for (const ref of ['INV-1042', 'INV-77', 'INV-2001']) {
    expect((await copy.linked({ kind: 'invoice', ref })).items).toEqual((await original.linked({ kind: 'invoice', ref })).items);
  }
  for (const identifier of [{ type: 'email', value: 'ap13@customer.example' }, { type: 'email', value: 'new.buyer@umbrella.example' }, { type: 'email', value: PERSONAL.email }] as const) {
    expect((await copy.customers.resolve(identifier))?.id).toEqual((await original.customers.resolve(identifier))?.id);
  }
  // Sealed values read back where the data keys were kept, and stay erased where they were destroyed.
  for (const id of [fixture.call.id, fixture.interaction.id, fixture.globex.id]) expect(await copy.audit.history(id)).toEqual(await original.audit.history(id));
  expect(JSON.stringify((await copy.audit.history(fixture.call.id)).items)).toContain('second revision');
  expect(await all(copy.audit.entries())).toEqual(await all(original.audit.entries()));
  expect((await copy.changes({ limit: 1000 })).items).toEqual((await original.changes({ limit: 1000 })).items);
  // The erased person is still recognised by the original source key, and never brought back.
  expect((await copy.communications.getBySource(IDENTIFIERS.messageSource))?.id).toBe(fixture.message.id);
}
