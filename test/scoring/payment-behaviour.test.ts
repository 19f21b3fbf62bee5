import { describe, expect, it } from 'vitest';
import {
  ageReceivables,
  isTouchlogError,
  paymentBehaviour,
  paymentTrend,
  receivablesFigures,
  type CustomerHistory,
  type InvoiceFacts,
  type PaymentFacts,
} from 'touchlog';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

const invoice = (ref: string, issued: string, due: string, amount = usd(100_000), extra: Partial<InvoiceFacts> = {}): InvoiceFacts => ({
  ref,
  issuedAt: `${issued}T00:00:00.000Z`,
  dueAt: `${due}T00:00:00.000Z`,
  amount,
  ...extra,
});
const pay = (receivedOn: string, ...allocations: Array<[ref: string, amount: ReturnType<typeof usd>]>): PaymentFacts => {
  const total = allocations.reduce((sum, [, a]) => sum + a.amountMinor, 0);
  return {
    receivedAt: `${receivedOn}T10:00:00.000Z`,
    amount: { amountMinor: total, currency: allocations[0]![1].currency },
    allocations: allocations.map(([invoiceRef, amount]) => ({ invoiceRef, amount })),
  };
};

describe('payment experiences: partial payments, allocations across invoices, credit notes', () => {
  // A: 100 000 due 31 Jan, paid 60 000 ten days early and 40 000 thirty days late.
  // B: 50 000 due 3 Mar, credit note 10 000, the remaining 40 000 paid on the due date,
  // C: 30 000 due 12 Mar, paid 9 days early — B and C by one payment allocated across both.
  const history: CustomerHistory = {
    invoices: [
      invoice('A', '2026-01-01', '2026-01-31'),
      invoice('B', '2026-02-01', '2026-03-03', usd(50_000)),
      invoice('C', '2026-02-10', '2026-03-12', usd(30_000)),
    ],
    payments: [pay('2026-01-21', ['A', usd(60_000)]), pay('2026-03-02', ['A', usd(40_000)]), pay('2026-03-03', ['B', usd(40_000)], ['C', usd(30_000)])],
    creditNotes: [{ issuedAt: '2026-02-15T00:00:00Z', amount: usd(10_000), invoiceRef: 'B' }],
  };
  const result = paymentBehaviour(history, { asOf: '2026-04-30T00:00:00Z' });
  const figures = result.byCurrency.USD!;

  it('weighs days beyond terms by the cash of each experience (hand-computed)', () => {
    // (60 000 × −10 + 40 000 × 30 + 40 000 × 0 + 30 000 × −9) / 170 000
    expect(figures.averageDaysBeyondTerms).toBeCloseTo(330_000 / 170_000, 12);
    expect(figures.experienceAmountMinor).toBe(170_000);
    expect(figures.invoices).toBe(3);
  });

  it('scores the dollar-weighted PAYDEX: 75.5, published as 76', () => {
    // points: −10 → 85, 30 → 50, 0 → 80, −9 → 84.5
    expect(figures.paydexExact).toBe((60_000 * 85 + 40_000 * 50 + 40_000 * 80 + 30_000 * 84.5) / 170_000);
    expect(figures.paydexExact).toBe(75.5);
    expect(figures.paydex).toBe(76);
  });

  it('gives days to pay, on-time share by amount and by invoice', () => {
    // issue → receipt: A 20 and 60 days, B 30, C 21
    expect(figures.averageDaysToPay).toBeCloseTo((60_000 * 20 + 40_000 * 60 + 40_000 * 30 + 30_000 * 21) / 170_000, 12);
    expect(figures.onTimeShare).toBeCloseTo(130_000 / 170_000, 12);
    expect(figures.onTimeInvoiceShare).toBeCloseTo(2 / 3, 12);
  });

  it('details each invoice', () => {
    expect(result.invoices).toEqual([
      {
        ref: 'A', currency: 'USD', amountMinor: 100_000, creditedMinor: 0, paidMinor: 100_000, openMinor: 0,
        issuedOn: '2026-01-01', dueOn: '2026-01-31', settledOn: '2026-03-02', state: 'paid',
        daysToPay: 36, daysBeyondTerms: 6, daysPastDue: 0,
      },
      {
        ref: 'B', currency: 'USD', amountMinor: 50_000, creditedMinor: 10_000, paidMinor: 40_000, openMinor: 0,
        issuedOn: '2026-02-01', dueOn: '2026-03-03', settledOn: '2026-03-03', state: 'paid',
        daysToPay: 30, daysBeyondTerms: 0, daysPastDue: 0,
      },
      {
        ref: 'C', currency: 'USD', amountMinor: 30_000, creditedMinor: 0, paidMinor: 30_000, openMinor: 0,
        issuedOn: '2026-02-10', dueOn: '2026-03-12', settledOn: '2026-03-03', state: 'paid',
        daysToPay: 21, daysBeyondTerms: -9, daysPastDue: 0,
      },
    ]);
  });

  it('counts what is still unpaid at asOf − due date, so a customer that never pays scores badly', () => {
    const never = paymentBehaviour({ invoices: [invoice('X', '2026-01-01', '2026-01-31')] }, { asOf: '2026-05-31T00:00:00Z' });
    expect(never.byCurrency.USD!.averageDaysBeyondTerms).toBe(120);
    expect(never.byCurrency.USD!.paydex).toBe(20);
    expect(never.byCurrency.USD!.averageDaysToPay).toBeNull();
    expect(never.invoices[0]).toMatchObject({ state: 'open', openMinor: 100_000, daysPastDue: 120, daysBeyondTerms: 120, settledOn: null });
  });

  it('leaves invoices not yet due out of the experiences, even when paid early', () => {
    const early = paymentBehaviour(
      { invoices: [invoice('N', '2026-04-01', '2026-05-31')], payments: [pay('2026-04-02', ['N', usd(100_000)])] },
      { asOf: '2026-04-30T00:00:00Z' },
    );
    expect(early.byCurrency.USD!.invoices).toBe(0);
    expect(early.byCurrency.USD!.paydex).toBeNull();
    expect(early.invoices[0]).toMatchObject({ state: 'paid', daysBeyondTerms: -59 });
  });

  it('ignores what happens after asOf, and void invoices', () => {
    const later = paymentBehaviour(
      {
        invoices: [invoice('L', '2026-01-01', '2026-01-31'), invoice('V', '2026-01-01', '2026-01-31', usd(5_000), { status: 'void' })],
        payments: [pay('2026-03-10', ['L', usd(100_000)])],
      },
      { asOf: '2026-03-02T00:00:00Z' },
    );
    expect(later.invoices.map((i) => i.ref)).toEqual(['L']);
    expect(later.invoices[0]).toMatchObject({ openMinor: 100_000, daysPastDue: 30 });
    expect(later.byCurrency.USD!.averageDaysBeyondTerms).toBe(30);
  });

  it('caps cash at what is owed: an over-allocation is unapplied cash, not a second experience', () => {
    const over = paymentBehaviour(
      { invoices: [invoice('O', '2026-01-01', '2026-01-31', usd(10_000))], payments: [pay('2026-01-31', ['O', usd(10_000)]), pay('2026-03-31', ['O', usd(4_000)])] },
      { asOf: '2026-04-30T00:00:00Z' },
    );
    expect(over.byCurrency.USD!.averageDaysBeyondTerms).toBe(0);
    expect(over.byCurrency.USD!.ageing.unappliedCash).toBe(4_000);
  });

  it('treats a "paid" invoice that its allocations do not explain as settled on an unknown date, not as open', () => {
    const paid = paymentBehaviour(
      { invoices: [invoice('P', '2026-01-01', '2026-01-31', usd(10_000), { status: 'paid' })], payments: [pay('2026-02-10', ['P', usd(4_000)])] },
      { asOf: '2026-04-30T00:00:00Z' },
    );
    expect(paid.invoices[0]).toMatchObject({ state: 'paid', openMinor: 0, paidMinor: 4_000 });
    expect(paid.byCurrency.USD!.averageDaysBeyondTerms).toBe(10);
    expect(paid.byCurrency.USD!.ageing.total).toBe(0);
  });

  it('can apply unallocated cash to the oldest open invoices first', () => {
    const history: CustomerHistory = {
      invoices: [invoice('OLD', '2026-01-01', '2026-01-31', usd(30_000)), invoice('NEW', '2026-02-01', '2026-03-03', usd(30_000))],
      payments: [{ receivedAt: '2026-02-05T00:00:00Z', amount: usd(40_000) }],
    };
    const none = paymentBehaviour(history, { asOf: '2026-03-31T00:00:00Z' });
    expect(none.byCurrency.USD!.ageing).toMatchObject({ total: 60_000, unappliedCash: 40_000 });
    const applied = paymentBehaviour(history, { asOf: '2026-03-31T00:00:00Z', applyUnallocatedCash: 'oldest_first' });
    expect(applied.invoices.map((i) => [i.ref, i.openMinor])).toEqual([
      ['NEW', 20_000],
      ['OLD', 0],
    ]);
    expect(applied.byCurrency.USD!.ageing).toMatchObject({ total: 20_000, unappliedCash: 0 });
  });

  it('refuses malformed input with a validation error naming the field', () => {
    const bad = { invoices: [invoice('Z', '2026-01-01', '2026-01-31'), { ...invoice('Y', '2026-01-01', '2026-01-31'), dueAt: 'soon' }] };
    try {
      paymentBehaviour(bad, { asOf: '2026-04-30T00:00:00Z' });
      expect.unreachable();
    } catch (error) {
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as { issues: Array<{ path: unknown[] }> }).issues[0]!.path).toEqual(['invoices', 1, 'dueAt']);
    }
    expect(() => paymentBehaviour({}, { asOf: 'not a date' })).toThrow(/asOf/);
    expect(() => paymentBehaviour({ invoices: [invoice('F', '2026-01-01', '2026-01-31', usd(10.5))] }, { asOf: '2026-04-30T00:00:00Z' })).toThrow(/amount/);
  });
});

