/**
 * CAC payback: how many months of collected margin it takes to repay what acquiring a customer
 * cost. The acquisition cost is an input (touchlog does not know marketing spend); the margin is
 * collected from actual payments, month by month after the customer's acquisition.
 *
 * @module
 */
import { isCurrencyCode, type Money } from '../models/money.js';
import { instantMs, isoDateOfDay, MS_PER_DAY } from '../scoring/days.js';
import type { InstantLike } from '../scoring/types.js';
import { addMonthsToDay } from './calendar.js';
import { integerIn, invalid, numberIn } from './check.js';

/** One customer: when it was acquired (its first purchase) and the cash it paid since. */
export interface PaybackCustomer {
  readonly customerId?: string;
  readonly acquiredAt: InstantLike;
  readonly payments: Iterable<{ readonly receivedAt: InstantLike; readonly amount: Money }>;
}

/** Options of {@link cacPayback} and {@link createCacPayback}. */
export interface CacPaybackOptions {
  /** What acquiring one customer costs, in the currency of the payments that repay it. */
  readonly acquisitionCost: Money;
  /** Share of collected cash that is margin, from 0 to 1 (exclusive of 0). */
  readonly margin: number;
  /** The day payback is judged as of: later payments are ignored, and only full months up to it are observed. */
  readonly asOf: InstantLike;
  /** Months after acquisition to follow. Default 60. */
  readonly maxMonths?: number;
}

/** One customer's payback. */
export interface CustomerPayback {
  readonly customerId?: string;
  /** UTC day of acquisition (`YYYY-MM-DD`). */
  readonly acquiredOn: string;
  /** Whole calendar months observed between acquisition and `asOf` (capped at `maxMonths`). */
  readonly monthsObserved: number;
  /** Month after acquisition (1 = the first month) by whose end collected margin reached the cost; `null` when not (yet). */
  readonly paybackMonth: number | null;
  /** Cash collected in the currency of the cost by `asOf`, minor units. */
  readonly collectedMinor: number;
  /** `collectedMinor × margin`, rounded to minor units. */
  readonly collectedMarginMinor: number;
}

/** One month of a cohort's payback curve. */
export interface PaybackMonth {
  /** Months after acquisition (1 = the first month). */
  readonly month: number;
  /** Customers observed for at least this many months: the curve's denominator. */
  readonly customers: number;
  /** Mean collected margin per observed customer by the end of the month, minor units (rounded). */
  readonly meanCumulativeMarginMinor: number;
  /** Share of the observed customers whose own margin had repaid the cost by then. */
  readonly shareRepaid: number;
}

/** A cohort's payback. */
export interface CohortPayback {
  readonly currency: string;
  readonly acquisitionCostMinor: number;
  readonly customers: number;
  /** Customers whose own margin has repaid the cost. */
  readonly repaid: number;
  /** First month by whose end the mean collected margin per customer reached the cost; `null` when it has not in the observed months. */
  readonly paybackMonth: number | null;
  /** Median of the customers' payback months; `null` when fewer than half have repaid. */
  readonly medianPaybackMonth: number | null;
  readonly curve: readonly PaybackMonth[];
}

interface Settings {
  readonly cost: number;
  readonly currency: string;
  readonly margin: number;
  readonly asOfDay: number;
  readonly maxMonths: number;
}

function settingsOf(options: CacPaybackOptions): Settings {
  const subject = 'CAC payback options';
  if (typeof options !== 'object' || options === null) invalid(subject, [], 'invalid_type', 'must be { acquisitionCost, margin, asOf }');
  const cost = options.acquisitionCost;
  if (!cost || !Number.isSafeInteger(cost.amountMinor) || cost.amountMinor <= 0 || !isCurrencyCode(cost.currency)) {
    invalid(subject, ['acquisitionCost'], 'invalid_money', 'must be { amountMinor, currency } with a positive integer number of minor units');
  }
  if (options.margin === undefined) invalid(subject, ['margin'], 'invalid_value', 'must be given: the share of collected cash that is margin, from 0 to 1');
  const margin = numberIn(options.margin, 0, subject, 'margin', 0, 1, { minExclusive: true });
  const asOfMs = options.asOf === undefined ? Number.NaN : instantMs(options.asOf);
  if (asOfMs !== asOfMs) invalid(subject, ['asOf'], 'invalid_date', 'must be given: a Date or an ISO-8601 instant');
  const maxMonths = integerIn(options.maxMonths, 60, subject, 'maxMonths', 1, 1200);
  return { cost: cost.amountMinor, currency: cost.currency, margin, asOfDay: Math.floor(asOfMs / MS_PER_DAY), maxMonths };
}

