/**
 * Expected payment dates of open invoices: conditioned on what is known at asOf, blended with the
 * tenant's behaviour, explained; and the same under any input order and time zone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPaymentPrior,
  expectedPayments,
  isTouchlogError,
  utcDay,
  type CustomerHistory,
  type InvoiceFacts,
  type PaymentFacts,
  type PaymentPrior,
  type ValidationError,
} from 'touchlog';
import { generateReceivables } from 'touchlog/testing';
import { historiesOf } from './histories.js';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const AS_OF = '2026-06-30';

/** Northwind pays 2, 10, 25 and 5 days late; INV-5 is 26 days past due and disputed; INV-6 is not due yet. */
export const northwind: CustomerHistory = {
  invoices: [
    { ref: 'INV-1', issuedAt: '2026-01-05', dueAt: '2026-02-04', amount: usd(1_000_000) },
    { ref: 'INV-2', issuedAt: '2026-02-05', dueAt: '2026-03-07', amount: usd(1_000_000) },
    { ref: 'INV-3', issuedAt: '2026-03-05', dueAt: '2026-04-04', amount: usd(1_000_000) },
    { ref: 'INV-4', issuedAt: '2026-04-05', dueAt: '2026-05-05', amount: usd(1_000_000) },
    { ref: 'INV-5', issuedAt: '2026-05-05', dueAt: '2026-06-04', amount: usd(1_000_000) },
    { ref: 'INV-6', issuedAt: '2026-06-10', dueAt: '2026-07-10', amount: usd(2_500_000) },
  ],
  payments: [
    { receivedAt: '2026-02-06', amount: usd(1_000_000), allocations: [{ invoiceRef: 'INV-1', amount: usd(1_000_000) }] },
    { receivedAt: '2026-03-17', amount: usd(1_000_000), allocations: [{ invoiceRef: 'INV-2', amount: usd(1_000_000) }] },
    { receivedAt: '2026-04-29', amount: usd(1_000_000), allocations: [{ invoiceRef: 'INV-3', amount: usd(1_000_000) }] },
    { receivedAt: '2026-05-10', amount: usd(1_000_000), allocations: [{ invoiceRef: 'INV-4', amount: usd(1_000_000) }] },
    { receivedAt: '2026-06-20', amount: usd(500_000), allocations: [{ invoiceRef: 'INV-6', amount: usd(500_000) }] },
  ],
  disputes: [{ ref: 'D-1', invoiceRef: 'INV-5', openedAt: '2026-06-08', amount: usd(300_000) }],
};

/** A tenant of 150 generated customers, as of AS_OF. */
function tenantPrior(): PaymentPrior {
  const builder = createPaymentPrior({ asOf: AS_OF });
  for (const history of historiesOf(generateReceivables({ seed: 4, from: '2024-07-01' }).rows).values()) builder.add(history);
  return builder.result();
}
const prior = tenantPrior();