describe('open-receivables ageing', () => {
  it('buckets open amounts by days past due at asOf (hand-computed, boundaries included)', () => {
    const ageing = ageReceivables(
      {
        invoices: [
          invoice('I1', '2026-01-01', '2026-01-31'), // 43 days, 60 000 left after a partial payment
          invoice('I2', '2026-03-01', '2026-03-31', usd(50_000)), // not due
          invoice('I3', '2025-12-01', '2025-12-31', usd(30_000)), // 74 days, 20 000 after a credit note
          invoice('I4', '2025-11-01', '2025-12-01', usd(25_000)), // 104 days
          invoice('I5', '2026-01-14', '2026-02-13', usd(10_000)), // 30 days: still 1–30
          invoice('I6', '2026-02-13', '2026-03-15', usd(12_000)), // due today: current
          invoice('I7', '2026-01-13', '2026-02-12', usd(8_000)), // 31 days
          invoice('I8', '2025-09-01', '2025-10-01', usd(7_000), { status: 'written_off' }),
          invoice('E1', '2026-02-01', '2026-03-01', eur(20_000)), // 14 days, in EUR
        ],
        payments: [
          pay('2026-02-10', ['I1', usd(40_000)]),
          { receivedAt: '2026-03-01T00:00:00Z', amount: usd(5_000) }, // unapplied
          pay('2026-03-20', ['I2', usd(50_000)]), // after asOf
        ],
        creditNotes: [{ issuedAt: '2026-01-10T00:00:00Z', amount: usd(10_000), invoiceRef: 'I3' }],
      },
      { asOf: '2026-03-15T18:00:00-04:00' /* 22:00 UTC, still the 15th */ },
    );
    expect(ageing.USD).toEqual({
      currency: 'USD',
      current: 62_000,
      days1to30: 10_000,
      days31to60: 68_000,
      days61to90: 20_000,
      over90: 25_000,
      total: 185_000,
      pastDue: 123_000,
      oldestDaysPastDue: 104,
      unappliedCash: 5_000,
      unappliedCredits: 0,
      writtenOff: 7_000,
    });
    expect(ageing.EUR).toMatchObject({ current: 0, days1to30: 20_000, total: 20_000, pastDue: 20_000 });
  });

  it('reports credit notes that reduce no invoice as unapplied credits', () => {
    const ageing = ageReceivables(
      {
        invoices: [invoice('I', '2026-01-01', '2026-01-31', usd(10_000))],
        creditNotes: [
          { issuedAt: '2026-01-05T00:00:00Z', amount: usd(12_000), invoiceRef: 'I' },
          { issuedAt: '2026-01-06T00:00:00Z', amount: usd(1_000) },
        ],
      },
      { asOf: '2026-02-01T00:00:00Z' },
    );
    expect(ageing.USD).toMatchObject({ total: 0, unappliedCredits: 3_000 });
  });
});

