/**
 * A generated AR history in a store: customers (with segments), invoices, payments, disputes,
 * promises and reminders, and the same facts as customer histories for the pure functions.
 */
import { createTouchlog, type CustomerHistory, type IngestItem, type InvoiceRow, type MessageFacts, type PaymentPromiseFacts, type Touchlog } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { deterministicIds, generateReceivables, steppingClock } from 'touchlog/testing';
import { historiesOf } from './histories.js';

const DAY = 86_400_000;
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const erp = (value: string) => ({ type: 'external' as const, system: 'erp', value });

export interface StoredReceivables {
  readonly log: Touchlog;
  readonly rows: InvoiceRow[];
  /** Histories by customer key (C-1000...), as the pure functions get them. */
  readonly histories: Map<string, CustomerHistory>;
  /** touchlog id by customer key. */
  readonly ids: Map<string, string>;
  readonly segments: Map<string, string>;
}

/** Seeds a memory store with `customers` generated customers; their last invoices get a promise and a reminder. */
export async function storedReceivables(options: { customers: number; seed: number }, adapter = memoryAdapter()): Promise<StoredReceivables> {
  const { rows } = generateReceivables({ seed: options.seed, customers: options.customers, from: '2024-07-01' });
  const clock = steppingClock('2026-08-01T00:00:00Z');
  const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:forecast-test', clock, ids: deterministicIds(3, clock) });
  const histories = historiesOf(rows);
  const segments = new Map<string, string>();
  const items: IngestItem[] = [];
  let n = 0;
  for (const [key, history] of histories) {
    const segment = n++ % 3 === 0 ? 'enterprise' : 'smb';
    segments.set(key, segment);
    items.push({ model: 'customer', data: { displayName: `Customer ${key}`, segment, identifiers: [erp(key)] } });
    for (const invoice of history.invoices!) items.push({ model: 'financialRecord', data: { type: 'invoice', customer: erp(key), ...invoice } });
    for (const payment of history.payments!) items.push({ model: 'financialRecord', data: { type: 'payment', customer: erp(key), ...payment } });
    for (const dispute of history.disputes!) items.push({ model: 'financialRecord', data: { type: 'dispute', customer: erp(key), ...dispute } });
    // A promise and a reminder about the customer's last invoice.
    const last = history.invoices!.at(-1)!;
    const due = Date.parse(String(last.dueAt));
    const promise: PaymentPromiseFacts = { ref: `${last.ref}-PP`, promisedAt: new Date(due + 2 * DAY).toISOString(), dueBy: new Date(due + 9 * DAY).toISOString(), amount: last.amount, invoiceRefs: [last.ref] };
    const reminder: MessageFacts = { channel: 'email', direction: 'outbound', sentAt: new Date(due + DAY).toISOString(), notificationType: 'payment_reminder', links: [{ kind: 'invoice', ref: last.ref }] };
    items.push({ model: 'financialRecord', data: { type: 'payment_promise', customer: erp(key), ...promise } });
    items.push({ model: 'communication', data: { customer: erp(key), to: [{ address: 'ap@customer.example' }], ...reminder } });
    histories.set(key, { ...history, promises: [promise], communications: [reminder] });
  }
  const report = await log.ingest(items, { batchSize: 500 });
  if (report.rejected > 0) throw new Error(JSON.stringify(report.rejections.slice(0, 3)));
  const ids = new Map<string, string>();
  for (const key of histories.keys()) ids.set(key, (await log.customers.resolve(erp(key)))!.id);
  return { log, rows, histories, ids, segments };
}

export const usdOf = usd;
