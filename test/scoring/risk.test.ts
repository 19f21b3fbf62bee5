import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RISK_WEIGHTS,
  RISK_FACTORS,
  assessRisk,
  createWorklistRanker,
  creditReview,
  interactionSignals,
  isTouchlogError,
  paymentBehaviour,
  riskScore,
  scoreCustomer,
  type CustomerHistory,
  type InvoiceFacts,
  type PaymentFacts,
} from 'touchlog';

const asOf = '2026-06-30T00:00:00Z';
const DAY = 86_400_000;
const money = (amountMinor: number, currency = 'USD') => ({ amountMinor, currency });
const iso = (ms: number) => new Date(ms).toISOString();
const base = Date.UTC(2025, 6, 1); // 8 monthly invoices from here are all due, and paid 90 days late, by asOf

/** `count` monthly invoices of `amount`, each paid `lateDays` after its due date (unpaid when that is after asOf). */
function payer(count: number, lateDays: number, amount = 100_000, currency = 'USD'): Required<Pick<CustomerHistory, 'invoices' | 'payments'>> {
  const invoices: InvoiceFacts[] = [];
  const payments: PaymentFacts[] = [];
  for (let n = 0; n < count; n++) {
    const issued = base + n * 30 * DAY;
    const ref = `${currency}-${n}`;
    invoices.push({ ref, issuedAt: iso(issued), dueAt: iso(issued + 30 * DAY), amount: money(amount, currency) });
    const paid = issued + (30 + lateDays) * DAY;
    if (paid <= Date.parse(asOf)) payments.push({ receivedAt: iso(paid), amount: money(amount, currency), allocations: [{ invoiceRef: ref, amount: money(amount, currency) }] });
  }
  return { invoices, payments };
}

