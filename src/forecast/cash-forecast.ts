/**
 * The cash-in forecast: expected receipts per currency and period (day or calendar week) over
 * the next N weeks, with a P10–P90 range, summed over customers' invoice forecasts.
 *
 * Expected receipts of a period = Σ open amount × P(paid in the period). Each invoice's open
 * amount is split over the periods (and "after the horizon") in whole minor units by largest
 * remainder, so every period is an exact integer sum and the periods plus `afterHorizonMinor`
 * add up to the open total to the last cent.
 *
 * The range treats each invoice as paid in full in one period (a Bernoulli draw per period). One
 * customer's invoices tend to be paid together, so they are summed as perfectly correlated
 * (σ_customer = Σ amount × √(p(1−p))), which is the widest their range can be; customers are
 * independent. Low and high are μ ∓ 1.2816 σ (the normal P10 and P90), kept within 0 and the
 * open total.
 *
 * @module
 */
import { ExactSum } from '../scoring/exact-sum.js';
import { invalid } from '../scoring/input.js';
import type { CustomerHistory, InstantLike } from '../scoring/types.js';
import { horizonOf, periodsOf, type HorizonOptions, type Period } from './buckets.js';
import { expectedPayments, type CustomerPaymentForecast, type ExpectedPaymentsOptions } from './expected-payments.js';
import { createPaymentPrior } from './prior.js';
import { forecastDay } from './settings.js';
import { isoDateOfDay } from '../scoring/days.js';

/** One period of a currency's cash-in forecast, amounts in minor units. */
export interface CashPeriod extends Period {
  /** Expected receipts in the period. */
  readonly expectedMinor: number;
  /** P10 and P90 of the receipts in the period. */
  readonly lowMinor: number;
  readonly highMinor: number;
  /** Expected receipts from the day after `asOf` to the end of the period, with its P10 and P90. */
  readonly cumulativeExpectedMinor: number;
  readonly cumulativeLowMinor: number;
  readonly cumulativeHighMinor: number;
}

/** The forecast of one currency. */
export interface CurrencyCashForecast {
  readonly currency: string;
  /** Open invoices forecast, and what they leave open at `asOf`. */
  readonly invoices: number;
  readonly openMinor: number;
  /** Of which past due at `asOf`. */
  readonly overdueMinor: number;
  readonly periods: readonly CashPeriod[];
  /** Expected to arrive after the last period (`openMinor − Σ expectedMinor`). */
  readonly afterHorizonMinor: number;
}

/** A cash-in forecast. */
export interface CashForecast {
  readonly asOf: string;
  readonly granularity: 'day' | 'week';
  readonly weekStartsOn: number;
  readonly periods: readonly Period[];
  /** Customers with at least one open invoice forecast. */
  readonly customers: number;
  readonly invoices: number;
  /** Currencies, sorted. */
  readonly currencies: readonly string[];
  readonly byCurrency: Readonly<Record<string, CurrencyCashForecast>>;
}

/** Options of {@link createCashForecast}. */
export interface CashForecastOptions extends HorizonOptions {
  readonly asOf: InstantLike;
}

/** Sums customers' forecasts into a cash-in forecast. */
export interface CashForecastBuilder {
  /** Adds one customer's forecast (made with the same `asOf` and horizon). */
  add(forecast: CustomerPaymentForecast): void;
  result(): CashForecast;
}

/** The normal quantile of 0.9. */
const Z90 = 1.2815515655446004;

class CurrencyTotals {
  invoices = 0;
  open = 0;
  overdue = 0;
  readonly expected: number[];
  readonly variance: ExactSum[];
  readonly cumulativeVariance: ExactSum[];
  constructor(readonly currency: string, periods: number) {
    this.expected = new Array<number>(periods).fill(0);
    this.variance = Array.from({ length: periods }, () => new ExactSum());
    this.cumulativeVariance = Array.from({ length: periods }, () => new ExactSum());
  }
}

const safeAdd = (a: number, b: number, currency: string) => {
  const s = a + b;
  if (!Number.isSafeInteger(s)) throw new RangeError(`the ${currency} forecast left the safe integer range`);
  return s;
};

/** Splits `amount` over shares (summing to ≤ 1) in whole units by largest remainder; what the shares leave is not given out. @internal */
export function splitAmount(amount: number, shares: readonly number[]): number[] {
  const out = shares.map((p) => Math.floor(amount * p));
  let given = 0;
  for (const v of out) given += v;
  let rest = 0;
  for (const p of shares) rest += p;
  const target = Math.min(amount, Math.round(amount * rest));
  const order = shares.map((_, i) => i).sort((i, j) => amount * shares[j]! - out[j]! - (amount * shares[i]! - out[i]!) || i - j);
  for (let k = 0; given < target && k < order.length; k++) {
    out[order[k]!]!++;
    given++;
  }
  return out;
}

/**
 * Creates a cash-in forecast builder: add each customer's `expectedPayments` (made with the same
 * `asOf`, weeks, granularity and week start), then read the forecast. Memory holds a few numbers
 * per currency and period, whatever the number of invoices.
 *
 * @example
 * ```ts
 * const cash = createCashForecast({ asOf: '2026-06-30', weeks: 8 });
 * for (const history of histories) cash.add(expectedPayments(history, { asOf: '2026-06-30', weeks: 8, prior, explain: false }));
 * cash.result().byCurrency.USD.periods[0]; // { from: '2026-07-01', to: '2026-07-05', expectedMinor, lowMinor, highMinor, ... }
 * ```
 */
