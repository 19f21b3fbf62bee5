import { describe, expect, it } from 'vitest';
import {
  expectsReply,
  interactionSignals,
  isEscalation,
  isPromiseKept,
  summariseDurations,
  type CustomerHistory,
  type InteractionFacts,
  type MessageFacts,
  type PaymentFacts,
} from 'touchlog';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const HOUR = 3_600_000;
const asOf = '2026-03-31T00:00:00Z';

const invoice = (ref: string, issued: string, due: string, amountMinor = 100_000) => ({
  ref,
  issuedAt: `${issued}T00:00:00Z`,
  dueAt: `${due}T00:00:00Z`,
  amount: usd(amountMinor),
});
const payment = (receivedAt: string, ...allocations: Array<[string, number]>): PaymentFacts => ({
  receivedAt,
  amount: usd(allocations.reduce((s, [, a]) => s + a, 0)),
  allocations: allocations.map(([invoiceRef, a]) => ({ invoiceRef, amount: usd(a) })),
});
const interaction = (overrides: Partial<InteractionFacts> & Pick<InteractionFacts, 'occurredAt'>): InteractionFacts => ({
  channel: 'email',
  direction: 'inbound',
  purpose: 'inquiry',
  ...overrides,
});
const message = (overrides: Partial<MessageFacts> & Pick<MessageFacts, 'sentAt'>): MessageFacts => ({
  channel: 'email',
  direction: 'outbound',
  ...overrides,
});

describe('promise to pay', () => {
  const promise = { promisedAt: '2026-03-01T10:00:00Z', dueBy: '2026-03-10T00:00:00Z', amount: usd(50_000), invoiceRefs: ['INV-7'] };

  it('is kept when payments allocated to the promised invoices by the promised day cover the amount', () => {
    const parts = [payment('2026-03-05T00:00:00Z', ['INV-7', 30_000]), payment('2026-03-10T16:00:00Z', ['INV-7', 20_000])];
    expect(isPromiseKept(promise, parts)).toBe(true);
  });

  it('is broken when the cover comes a day late, goes to another invoice, came before the promise or in another currency', () => {
    expect(isPromiseKept(promise, [payment('2026-03-05T00:00:00Z', ['INV-7', 30_000]), payment('2026-03-11T00:00:00Z', ['INV-7', 20_000])])).toBe(false);
    expect(isPromiseKept(promise, [payment('2026-03-05T00:00:00Z', ['INV-8', 50_000])])).toBe(false);
    expect(isPromiseKept(promise, [payment('2026-02-28T00:00:00Z', ['INV-7', 50_000])])).toBe(false);
    expect(isPromiseKept(promise, [{ receivedAt: '2026-03-05T00:00:00Z', amount: eur(50_000), allocations: [{ invoiceRef: 'INV-7', amount: eur(50_000) }] }])).toBe(false);
  });

  it('is kept by any payment in its currency when it names no invoice', () => {
    expect(isPromiseKept({ ...promise, invoiceRefs: [] }, [{ receivedAt: '2026-03-09T00:00:00Z', amount: usd(50_000) }])).toBe(true);
  });

  it('gives the kept ratio of the promises that have fallen due (hand-computed: 2 of 3)', () => {
    const history: CustomerHistory = {
      invoices: [invoice('INV-7', '2026-01-01', '2026-01-31'), invoice('INV-8', '2026-01-01', '2026-01-31')],
      payments: [payment('2026-03-05T00:00:00Z', ['INV-7', 50_000]), payment('2026-03-20T00:00:00Z', ['INV-8', 10_000])],
      promises: [
        promise, // kept
        { promisedAt: '2026-03-12T00:00:00Z', dueBy: '2026-03-19T00:00:00Z', amount: usd(10_000), invoiceRefs: ['INV-8'] }, // broken: paid the 20th
        { promisedAt: '2026-03-12T00:00:00Z', dueBy: '2026-03-25T00:00:00Z', amount: usd(10_000), invoiceRefs: ['INV-8'] }, // kept
        { promisedAt: '2026-03-28T00:00:00Z', dueBy: '2026-04-05T00:00:00Z', amount: usd(90_000), invoiceRefs: ['INV-8'] }, // pending
        { promisedAt: '2026-04-02T00:00:00Z', dueBy: '2026-04-05T00:00:00Z', amount: usd(90_000), invoiceRefs: ['INV-8'] }, // after asOf
      ],
    };
    expect(interactionSignals(history, { asOf }).promises).toEqual({ made: 4, due: 3, kept: 2, broken: 1, pending: 1, keptRatio: 2 / 3 });
  });
});