describe('risk score', () => {
  it('has documented default weights summing to 100, one per factor', () => {
    expect(Object.keys(DEFAULT_RISK_WEIGHTS).sort()).toEqual([...RISK_FACTORS].sort());
    expect(Object.values(DEFAULT_RISK_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('is unavailable, with the reason, when too few invoices have fallen due', () => {
    const risk = riskScore(payer(2, 0), { asOf });
    expect(risk).toMatchObject({ available: false, reason: 'insufficient_history' });
    if (risk.available) throw new Error('expected no score');
    expect(risk.message).toMatch(/at least 3 invoice/);
    expect(risk.factors).toHaveLength(RISK_FACTORS.length);
    expect(riskScore(payer(2, 0), { asOf, minInvoices: 2 }).available).toBe(true);
  });

  it('explains itself: every factor with value, weight and points, the points summing to the score', () => {
    const risk = riskScore(payer(6, 40), { asOf });
    if (!risk.available) throw new Error(risk.message);
    expect(risk.factors.map((f) => f.factor)).toEqual([...RISK_FACTORS]);
    const total = risk.factors.reduce((sum, f) => sum + f.points, 0);
    expect(risk.score).toBeCloseTo(total, 12);
    for (const f of risk.factors) {
      expect(f.points).toBeCloseTo((f.risk * f.weight * 100) / 100, 12);
      expect(f.explanation.length).toBeGreaterThan(0);
    }
    // 40 days late throughout: PAYDEX 50 − 10 × 10/30 = 46.67; risk (80 − 46.67) / (80 − 20); nothing else adverse.
    const timeliness = risk.factors.find((f) => f.factor === 'payment_timeliness')!;
    expect(timeliness.value).toBeCloseTo(50 - 10 / 3, 10);
    expect(timeliness.points).toBeCloseTo(((80 - (50 - 10 / 3)) / 60) * 35, 10);
    expect(risk.score).toBeCloseTo(timeliness.points, 12);
  });

  it('ranks a late payer riskier than a prompt one, and grades A to E', () => {
    const prompt = riskScore(payer(12, 0), { asOf });
    const late = riskScore(payer(12, 90), { asOf }); // pays 90 days late, so its last invoices are open and past due
    if (!prompt.available || !late.available) throw new Error('expected scores');
    expect(prompt.score).toBe(0);
    expect(prompt.grade).toBe('A');
    expect(late.factors.find((f) => f.factor === 'past_due')!.points).toBeGreaterThan(0);
    expect(late.score).toBeGreaterThan(30);
    expect(late.grade).toBe('C');
    expect(riskScore(payer(12, 90), { asOf, gradeThresholds: [1, 2, 3, 4] })).toMatchObject({ grade: 'E' });
  });

  it('takes configurable weights (only their proportions matter)', () => {
    const history: CustomerHistory = {
      ...payer(4, 0),
      disputes: [{ invoiceRef: 'USD-3', openedAt: '2026-04-05T00:00:00Z', amount: money(50_000) }],
    };
    // Only disputes weigh: 1 dispute for 4 invoices in the window = 0.25 → full risk.
    const onlyDisputes = riskScore(history, { asOf, weights: { payment_timeliness: 0, past_due: 0, trend: 0, broken_promises: 0, reminder_dependence: 0, unresponsiveness: 0, disputes: 3 } });
    expect(onlyDisputes).toMatchObject({ available: true, score: 100, grade: 'E' });
    expect(() => riskScore(history, { asOf, weights: { disputes: -1 } })).toThrow(/weights/);
    expect(() => riskScore(history, { asOf, weights: { bogus: 1 } as never })).toThrow(/factor/);
  });

  it('combines currencies by the worst one without rates, by weight with rates', () => {
    const usd = payer(4, 0, 100_000, 'USD');
    const eur = payer(4, 60, 100_000, 'EUR');
    const history: CustomerHistory = { invoices: [...usd.invoices, ...eur.invoices], payments: [...usd.payments, ...eur.payments] };
    const worst = riskScore(history, { asOf });
    const onlyEur = riskScore(eur, { asOf });
    if (!worst.available || !onlyEur.available) throw new Error('expected scores');
    expect(worst.basis).toBe('worst_currency');
    expect(worst.factors[0]!.value).toBe(onlyEur.factors[0]!.value);
    const weighed = riskScore(history, { asOf, rates: { USD: 1, EUR: 1 } });
    if (!weighed.available) throw new Error('expected a score');
    expect(weighed.basis).toBe('rates');
    expect(weighed.factors[0]!.value).toBeCloseTo((80 + 40) / 2, 10);
  });

  it('is the same through assessRisk on separately computed parts', () => {
    const history = { ...payer(5, 20), promises: [{ promisedAt: '2026-02-01T00:00:00Z', dueBy: '2026-02-05T00:00:00Z', amount: money(1), invoiceRefs: ['none'] }] };
    const parts = assessRisk(paymentBehaviour(history, { asOf }), interactionSignals(history, { asOf }));
    expect(parts).toEqual(riskScore(history, { asOf }));
    expect(parts).toMatchObject({ factors: expect.arrayContaining([expect.objectContaining({ factor: 'broken_promises', value: 1, points: 10 })]) });
  });
});

describe('credit review', () => {
  const good = payer(8, 0); // 8 × 100 000 billed in the last 365 days
  const limit = (amountMinor: number) => money(amountMinor);

  it('approves a limit within policy', () => {
    const review = creditReview(good, { asOf, requestedLimit: limit(120_000) });
    expect(review.decision).toBe('approve');
    expect(review.reasons.map((r) => r.code)).toEqual(['within_policy']);
    // 800 000 over 365 days × 30 × 2, rounded down
    expect(review.salesGuide).toEqual(limit(Math.floor((800_000 * 30 * 2) / 365)));
  });

  it('reviews a limit above the sales guide, or a large increase', () => {
    expect(creditReview(good, { asOf, requestedLimit: limit(131_507) }).reasons.map((r) => r.code)).toEqual(['above_sales_guide']);
    expect(creditReview(good, { asOf, requestedLimit: limit(131_506) }).decision).toBe('approve');
    const increase = creditReview(good, { asOf, requestedLimit: limit(120_000), currentLimit: limit(79_999) });
    expect(increase).toMatchObject({ decision: 'review', reasons: [{ code: 'large_increase' }] });
    expect(creditReview(good, { asOf, requestedLimit: limit(120_000), currentLimit: limit(80_000) }).decision).toBe('approve');
  });

  it('declines when something is over 90 days past due, reviews without history', () => {
    const stale = { invoices: [...good.invoices, { ref: 'OLD', issuedAt: '2026-01-01T00:00:00Z', dueAt: '2026-02-01T00:00:00Z', amount: limit(5_000) }], payments: good.payments };
    const review = creditReview(stale, { asOf, requestedLimit: limit(120_000) });
    expect(review.decision).toBe('decline');
    expect(review.reasons[0]).toMatchObject({ code: 'severely_past_due', decision: 'decline' });
    expect(review.exposure).toEqual(limit(5_000));
    const unknown = creditReview({}, { asOf, requestedLimit: limit(120_000) });
    expect(unknown.decision).toBe('review');
    expect(unknown.reasons.map((r) => r.code).sort()).toEqual(['insufficient_history', 'no_sales_history']);
  });

  it('declines a high risk, and reviews exposure above the requested limit', () => {
    const late = payer(8, 150);
    const review = creditReview(late, { asOf, requestedLimit: limit(50_000), weights: { payment_timeliness: 1, past_due: 0, trend: 0, disputes: 0, broken_promises: 0, reminder_dependence: 0, unresponsiveness: 0 } });
    expect(review.decision).toBe('decline');
    expect(review.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['risk_too_high', 'severely_past_due', 'exposure_exceeds_limit']));
    expect(() => creditReview(good, { asOf, requestedLimit: limit(1), currentLimit: money(1, 'EUR') })).toThrow(/currency/);
  });
});

describe('collections worklist', () => {
  const scored = (history: CustomerHistory) => scoreCustomer(history, { asOf, invoiceDetails: false });

  it('ranks by overdue amount times risk, keeps only the top N, and leaves out who owes nothing past due', () => {
    const ranker = createWorklistRanker({ limit: 2 });
    ranker.offer('C-small-late', scored(payer(12, 200, 10_000)), 'Small but very late');
    ranker.offer('C-big-late', scored(payer(12, 200, 1_000_000)), 'Big and very late');
    ranker.offer('C-prompt', scored(payer(12, 0, 5_000_000)), 'Prompt');
    ranker.offer('C-mid', scored(payer(12, 100, 500_000)), 'Mid');
    expect(ranker.offered).toBe(4);
    const entries = ranker.entries();
    expect(entries.map((e) => e.customerId)).toEqual(['C-big-late', 'C-mid']);
    const top = entries[0]!;
    expect(top.priority).toBeCloseTo((top.rankAmount * top.risk!) / 100, 6);
    expect(top.rankAmount).toBe(top.pastDue['USD']);
    expect(top.topFactors[0]!.points).toBeGreaterThanOrEqual(top.topFactors[1]!.points);
  });

  it('refuses to rank across currencies without `currency` or `rates`', () => {
    const ranker = createWorklistRanker();
    ranker.offer('U', scored(payer(12, 100, 100_000, 'USD')));
    try {
      ranker.offer('E', scored(payer(12, 100, 100_000, 'EUR')));
      expect.unreachable();
    } catch (error) {
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as { issues: Array<{ code: string }> }).issues[0]!.code).toBe('multiple_currencies');
    }
    const usdOnly = createWorklistRanker({ currency: 'USD' });
    usdOnly.offer('U', scored(payer(12, 100, 100_000, 'USD')));
    usdOnly.offer('E', scored(payer(12, 100, 100_000, 'EUR')));
    expect(usdOnly.entries().map((e) => e.customerId)).toEqual(['U']);
    const weighed = createWorklistRanker({ rates: { USD: 1, EUR: 2 } });
    weighed.offer('U', scored(payer(12, 100, 100_000, 'USD')));
    weighed.offer('E', scored(payer(12, 100, 100_000, 'EUR')));
    expect(weighed.entries().map((e) => e.customerId)).toEqual(['E', 'U']);
    expect(() => createWorklistRanker({ rates: { USD: 1 } }).offer('E', scored(payer(12, 100, 100_000, 'EUR')))).toThrow(/EUR/);
  });
});