function paybackOf(customer: PaybackCustomer, s: Settings, index: number): CustomerPayback & { readonly cumulative: number[] } {
  const acquiredMs = instantMs(customer?.acquiredAt);
  if (acquiredMs !== acquiredMs) invalid('CAC payback customers', [index, 'acquiredAt'], 'invalid_date', 'must be a Date or an ISO-8601 instant');
  const acquired = Math.floor(acquiredMs / MS_PER_DAY);
  // Month ends (exclusive) after acquisition, up to the last full month before asOf.
  const ends: number[] = [];
  for (let m = 1; m <= s.maxMonths; m++) {
    const end = addMonthsToDay(acquired, m);
    if (end - 1 > s.asOfDay) break;
    ends.push(end);
  }
  const perMonth = new Array<number>(ends.length).fill(0);
  let collected = 0;
  let p = 0;
  for (const payment of customer.payments ?? []) {
    const ms = instantMs(payment?.receivedAt);
    if (ms !== ms) invalid('CAC payback customers', [index, 'payments', p, 'receivedAt'], 'invalid_date', 'must be a Date or an ISO-8601 instant');
    const amount = payment.amount?.amountMinor;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
      invalid('CAC payback customers', [index, 'payments', p, 'amount'], 'invalid_money', 'must be { amountMinor, currency } with a non-negative integer number of minor units');
    }
    p++;
    const day = Math.floor(ms / MS_PER_DAY);
    if (payment.amount.currency !== s.currency || day > s.asOfDay) continue;
    collected += amount;
    if (!Number.isSafeInteger(collected)) throw new RangeError(`the ${s.currency} payments of one customer left the safe integer range`);
    let m = 0;
    while (m < ends.length && day >= ends[m]!) m++;
    if (m < ends.length) perMonth[m]! += amount;
  }
  const cumulative: number[] = [];
  let running = 0;
  let paybackMonth: number | null = null;
  for (let m = 0; m < perMonth.length; m++) {
    running += perMonth[m]!;
    cumulative.push(running);
    if (paybackMonth === null && running * s.margin >= s.cost) paybackMonth = m + 1;
  }
  return {
    ...(customer.customerId !== undefined ? { customerId: customer.customerId } : {}),
    acquiredOn: isoDateOfDay(acquired),
    monthsObserved: ends.length,
    paybackMonth,
    collectedMinor: collected,
    collectedMarginMinor: Math.round(collected * s.margin),
    cumulative,
  };
}

/**
 * One customer's CAC payback: the first month after acquisition by whose end the margin on the
 * cash it paid (`margin × Σ payments`) reached the acquisition cost.
 *
 * @example
 * ```ts
 * cacPayback(
 *   { acquiredAt: '2026-01-10', payments: [{ receivedAt: '2026-02-20', amount: { amountMinor: 40_000, currency: 'USD' } },
 *                                          { receivedAt: '2026-04-02', amount: { amountMinor: 40_000, currency: 'USD' } }] },
 *   { acquisitionCost: { amountMinor: 20_000, currency: 'USD' }, margin: 0.4, asOf: '2026-12-31' },
 * );
 * // { acquiredOn: '2026-01-10', monthsObserved: 11, paybackMonth: 3, collectedMinor: 80000, collectedMarginMinor: 32000 }
 * ```
 */
export function cacPayback(customer: PaybackCustomer, options: CacPaybackOptions): CustomerPayback {
  const { cumulative: _, ...result } = paybackOf(customer, settingsOf(options), 0);
  return result;
}

/** A cohort payback built one customer at a time (memory: one number per month). */
export interface CacPaybackAccumulator {
  /** Adds one customer and returns its own payback. */
  add(customer: PaybackCustomer): CustomerPayback;
  result(): CohortPayback;
}

/**
 * Payback over a cohort, one customer at a time: the mean collected margin per customer by month
 * after acquisition (each month over the customers observed that long), the first month it reaches
 * the cost, and the median of the customers' own payback months.
 *
 * @example
 * ```ts
 * const cohort = createCacPayback({ acquisitionCost: { amountMinor: 50_000, currency: 'USD' }, margin: 0.35, asOf: '2026-12-31' });
 * for (const customer of customers) cohort.add(customer);
 * cohort.result(); // e.g. { paybackMonth: 7, medianPaybackMonth: 6, curve: [{ month: 1, customers, meanCumulativeMarginMinor, shareRepaid }, ...] }
 * ```
 */
export function createCacPayback(options: CacPaybackOptions): CacPaybackAccumulator {
  const s = settingsOf(options);
  const sums = new Array<number>(s.maxMonths).fill(0);
  const observed = new Array<number>(s.maxMonths).fill(0);
  const repaidBy = new Array<number>(s.maxMonths).fill(0);
  const paybackMonths = new Array<number>(s.maxMonths + 1).fill(0);
  let customers = 0;
  let repaid = 0;
  return {
    add(customer) {
      const { cumulative, ...result } = paybackOf(customer, s, customers);
      customers++;
      for (let m = 0; m < cumulative.length; m++) {
        sums[m]! += cumulative[m]!;
        observed[m]!++;
        if (result.paybackMonth !== null && result.paybackMonth <= m + 1) repaidBy[m]!++;
      }
      if (result.paybackMonth !== null) {
        repaid++;
        paybackMonths[result.paybackMonth]!++;
      }
      return result;
    },
    result() {
      const curve: PaybackMonth[] = [];
      let paybackMonth: number | null = null;
      for (let m = 0; m < s.maxMonths && observed[m]! > 0; m++) {
        const mean = (sums[m]! * s.margin) / observed[m]!;
        curve.push({ month: m + 1, customers: observed[m]!, meanCumulativeMarginMinor: Math.round(mean), shareRepaid: repaidBy[m]! / observed[m]! });
        if (paybackMonth === null && mean >= s.cost) paybackMonth = m + 1;
      }
      // The median over all customers: those not repaid (yet) sort last.
      let median: number | null = null;
      if (repaid * 2 >= customers && customers > 0) {
        const rank = Math.ceil(customers / 2);
        let seen = 0;
        for (let m = 1; m <= s.maxMonths; m++) {
          seen += paybackMonths[m]!;
          if (seen >= rank) {
            median = m;
            break;
          }
        }
      }
      return { currency: s.currency, acquisitionCostMinor: s.cost, customers, repaid, paybackMonth, medianPaybackMonth: median, curve };
    },
  };
}
