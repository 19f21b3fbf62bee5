/**
 * From purchases to summaries, CAC payback from payments, and retention signals as a risk factor.
 */
import { describe, expect, it } from 'vitest';
import {
  assessRisk,
  cacPayback,
  createCacPayback,
  frictionCounts,
  interactionSignals,
  isTouchlogError,
  paymentBehaviour,
  retentionRiskFactor,
  retentionSignals,
  summarisePurchases,
  type CustomerHistory,
} from 'touchlog';
import { PUBLISHED } from './cdnow.js';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

describe('summarisePurchases', () => {
  it('counts same-day purchases once and measures tₓ and T in the period unit', () => {
    const s = summarisePurchases(
      [
        { at: '1997-01-01T09:00:00Z', amount: usd(2999) },
        { at: '1997-01-01T18:00:00-05:00', amount: usd(1000) }, // 23:00 UTC: the same UTC day
        { at: '1997-02-12', amount: usd(2235) },
        { at: '1997-03-05', amount: usd(1765) },
        { at: '1997-10-01', amount: usd(9999) }, // after calibration: ignored
      ],
      { to: '1997-09-30' },
    );
    expect(s).toEqual({
      x: 2,
      tx: 9,
      T: 272 / 7,
      meanValue: 2000,
      currency: 'USD',
      repeatValueMinor: 4000,
      totalValueMinor: 7999,
      firstPurchase: '1997-01-01',
      lastPurchase: '1997-03-05',
    });
    expect(summarisePurchases([{ at: '1997-01-01', amount: usd(1) }], { to: '1997-01-31', periodDays: 1 })).toMatchObject({ x: 0, tx: 0, T: 30 });
    expect(summarisePurchases([{ at: '1996-12-01', amount: usd(1) }], { from: '1997-01-01', to: '1997-01-31' })).toBeUndefined();
  });

  it('refuses mixed currencies unless one is chosen', () => {
    const purchases = [
      { at: '2026-01-05', amount: usd(100) },
      { at: '2026-02-05', amount: { amountMinor: 100, currency: 'EUR' } },
    ];
    try {
      summarisePurchases(purchases, { to: '2026-06-30' });
      throw new Error('expected an error');
    } catch (error) {
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as { issues: Array<{ code: string; path: unknown[] }> }).issues[0]).toMatchObject({ code: 'multiple_currencies', path: [1, 'amount', 'currency'] });
    }
    expect(summarisePurchases(purchases, { to: '2026-06-30', currency: 'EUR' })).toMatchObject({ x: 0, currency: 'EUR', totalValueMinor: 100 });
  });
});

describe('CAC payback', () => {
  const cost = { acquisitionCost: usd(20_000), margin: 0.4, asOf: '2026-12-31' };

  it('is the first month by whose end collected margin covers the cost', () => {
    const payback = cacPayback(
      { acquiredAt: '2026-01-10', payments: [{ receivedAt: '2026-02-20', amount: usd(40_000) }, { receivedAt: '2026-04-02', amount: usd(40_000) }] },
      cost,
    );
    // Month 1: 10 Jan–9 Feb (nothing), month 2: 10 Feb–9 Mar (16 000 margin), month 3: 10 Mar–9 Apr (32 000 ≥ 20 000).
    expect(payback).toEqual({ acquiredOn: '2026-01-10', monthsObserved: 11, paybackMonth: 3, collectedMinor: 80_000, collectedMarginMinor: 32_000 });
  });

  it('over a cohort: the mean margin curve, and the median of the customers’ own months', () => {
    const cohort = createCacPayback(cost);
    cohort.add({ acquiredAt: '2026-01-01', payments: [{ receivedAt: '2026-01-15', amount: usd(60_000) }] }); // month 1
    cohort.add({ acquiredAt: '2026-01-01', payments: [{ receivedAt: '2026-03-15', amount: usd(50_000) }] }); // month 3
    cohort.add({ acquiredAt: '2026-01-01', payments: [{ receivedAt: '2026-02-15', amount: usd(10_000) }, { receivedAt: '2026-02-15', amount: { amountMinor: 99_999, currency: 'EUR' } }] }); // never (EUR does not count)
    const result = cohort.result();
    expect(result).toMatchObject({ currency: 'USD', acquisitionCostMinor: 20_000, customers: 3 });
    expect(result.repaid).toBe(2);
    expect(result.medianPaybackMonth).toBe(3);
    expect(result.curve[0]).toEqual({ month: 1, customers: 3, meanCumulativeMarginMinor: 8000, shareRepaid: 1 / 3 });
    // By month 3 the mean margin is (24 000 + 20 000 + 4 000) / 3 = 16 000 < 20 000: the mean has not paid back.
    expect(result.curve[2]).toEqual({ month: 3, customers: 3, meanCumulativeMarginMinor: 16_000, shareRepaid: 2 / 3 });
    expect(result.paybackMonth).toBeNull();
  });

  it('refuses a missing margin and a non-positive cost', () => {
    expect(() => cacPayback({ acquiredAt: '2026-01-01', payments: [] }, { ...cost, margin: undefined as never })).toThrow(/margin: must be given/);
    expect(() => cacPayback({ acquiredAt: '2026-01-01', payments: [] }, { ...cost, acquisitionCost: usd(0) })).toThrow(/acquisitionCost/);
  });
});