describe('disputes and billing queries', () => {
  const history: CustomerHistory = {
    invoices: [invoice('A', '2026-01-10', '2026-02-09', 100_000), invoice('B', '2026-02-10', '2026-03-12', 50_000), invoice('C', '2026-03-01', '2026-03-31', 50_000)],
    disputes: [
      { invoiceRef: 'A', openedAt: '2026-01-20T00:00:00Z', amount: usd(20_000), status: 'resolved', resolvedAt: '2026-02-01T00:00:00Z' },
      { invoiceRef: 'B', openedAt: '2026-02-20T00:00:00Z', amount: usd(30_000), status: 'open' },
      { invoiceRef: 'B', openedAt: '2026-02-25T00:00:00Z', amount: usd(30_000), status: 'under_review' }, // B is disputed beyond its amount
      { invoiceRef: 'C', openedAt: '2026-04-02T00:00:00Z', amount: usd(5_000), status: 'open' }, // after asOf
    ],
    interactions: [
      interaction({ occurredAt: '2026-02-21T09:00:00Z', purpose: 'dispute' }),
      interaction({ occurredAt: '2026-03-02T09:00:00Z', purpose: 'billing_query' }),
      interaction({ occurredAt: '2026-03-03T09:00:00Z', purpose: 'billing_query', channel: 'phone' }),
    ],
  };

  it('counts disputes per invoice and the disputed share of what was billed (capped per invoice)', () => {
    const { disputes, invoices } = interactionSignals(history, { asOf });
    expect(invoices).toBe(3);
    expect(disputes).toEqual({
      count: 3,
      open: 2,
      perInvoice: 1,
      billed: { USD: 200_000 },
      disputed: { USD: 70_000 }, // 20 000 on A + 50 000 on B (60 000 capped at its amount)
      disputedShare: { USD: 0.35 },
      contacts: 1,
    });
  });

  it('counts billing queries per invoice', () => {
    expect(interactionSignals(history, { asOf }).billingQueries).toEqual({ count: 2, perInvoice: 2 / 3 });
  });
});

describe('reminders before payment', () => {
  const history: CustomerHistory = {
    invoices: [invoice('R', '2026-02-01', '2026-03-03'), invoice('S', '2026-02-01', '2026-03-03'), invoice('T', '2026-02-01', '2026-03-03')],
    payments: [payment('2026-03-20T12:00:00Z', ['R', 100_000]), payment('2026-03-02T12:00:00Z', ['S', 100_000])],
    interactions: [
      interaction({ id: 'CALL-1', occurredAt: '2026-03-10T09:00:00Z', direction: 'outbound', purpose: 'payment_reminder', channel: 'phone', links: [{ kind: 'invoice', ref: 'R' }] }),
    ],
    communications: [
      message({ sentAt: '2026-03-05T08:00:00Z', notificationType: 'payment_reminder', links: [{ kind: 'invoice', ref: 'R' }] }),
      // A message inside the reminder call counts once, as the call.
      message({ sentAt: '2026-03-10T09:30:00Z', notificationType: 'payment_reminder', interactionId: 'CALL-1', links: [{ kind: 'invoice', ref: 'R' }] }),
      message({ sentAt: '2026-03-15T08:00:00Z', notificationType: 'dunning_letter', channel: 'letter', links: [{ kind: 'invoice', ref: 'R' }] }),
      message({ sentAt: '2026-03-25T08:00:00Z', notificationType: 'payment_reminder', links: [{ kind: 'invoice', ref: 'R' }] }), // after payment
      message({ sentAt: '2026-03-26T08:00:00Z', notificationType: 'payment_reminder', links: [{ kind: 'invoice', ref: 'T' }] }), // T still open
      message({ sentAt: '2026-03-06T08:00:00Z', notificationType: 'payment_reminder', direction: 'inbound', links: [{ kind: 'invoice', ref: 'R' }] }), // not ours
      message({ sentAt: '2026-03-06T08:00:00Z', notificationType: 'statement', links: [{ kind: 'invoice', ref: 'R' }] }), // not a reminder
    ],
  };

  it('counts the reminders sent before the payment that completed each invoice (hand-computed)', () => {
    expect(interactionSignals(history, { asOf }).reminders).toEqual({
      sent: 5,
      paidInvoices: 2,
      remindersBeforePayment: 3,
      perPaidInvoice: 1.5,
      paidWithoutReminderShare: 0.5,
      openInvoicesReminded: 1,
    });
  });
});

