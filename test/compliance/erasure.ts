/**
 * Erasure and retention, through the public API, on any adapter. The SQLite variant additionally
 * searches the database files for the erased values.
 */
import { describe, expect, it } from 'vitest';
import { createTouchlog, ERASED, type StorageAdapter, type Touchlog } from 'touchlog';
import { sample, steppingClock } from 'touchlog/testing';

export const PERSONAL = {
  name: 'Hannelore Quistgaard-Ybarra',
  email: 'hannelore.quistgaard@ybarra-family.example',
  text: 'my daughter Ingeborg will be in hospital until the ninth',
};

/** Records a customer with personal data in every kind of record; returns their ids. */
export async function seedPersonalData(log: Touchlog) {
  const { record: customer } = await log.customers.record({
    displayName: PERSONAL.name,
    legalName: `${PERSONAL.name} Holdings`,
    identifiers: [{ type: 'email', value: PERSONAL.email }, { type: 'external', system: 'erp', value: 'C-7777' }],
    address: { lines: ['Strandvejen 1'], city: 'Hellerup', country: 'DK' },
    kyc: { status: 'verified', reviewDueAt: '2027-01-01T00:00:00Z', note: `${PERSONAL.name} passport checked` },
    attributes: { spouse: PERSONAL.name },
  });
  const { record: duplicate } = await log.customers.record({ displayName: `${PERSONAL.name} (CRM)`, identifiers: [{ type: 'external', system: 'crm', value: 'Q-1' }] });
  await log.customers.merge(duplicate.id, { into: customer.id });
  const interaction = (
    await log.interactions.record({
      customer: { type: 'email', value: PERSONAL.email },
      channel: 'phone',
      direction: 'inbound',
      purpose: 'payment_promise',
      subject: `Call from ${PERSONAL.name}`,
      summary: PERSONAL.text,
      occurredAt: '2026-03-05T10:00:00Z',
      participants: [{ role: 'customer', name: PERSONAL.name, address: PERSONAL.email }],
      links: [{ kind: 'invoice', ref: 'INV-77' }],
    })
  ).record;
  await log.interactions.update(interaction.id, { summary: `${PERSONAL.text} (updated)` });
  const message = (
    await log.communications.record({
      channel: 'email',
      direction: 'inbound',
      from: { address: PERSONAL.email, name: PERSONAL.name },
      to: [{ address: 'ar@seller.example' }],
      subject: `Re: INV-77 — ${PERSONAL.name}`,
      body: `Hello, ${PERSONAL.text}. Regards, ${PERSONAL.name}`,
      attachments: [{ name: `${PERSONAL.name} statement.pdf`, mediaType: 'application/pdf', size: 1000 }],
      sentAt: '2026-03-05T11:00:00Z',
      messageId: '<abc@ybarra-family.example>',
      source: { system: 'mail', externalId: 'mail-1' },
    })
  ).record;
  const invoice = (await log.finance.record({ type: 'invoice', customer: { id: duplicate.id }, ref: 'INV-77', issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z', amount: { amountMinor: 77_000, currency: 'EUR' }, description: `Services for ${PERSONAL.name}` })).record;
  const followUp = (await log.followUps.record({ interactionId: interaction.id, action: `Call ${PERSONAL.name} back`, dueAt: '2026-03-10T00:00:00Z' })).record;
  return { customer, duplicate, interaction, message, invoice, followUp };
}

export function describeErasure(name: string, createAdapter: () => Promise<StorageAdapter> | StorageAdapter) {
  describe(`erasure on ${name}`, () => {
    it('removes personal data everywhere, keeps financial facts, leaves the chain verifiable', async () => {
      const adapter = await createAdapter();
      await adapter.migrate();
      const log = createTouchlog({ adapter, tenant: 'acme', actor: 'dpo:anna', clock: steppingClock('2026-06-01T00:00:00Z') });
      const seeded = await seedPersonalData(log);
      const other = (await log.customers.record(sample.customer(9, { displayName: 'Unrelated Ltd' }))).record;
      const headBefore = (await log.audit.head())!;

      const report = await log.customers.erase(seeded.duplicate.id, { reason: 'GDPR art. 17 request #2026-118' });
      expect(report.customers.map((c) => c.id).sort()).toEqual([seeded.customer.id, seeded.duplicate.id].sort());
      expect(report.records).toBe(6);

      const customer = await log.customers.get(seeded.customer.id);
      expect(customer).toMatchObject({ displayName: 'Erased customer', identifiers: [], kyc: { status: 'verified', reviewDueAt: '2027-01-01T00:00:00.000Z' } });
      expect(customer.erasedAt).toBeDefined();
      expect(customer.address).toBeUndefined();
      expect(customer.kyc?.note).toBeUndefined();
      expect(await log.customers.resolve({ type: 'email', value: PERSONAL.email })).toBeUndefined();
      const interaction = await log.interactions.get(seeded.interaction.id);
      expect(interaction).toMatchObject({ subject: '[erased]', participants: [{ role: 'customer' }], channel: 'phone', purpose: 'payment_promise', links: [{ kind: 'invoice', ref: 'INV-77' }] });
      expect(interaction.summary).toBeUndefined();
      const message = await log.communications.get(seeded.message.id);
      expect(message).toMatchObject({ subject: '[erased]', from: { address: 'erased@erased.invalid' }, attachments: [], source: { system: 'mail', externalId: 'mail-1' } });
      expect(message.body).toBeUndefined();
      const invoice = await log.finance.get(seeded.invoice.id);
      expect(invoice).toMatchObject({ ref: 'INV-77', amount: { amountMinor: 77_000, currency: 'EUR' } });
      expect(invoice.type === 'invoice' && invoice.description).toBeUndefined();
      expect((await log.followUps.get(seeded.followUp.id)).action).toBe('[erased]');
      expect((await log.customers.get(other.id)).displayName).toBe('Unrelated Ltd');

      // The audit trail still verifies, up to and past the head saved before the erasure...
      expect((await log.audit.verify({ against: headBefore })).ok).toBe(true);
      // ...but the personal values in it can no longer be read, while the rest can.
      const history = (await log.audit.history(seeded.interaction.id)).items;
      expect(history.map((e) => e.action)).toEqual(['create', 'update', 'erase']);
      // A creation keeps only a digest of what was created; the values it had are in the later
      // entries' `before`, sealed with the destroyed key.
      expect(history[0]!.changes).toEqual([]);
      expect(history[1]!.changes.find((c) => c.path === 'summary')).toEqual({ path: 'summary', before: ERASED, after: ERASED });
      expect(history[2]!.changes.find((c) => c.path === 'subject')).toEqual({ path: 'subject', before: ERASED, after: ERASED });
      expect(history[2]!.changes.find((c) => c.path === 'participants')?.after).toEqual(ERASED);
      expect(history[2]!.reason).toBe('GDPR art. 17 request #2026-118');
      expect(JSON.stringify(await log.audit.history(seeded.message.id))).not.toContain(PERSONAL.name);
      const everything: unknown[] = [];
      for await (const entry of log.audit.entries()) everything.push(entry);
      const dump = JSON.stringify(everything);
      for (const value of Object.values(PERSONAL)) expect(dump).not.toContain(value);
      // Re-importing the erased message is recognised, not stored again.
      const again = await log.communications.record({ channel: 'email', direction: 'inbound', from: { address: PERSONAL.email }, sentAt: '2026-03-05T11:00:00Z', body: PERSONAL.text, source: { system: 'mail', externalId: 'mail-1' } }).catch((e: unknown) => e);
      expect(again).toMatchObject({ code: 'SOURCE_CONFLICT' });
      await adapter.close();
    });
  });
}
