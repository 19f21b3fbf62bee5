/** Generated AR rows as customer histories (invoices, payments allocated to them, disputes). */
import type { CustomerHistory, DisputeFacts, InvoiceFacts, InvoiceRow, PaymentFacts } from 'touchlog';

const DAY = 86_400_000;
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

/** A row's day as a stored instant (UTC midnight). */
const instant = (day: unknown) => `${String(day).slice(0, 10)}T00:00:00.000Z`;

/** Each row becomes an invoice, a payment on its settled date, and a dispute opened a few days after its issue. */
export function historiesOf(rows: readonly InvoiceRow[]): Map<string, CustomerHistory> {
  const out = new Map<string, { invoices: InvoiceFacts[]; payments: PaymentFacts[]; disputes: DisputeFacts[] }>();
  rows.forEach((row, i) => {
    let h = out.get(row.customer);
    if (h === undefined) {
      h = { invoices: [], payments: [], disputes: [] };
      out.set(row.customer, h);
    }
    const ref = row.ref ?? `R-${i}`;
    const amount = usd(row.amountMinor ?? 100_00);
    h.invoices.push({ ref, issuedAt: instant(row.invoiceDate), dueAt: instant(row.dueDate), amount });
    if (row.settledDate) h.payments.push({ ref: `${ref}-P`, receivedAt: instant(row.settledDate), amount, allocations: [{ invoiceRef: ref, amount }] });
    if (row.disputed) {
      const opened = new Date(Date.parse(String(row.invoiceDate)) + 3 * DAY).toISOString();
      h.disputes.push({ ref: `${ref}-D`, invoiceRef: ref, openedAt: opened, amount, status: 'open' });
    }
  });
  return out as Map<string, CustomerHistory>;
}
