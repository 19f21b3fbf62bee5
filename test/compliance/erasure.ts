/**
 * Erasure and retention, through the public API, on any adapter. The SQLite variant additionally
 * searches the database files for the erased values.
 */
import { describe, expect, it } from 'vitest';
import { createTouchlog, ERASED, type StorageAdapter, type Touchlog } from 'touchlog';
import { exportTenant } from 'touchlog/interop';
import { sample, steppingClock } from 'touchlog/testing';

export const PERSONAL = {
  name: 'Hannelore Quistgaard-Ybarra',
  email: 'hannelore.quistgaard@ybarra-family.example',
  text: 'my daughter Ingeborg will be in hospital until the ninth',
  // Parts of the address on their own: Message-IDs, thread ids and source keys carry them.
  domain: 'ybarra-family',
  localPart: 'hannelore.quistgaard',
};

/** Identifiers the seeded records carry that name the person (source keys, Message-IDs, the thread). */
export const IDENTIFIERS = {
  messageId: '20260305110000.hq@ybarra-family.example',
  messageSource: { system: 'mail', externalId: '20260305110000.hq@ybarra-family.example' },
  copySource: { system: 'crm', externalId: 'bcc/hannelore.quistgaard/1' },
  customerSource: { system: 'crm', externalId: 'contact:hannelore.quistgaard@ybarra-family.example' },
  callSource: { system: 'phone', externalId: 'call-hannelore.quistgaard-0305' },
  taskSource: { system: 'crm', externalId: 'task/hannelore.quistgaard/callback' },
  thread: 'inv-77.question@ybarra-family.example',
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
    source: IDENTIFIERS.customerSource,
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
      source: IDENTIFIERS.callSource,
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
      messageId: `<${IDENTIFIERS.messageId}>`,
      inReplyTo: `<${IDENTIFIERS.thread}>`,
      references: [`<${IDENTIFIERS.thread}>`],
      threadId: IDENTIFIERS.thread,
      source: IDENTIFIERS.messageSource,
    })
  ).record;
  // The CRM's copy of the same email (BCC): folded into the message as a copy (mergedFrom).
  const copy = (
    await log.communications.record({
      channel: 'email',
      direction: 'inbound',
      from: { address: PERSONAL.email },
      to: [{ address: 'ar@seller.example' }],
      subject: `Re: INV-77 — ${PERSONAL.name}`,
      sentAt: '2026-03-05T11:00:02Z',
      messageId: IDENTIFIERS.messageId,
      source: IDENTIFIERS.copySource,
    })
  ).record;
  const invoice = (await log.finance.record({ type: 'invoice', customer: { id: duplicate.id }, ref: 'INV-77', issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z', amount: { amountMinor: 77_000, currency: 'EUR' }, description: `Services for ${PERSONAL.name}` })).record;
  const followUp = (await log.followUps.record({ interactionId: interaction.id, action: `Call ${PERSONAL.name} back`, dueAt: '2026-03-10T00:00:00Z', source: IDENTIFIERS.taskSource })).record;
  return { customer, duplicate, interaction, message, copy, invoice, followUp };
}

export function describeErasure(
  name: string,
  createAdapter: () => Promise<StorageAdapter> | StorageAdapter,
  /** `rawStorage`: every stored row of the adapter's tables as text, read past touchlog. */
  options: { rawStorage?: () => Promise<string> } = {},
) {
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
      expect(report.records).toBe(7);

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
      expect(message).toMatchObject({ subject: '[erased]', from: { address: 'erased@erased.invalid' }, attachments: [], references: [], source: { system: 'mail', externalId: expect.stringMatching(/^erased:[\w-]{43}$/) } });
      expect(message.body).toBeUndefined();
      expect(message.messageId).toBeUndefined();
      // The thread id and the copy's key are pseudonyms too: the same for every message of the thread, the same as the copy's own key.
      expect(message.threadId).toMatch(/^erased:[\w-]{43}$/);
      const copy = await log.communications.get(seeded.copy.id);
      expect(message.mergedFrom).toEqual([{ id: seeded.copy.id, system: 'crm', externalId: copy.source!.externalId, matchedBy: 'messageId' }]);
      expect(copy.source!.externalId).toMatch(/^erased:/);
      expect((await log.customers.get(seeded.customer.id)).source).toEqual({ system: 'crm', externalId: expect.stringMatching(/^erased:/) });
      expect(interaction.source).toEqual({ system: 'phone', externalId: expect.stringMatching(/^erased:/) });
      expect((await log.followUps.get(seeded.followUp.id)).source).toEqual({ system: 'crm', externalId: expect.stringMatching(/^erased:/) });
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
      // Every record of the tenant and the whole audit trail, as the export writes them: no name,
      // no address, no part of the address (in a source key, a Message-ID, a thread id).
      let dump = '';
      for await (const line of exportTenant(log, { audit: true })) dump += line;
      expect(dump).toContain('"auditEntry"');
      for (const value of Object.values(PERSONAL)) expect(dump).not.toContain(value);
      if (options.rawStorage) {
        const raw = await options.rawStorage();
        expect(raw).toContain('INV-77'); // the search reads the rows: the financial facts are there
        for (const value of Object.values(PERSONAL)) expect(raw, `${value} in the stored rows`).not.toContain(value);
      }

      // A re-delivery of an erased record — the same, changed, or at a newer source version — is
      // recognised by its original source key and stored nowhere.
      const messages = (await log.communications.list({ limit: 100 })).items.length;
      const again = await log.communications.record({ channel: 'email', direction: 'inbound', from: { address: PERSONAL.email }, sentAt: '2026-03-05T11:00:00Z', body: PERSONAL.text, source: { ...IDENTIFIERS.messageSource, version: 9 } });
      expect(again).toMatchObject({ outcome: 'unchanged', record: { id: seeded.message.id, subject: '[erased]' } });
      const resync = await log.ingest([
        { model: 'customer', data: { displayName: PERSONAL.name, identifiers: [{ type: 'email', value: PERSONAL.email }], source: IDENTIFIERS.customerSource } },
        { model: 'interaction', data: { customer: { id: seeded.customer.id }, channel: 'phone', direction: 'inbound', purpose: 'payment_promise', subject: PERSONAL.text, occurredAt: '2026-03-05T10:00:00Z', source: IDENTIFIERS.callSource } },
        { model: 'communication', data: { customer: { id: seeded.customer.id }, channel: 'email', direction: 'inbound', sentAt: '2026-03-05T11:00:02Z', body: PERSONAL.text, source: IDENTIFIERS.copySource } },
      ]);
      expect(resync).toMatchObject({ unchanged: 3, created: 0, updated: 0, rejected: 0 });
      expect((await log.communications.list({ limit: 100 })).items).toHaveLength(messages);
      expect(await log.customers.resolve({ type: 'email', value: PERSONAL.email })).toBeUndefined();
      expect((await log.customers.get(seeded.customer.id)).displayName).toBe('Erased customer');
      // The original key still finds the erased record; a second erasure changes nothing.
      expect((await log.communications.getBySource(IDENTIFIERS.messageSource))?.id).toBe(seeded.message.id);
      expect(await log.customers.erase(seeded.customer.id, { reason: 'repeated request' })).toMatchObject({ records: 0 });
      expect((await log.communications.get(seeded.message.id)).source).toEqual(message.source);
      expect((await log.audit.verify()).ok).toBe(true);
      await adapter.close();
    });
  });
}
