/**
 * `log.lifetimeValue` on a memory store: summaries from the customers' invoices, fits, CLV,
 * CAC payback and retention, equal to the pure functions on the same facts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCacPayback,
  createTouchlog,
  createLifetimeValuer,
  fitBgNbd,
  fitGammaGamma,
  frictionCounts,
  isTouchlogError,
  retentionSignals,
  summariseLifetimeValues,
  summarisePurchases,
  type CustomerPurchaseSummary,
} from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { storedReceivables, type StoredReceivables } from '../forecast/store-data.js';

const calibration = { from: '2024-07-01', to: '2026-03-31', periodDays: 7 } as const;
const money = { margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 12 } as const;
let s: StoredReceivables;
let pure: Map<string, CustomerPurchaseSummary>;

const withoutTime = <T extends { milliseconds?: number }>(fit: T) => ({ ...fit, milliseconds: 0 });

beforeAll(async () => {
  s = await storedReceivables({ customers: 40, seed: 22 });
  pure = new Map();
  for (const [key, history] of s.histories) {
    const summary = summarisePurchases(history.invoices!.map((i) => ({ at: i.issuedAt, amount: i.amount })), calibration);
    if (summary !== undefined) pure.set(s.ids.get(key)!, summary);
  }
}, 120_000);

describe('log.lifetimeValue', () => {
  it('summarises each customer’s invoices as the pure function does (same-day purchases once)', async () => {
    const seen = new Map<string, CustomerPurchaseSummary>();
    for await (const { customer, summary } of s.log.lifetimeValue.summaries({ calibration })) seen.set(customer.id, summary);
    expect(seen).toEqual(pure);
  });

  it('fits BG/NBD and Gamma-Gamma on the cohort, as the pure fits do', async () => {
    const fit = await s.log.lifetimeValue.fit({ calibration });
    const list = [...pure.values()];
    expect(fit.calibration).toEqual({ from: '2024-07-01', to: '2026-03-31', periodDays: 7, currency: 'USD' });
    expect(fit.customers).toBe(list.length);
    expect(withoutTime(fit.bgNbd as { milliseconds: number })).toEqual(withoutTime(fitBgNbd(list) as { milliseconds: number }));
    expect(withoutTime(fit.gammaGamma as { milliseconds: number })).toEqual(withoutTime(fitGammaGamma(list) as { milliseconds: number }));
    expect(fit.bgNbd.available).toBe(true);
  });

  it('values every customer and summarises the tenant, in minor units', async () => {
    const fit = await s.log.lifetimeValue.fit({ calibration });
    if (!fit.bgNbd.available || !fit.gammaGamma.available) throw new Error('unavailable');
    const models = { bgNbd: fit.bgNbd.parameters, gammaGamma: fit.gammaGamma.parameters };
    const value = createLifetimeValuer(models, { ...money, periodDays: 7, asOf: '2026-03-31' });
    const expected = [...pure].map(([customerId, summary]) => {
      const v = value(summary);
      return { customerId, value: v.available ? Math.round(v.value) : -1 };
    });
    const rows = [];
    for await (const row of s.log.lifetimeValue.customers({ calibration, ...money, models })) {
      rows.push({ customerId: row.customer.id, value: row.lifetimeValue.available ? row.lifetimeValue.money.amountMinor : -1 });
      if (row.lifetimeValue.available) expect(row.lifetimeValue.money.currency).toBe('USD');
    }
    expect(rows).toEqual(expected);
    const tenant = await s.log.lifetimeValue.summary({ calibration, ...money, top: 3 });
    expect(tenant.models).toEqual(models);
    expect(tenant.summary).toEqual(summariseLifetimeValues(expected, { top: 3 }));
    expect(tenant.summary!.topDecileShare).toBeGreaterThan(0.1);
  });

  it('gives CAC payback from the customers’ actual payments', async () => {
    const options = { acquisitionCost: { amountMinor: 500_000, currency: 'USD' }, margin: 0.3, asOf: '2026-06-30' };
    const expected = createCacPayback(options);
    for (const history of s.histories.values()) {
      const first = [...history.invoices!].sort((a, b) => (String(a.issuedAt) < String(b.issuedAt) ? -1 : 1))[0]!;
      expected.add({ acquiredAt: first.issuedAt, payments: history.payments! });
    }
    const payback = await s.log.lifetimeValue.cacPayback(options);
    expect(payback).toEqual(expected.result());
    expect(payback.customers).toBe(40);
    expect(payback.curve.length).toBeGreaterThan(6);
  });

  it('gives retention signals, high value from the cohort’s CLV', async () => {
    const fit = await s.log.lifetimeValue.fit({ calibration });
    if (!fit.bgNbd.available) throw new Error('unavailable');
    const rows = [];
    for await (const row of s.log.lifetimeValue.retention({ calibration, ...money, trendDays: 90 })) {
      if (!row.retention.available) throw new Error(row.retention.message);
      rows.push({ ...row, retention: row.retention });
    }
    expect(rows).toHaveLength(pure.size);
    expect(rows.filter((r) => r.retention.highValue).length).toBeGreaterThanOrEqual(Math.floor(pure.size / 5));
    const [first] = rows;
    const key = [...s.ids].find(([, id]) => id === first!.customer.id)![0];
    const history = s.histories.get(key)!;
    const earlier = summarisePurchases(history.invoices!.map((i) => ({ at: i.issuedAt, amount: i.amount })), { ...calibration, to: '2025-12-31' });
    const expected = retentionSignals(fit.bgNbd.parameters, {
      current: first!.summary,
      ...(earlier ? { earlier } : {}),
      value: first!.retention.value!,
      highValueThreshold: rows.map((r) => r.retention.value!).sort((a, b) => a - b)[Math.ceil(0.8 * rows.length) - 1]!,
      friction: frictionCounts(history, { asOf: '2026-03-31', windowDays: 90 }),
    });
    expect(first!.retention).toEqual(expected);
  });

  it('says why when the cohort cannot be fitted, customer by customer, and fits nothing when given models', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'once', actor: 'svc:test' });
    for (const n of [1, 2]) {
      const { record } = await log.customers.record({ displayName: `One-off ${n}` });
      await log.finance.record({ type: 'invoice', customer: { id: record.id }, ref: `I-${n}`, issuedAt: '2025-03-01T00:00:00Z', dueAt: '2025-03-31T00:00:00Z', amount: { amountMinor: 10_000, currency: 'USD' } });
    }
    const rows = [];
    for await (const row of log.lifetimeValue.retention({ calibration, ...money })) rows.push(row.retention);
    expect(rows).toEqual([expect.objectContaining({ available: false, reason: 'no_repeat_purchases' }), expect.objectContaining({ available: false, reason: 'no_repeat_purchases' })]);
    const tenant = await log.lifetimeValue.summary({ calibration, ...money });
    expect(tenant).toMatchObject({ models: null, summary: null, unavailable: { reason: 'no_repeat_purchases' } });
    const given = await log.lifetimeValue.summary({ calibration, ...money, models: { bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 } } });
    expect(given.fit).toBeNull();
    expect(given.summary!.customers).toBe(2);
  });

  it('refuses a missing calibration end and customers buying in several currencies', async () => {
    const drain = async (it: AsyncIterable<unknown>) => {
      for await (const _ of it) void _;
    };
    await expect(drain(s.log.lifetimeValue.summaries({ calibration: {} as never }))).rejects.toSatisfy((e) => isTouchlogError(e, 'VALIDATION_FAILED'));
    const euro = s.log.withActor('svc:euro');
    const id = [...s.ids.values()][0]!;
    await euro.finance.record({ type: 'invoice', customer: { id }, ref: 'EUR-1', issuedAt: '2025-01-05T00:00:00Z', dueAt: '2025-02-04T00:00:00Z', amount: { amountMinor: 1000, currency: 'EUR' } });
    await expect(s.log.lifetimeValue.fit({ calibration })).rejects.toThrow(/purchases are in USD and EUR: pass `currency`/);
    const usdOnly = await s.log.lifetimeValue.fit({ calibration: { ...calibration, currency: 'USD' } });
    expect(usdOnly.customers).toBe(pure.size);
  });
});