describe('retention signals', () => {
  const history: CustomerHistory = {
    invoices: [
      { ref: 'I1', issuedAt: '2026-01-05', dueAt: '2026-02-04', amount: usd(10_000) },
      { ref: 'I2', issuedAt: '2026-02-05', dueAt: '2026-03-07', amount: usd(10_000) },
      { ref: 'I3', issuedAt: '2026-03-05', dueAt: '2026-04-04', amount: usd(10_000) },
    ],
    payments: [{ receivedAt: '2026-02-04', amount: usd(10_000), allocations: [{ invoiceRef: 'I1', amount: usd(10_000) }] }],
    disputes: [{ invoiceRef: 'I2', openedAt: '2026-05-10', amount: usd(10_000) }],
    interactions: [
      { channel: 'phone', direction: 'inbound', purpose: 'complaint', occurredAt: '2026-05-20T10:00:00Z' },
      { channel: 'email', direction: 'inbound', purpose: 'complaint', occurredAt: '2026-06-02T10:00:00Z' },
      { channel: 'phone', direction: 'inbound', purpose: 'dispute', occurredAt: '2026-05-10T10:00:00Z' }, // the same dispute as the record
      { channel: 'phone', direction: 'inbound', purpose: 'complaint', occurredAt: '2026-02-20T10:00:00Z' },
    ],
  };

  it('counts complaints and disputes in the recent window and the one before', () => {
    expect(frictionCounts(history, { asOf: '2026-06-30', windowDays: 90 })).toEqual({ complaints: { recent: 2, prior: 1 }, disputes: { recent: 1, prior: 0 } });
  });

  it('flags a high-value customer whose P(alive) falls or whose friction rises, and feeds the risk score', () => {
    const friction = frictionCounts(history, { asOf: '2026-06-30', windowDays: 90 });
    const signals = retentionSignals(PUBLISHED.bgNbd, { current: { x: 4, tx: 10, T: 38 }, earlier: { x: 4, tx: 10, T: 25 }, value: 120, highValueThreshold: 80, friction });
    expect(signals).toMatchObject({ highValue: true, probabilityAliveFalling: true, frictionRising: true, atRisk: true });
    expect(signals.probabilityAlive).toBeCloseTo(0.0656, 4);
    expect(signals.probabilityAliveBefore).toBeCloseTo(0.2491, 4);
    // The larger of the fall (0.1835 ÷ 0.5 = 0.367) and the rise of friction ((3 − 1) ÷ 3 = 0.667).
    expect(signals.risk).toBeCloseTo(2 / 3, 12);
    const low = retentionSignals(PUBLISHED.bgNbd, { current: { x: 4, tx: 10, T: 38 }, earlier: { x: 4, tx: 10, T: 25 }, value: 10, highValueThreshold: 80, friction });
    expect(low).toMatchObject({ highValue: false, atRisk: false });

    const payment = paymentBehaviour(history, { asOf: '2026-06-30' });
    const contact = interactionSignals(history, { asOf: '2026-06-30' });
    const without = assessRisk(payment, contact);
    const withRetention = assessRisk(payment, contact, { extraFactors: [retentionRiskFactor(signals, 10)] });
    expect(without.factors).toHaveLength(7);
    expect(withRetention.factors).toHaveLength(8);
    const factor = withRetention.factors.at(-1)!;
    expect(factor).toMatchObject({ factor: 'retention', weight: 10, evidence: true });
    expect(factor.points).toBeCloseTo((signals.risk * 10 * 100) / 110, 9);
    expect(factor.explanation).toMatch(/^at-risk customer: P\(alive\) 0\.07, down from 0\.25/);
    // The seven factors keep their risks; their points are re-weighted over 110.
    for (let i = 0; i < 7; i++) expect(withRetention.factors[i]!.risk).toBe(without.factors[i]!.risk);
    expect(() => assessRisk(payment, contact, { extraFactors: [{ ...retentionRiskFactor(signals), risk: Number.NaN }] })).toThrow(/extraFactors\[0\]\.risk/);
  });
});