export function createCashForecast(options: CashForecastOptions): CashForecastBuilder {
  const day = forecastDay(options?.asOf);
  const horizon = horizonOf(day, options);
  const periods = periodsOf(horizon);
  const n = periods.length;
  const totals = new Map<string, CurrencyTotals>();
  let customers = 0;
  let invoices = 0;
  return {
    add(forecast) {
      if (forecast?.asOf !== isoDateOfDay(day)) invalid('cash forecast', ['asOf'], 'invalid_value', `must be made as of ${isoDateOfDay(day)}, not ${String(forecast?.asOf)}`);
      if (forecast.periods.length !== n || forecast.periods.some((p, i) => p.from !== periods[i]!.from || p.to !== periods[i]!.to)) {
        invalid('cash forecast', ['periods'], 'invalid_value', 'must be made with the same weeks, granularity and weekStartsOn as the cash forecast');
      }
      if (forecast.invoices.length === 0) return;
      customers++;
      // Per currency, this customer's σ per period (its invoices summed as perfectly correlated).
      const sigma = new Map<string, { period: number[]; cumulative: number[] }>();
      for (const invoice of forecast.invoices) {
        invoices++;
        const c = invoice.currency;
        let t = totals.get(c);
        if (t === undefined) {
          t = new CurrencyTotals(c, n);
          totals.set(c, t);
        }
        t.invoices++;
        t.open = safeAdd(t.open, invoice.openMinor, c);
        if (invoice.daysPastDue > 0) t.overdue = safeAdd(t.overdue, invoice.openMinor, c);
        const shares: number[] = [];
        let previous = 0;
        for (const p of invoice.paidBy) {
          shares.push(Math.max(0, p - previous));
          previous = Math.max(previous, p);
        }
        const split = splitAmount(invoice.openMinor, shares);
        let s = sigma.get(c);
        if (s === undefined) {
          s = { period: new Array<number>(n).fill(0), cumulative: new Array<number>(n).fill(0) };
          sigma.set(c, s);
        }
        let cumulative = 0;
        for (let k = 0; k < n; k++) {
          t.expected[k] = safeAdd(t.expected[k]!, split[k]!, c);
          const p = shares[k]!;
          cumulative = Math.min(1, cumulative + p);
          s.period[k]! += invoice.openMinor * Math.sqrt(p * (1 - p));
          s.cumulative[k]! += invoice.openMinor * Math.sqrt(cumulative * (1 - cumulative));
        }
      }
      for (const [c, s] of sigma) {
        const t = totals.get(c)!;
        for (let k = 0; k < n; k++) {
          t.variance[k]!.add(Math.round(s.period[k]! ** 2));
          t.cumulativeVariance[k]!.add(Math.round(s.cumulative[k]! ** 2));
        }
      }
    },
    result() {
      const currencies = [...totals.keys()].sort();
      const byCurrency: Record<string, CurrencyCashForecast> = Object.create(null);
      for (const c of currencies) {
        const t = totals.get(c)!;
        let running = 0;
        const rows: CashPeriod[] = periods.map((period, k) => {
          running += t.expected[k]!;
          const sd = Math.sqrt(t.variance[k]!.toNumber());
          const cumulativeSd = Math.sqrt(t.cumulativeVariance[k]!.toNumber());
          const clamp = (v: number) => Math.round(Math.min(t.open, Math.max(0, v)));
          return {
            ...period,
            expectedMinor: t.expected[k]!,
            lowMinor: clamp(t.expected[k]! - Z90 * sd),
            highMinor: clamp(t.expected[k]! + Z90 * sd),
            cumulativeExpectedMinor: running,
            cumulativeLowMinor: clamp(running - Z90 * cumulativeSd),
            cumulativeHighMinor: clamp(running + Z90 * cumulativeSd),
          };
        });
        byCurrency[c] = { currency: c, invoices: t.invoices, openMinor: t.open, overdueMinor: t.overdue, periods: rows, afterHorizonMinor: t.open - running };
      }
      return { asOf: isoDateOfDay(day), granularity: horizon.granularity, weekStartsOn: horizon.weekStartsOn, periods, customers, invoices, currencies, byCurrency };
    },
  };
}

/** Options of {@link cashForecast}. */
export interface CashForecastFromHistoriesOptions extends Omit<ExpectedPaymentsOptions, 'prior' | 'explain'> {}

/**
 * The cash-in forecast of a set of customers' histories in memory, in two passes: the tenant's
 * behaviour from all of them (`createPaymentPrior`), then each customer's `expectedPayments`
 * summed by `createCashForecast`. On a store, `log.forecast.cash()` does the same streaming.
 *
 * @example
 * ```ts
 * const forecast = cashForecast(histories, { asOf: '2026-06-30', weeks: 13 });
 * forecast.byCurrency.EUR.periods.map((p) => [p.from, p.expectedMinor, p.lowMinor, p.highMinor]);
 * ```
 */
export function cashForecast(histories: readonly CustomerHistory[], options: CashForecastFromHistoriesOptions): CashForecast {
  if (!Array.isArray(histories)) invalid('cash forecast', ['histories'], 'invalid_type', 'must be a list of customer histories (it is read twice)');
  const builder = createPaymentPrior(options);
  for (const history of histories) builder.add(history);
  const prior = builder.result();
  const cash = createCashForecast(options);
  for (const history of histories) cash.add(expectedPayments(history, { ...options, prior, explain: false }));
  return cash.result();
}