describe('DSO, best-possible DSO, ADD, CEI and countback from a history', () => {
  // Period: March 2026 (31 days). Beginning AR: X 100 000 (Y was paid in February).
  // March sales: Z 80 000 − 5 000 credit note, W 20 000 → 95 000.
  // Ending AR: X 40 000 (past due) + Z 75 000 (current) = 115 000.
  const history: CustomerHistory = {
    invoices: [
      invoice('X', '2026-02-01', '2026-03-03'),
      invoice('Y', '2026-01-15', '2026-02-14', usd(50_000)),
      invoice('Z', '2026-03-05', '2026-04-04', usd(80_000)),
      invoice('W', '2026-03-10', '2026-03-20', usd(20_000)),
    ],
    payments: [pay('2026-03-10', ['X', usd(60_000)]), pay('2026-02-20', ['Y', usd(50_000)]), pay('2026-03-25', ['W', usd(20_000)])],
    creditNotes: [{ issuedAt: '2026-03-20T00:00:00Z', amount: usd(5_000), invoiceRef: 'Z' }],
  };
  const figures = receivablesFigures(history, { asOf: '2026-03-31T00:00:00Z', periodDays: 31 }).USD!;

  it('takes receivables and net credit sales of the period', () => {
    expect(figures).toMatchObject({
      period: { from: '2026-03-01', to: '2026-03-31', days: 31 },
      beginningReceivables: 100_000,
      creditSales: 95_000,
      endingReceivables: 115_000,
      endingCurrentReceivables: 75_000,
    });
  });

  it('computes DSO, best-possible DSO and ADD (hand-computed)', () => {
    expect(figures.dso).toBeCloseTo((115_000 * 31) / 95_000, 12);
    expect(figures.bestPossibleDso).toBeCloseTo((75_000 * 31) / 95_000, 12);
    expect(figures.averageDaysDelinquent).toBeCloseTo((40_000 * 31) / 95_000, 12);
  });

  it('computes CEI with the credit sales of the period: 80 000 collected of 120 000 collectable', () => {
    expect(figures.cei).toBeCloseTo((80_000 / 120_000) * 100, 12);
  });

  it('computes countback DSO over calendar months: 31 days of March, then 20 000 / 100 000 of February', () => {
    expect(figures.countback.months.slice(0, 3)).toEqual([
      { month: '2026-03', creditSales: 95_000, days: 31 },
      { month: '2026-02', creditSales: 100_000, days: 28 },
      { month: '2026-01', creditSales: 50_000, days: 31 },
    ]);
    expect(figures.countback.days).toBeCloseTo(31 + (20_000 * 28) / 100_000, 12);
    expect(figures.countback).toMatchObject({ periodsUsed: 2, exhausted: false });
  });

  it('counts the current month up to asOf when asOf is mid-month', () => {
    const mid = receivablesFigures(history, { asOf: '2026-03-15T12:00:00Z', countbackMonths: 2 }).USD!;
    expect(mid.countback.months).toEqual([
      { month: '2026-03', creditSales: 100_000, days: 15 },
      { month: '2026-02', creditSales: 100_000, days: 28 },
    ]);
  });
});

