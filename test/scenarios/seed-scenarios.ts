/**
 * The seed scenarios, end to end through the public API: a disputed invoice corrected and
 * resolved; an invoice with its billing email, two reminders and the payment confirmation; a
 * billing discrepancy resolved with a credit note. Each asserts the exact timeline, statuses and
 * audit history. Run on every adapter.
 */
import { describe, expect, it } from 'vitest';
import { createTouchlog, type StorageAdapter, type Touchlog } from 'touchlog';
import { steppingClock } from 'touchlog/testing';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

export function describeSeedScenarios(name: string, createAdapter: () => Promise<StorageAdapter> | StorageAdapter): void {
  describe(`seed scenarios on ${name}`, () => {
    async function setup(tenant: string): Promise<{ log: Touchlog; customerId: string }> {
      const adapter = await createAdapter();
      await adapter.migrate();
      const log = createTouchlog({ adapter, tenant, actor: 'svc:erp-sync', clock: steppingClock('2026-06-01T00:00:00Z', 1000) });
      const { record } = await log.customers.record({
        displayName: 'Northwind Traders',
        identifiers: [
          { type: 'email', value: 'ap@northwind.example' },
          { type: 'external', system: 'erp', value: 'C-2001' },
        ],
        creditTerms: { netDays: 30 },
      });
      return { log, customerId: record.id };
    }

    const timeline = async (log: Touchlog, customerId: string) =>
      (await log.timeline(customerId, { limit: 100 })).items.map((entry) => {
        const record = entry.record as { status?: string; delivery?: { status: string }; ref?: string; subject?: string };
        return [entry.at.slice(0, 10), entry.kind, record.ref ?? record.subject ?? '', record.status ?? record.delivery?.status ?? ''];
      });

    it('a disputed invoice of $18,500 is corrected and the resolution logged', async () => {
      const { log, customerId } = await setup(`dispute-${name}`);
      const erp = { type: 'external' as const, system: 'erp', value: 'C-2001' };
      const invoice = (await log.finance.record({ type: 'invoice', customer: erp, ref: 'INV-1042', issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z', amount: usd(1_850_000), source: { system: 'erp', externalId: 'INV-1042', version: 1 } })).record;
      const call = (
        await log.interactions.record({
          customer: { type: 'email', value: 'ap@northwind.example' },
          channel: 'phone',
          direction: 'inbound',
          purpose: 'dispute',
          subject: 'Freight charged twice on INV-1042',
          occurredAt: '2026-03-05T14:20:00Z',
          durationSeconds: 540,
          links: [{ kind: 'invoice', ref: 'INV-1042', role: 'disputes', amount: usd(1_850_000) }],
          source: { system: 'phone', externalId: 'CALL-88' },
        })
      ).record;
      const dispute = (await log.finance.record({ type: 'dispute', customer: erp, ref: 'DSP-7', invoiceRef: 'INV-1042', openedAt: '2026-03-05T14:30:00Z', amount: usd(1_850_000), reason: 'Freight billed twice', links: [{ kind: 'invoice', ref: 'INV-1042' }] })).record;
      await log.interactions.transition(call.id, 'pending', { reason: 'waiting for the corrected invoice' });
      // The ERP voids the original and issues the corrected invoice.
      await log.finance.record({ type: 'invoice', customer: erp, ref: 'INV-1042', issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z', amount: usd(1_850_000), status: 'void', source: { system: 'erp', externalId: 'INV-1042', version: 2 } });
      await log.finance.record({ type: 'invoice', customer: erp, ref: 'INV-1042-C', replaces: 'INV-1042', issuedAt: '2026-03-08T00:00:00Z', dueAt: '2026-04-07T00:00:00Z', amount: usd(1_700_000), source: { system: 'erp', externalId: 'INV-1042-C', version: 1 } });
      const resolved = await log.finance.resolveDispute(dispute.id, { outcome: 'upheld', resolvedAt: '2026-03-08T10:00:00Z', correctedInvoiceRef: 'INV-1042-C', note: 'Duplicate freight line removed' });
      expect(resolved).toMatchObject({ status: 'resolved', outcome: 'upheld', resolution: { correctedInvoiceRef: 'INV-1042-C' } });
      const closed = await log.interactions.transition(call.id, 'resolved', { outcome: { code: 'corrected_invoice_issued', note: 'INV-1042-C replaces INV-1042', resolvedAt: '2026-03-08T10:05:00Z' } });
      expect(closed.outcome).toEqual({ code: 'corrected_invoice_issued', note: 'INV-1042-C replaces INV-1042', resolvedAt: '2026-03-08T10:05:00.000Z', resolvedBy: 'svc:erp-sync' });

      expect(await timeline(log, customerId)).toEqual([
        ['2026-03-01', 'invoice_issued', 'INV-1042', 'void'],
        ['2026-03-05', 'interaction', 'Freight charged twice on INV-1042', 'resolved'],
        ['2026-03-05', 'dispute_opened', 'DSP-7', 'resolved'],
        ['2026-03-08', 'invoice_issued', 'INV-1042-C', 'open'],
        ['2026-03-08', 'dispute_resolved', 'DSP-7', 'resolved'],
        ['2026-03-31', 'invoice_due', 'INV-1042', 'void'],
        ['2026-04-07', 'invoice_due', 'INV-1042-C', 'open'],
      ]);
      // Everything about the disputed invoice, and about the dispute.
      const aboutInvoice = (await log.linked({ kind: 'invoice', ref: 'INV-1042' })).items.map((i) => i.record.id);
      expect(aboutInvoice).toEqual([invoice.id, call.id, dispute.id, (await log.finance.findByRef('invoice', 'INV-1042-C'))!.id]);
      expect((await log.linked({ kind: 'invoice', ref: 'INV-1042-C' })).items.map((i) => i.model)).toEqual(['financialRecord', 'financialRecord']);
      const history = (await log.audit.history(call.id)).items;
      expect(history.map((e) => [e.action, e.version])).toEqual([['create', 1], ['transition', 2], ['transition', 3]]);
      expect(history[1]).toMatchObject({ reason: 'waiting for the corrected invoice', changes: [{ path: 'status', before: 'open', after: 'pending' }] });
      expect((await log.audit.history(invoice.id)).items.map((e) => [e.action, e.changes.map((c) => `${c.path}:${String(c.before)}→${String(c.after)}`)])).toEqual([
        ['create', expect.any(Array)],
        ['update', ['source.version:1→2', 'status:open→void']],
      ]);
      expect((await log.audit.verify()).ok).toBe(true);
    });

    it('a $16,400 invoice with its billing email, two reminders and the payment confirmation', async () => {
      const { log, customerId } = await setup(`reminders-${name}`);
      const email = (n: string, at: string, notificationType: 'invoice_notice' | 'payment_reminder' | 'payment_confirmation', subject: string) =>
        log.communications.record({
          channel: 'email',
          direction: 'outbound',
          from: { address: 'billing@seller.example' },
          to: [{ address: 'ap@northwind.example' }],
          subject,
          body: `${subject}. Amount: $16,400.00.`,
          sentAt: at,
          notificationType,
          messageId: `<${n}@seller.example>`,
          links: [{ kind: 'invoice', ref: 'INV-2210' }],
          source: { system: 'mail', externalId: `${n}@seller.example` },
        });
      await log.finance.record({ type: 'invoice', customer: { type: 'external', system: 'erp', value: 'C-2001' }, ref: 'INV-2210', issuedAt: '2026-04-01T00:00:00Z', dueAt: '2026-05-01T00:00:00Z', amount: usd(1_640_000), source: { system: 'erp', externalId: 'INV-2210' } });
      const notice = (await email('notice', '2026-04-01T09:00:00Z', 'invoice_notice', 'Invoice INV-2210')).record;
      await email('reminder-1', '2026-05-04T09:00:00Z', 'payment_reminder', 'Reminder: INV-2210 is overdue');
      const second = (await email('reminder-2', '2026-05-18T09:00:00Z', 'payment_reminder', 'Second reminder: INV-2210')).record;
      await log.communications.markDelivery(second.id, { status: 'delivered', at: '2026-05-18T09:00:05Z' });
      await log.communications.markDelivery(second.id, { status: 'opened', at: '2026-05-18T11:42:00Z' });
      await log.finance.record({ type: 'payment', customer: { type: 'external', system: 'erp', value: 'C-2001' }, ref: 'PAY-5531', receivedAt: '2026-05-22T00:00:00Z', amount: usd(1_640_000), allocations: [{ invoiceRef: 'INV-2210', amount: usd(1_640_000) }], source: { system: 'erp', externalId: 'PAY-5531' } });
      await log.finance.record({ type: 'invoice', customer: { type: 'external', system: 'erp', value: 'C-2001' }, ref: 'INV-2210', issuedAt: '2026-04-01T00:00:00Z', dueAt: '2026-05-01T00:00:00Z', amount: usd(1_640_000), status: 'paid', source: { system: 'erp', externalId: 'INV-2210', version: 1 } });
      await email('confirmation', '2026-05-22T10:00:00Z', 'payment_confirmation', 'Payment received for INV-2210');

      expect(await timeline(log, customerId)).toEqual([
        ['2026-04-01', 'invoice_issued', 'INV-2210', 'paid'],
        ['2026-04-01', 'communication', 'Invoice INV-2210', 'sent'],
        ['2026-05-01', 'invoice_due', 'INV-2210', 'paid'],
        ['2026-05-04', 'communication', 'Reminder: INV-2210 is overdue', 'sent'],
        ['2026-05-18', 'communication', 'Second reminder: INV-2210', 'opened'],
        ['2026-05-22', 'payment_received', 'PAY-5531', ''],
        ['2026-05-22', 'communication', 'Payment received for INV-2210', 'sent'],
      ]);
      expect((await log.communications.get(second.id)).delivery.history.map((h) => h.status)).toEqual(['sent', 'delivered', 'opened']);
      const reminders = await log.communications.list({ customerId, kind: 'payment_reminder' });
      expect(reminders.items.map((m) => m.subject)).toEqual(['Reminder: INV-2210 is overdue', 'Second reminder: INV-2210']);
      expect((await log.linked({ kind: 'invoice', ref: 'INV-2210' })).items).toHaveLength(6);
      // Re-running the mail import changes nothing.
      expect((await email('notice', '2026-04-01T09:00:00Z', 'invoice_notice', 'Invoice INV-2210')).outcome).toBe('unchanged');
      expect((await log.audit.history(notice.id)).items.map((e) => e.action)).toEqual(['create']);
      expect((await log.audit.history(second.id)).items.map((e) => e.action)).toEqual(['create', 'transition', 'transition']);
      expect((await log.audit.verify()).ok).toBe(true);
    });

    it('a billing discrepancy resolved with a credit note', async () => {
      const { log, customerId } = await setup(`credit-${name}`);
      const erp = { type: 'external' as const, system: 'erp', value: 'C-2001' };
      await log.finance.record({ type: 'invoice', customer: erp, ref: 'INV-3300', issuedAt: '2026-05-02T00:00:00Z', dueAt: '2026-06-01T00:00:00Z', amount: usd(420_000), source: { system: 'erp', externalId: 'INV-3300' } });
      const query = (
        await log.interactions.record({
          customer: erp,
          channel: 'email',
          direction: 'inbound',
          purpose: 'billing_query',
          subject: 'Unit price on INV-3300 does not match our contract',
          occurredAt: '2026-05-06T08:00:00Z',
          links: [{ kind: 'invoice', ref: 'INV-3300' }, { kind: 'contract', ref: 'CT-19' }],
        })
      ).record;
      const task = (await log.followUps.record({ interactionId: query.id, action: 'Check contract CT-19 prices', dueAt: '2026-05-08T17:00:00Z', assignee: 'agent:lena' })).record;
      expect(task.customerId).toBe(customerId);
      await log.followUps.complete(task.id, { note: 'Contract price is 12% lower' });
      await log.finance.record({ type: 'credit_note', customer: erp, ref: 'CN-118', invoiceRef: 'INV-3300', issuedAt: '2026-05-09T00:00:00Z', amount: usd(50_400), reason: 'Price difference to contract CT-19', source: { system: 'erp', externalId: 'CN-118' } });
      const resolved = await log.interactions.transition(query.id, 'resolved', { outcome: { code: 'credit_issued', note: 'CN-118 for $504.00', resolvedAt: '2026-05-09T09:00:00Z' } });
      await log.interactions.update(resolved.id, { links: [...resolved.links, { kind: 'credit_note', ref: 'CN-118', role: 'resolves' }] }, { expectedVersion: resolved.version });

      expect(await timeline(log, customerId)).toEqual([
        ['2026-05-02', 'invoice_issued', 'INV-3300', 'open'],
        ['2026-05-06', 'interaction', 'Unit price on INV-3300 does not match our contract', 'resolved'],
        ['2026-05-08', 'follow_up_due', '', 'done'],
        ['2026-05-09', 'credit_note_issued', 'CN-118', ''],
        ['2026-06-01', 'invoice_due', 'INV-3300', 'open'],
      ]);
      expect((await log.linked({ kind: 'credit_note', ref: 'CN-118' })).items.map((i) => i.model)).toEqual(['interaction', 'financialRecord']);
      expect((await log.linked({ kind: 'contract', ref: 'CT-19' })).items.map((i) => i.record.id)).toEqual([query.id]);
      const history = (await log.audit.history(query.id)).items;
      expect(history.map((e) => [e.action, e.version])).toEqual([['create', 1], ['transition', 2], ['update', 3]]);
      expect(history[2]!.changes).toEqual([{ path: 'links', before: resolved.links, after: [...resolved.links, { kind: 'credit_note', ref: 'CN-118', role: 'resolves' }] }]);
      expect((await log.audit.history(task.id)).items.map((e) => e.action)).toEqual(['create', 'transition']);
      expect((await log.followUps.get(task.id))).toMatchObject({ status: 'done', completedBy: 'svc:erp-sync', note: 'Contract price is 12% lower' });
      expect((await log.audit.verify()).ok).toBe(true);
    });
  });
}
