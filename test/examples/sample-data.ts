/**
 * A small, fixed data set as NDJSON lines (the `touchlog/interop` import format), for the command
 * line, HTTP service and browser tests. Scored as of 2026-06-01:
 *
 * - Northwind Traders (erp:C-2001, ap@northwind.example): four USD 10,000.00 invoices, the first
 *   three paid 2, 10 and 25 days late, the fourth 27 days past due; a disputed call, a reminder.
 * - Globex Corporation (erp:C-3001): three USD 50,000.00 invoices, none paid (the oldest over 90
 *   days past due): the top of the collections worklist.
 */
export const AS_OF = '2026-06-01';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const line = (model: string, data: unknown) => JSON.stringify({ model, data });
const usd = (major: number) => ({ amountMinor: major * 100, currency: 'USD' });

function invoices(customer: string, prefix: string, amount: number, issued: readonly string[]): string[] {
  return issued.map((day, i) =>
    line('financialRecord', {
      type: 'invoice',
      customer: { type: 'external', system: 'erp', value: customer },
      ref: `${prefix}${i + 1}`,
      issuedAt: `${day}T00:00:00Z`,
      dueAt: iso(Date.parse(`${day}T00:00:00Z`) + 30 * DAY),
      amount: usd(amount),
      status: 'open',
      source: { system: 'erp', externalId: `${prefix}${i + 1}` },
    }),
  );
}

/** The data set, one NDJSON line per record. */
export function sampleLines(): string[] {
  const northwindIssued = ['2026-01-05', '2026-02-05', '2026-03-05', '2026-04-05'];
  const lateBy = [2, 10, 25];
  return [
    line('customer', {
      displayName: 'Northwind Traders',
      identifiers: [
        { type: 'email', value: 'ap@northwind.example' },
        { type: 'external', system: 'erp', value: 'C-2001' },
      ],
      creditTerms: { netDays: 30 },
      source: { system: 'crm', externalId: 'ACC-2001' },
    }),
    line('customer', {
      displayName: 'Globex Corporation',
      identifiers: [
        { type: 'email', value: 'ap@globex.example' },
        { type: 'external', system: 'erp', value: 'C-3001' },
      ],
      creditTerms: { netDays: 30 },
      source: { system: 'crm', externalId: 'ACC-3001' },
    }),
    ...invoices('C-2001', 'INV-100', 10_000, northwindIssued),
    ...lateBy.map((days, i) =>
      line('financialRecord', {
        type: 'payment',
        customer: { type: 'external', system: 'erp', value: 'C-2001' },
        ref: `PAY-100${i + 1}`,
        receivedAt: iso(Date.parse(`${northwindIssued[i]}T00:00:00Z`) + (30 + days) * DAY),
        amount: usd(10_000),
        allocations: [{ invoiceRef: `INV-100${i + 1}`, amount: usd(10_000) }],
        source: { system: 'erp', externalId: `PAY-100${i + 1}` },
      }),
    ),
    line('interaction', {
      customer: { type: 'email', value: 'ap@northwind.example' },
      channel: 'phone',
      direction: 'inbound',
      purpose: 'dispute',
      subject: 'Freight charged twice on INV-1003',
      occurredAt: '2026-04-10T14:20:00+02:00',
      links: [{ kind: 'invoice', ref: 'INV-1003', role: 'disputes' }],
      source: { system: 'phone', externalId: 'CALL-77' },
    }),
    line('communication', {
      channel: 'email',
      direction: 'outbound',
      from: { address: 'billing@seller.example' },
      to: [{ address: 'ap@northwind.example' }],
      subject: 'Reminder: INV-1004 is past due',
      sentAt: '2026-05-10T08:00:00Z',
      notificationType: 'payment_reminder',
      links: [{ kind: 'invoice', ref: 'INV-1004' }],
      source: { system: 'mail', externalId: 'reminder-1004@seller.example' },
    }),
    ...invoices('C-3001', 'INV-200', 50_000, ['2026-01-10', '2026-02-10', '2026-03-10']),
  ];
}

/** The data set as NDJSON text. */
export function sampleNdjson(): string {
  return `${sampleLines().join('\n')}\n`;
}
