/**
 * Scoring throughput: the full score of every customer (payment behaviour with ageing, DSO,
 * countback, CEI and trend; interaction signals; risk) against a plain loop that computes only the
 * amount-weighted days beyond terms, over the same arrays in the same run.
 *
 * Data are generated deterministically (seeded), chunk by chunk so that memory stays flat: each
 * chunk's flat arrays (as an AR export gives them: invoices, payments with allocations, credit
 * notes, disputes, promises, interactions, messages, all with ISO date strings) are generated once,
 * then scored by both paths alternately for every round, each timed on its own, then dropped. Both
 * paths start from the flat arrays and group them per customer with a Map. The median round is
 * reported; on a shared machine compare the ratio, which both paths' noise affects alike.
 *
 *   npm run bench:score [-- --customers 100000 --invoices 20 --chunk 10000 --rounds 3]
 */
import {
  scoreCustomer,
  type CreditNoteFacts,
  type DisputeFacts,
  type InteractionFacts,
  type InvoiceFacts,
  type MessageFacts,
  type PaymentFacts,
  type PaymentPromiseFacts,
} from '../src/index.js';
import { seededRandom } from '../src/testing/index.js';
import { argNumber, median, printTable } from './util.js';

const customers = argNumber('customers', 100_000);
const invoicesPerCustomer = argNumber('invoices', 20);
const chunkSize = argNumber('chunk', 10_000);
const rounds = argNumber('rounds', 3);

const DAY = 86_400_000;
const AS_OF = Date.UTC(2026, 5, 30);
const asOf = new Date(AS_OF).toISOString();

