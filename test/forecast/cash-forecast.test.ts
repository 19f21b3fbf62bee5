/**
 * The cash-in forecast: expected receipts per currency and period, with a range, that account
 * for every minor unit open.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cashForecast, createCashForecast, createPaymentPrior, expectedPayments, isTouchlogError, type CustomerHistory } from 'touchlog';
import { generateReceivables } from 'touchlog/testing';
import { historiesOf } from './histories.js';

const AS_OF = '2025-09-30';
const histories = [...historiesOf(generateReceivables({ seed: 9, customers: 80 }).rows).values()];
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const euro: CustomerHistory = { invoices: [{ ref: 'E-1', issuedAt: '2025-09-01', dueAt: '2025-10-01', amount: eur(123_456) }] };

describe('cashForecast', () => {
  const forecast = cashForecast([...histories, euro], { asOf: AS_OF, weeks: 8 });

  it('has a forecast per currency, never adding one to another', () => {
    expect(forecast.currencies).toEqual(['EUR', 'USD']);
    expect(forecast.byCurrency.EUR!.openMinor).toBe(123_456);
    expect(forecast.periods).toHaveLength(8);
    expect(forecast.periods[0]).toEqual({ from: '2025-10-01', to: '2025-10-05' });
  });

  it('accounts for every minor unit open: the periods and what comes after add up to the open total', () => {
    for (const c of forecast.currencies) {
      const f = forecast.byCurrency[c]!;
      const expected = f.periods.reduce((sum, p) => sum + p.expectedMinor, 0);
      expect(expected + f.afterHorizonMinor).toBe(f.openMinor);
      let cumulative = 0;
      for (const p of f.periods) {
        cumulative += p.expectedMinor;
        expect(p.cumulativeExpectedMinor).toBe(cumulative);
        expect(Number.isSafeInteger(p.expectedMinor) && Number.isSafeInteger(p.lowMinor) && Number.isSafeInteger(p.highMinor)).toBe(true);
        expect(p.lowMinor).toBeLessThanOrEqual(p.expectedMinor);
        expect(p.highMinor).toBeGreaterThanOrEqual(p.expectedMinor);
        expect(p.cumulativeLowMinor).toBeLessThanOrEqual(p.cumulativeExpectedMinor);
        expect(p.cumulativeHighMinor).toBeLessThanOrEqual(f.openMinor);
      }
    }
  });

  it('equals the sum of the customers’ forecasts, whatever their order', () => {
    const prior = createPaymentPrior({ asOf: AS_OF });
    for (const h of [euro, ...histories].reverse()) prior.add(h);
    const builder = createCashForecast({ asOf: AS_OF, weeks: 8 });
    for (const h of [euro, ...[...histories].reverse()]) builder.add(expectedPayments(h, { asOf: AS_OF, weeks: 8, prior: prior.result(), explain: false }));
    expect(builder.result()).toEqual(forecast);
  });

  it('cuts days when asked, and the first week at the week start given', () => {
    const daily = cashForecast(histories, { asOf: AS_OF, weeks: 1, granularity: 'day' });
    expect(daily.periods.map((p) => p.from)).toEqual(['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07']);
    const sundays = cashForecast(histories, { asOf: AS_OF, weeks: 2, weekStartsOn: 0 });
    expect(sundays.periods).toEqual([{ from: '2025-10-01', to: '2025-10-04' }, { from: '2025-10-05', to: '2025-10-11' }]);
  });

  it('refuses a customer forecast made with another asOf or horizon', () => {
    const builder = createCashForecast({ asOf: AS_OF, weeks: 8 });
    expect(() => builder.add(expectedPayments(histories[0]!, { asOf: '2025-09-29', weeks: 8 }))).toThrow(/must be made as of 2025-09-30/);
    try {
      builder.add(expectedPayments(histories[0]!, { asOf: AS_OF, weeks: 9 }));
      throw new Error('expected an error');
    } catch (error) {
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
    }
  });

  it('keeps every period within 0 and the open total for any set of invoices', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ amount: fc.integer({ min: 1, max: 9e12 }), issued: fc.integer({ min: 0, max: 200 }), paid: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }) }), { maxLength: 12 }), (list) => {
        const history: CustomerHistory = {
          invoices: list.map((i, n) => ({ ref: `I${n}`, issuedAt: new Date(Date.UTC(2025, 0, 1 + i.issued)).toISOString(), dueAt: new Date(Date.UTC(2025, 0, 31 + i.issued)).toISOString(), amount: eur(i.amount) })),
          payments: list.flatMap((i, n) =>
            i.paid === undefined ? [] : [{ receivedAt: new Date(Date.UTC(2025, 0, 1 + i.issued + i.paid)).toISOString(), amount: eur(i.amount), allocations: [{ invoiceRef: `I${n}`, amount: eur(i.amount) }] }],
          ),
        };
        const f = cashForecast([history], { asOf: '2025-07-31', weeks: 4 });
        for (const c of f.currencies) {
          const cur = f.byCurrency[c]!;
          expect(cur.periods.reduce((s, p) => s + p.expectedMinor, 0) + cur.afterHorizonMinor).toBe(cur.openMinor);
          for (const p of cur.periods) expect(p.lowMinor >= 0 && p.highMinor <= cur.openMinor && p.expectedMinor >= 0).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
