/**
 * One clean timeline from many systems, through the public API: records from a CRM, a mail server,
 * a phone system and the ERP, naming the customer their own way, some of them twice.
 */
import { describe, expect, it } from 'vitest';
import { createTouchlog, threadConversations, toInstant, type CommunicationInput } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { steppingClock } from 'touchlog/testing';

describe('a multi-source timeline', () => {
  it('resolves, de-duplicates and threads records from CRM, mail, phone and ERP into one exact timeline', async () => {
    const log = createTouchlog({
      adapter: memoryAdapter(),
      tenant: 'acme',
      actor: 'svc:sync',
      clock: steppingClock('2026-05-01T00:00:00Z'),
      dedupe: { priority: ['mail', 'phone', 'crm'] },
    });
    // Known by email in the CRM and by number in the ERP.
    const { record: customer } = await log.customers.record({
      displayName: 'Northwind Traders',
      identifiers: [
        { type: 'email', value: 'ap@northwind.example' },
        { type: 'phone', value: '+1 415 555 2671' },
        { type: 'external', system: 'erp', value: 'C-2001' },
      ],
    });
    const erp = { type: 'external' as const, system: 'erp', value: 'C-2001' };
    await log.finance.record({ type: 'invoice', customer: erp, ref: 'INV-1042', issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z', amount: { amountMinor: 1_850_000, currency: 'USD' }, source: { system: 'erp', externalId: 'INV-1042' } });

    // A case in the CRM, and a forwarded thread about it.
    const { record: dispute } = await log.interactions.record({ customer: { type: 'email', value: 'ap@northwind.example' }, channel: 'email', direction: 'inbound', purpose: 'dispute', subject: 'Freight charged twice on INV-1042', occurredAt: '2026-03-04T09:00:00Z', links: [{ kind: 'invoice', ref: 'INV-1042' }], source: { system: 'crm', externalId: 'CASE-1' } });
    const mail = (n: string, at: string, extra: Partial<CommunicationInput>): CommunicationInput => ({
      channel: 'email',
      direction: 'inbound',
      from: { address: 'ap@northwind.example', name: 'Jane Roe' },
      to: [{ address: 'billing@seller.example' }],
      sentAt: at,
      messageId: `<${n}@northwind.example>`,
      source: { system: 'mail', externalId: `${n}@northwind.example` },
      ...extra,
    });
    const thread = [
      mail('m1', '2026-03-04T09:00:05Z', { subject: 'Freight charged twice on INV-1042', body: 'We were charged freight twice.' }),
      mail('m2', '2026-03-04T15:00:00Z', { direction: 'outbound', from: { address: 'billing@seller.example' }, to: [{ address: 'ap@northwind.example' }], subject: 'Re: Freight charged twice on INV-1042', body: 'Checking with logistics.', inReplyTo: '<m1@northwind.example>', references: ['<m1@northwind.example>'] }),
      mail('m3', '2026-03-05T08:00:00Z', { subject: 'Fwd: Re: Freight charged twice on INV-1042', body: 'Forwarding the delivery note.', references: ['<m1@northwind.example>', '<m2@northwind.example>'], attachments: [{ name: 'delivery-note.pdf', mediaType: 'application/pdf', size: 20_480 }] }),
    ];
    // Threaded as they are recorded: the same thread ids as threading the three at once.
    const threads = threadConversations(thread.map((m, i) => ({ ...m, id: String(i), sentAt: toInstant(m.sentAt)! })));
    for (const [i, message] of thread.entries()) {
      const { record } = await log.communications.record({ ...message, interactionId: dispute.id });
      expect(record.threadId).toBe(threads.threadIds.get(String(i)));
    }
    // The CRM logged the first email too, through BCC.
    const bcc = await log.communications.record({ ...thread[0]!, source: { system: 'crm', externalId: 'BCC-991' }, customer: { id: customer.id } });
    expect(bcc.record.duplicateOf).toBeDefined();

    // The same call, from the phone system and from the agent's note 40 seconds later.
    const phone = await log.interactions.record({ customer: { type: 'phone', value: '(415) 555-2671'.replace('(415) ', '+1 415 ') }, channel: 'phone', direction: 'inbound', purpose: 'other', occurredAt: '2026-03-06T10:00:00Z', durationSeconds: 300, source: { system: 'phone', externalId: 'CALL-88' } });
    const note = await log.interactions.record({ customer: { type: 'email', value: 'ap@northwind.example' }, channel: 'phone', direction: 'inbound', purpose: 'dispute', subject: 'Call about INV-1042', summary: 'Agreed to issue a corrected invoice.', occurredAt: '2026-03-06T10:00:40Z', links: [{ kind: 'invoice', ref: 'INV-1042' }], source: { system: 'crm', externalId: 'CASE-1-CALL' } });
    expect(note.record.duplicateOf).toBe(phone.record.id);

    // Two unrelated emails with the same subject on different days.
    await log.communications.record(mail('q1', '2026-03-10T09:00:00Z', { subject: 'Statement request', body: 'Please send our March statement.' }));
    await log.communications.record(mail('q2', '2026-03-20T09:00:00Z', { subject: 'Statement request', body: 'Please send our March statement.', source: { system: 'crm', externalId: 'BCC-q2' } }));

    const timeline = (await log.timeline(customer.id, { limit: 100 })).items.map((entry) => {
      const record = entry.record as { subject?: string; ref?: string; source?: { system: string }; mergedFrom?: Array<{ system?: string; matchedBy: string }>; threadId?: string };
      return [
        entry.at.slice(0, 16),
        entry.kind,
        record.subject ?? record.ref ?? '',
        record.source?.system,
        (record.mergedFrom ?? []).map((m) => `${m.system}:${m.matchedBy}`).join(' '),
        record.threadId ?? '',
      ];
    });
    expect(timeline).toEqual([
      ['2026-03-01T00:00', 'invoice_issued', 'INV-1042', 'erp', '', ''],
      ['2026-03-04T09:00', 'interaction', 'Freight charged twice on INV-1042', 'crm', '', ''],
      ['2026-03-04T09:00', 'communication', 'Freight charged twice on INV-1042', 'mail', 'crm:messageId', 'm1@northwind.example'],
      ['2026-03-04T15:00', 'communication', 'Re: Freight charged twice on INV-1042', 'mail', '', 'm1@northwind.example'],
      ['2026-03-05T08:00', 'communication', 'Fwd: Re: Freight charged twice on INV-1042', 'mail', '', 'm1@northwind.example'],
      ['2026-03-06T10:00', 'interaction', '', 'phone', 'crm:fingerprint', ''],
      // The same subject, no reply prefix: two requests, two conversations.
      ['2026-03-10T09:00', 'communication', 'Statement request', 'mail', '', 'q1@northwind.example'],
      ['2026-03-20T09:00', 'communication', 'Statement request', 'crm', '', 'q2@northwind.example'],
      ['2026-03-31T00:00', 'invoice_due', 'INV-1042', 'erp', '', ''],
    ]);

    // The thread is attached to the case; the phone record gained the agent's link to the invoice.
    const messages = (await log.communications.list({ customerId: customer.id, limit: 100 })).items;
    expect(messages.filter((m) => m.interactionId === dispute.id && m.duplicateOf === undefined).map((m) => m.subject)).toEqual([
      'Freight charged twice on INV-1042',
      'Re: Freight charged twice on INV-1042',
      'Fwd: Re: Freight charged twice on INV-1042',
    ]);
    const call = await log.interactions.get(phone.record.id);
    expect(call.links).toEqual([{ kind: 'invoice', ref: 'INV-1042', role: 'subject' }]);
    expect((await log.linked({ kind: 'invoice', ref: 'INV-1042' })).items.map((i) => i.record.id)).not.toContain(note.record.id);
    // Each system still finds its own record by its source key.
    expect((await log.interactions.getBySource({ system: 'crm', externalId: 'CASE-1-CALL' }))?.duplicateOf).toBe(phone.record.id);
    expect((await log.audit.verify()).ok).toBe(true);
  });

  it('lets a copy from a more trusted system take the place of the one recorded first', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:sync', clock: steppingClock(), dedupe: { priority: ['mail', 'crm'] } });
    const { record: customer } = await log.customers.record({ displayName: 'Northwind', identifiers: [{ type: 'email', value: 'ap@northwind.example' }] });
    const message: CommunicationInput = { channel: 'email', direction: 'inbound', from: { address: 'ap@northwind.example' }, subject: 'Invoice query', body: 'Where is INV-7?', sentAt: '2026-03-04T09:00:00Z', messageId: '<x1@northwind.example>' };
    const crm = await log.communications.record({ ...message, source: { system: 'crm', externalId: 'BCC-1' }, links: [{ kind: 'invoice', ref: 'INV-7' }] });
    const mail = await log.communications.record({ ...message, source: { system: 'mail', externalId: 'x1@northwind.example' } });
    expect(mail.record.duplicateOf).toBeUndefined();
    expect(mail.record.mergedFrom).toEqual([{ id: crm.record.id, system: 'crm', externalId: 'BCC-1', matchedBy: 'messageId' }]);
    expect(mail.record.links).toEqual([{ kind: 'invoice', ref: 'INV-7', role: 'subject' }]);
    expect((await log.communications.get(crm.record.id)).duplicateOf).toBe(mail.record.id);
    expect((await log.timeline(customer.id)).items.map((e) => e.record.id)).toEqual([mail.record.id]);
    expect((await log.audit.history(crm.record.id)).items.map((e) => e.action)).toEqual(['create', 'update']);
    // Switched off, both copies show.
    const plain = createTouchlog({ adapter: log.adapter, tenant: 'other', actor: 'x', dedupe: false });
    const { record: c2 } = await plain.customers.record({ displayName: 'N', identifiers: [{ type: 'email', value: 'ap@northwind.example' }] });
    await plain.communications.record({ ...message, source: { system: 'crm', externalId: 'BCC-1' } });
    await plain.communications.record({ ...message, source: { system: 'mail', externalId: 'x1' } });
    expect((await plain.timeline(c2.id)).items).toHaveLength(2);
  });
});