/** Rows as an AR export or the store gives them: the facts scoring reads, plus the customer and the record type. */
type Row<T> = T & { customerId: string; type?: string };
interface Chunk {
  invoices: Row<InvoiceFacts>[];
  payments: Row<PaymentFacts & { allocations: NonNullable<PaymentFacts['allocations']> }>[];
  creditNotes: Row<CreditNoteFacts>[];
  disputes: Row<DisputeFacts>[];
  promises: Row<PaymentPromiseFacts>[];
  interactions: Row<InteractionFacts>[];
  communications: Row<MessageFacts>[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

/** A realistic customer: 20 invoices over ~20 months, mostly paid (some late, some partly, some together), with contact around them. */
function generateChunk(first: number, count: number): Chunk {
  const chunk: Chunk = { invoices: [], payments: [], creditNotes: [], disputes: [], promises: [], interactions: [], communications: [] };
  for (let c = first; c < first + count; c++) {
    const random = seededRandom(c + 1);
    const customerId = `C${c}`;
    const lateness = Math.floor(random() * 50) - 10; // this customer's habit, days beyond terms
    let pendingGroup: { ref: string; amount: number; dueAt: number }[] = [];
    for (let n = 0; n < invoicesPerCustomer; n++) {
      const ref = `${customerId}-INV-${n}`;
      const issued = AS_OF - (invoicesPerCustomer - n) * 30 * DAY + Math.floor(random() * 10) * DAY;
      const due = issued + 30 * DAY;
      const amount = 10_000 + Math.floor(random() * 2_000_000);
      chunk.invoices.push({ customerId, type: 'invoice', ref, issuedAt: iso(issued), dueAt: iso(due), amount: usd(amount), status: 'open' });
      const paidAt = due + (lateness + Math.floor(random() * 20) - 10) * DAY + 36_000_000;
      const roll = random();
      if (paidAt > AS_OF || roll < 0.04) {
        // open: reminders and maybe a promise
        chunk.communications.push({
          customerId, id: `${ref}-R1`, channel: 'email', direction: 'outbound', sentAt: iso(due + 5 * DAY), notificationType: 'payment_reminder',
          messageId: `<${ref}-r1@seller.example>`, references: [], links: [{ kind: 'invoice', ref }],
        });
        if (random() < 0.5) {
          chunk.promises.push({ customerId, type: 'payment_promise', promisedAt: iso(due + 6 * DAY), dueBy: iso(due + 20 * DAY), amount: usd(amount), invoiceRefs: [ref] });
        }
      } else if (roll < 0.14) {
        // paid in two parts
        const part = Math.floor(amount / 2);
        chunk.payments.push({ customerId, type: 'payment', ref: `${ref}-P1`, receivedAt: iso(paidAt - 10 * DAY), amount: usd(part), allocations: [{ invoiceRef: ref, amount: usd(part) }] });
        chunk.payments.push({ customerId, type: 'payment', ref: `${ref}-P2`, receivedAt: iso(paidAt), amount: usd(amount - part), allocations: [{ invoiceRef: ref, amount: usd(amount - part) }] });
      } else if (roll < 0.3) {
        // paid together with the next one
        pendingGroup.push({ ref, amount, dueAt: due });
        if (pendingGroup.length === 2) {
          const total = pendingGroup[0]!.amount + pendingGroup[1]!.amount;
          chunk.payments.push({
            customerId, type: 'payment', ref: `${ref}-PG`, receivedAt: iso(paidAt), amount: usd(total),
            allocations: pendingGroup.map((g) => ({ invoiceRef: g.ref, amount: usd(g.amount) })),
          });
          pendingGroup = [];
        }
      } else {
        let paid = amount;
        if (roll < 0.36) {
          const credit = Math.floor(amount / 10);
          paid -= credit;
          chunk.creditNotes.push({ customerId, type: 'credit_note', ref: `${ref}-CN`, issuedAt: iso(due - 5 * DAY), amount: usd(credit), invoiceRef: ref });
          chunk.disputes.push({ customerId, type: 'dispute', ref: `${ref}-D`, invoiceRef: ref, openedAt: iso(issued + 5 * DAY), amount: usd(credit), status: 'resolved' });
        }
        chunk.payments.push({ customerId, type: 'payment', ref: `${ref}-P`, receivedAt: iso(paidAt), amount: usd(paid), allocations: [{ invoiceRef: ref, amount: usd(paid) }] });
        if (lateness > 10) {
          chunk.communications.push({
            customerId, id: `${ref}-R1`, channel: 'email', direction: 'outbound', sentAt: iso(due + 3 * DAY), notificationType: 'payment_reminder',
            messageId: `<${ref}-r1@seller.example>`, references: [], links: [{ kind: 'invoice', ref }],
          });
          chunk.communications.push({
            customerId, id: `${ref}-A1`, channel: 'email', direction: 'inbound', sentAt: iso(due + 4 * DAY),
            messageId: `<${ref}-a1@customer.example>`, inReplyTo: `<${ref}-r1@seller.example>`, references: [`<${ref}-r1@seller.example>`], links: [],
          });
        }
      }
      if (random() < 0.25) {
        const at = issued + 7 * DAY;
        chunk.interactions.push({
          customerId, id: `${ref}-Q`, channel: random() < 0.5 ? 'phone' : 'email', direction: 'inbound', purpose: 'billing_query',
          occurredAt: iso(at), durationSeconds: 300 + Math.floor(random() * 600), status: 'resolved', priority: random() < 0.05 ? 'urgent' : 'normal',
          outcome: { code: random() < 0.1 ? 'escalated' : 'resolved', resolvedAt: iso(at + 2 * DAY) }, links: [{ kind: 'invoice', ref }], tags: [],
        });
        chunk.communications.push({
          customerId, id: `${ref}-QR`, channel: 'email', direction: 'outbound', sentAt: iso(at + 3_600_000), messageId: `<${ref}-qr@seller.example>`,
          references: [], links: [], interactionId: `${ref}-Q`,
        });
      }
    }
  }
  return chunk;
}

/** The baseline: amount-weighted days beyond terms per customer, a plain loop over the arrays, grouped with a Map. */
function plainLoop(chunk: Chunk): Map<string, number> {
  const invoices = new Map<string, Chunk['invoices'][number]>();
  for (const invoice of chunk.invoices) invoices.set(invoice.ref, invoice);
  const sums = new Map<string, { weighted: number; weight: number }>();
  for (const payment of chunk.payments) {
    const paid = Date.parse(payment.receivedAt as string);
    for (const allocation of payment.allocations) {
      const invoice = invoices.get(allocation.invoiceRef);
      if (invoice === undefined) continue;
      const days = Math.floor(paid / DAY) - Math.floor(Date.parse(invoice.dueAt as string) / DAY);
      let sum = sums.get(payment.customerId);
      if (sum === undefined) sums.set(payment.customerId, (sum = { weighted: 0, weight: 0 }));
      sum.weighted += allocation.amount.amountMinor * days;
      sum.weight += allocation.amount.amountMinor;
    }
  }
  const out = new Map<string, number>();
  for (const [customerId, sum] of sums) out.set(customerId, sum.weighted / sum.weight);
  return out;
}

interface History {
  invoices: Chunk['invoices'];
  payments: Chunk['payments'];
  creditNotes: Chunk['creditNotes'];
  disputes: Chunk['disputes'];
  promises: Chunk['promises'];
  interactions: Chunk['interactions'];
  communications: Chunk['communications'];
}

/** The full score: group the arrays per customer (a Map, as the baseline does), then score each. */
function fullScore(chunk: Chunk): number {
  const histories = new Map<string, History>();
  const of = (customerId: string): History => {
    let h = histories.get(customerId);
    if (h === undefined) histories.set(customerId, (h = { invoices: [], payments: [], creditNotes: [], disputes: [], promises: [], interactions: [], communications: [] }));
    return h;
  };
  for (const row of chunk.invoices) of(row.customerId).invoices.push(row);
  for (const row of chunk.payments) of(row.customerId).payments.push(row);
  for (const row of chunk.creditNotes) of(row.customerId).creditNotes.push(row);
  for (const row of chunk.disputes) of(row.customerId).disputes.push(row);
  for (const row of chunk.promises) of(row.customerId).promises.push(row);
  for (const row of chunk.interactions) of(row.customerId).interactions.push(row);
  for (const row of chunk.communications) of(row.customerId).communications.push(row);
  let checksum = 0;
  for (const history of histories.values()) {
    const { risk, payment } = scoreCustomer(history, { asOf, invoiceDetails: false });
    checksum += (risk.available ? risk.score : 0) + (payment.byCurrency['USD']?.paydex ?? 0);
  }
  return checksum;
}

// Warm-up on a small chunk: JIT both paths.
{
  const warm = generateChunk(customers, Math.min(2_000, chunkSize));
  for (let i = 0; i < 3; i++) {
    plainLoop(warm);
    fullScore(warm);
  }
}

// Each chunk is generated once; then, round after round, the plain loop and the full score run
// over the same arrays, alternately, each timed on its own. Per-round times are summed over the
// chunks, and the median round is reported, which damps the noise of a shared machine.
const fullMs = new Array<number>(rounds).fill(0);
const plainMs = new Array<number>(rounds).fill(0);
let checksum = 0;
let rows = 0;
for (let first = 0; first < customers; first += chunkSize) {
  const count = Math.min(chunkSize, customers - first);
  const chunk = generateChunk(first, count);
  rows += chunk.invoices.length;
  // Collect the generator's garbage before timing either path, when run with --expose-gc
  // (npm run bench:score does), so neither pays for it.
  (globalThis as { gc?: () => void }).gc?.();
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    const plain = plainLoop(chunk);
    plainMs[round]! += performance.now() - started;
    if (plain.size === 0) throw new Error('the baseline computed nothing');
    started = performance.now();
    checksum += fullScore(chunk);
    fullMs[round]! += performance.now() - started;
  }
}

const fullCustomers = median(fullMs.map((ms) => customers / (ms / 1000)));
const fullRows = (fullCustomers * rows) / customers;
const plainRows = median(plainMs.map((ms) => rows / (ms / 1000)));
printTable(`score: ${customers} customers × ${invoicesPerCustomer} invoices (${rows} invoice rows), median of ${rounds} rounds`, [
  ['full score (payment behaviour, signals, risk)', `${Math.round(fullCustomers).toLocaleString('en-US')} customers/s = ${(fullRows / 1e6).toFixed(2)}M invoice rows/s`],
  ['plain loop: amount-weighted days beyond terms only', `${(plainRows / 1e6).toFixed(2)}M invoice rows/s`],
  ['slowdown of the full score against the plain loop', `${(plainRows / fullRows).toFixed(2)}x (target: within 5x)`],
  ['checksum', checksum.toFixed(3)],
]);
