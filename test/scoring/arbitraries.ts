/**
 * fast-check arbitraries of customer histories for the scoring properties: several currencies,
 * partial and over-allocated payments, payments after `asOf`, credit notes, disputes, promises,
 * threaded messages, instants written with assorted offsets (and as `Date`s).
 */
import fc from 'fast-check';
import type {
  CustomerHistory,
  DisputeFacts,
  InstantLike,
  InteractionFacts,
  InvoiceFacts,
  MessageFacts,
  PaymentFacts,
  PaymentPromiseFacts,
} from 'touchlog';

export const DAY = 86_400_000;
/** Day 0 of the generated histories; `ASOF` is day 364. */
export const BASE = Date.UTC(2025, 6, 1);
export const ASOF = new Date(BASE + 364 * DAY + 17 * 3_600_000).toISOString();

const pad = (n: number) => String(n).padStart(2, '0');

/** The same instant written with an offset of `minutes` (or as a Date when `minutes` is null). */
export function writeInstant(ms: number, minutes: number | null): InstantLike {
  if (minutes === null) return new Date(ms);
  if (minutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + minutes * 60_000).toISOString().slice(0, 23);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant on a day in [min, max] (relative to BASE), at any time, written with an assorted offset. */
export const instant = (min: number, max: number) =>
  fc
    .tuple(fc.integer({ min, max }), fc.integer({ min: 0, max: DAY - 1 }), fc.constantFrom<number | null>(0, 0, 60, -300, 345, 840, -720, null))
    .map(([day, ms, offset]) => writeInstant(BASE + day * DAY + ms, offset));

const currency = fc.constantFrom('USD', 'USD', 'USD', 'EUR', 'JPY');
const money = (max: number) => fc.record({ amountMinor: fc.integer({ min: 1, max }), currency });
const refs = ['I0', 'I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'X9'];
const ref = fc.constantFrom(...refs);

const invoice: fc.Arbitrary<InvoiceFacts> = fc
  .record({
    ref,
    issued: fc.integer({ min: -60, max: 380 }),
    terms: fc.constantFrom(0, 15, 30, 30, 45, 60),
    ms: fc.integer({ min: 0, max: DAY - 1 }),
    offset: fc.constantFrom<number | null>(0, 120, -480, null),
    amount: money(1_000_000),
    status: fc.constantFrom<InvoiceFacts['status']>('open', 'open', 'open', 'paid', 'written_off', 'void'),
  })
  .map(({ ref, issued, terms, ms, offset, amount, status }) => ({
    ref,
    issuedAt: writeInstant(BASE + issued * DAY + ms, offset),
    dueAt: writeInstant(BASE + (issued + terms) * DAY + ms, offset),
    amount,
    status,
  }));

const payment: fc.Arbitrary<PaymentFacts> = fc
  .record({
    receivedAt: instant(-30, 400),
    currency,
    allocations: fc.array(fc.record({ invoiceRef: ref, amountMinor: fc.integer({ min: 1, max: 600_000 }) }), { maxLength: 3 }),
    unallocated: fc.integer({ min: 0, max: 50_000 }),
  })
  .map(({ receivedAt, currency, allocations, unallocated }) => ({
    receivedAt,
    amount: { amountMinor: allocations.reduce((s, a) => s + a.amountMinor, 0) + unallocated, currency },
    allocations: allocations.map((a) => ({ invoiceRef: a.invoiceRef, amount: { amountMinor: a.amountMinor, currency } })),
  }));

export const dispute: fc.Arbitrary<DisputeFacts> = fc.record({
  invoiceRef: ref,
  openedAt: instant(-30, 400),
  amount: money(500_000),
  status: fc.constantFrom<DisputeFacts['status']>('open', 'under_review', 'resolved', 'withdrawn'),
});

const promise: fc.Arbitrary<PaymentPromiseFacts> = fc
  .record({ promised: fc.integer({ min: 0, max: 380 }), span: fc.integer({ min: 0, max: 30 }), amount: money(300_000), invoiceRefs: fc.uniqueArray(ref, { maxLength: 2 }) })
  .map(({ promised, span, amount, invoiceRefs }) => ({
    promisedAt: new Date(BASE + promised * DAY).toISOString(),
    dueBy: new Date(BASE + (promised + span) * DAY).toISOString(),
    amount,
    invoiceRefs,
  }));

const links = fc.array(fc.record({ kind: fc.constantFrom('invoice', 'payment'), ref }), { maxLength: 2 });

const interaction: fc.Arbitrary<InteractionFacts> = fc.record(
  {
    id: fc.constantFrom('N0', 'N1', 'N2', 'N3'),
    channel: fc.constantFrom('email', 'phone', 'chat', 'letter', 'meeting'),
    direction: fc.constantFrom('inbound', 'outbound', 'internal'),
    purpose: fc.constantFrom('billing_query', 'dispute', 'payment_reminder', 'collections', 'complaint', 'support'),
    occurredAt: instant(-30, 400),
    durationSeconds: fc.integer({ min: 0, max: 7_200 }),
    status: fc.constantFrom('open', 'pending', 'resolved', 'closed'),
    priority: fc.constantFrom('normal', 'high', 'urgent'),
    outcome: fc.record({ code: fc.constantFrom('resolved', 'escalated', 'payment_promised'), resolvedAt: instant(-30, 400) }, { requiredKeys: ['code'] }),
    links,
    tags: fc.subarray(['escalated', 'vip', 'Escalation']),
  },
  { requiredKeys: ['channel', 'direction', 'purpose', 'occurredAt'] },
);

const messageId = fc.constantFrom('<m0@x>', '<m1@x>', '<m2@x>', '<m3@x>', '<m4@x>');
const message: fc.Arbitrary<MessageFacts> = fc.record(
  {
    interactionId: fc.constantFrom('N0', 'N1', 'N2', 'N3'),
    channel: fc.constantFrom('email', 'sms', 'letter', 'portal'),
    direction: fc.constantFrom('inbound', 'outbound'),
    sentAt: instant(-30, 400),
    notificationType: fc.constantFrom('payment_reminder', 'dunning_letter', 'statement', 'invoice_notice', 'other'),
    messageId,
    inReplyTo: messageId,
    references: fc.array(messageId, { maxLength: 2 }),
    threadId: fc.constantFrom('T0', 'T1'),
    delivery: fc.record({ status: fc.constantFrom('sent', 'delivered', 'bounced') }),
    links,
  },
  { requiredKeys: ['channel', 'direction', 'sentAt'] },
);

/** A customer history. */
export const history: fc.Arbitrary<CustomerHistory> = fc.record({
  invoices: fc.array(invoice, { minLength: 1, maxLength: 8 }),
  payments: fc.array(payment, { maxLength: 8 }),
  creditNotes: fc.array(fc.record({ issuedAt: instant(-30, 400), amount: money(200_000), invoiceRef: ref }, { requiredKeys: ['issuedAt', 'amount'] }), { maxLength: 3 }),
  disputes: fc.array(dispute, { maxLength: 3 }),
  promises: fc.array(promise, { maxLength: 3 }),
  interactions: fc.array(interaction, { maxLength: 6 }),
  communications: fc.array(message, { maxLength: 6 }),
});

/** Fisher–Yates with a seeded generator (mulberry32). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The same history with every list (and every payment's allocations) in another order. */
export function reorder(h: CustomerHistory, seed: number): CustomerHistory {
  return {
    invoices: shuffle(h.invoices ?? [], seed),
    payments: shuffle(h.payments ?? [], seed + 1).map((p, i) => ({ ...p, allocations: shuffle(p.allocations ?? [], seed + 100 + i) })),
    creditNotes: shuffle(h.creditNotes ?? [], seed + 2),
    disputes: shuffle(h.disputes ?? [], seed + 3),
    promises: shuffle(h.promises ?? [], seed + 4),
    interactions: shuffle(h.interactions ?? [], seed + 5),
    communications: shuffle(h.communications ?? [], seed + 6),
  };
}