function issuesOf(run: () => unknown): ValidationError['issues'] {
  try {
    run();
  } catch (error) {
    if (isTouchlogError(error, 'VALIDATION_FAILED')) return (error as ValidationError).issues;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('expectedPayments', () => {
  const forecast = expectedPayments(northwind, { asOf: AS_OF, prior, weeks: 4 });
  const [inv5, inv6] = forecast.invoices;

  it('forecasts every open invoice, by due date, with what is still open', () => {
    expect(forecast.asOf).toBe(AS_OF);
    expect(forecast.invoices.map((i) => [i.ref, i.openMinor, i.daysPastDue])).toEqual([
      ['INV-5', 1_000_000, 26],
      ['INV-6', 2_000_000, -10],
    ]);
    expect(forecast.history).toMatchObject({ paidInvoices: 4, openInvoices: 2, medianDaysBeyondTerms: 7.5 });
    expect(forecast.periods).toEqual([
      { from: '2026-07-01', to: '2026-07-05' }, // asOf is a Tuesday: the rest of that ISO week
      { from: '2026-07-06', to: '2026-07-12' },
      { from: '2026-07-13', to: '2026-07-19' },
      { from: '2026-07-20', to: '2026-07-26' },
    ]);
  });

  it('never expects an invoice already late before the day after asOf, and orders P10 ≤ P50 ≤ P90', () => {
    for (const invoice of forecast.invoices) {
      expect(utcDay(invoice.p10On)).toBeGreaterThan(utcDay(AS_OF));
      expect(utcDay(invoice.p10On)).toBeLessThanOrEqual(utcDay(invoice.expectedOn));
      expect(utcDay(invoice.expectedOn)).toBeLessThanOrEqual(utcDay(invoice.p90On));
      expect(invoice.expectedDaysBeyondTerms).toBe(utcDay(invoice.expectedOn) - utcDay(invoice.dueOn));
    }
    expect(inv5!.reasons.find((r) => r.code === 'age')).toMatchObject({ message: expect.stringMatching(/^already 26 days past due and still open/) });
    // Conditioning on being open can only make the median later (here the disputed distribution
    // already had most of its mass beyond 26 days: it moved nothing).
    expect(inv5!.reasons.find((r) => r.code === 'age')!.effectDays).toBeGreaterThanOrEqual(0);
  });

  it('says what it learnt from: the customer blended with the tenant, the dispute, the partial payment', () => {
    expect(inv6!.basis).toBe('customer');
    expect(inv6!.customerWeight).toBeCloseTo(0.55, 1); // 4 paid invoices, recency-weighted, against 3
    const history = inv6!.reasons.find((r) => r.code === 'customer_history')!;
    expect(history.message).toMatch(/^the customer's own history: 4 paid invoice\(s\), median 8 days beyond terms; weighted 5\d% against the tenant's behaviour \(4\d%\)$/);
    expect(inv6!.reasons.find((r) => r.code === 'partly_paid')!.message).toBe('$5,000.00 of $25,000.00 paid or credited: $20,000.00 is forecast');
    expect(inv5!.disputed).toBe(true);
    const dispute = inv5!.reasons.find((r) => r.code === 'dispute')!;
    expect(dispute.message).toMatch(/^dispute D-1 open since 2026-06-08 on \$3,000\.00; disputed invoices are paid \d+ days later than others at the median$/);
    expect(Number.isInteger(dispute.effectDays)).toBe(true);
    // A dispute on an invoice not due yet holds its payment back by about the tenant's dispute delay.
    const fresh: CustomerHistory = { ...northwind, disputes: [{ invoiceRef: 'INV-6', openedAt: '2026-06-25', amount: usd(2_500_000) }] };
    const held = expectedPayments(fresh, { asOf: AS_OF, prior, weeks: 4 }).invoices[1]!;
    expect(held.disputed).toBe(true);
    expect(held.reasons.find((r) => r.code === 'dispute')!.effectDays).toBeGreaterThan(14);
    expect(utcDay(held.expectedOn)).toBeGreaterThan(utcDay(inv6!.expectedOn) + 14);
    // The probability of payment by each period's end only grows, and stays a probability.
    for (const invoice of forecast.invoices) {
      invoice.paidBy.forEach((p, k) => {
        expect(p).toBeGreaterThanOrEqual(k === 0 ? 0 : invoice.paidBy[k - 1]!);
        expect(p).toBeLessThanOrEqual(1);
      });
    }
  });

  it('falls back to the tenant for a customer without history, and says so', () => {
    const newcomer: CustomerHistory = { invoices: [{ ref: 'N-1', issuedAt: '2026-06-01', dueAt: '2026-07-01', amount: usd(400_000) }] };
    const [invoice] = expectedPayments(newcomer, { asOf: AS_OF, prior }).invoices;
    expect(invoice!.basis).toBe('tenant');
    expect(invoice!.customerWeight).toBe(0);
    expect(invoice!.reasons[0]).toMatchObject({ code: 'tenant_history', message: expect.stringMatching(/^no paid invoice of this customer: the tenant's behaviour is used — \d+ paid invoice\(s\), median -?\d+ days? beyond terms$/) });
    // Without a prior and without history there is only the due date, and it says so.
    const [alone] = expectedPayments(newcomer, { asOf: AS_OF }).invoices;
    expect(alone).toMatchObject({ basis: 'due_date', expectedOn: '2026-07-01', p10On: '2026-07-01', p90On: '2026-07-01' });
    expect(alone!.reasons).toEqual([expect.objectContaining({ code: 'no_history' })]);
  });

  it('expects payment on a promised date when the customer keeps its promises', () => {
    const reliable: CustomerHistory = {
      ...northwind,
      promises: [
        { promisedAt: '2026-03-10', dueBy: '2026-03-17', amount: usd(1_000_000), invoiceRefs: ['INV-2'] }, // kept
        { promisedAt: '2026-04-20', dueBy: '2026-04-29', amount: usd(1_000_000), invoiceRefs: ['INV-3'] }, // kept
        { ref: 'PP-9', promisedAt: '2026-06-25', dueBy: '2026-07-03', amount: usd(1_000_000), invoiceRefs: ['INV-5'] },
      ],
    };
    const without = expectedPayments(northwind, { asOf: AS_OF, prior }).invoices[0]!;
    const withPromise = expectedPayments(reliable, { asOf: AS_OF, prior }).invoices[0]!;
    expect(withPromise.expectedOn).toBe('2026-07-03');
    const reason = withPromise.reasons.find((r) => r.code === 'promise')!;
    expect(reason.message).toMatch(/^promise to pay \$10,000\.00 by 2026-07-03 \(PP-9\): kept with probability \d+% \(the customer kept 2 of 2 promises due\)$/);
    expect(reason.effectDays).toBe(utcDay('2026-07-03') - utcDay(without.expectedOn));
  });

  it('is the same whatever the order of the records', () => {
    const shuffled: CustomerHistory = {
      invoices: [...northwind.invoices!].reverse(),
      payments: [...northwind.payments!].reverse(),
      disputes: northwind.disputes,
    };
    expect(expectedPayments(shuffled, { asOf: AS_OF, prior, weeks: 4 })).toEqual(forecast);
  });

  it('is the same under any TZ (switched in this process)', () => {
    const saved = process.env.TZ;
    const results: unknown[] = [];
    try {
      for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Pago_Pago']) {
        process.env.TZ = tz;
        results.push(expectedPayments(northwind, { asOf: new Date('2026-06-30T23:30:00Z'), prior, weeks: 6, weekStartsOn: 0 }));
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    expect((results[0] as { periods: Array<{ from: string; to: string }> }).periods[0]).toEqual({ from: '2026-07-01', to: '2026-07-04' }); // weeks from Sunday
  });
});

const day0 = utcDay('2025-01-01');
const iso = (day: number) => new Date(day * 86_400_000).toISOString();
const history = fc
  .array(
    fc.record({ issued: fc.integer({ min: 0, max: 500 }), terms: fc.integer({ min: 0, max: 90 }), late: fc.option(fc.integer({ min: -20, max: 200 }), { nil: undefined }), amount: fc.integer({ min: 1, max: 10_000_000 }) }),
    { maxLength: 25 },
  )
  .map((list): CustomerHistory => {
    const invoices: InvoiceFacts[] = [];
    const payments: PaymentFacts[] = [];
    list.forEach((i, n) => {
      const ref = `I-${n}`;
      invoices.push({ ref, issuedAt: iso(day0 + i.issued), dueAt: iso(day0 + i.issued + i.terms), amount: usd(i.amount) });
      if (i.late !== undefined) {
        const paid = Math.max(day0 + i.issued, day0 + i.issued + i.terms + i.late);
        payments.push({ receivedAt: iso(paid), amount: usd(i.amount), allocations: [{ invoiceRef: ref, amount: usd(i.amount) }] });
      }
    });
    return { invoices, payments };
  });

describe('properties', () => {
  it('every date is after asOf, in order, and every probability is a probability', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 700 }), fc.boolean(), (h, at, withPrior) => {
        const asOf = iso(day0 + at);
        const forecast = expectedPayments(h, { asOf, weeks: 5, ...(withPrior ? { prior } : {}) });
        for (const invoice of forecast.invoices) {
          const [p10, p50, p90] = [invoice.p10On, invoice.expectedOn, invoice.p90On].map(utcDay);
          expect(p10).toBeGreaterThan(day0 + at);
          expect(p10).toBeLessThanOrEqual(p50!);
          expect(p50).toBeLessThanOrEqual(p90!);
          for (const p of invoice.paidBy) expect(p >= 0 && p <= 1).toBe(true);
          expect(Number.isFinite(invoice.customerWeight)).toBe(true);
        }
        expect(JSON.stringify(forecast)).not.toMatch(/NaN|Infinity/);
        for (const invoice of forecast.invoices) {
          const age = invoice.reasons.find((r) => r.code === 'age');
          if (age) expect(age.effectDays).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('bad input', () => {
  it('is a validation error with the path of the option or record', () => {
    expect(issuesOf(() => expectedPayments(northwind, {} as never))[0]).toMatchObject({ path: ['asOf'], code: 'invalid_date' });
    expect(issuesOf(() => expectedPayments(northwind, { asOf: AS_OF, priorWeight: -1 }))[0]!.path).toEqual(['priorWeight']);
    expect(issuesOf(() => expectedPayments(northwind, { asOf: AS_OF, weeks: 0 }))[0]!.path).toEqual(['weeks']);
    expect(issuesOf(() => expectedPayments(northwind, { asOf: AS_OF, granularity: 'month' as never }))[0]!.path).toEqual(['granularity']);
    expect(issuesOf(() => expectedPayments(northwind, { asOf: AS_OF, prior: { ...prior, undisputed: { offset: 0, events: [-1], censored: [] } } }))[0]!.path).toEqual(['prior', 'undisputed', 'events', 0]);
    expect(issuesOf(() => expectedPayments({ invoices: [{ ref: 'X', issuedAt: 'soon', dueAt: AS_OF, amount: usd(1) }] }, { asOf: AS_OF }))[0]!.path).toEqual(['invoices', 0, 'issuedAt']);
    expect(issuesOf(() => expectedPayments({ invoices: [{ ref: 'X', issuedAt: AS_OF, dueAt: AS_OF, amount: usd(Number.NaN) }] }, { asOf: AS_OF }))[0]!.path).toEqual(['invoices', 0, 'amount']);
    expect(issuesOf(() => expectedPayments({ disputes: [{ invoiceRef: 'X', openedAt: 'later', amount: usd(1) }] }, { asOf: AS_OF }))[0]!.path).toEqual(['disputes', 0, 'openedAt']);
  });
});