describe('currencies', () => {
  const history: CustomerHistory = {
    invoices: [invoice('U', '2026-01-01', '2026-01-31', usd(100_000)), invoice('E', '2026-01-01', '2026-01-31', eur(100_000))],
    payments: [pay('2026-01-31', ['U', usd(100_000)]), pay('2026-03-02', ['E', eur(100_000)])],
  };

  it('computes amount-weighted figures within each currency', () => {
    const result = paymentBehaviour(history, { asOf: '2026-04-30T00:00:00Z' });
    expect(result.currencies).toEqual(['EUR', 'USD']);
    expect(result.byCurrency.USD!.averageDaysBeyondTerms).toBe(0);
    expect(result.byCurrency.EUR!.averageDaysBeyondTerms).toBe(30);
  });

  it('refuses a customer-level figure across currencies without rates, with a typed reason', () => {
    const result = paymentBehaviour(history, { asOf: '2026-04-30T00:00:00Z' });
    expect(result.overall).toMatchObject({ available: false, reason: 'multiple_currencies' });
    const partial = paymentBehaviour(history, { asOf: '2026-04-30T00:00:00Z', rates: { USD: 1 } });
    expect(partial.overall).toMatchObject({ available: false, reason: 'missing_rate' });
    expect(paymentTrend(history, { asOf: '2026-04-30T00:00:00Z' }).overall).toMatchObject({ available: false, reason: 'multiple_currencies' });
  });

  it('weighs currencies by the given rates (a weight, never a sum of money)', () => {
    const result = paymentBehaviour(history, { asOf: '2026-04-30T00:00:00Z', rates: { USD: 1, EUR: 3 } });
    expect(result.overall).toMatchObject({ available: true, basis: 'rates', invoices: 2 });
    if (!result.overall.available) throw new Error('expected a figure');
    expect(result.overall.averageDaysBeyondTerms).toBeCloseTo((1 * 0 + 3 * 30) / 4, 12);
    expect(result.overall.paydexExact).toBeCloseTo((1 * 80 + 3 * 50) / 4, 12);
  });

  it('refuses invalid rates', () => {
    expect(() => paymentBehaviour(history, { asOf: '2026-04-30T00:00:00Z', rates: { USD: -1 } })).toThrow(/rates/);
    expect(() => paymentBehaviour(history, { asOf: '2026-04-30T00:00:00Z', rates: { XYZ: 1 } })).toThrow(/ISO 4217/);
  });
});

