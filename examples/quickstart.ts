/**
 * Quickstart: record a customer, an invoice and a phone call about it, update the call, list and
 * read the timeline, and check the audit trail. In-memory, so it needs nothing else.
 *
 *   npx tsx examples/quickstart.ts
 */
import { createTouchlog, formatMoney } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';

const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:quickstart' });

// A customer, known by an email address and by its number in the ERP.
const { record: customer } = await log.customers.record({
  displayName: 'Northwind Traders',
  identifiers: [
    { type: 'email', value: 'ap@northwind.example' },
    { type: 'external', system: 'erp', value: 'C-2001' },
  ],
  creditTerms: { netDays: 30 },
});

// An invoice from the ERP, naming the customer by its ERP number. Money is integer minor units.
await log.finance.record({
  type: 'invoice',
  customer: { type: 'external', system: 'erp', value: 'C-2001' },
  ref: 'INV-1042',
  issuedAt: '2026-03-01T00:00:00Z',
  dueAt: '2026-03-31T00:00:00Z',
  amount: { amountMinor: 1_850_000, currency: 'USD' },
  source: { system: 'erp', externalId: 'INV-1042' },
});

// A call about it, naming the customer by email, linked to the invoice.
const { record: call } = await log.interactions.record({
  customer: { type: 'email', value: 'AP@Northwind.example' },
  channel: 'phone',
  direction: 'inbound',
  purpose: 'dispute',
  subject: 'Freight charged twice on INV-1042',
  occurredAt: '2026-03-05T14:20:00+01:00',
  links: [{ kind: 'invoice', ref: 'INV-1042', role: 'disputes' }],
  source: { system: 'phone', externalId: 'CALL-88' },
});

// Update it safely: the change applies only if nobody changed the call since version 1.
const updated = await log.interactions.update(call.id, { summary: 'Customer sent the delivery note showing one shipment.' }, { expectedVersion: 1 });
const resolved = await log.interactions.transition(call.id, 'resolved', {
  expectedVersion: updated.version,
  outcome: { code: 'corrected_invoice_issued', note: 'INV-1042-C replaces INV-1042' },
});

// List, read the timeline, find everything about the invoice.
const disputes = await log.interactions.list({ customerId: customer.id, purpose: 'dispute' });
console.log(`${disputes.items.length} dispute(s); the call is now ${resolved.status} (version ${resolved.version})`);

for (const entry of (await log.timeline(customer.id)).items) {
  const record = entry.record as { subject?: string; amount?: { amountMinor: number; currency: string } };
  console.log(entry.at.slice(0, 16), entry.kind.padEnd(15), record.subject ?? (record.amount ? formatMoney(record.amount) : ''));
}
const about = await log.linked({ kind: 'invoice', ref: 'INV-1042' });
console.log(`records about INV-1042: ${about.items.map((item) => item.model).join(', ')}`);

// Every write was audited; the chain verifies.
const history = await log.audit.history(call.id);
console.log(`call history: ${history.items.map((e) => `${e.action} v${e.version}`).join(' → ')}`);
console.log('audit chain:', (await log.audit.verify()).ok ? 'valid' : 'BROKEN');