describe('response times', () => {
  const day = (d: number, hours = 0) => new Date(Date.UTC(2026, 2, d) + hours * HOUR).toISOString();

  it('measures the customer response latency to our messages, and counts silence after the grace period', () => {
    const history: CustomerHistory = {
      communications: [
        message({ sentAt: day(2, 10), messageId: '<r1@us>', notificationType: 'payment_reminder' }),
        message({ sentAt: day(2, 14), direction: 'inbound', messageId: '<a1@them>', inReplyTo: '<r1@us>' }), // 4 h
        message({ sentAt: day(5, 9), threadId: 'T2' }),
        message({ sentAt: day(6, 9), direction: 'inbound', threadId: 'T2' }), // 24 h
        message({ sentAt: day(8, 9), notificationType: 'statement', messageId: '<s@us>' }), // no answer expected
        message({ sentAt: day(10, 9), messageId: '<r3@us>' }), // never answered
        message({ sentAt: day(12, 9), messageId: '<b@us>', delivery: { status: 'bounced' } }), // undelivered
        message({ sentAt: day(29, 9), messageId: '<r4@us>' }), // within the grace period
      ],
    };
    expect(interactionSignals(history, { asOf }).customerResponse).toEqual({
      count: 2,
      meanHours: 14,
      medianHours: 14,
      p90Hours: 24,
      expected: 3,
      answered: 2,
      unanswered: 1,
      answeredShare: 2 / 3,
    });
  });

  it('measures our first response to customer requests, live channels answering at once', () => {
    const history: CustomerHistory = {
      interactions: [
        interaction({ id: 'I1', occurredAt: day(3, 9) }),
        interaction({ id: 'I2', occurredAt: day(4, 9), channel: 'phone' }),
        interaction({ id: 'I3', occurredAt: day(5, 9) }), // never answered
        interaction({ id: 'I4', occurredAt: day(6, 9), direction: 'outbound' }), // ours
      ],
      communications: [
        message({ sentAt: day(3, 11.5), interactionId: 'I1' }), // 2.5 h
        message({ sentAt: day(7, 8), direction: 'inbound', messageId: '<c1@them>' }),
        message({ sentAt: day(7, 16), inReplyTo: '<c1@them>', references: ['<c1@them>'] }), // 8 h
      ],
    };
    expect(interactionSignals(history, { asOf }).ourFirstResponse).toEqual({ count: 3, meanHours: 10.5 / 3, medianHours: 2.5, p90Hours: 8, awaiting: 1 });
  });

  it('measures resolution times and counts what is not resolved by asOf', () => {
    const history: CustomerHistory = {
      interactions: [
        interaction({ occurredAt: day(1, 9), status: 'resolved', outcome: { code: 'resolved', resolvedAt: day(3, 9) } }), // 48 h
        interaction({ occurredAt: day(2, 9), status: 'closed', outcome: { code: 'credit_issued', resolvedAt: day(3, 9) } }), // 24 h
        interaction({ occurredAt: day(4, 9), status: 'open' }),
        interaction({ occurredAt: day(5, 9), status: 'resolved', outcome: { code: 'resolved', resolvedAt: '2026-04-02T00:00:00Z' } }), // later
        interaction({ occurredAt: day(6, 9), status: 'open', direction: 'internal' }), // a note
      ],
    };
    expect(interactionSignals(history, { asOf }).resolution).toEqual({ count: 2, meanHours: 36, medianHours: 36, p90Hours: 48, unresolved: 2 });
  });

  it('summarises durations independently of their order', () => {
    expect(summariseDurations([36_000_000, 3_600_000, 7_200_000])).toEqual(summariseDurations([3_600_000, 7_200_000, 36_000_000]));
    expect(summariseDurations([])).toEqual({ count: 0, meanHours: null, medianHours: null, p90Hours: null });
  });

  it('expects a reply to messages that ask for one, not to notices or undelivered mail', () => {
    expect(expectsReply(message({ sentAt: day(1), notificationType: 'dunning_letter' }))).toBe(true);
    expect(expectsReply(message({ sentAt: day(1), notificationType: 'invoice_notice' }))).toBe(false);
    expect(expectsReply(message({ sentAt: day(1), direction: 'inbound' }))).toBe(false);
    expect(expectsReply(message({ sentAt: day(1), delivery: { status: 'failed' } }))).toBe(false);
  });
});