describe('trend', () => {
  const asOf = '2026-06-30T00:00:00Z';
  // Prior window (due 2 Jan – 1 Apr): paid on time. Recent window (due 2 Apr – 30 Jun): 20 days late.
  const history: CustomerHistory = {
    invoices: [
      invoice('P1', '2026-01-01', '2026-02-01'),
      invoice('P2', '2026-02-01', '2026-03-01'),
      invoice('R1', '2026-03-15', '2026-04-15'),
      invoice('R2', '2026-04-15', '2026-05-15'),
    ],
    payments: [
      pay('2026-02-01', ['P1', usd(100_000)]),
      pay('2026-03-01', ['P2', usd(100_000)]),
      pay('2026-05-05', ['R1', usd(100_000)]),
      pay('2026-06-04', ['R2', usd(100_000)]),
    ],
  };

  it('compares the recent window with the one before', () => {
    const trend = paymentBehaviour(history, { asOf }).byCurrency.USD!.trend;
    expect(trend).toMatchObject({
      windowDays: 90,
      recent: { from: '2026-04-02', to: '2026-06-30', invoices: 2, averageDaysBeyondTerms: 20 },
      prior: { from: '2026-01-02', to: '2026-04-01', invoices: 2, averageDaysBeyondTerms: 0 },
      change: 20,
      direction: 'deteriorating',
    });
    expect(trend.paydexChange).toBeCloseTo(paymentBehaviour(history, { asOf }).byCurrency.USD!.trend.recent.paydex! - 80, 0);
  });

  it('is stable within the threshold and unknown with too few invoices', () => {
    expect(paymentBehaviour(history, { asOf, trendThresholdDays: 25 }).byCurrency.USD!.trend.direction).toBe('stable');
    expect(paymentBehaviour(history, { asOf, trendMinInvoices: 3 }).byCurrency.USD!.trend.direction).toBe('unknown');
  });
});

describe('a stray payment in another currency', () => {
  it('is unapplied cash of its currency, and leaves the customer-level figures available', () => {
    const result = paymentBehaviour(
      {
        invoices: [invoice('U', '2026-01-01', '2026-01-31', usd(100_000))],
        payments: [pay('2026-02-10', ['U', usd(100_000)]), { receivedAt: '2026-02-11T00:00:00Z', amount: eur(5_000) }],
      },
      { asOf: '2026-04-30T00:00:00Z' },
    );
    expect(result.currencies).toEqual(['EUR', 'USD']);
    expect(result.byCurrency.EUR!.ageing.unappliedCash).toBe(5_000);
    expect(result.overall).toMatchObject({ available: true, basis: 'single_currency', averageDaysBeyondTerms: 10 });
  });
});
