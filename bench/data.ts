/**
 * The realistic data the benchmarks share: customers known by their ERP number and ~1 KB
 * interactions naming them, deterministic in their index.
 */

/** How many customers the interactions are spread over. */
export const CUSTOMERS = 500;
const PURPOSES = ['billing_query', 'payment_reminder', 'dispute', 'inquiry', 'payment_promise'] as const;
const CHANNELS = ['email', 'phone', 'chat', 'portal'] as const;
/** When interaction 0 happened; interaction `i` follows `i` minutes later. */
export const START = Date.UTC(2020, 0, 1);

/** A customer known by its ERP number. */
export function benchCustomer(n: number) {
  return {
    displayName: `Customer ${n}`,
    identifiers: [
      { type: 'external' as const, system: 'erp', value: `C-${1000 + n}` },
      { type: 'email' as const, value: `ap${n}@customer.example` },
    ],
    source: { system: 'erp', externalId: `C-${1000 + n}` },
  };
}

/** A realistic interaction (about 1 KB stored), naming its customer by ERP number. */
export function benchInteraction(i: number) {
  return {
    customer: { type: 'external', system: 'erp', value: `C-${1000 + (i % CUSTOMERS)}` },
    channel: CHANNELS[i % CHANNELS.length],
    direction: i % 3 === 0 ? 'outbound' : 'inbound',
    purpose: PURPOSES[i % PURPOSES.length],
    subject: `Question about invoice INV-${10_000 + i}`,
    summary: 'Customer asks why the freight line appears twice and whether a corrected invoice will follow.',
    occurredAt: new Date(START + i * 60_000).toISOString(),
    durationSeconds: 240,
    participants: [
      { role: 'customer', name: 'Jane Roe', address: `jane.${i % CUSTOMERS}@customer.example` },
      { role: 'agent', name: 'Maria Agent', address: 'maria@seller.example' },
    ],
    source: { system: 'crm', externalId: `CASE-${i}`, version: 1 },
    status: 'open',
    links: [{ kind: 'invoice', ref: `INV-${10_000 + i}`, amount: { amountMinor: 1_850_000 + i, currency: 'USD' } }],
    tags: ['billing', 'q1'],
    priority: 'normal',
    metadata: { crmQueue: 'ar-emea', sla: { hours: 24 } },
  };
}

/**
 * The write-path workload of the ingest benchmarks: an interaction with a subject of about 40
 * characters, a summary of about 400 and one invoice link, naming its customer by ERP number —
 * what a CRM sync records for each call or case.
 */
export function writePathInteraction(i: number) {
  return {
    customer: { type: 'external' as const, system: 'erp', value: `C-${1000 + (i % CUSTOMERS)}` },
    channel: CHANNELS[i % CHANNELS.length]!,
    direction: i % 3 === 0 ? ('outbound' as const) : ('inbound' as const),
    purpose: PURPOSES[i % PURPOSES.length]!,
    subject: `Freight line charged twice on INV-${100_000 + i}`,
    summary: SUMMARY,
    occurredAt: new Date(START + i * 60_000).toISOString(),
    source: { system: 'crm', externalId: `CASE-${i}` },
    links: [{ kind: 'invoice' as const, ref: `INV-${100_000 + i}` }],
  };
}

const SUMMARY =
  'The customer says the freight line on the invoice appears twice and asks for a corrected invoice before the payment run; ' +
  'they will pay the undisputed part on Friday. The agent checked the delivery notes: one shipment only, so the second freight ' +
  'line is an error. Promised a credit note within two working days and a call back to confirm. Dunning letters are held until then.';