describe('escalations', () => {
  const at = '2026-03-10T09:00:00Z';

  it('are the outcome "escalated" or an escalation tag; urgent priority alone is not one', () => {
    expect(isEscalation(interaction({ occurredAt: at, outcome: { code: 'escalated' } }))).toBe(true);
    expect(isEscalation(interaction({ occurredAt: at, tags: ['billing', 'Escalated'] }))).toBe(true);
    expect(isEscalation(interaction({ occurredAt: at, priority: 'urgent' }))).toBe(false);
    expect(isEscalation(interaction({ occurredAt: at, tags: ['tier-2'] }), ['tier-2'])).toBe(true);
  });

  it('are counted per interaction, urgent ones apart', () => {
    const history: CustomerHistory = {
      interactions: [
        interaction({ occurredAt: at, outcome: { code: 'escalated' } }),
        interaction({ occurredAt: at, priority: 'urgent' }),
        interaction({ occurredAt: at, tags: ['escalation'], priority: 'urgent' }),
        interaction({ occurredAt: at }),
        interaction({ occurredAt: at, direction: 'internal', tags: ['escalation'] }),
      ],
    };
    expect(interactionSignals(history, { asOf }).escalations).toEqual({ count: 2, perInteraction: 0.5, urgent: 2 });
    expect(interactionSignals(history, { asOf, escalationTags: [] }).escalations.count).toBe(1);
  });
});

describe('contact: recency, frequency, channel mix, cost to serve', () => {
  const history: CustomerHistory = {
    interactions: [
      interaction({ id: 'P1', occurredAt: '2026-03-20T10:00:00Z', channel: 'phone', direction: 'outbound', purpose: 'collections', durationSeconds: 100 }),
      interaction({ id: 'P2', occurredAt: '2026-03-22T10:00:00Z', channel: 'phone', direction: 'inbound', durationSeconds: 30 }),
      interaction({ id: 'N1', occurredAt: '2026-03-23T10:00:00Z', channel: 'other', direction: 'internal', durationSeconds: 90 }),
      interaction({ occurredAt: '2025-01-01T10:00:00Z', channel: 'meeting' }), // outside the window
    ],
    communications: [
      message({ sentAt: '2026-03-01T10:00:00Z' }),
      message({ sentAt: '2026-03-25T10:00:00Z', direction: 'inbound' }),
      message({ sentAt: '2026-03-26T10:00:00Z', channel: 'sms' }),
      message({ sentAt: '2026-03-27T10:00:00Z', interactionId: 'P2' }), // part of P2: not a touchpoint of its own
    ],
  };

  it('gives recency and frequency of contact over the window', () => {
    const { contact, window } = interactionSignals(history, { asOf, lookbackDays: 30 });
    expect(window).toEqual({ from: '2026-03-02', to: '2026-03-31', days: 30 });
    expect(contact).toEqual({
      lastContactAt: '2026-03-27T10:00:00.000Z',
      daysSinceLastContact: 4,
      lastInboundAt: '2026-03-25T10:00:00.000Z',
      daysSinceLastInbound: 6,
      lastOutboundAt: '2026-03-27T10:00:00.000Z',
      daysSinceLastOutbound: 4,
      touchpoints: 4,
      inbound: 2,
      outbound: 2,
      perMonth: 4,
      inboundPerMonth: 2,
      outboundPerMonth: 2,
    });
  });

  it('gives the channel mix of touchpoints', () => {
    expect(interactionSignals(history, { asOf, lookbackDays: 30 }).channelMix).toEqual({
      email: { count: 1, share: 0.25 },
      phone: { count: 2, share: 0.5 },
      sms: { count: 1, share: 0.25 },
    });
  });

  it('costs contact per touchpoint and per minute, rounding minutes once per channel (hand-computed)', () => {
    const signals = interactionSignals(history, {
      asOf,
      lookbackDays: 30,
      costs: { currency: 'USD', perContact: { phone: 300, email: 50, sms: 7 }, perMinute: { phone: 7, other: 7 } },
    });
    // phone: 2 × 300 + 7 × 130 s ÷ 60 = 15.17 → 15; other (a note): 7 × 90 s ÷ 60 = 10.5 → 11; email 50; sms 7
    expect(signals.costToServe).toEqual({
      total: { amountMinor: 615 + 11 + 50 + 7, currency: 'USD' },
      byChannel: { email: 50, other: 11, phone: 615, sms: 7 },
      contacts: 5,
      minutes: 220 / 60,
    });
    expect(interactionSignals(history, { asOf }).costToServe).toBeUndefined();
    expect(() => interactionSignals(history, { asOf, costs: { currency: 'USD', perMinute: { phone: 0.5 } } })).toThrow(/minor units/);
  });
});
