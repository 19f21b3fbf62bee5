/**
 * From purchases to the (x, tₓ, T, mean value) the models read: one customer's purchases in a
 * calibration window, with purchases on the same UTC day counted as one (their amounts added).
 *
 * @module
 */
import type { Money } from '../models/money.js';
import { instantMs, MS_PER_DAY } from '../scoring/days.js';
import type { InstantLike } from '../scoring/types.js';
import { invalid, numberIn } from './check.js';

/** One purchase: when, and for how much. Invoices satisfy it (`issuedAt`, `amount`) through {@link invoicePurchase}. */
export interface Purchase {
  readonly at: InstantLike;
  readonly amount: Money;
}

/** The calibration window and unit of a summary. */
export interface CalibrationWindow {
  /** First day of the window (UTC). Purchases before it are ignored; without it, every purchase up to `to` counts. */
  readonly from?: InstantLike;
  /** Last day of the window (UTC; the end of calibration): T runs to the end of this day's start, as in the CDNOW summaries. */
  readonly to: InstantLike;
  /** Length of the period unit in days: 7 for weeks (default, as in the published CDNOW fits), 1 for days. */
  readonly periodDays?: number;
  /** Only purchases in this currency count. Required when purchases come in several currencies. */
  readonly currency?: string;
}

/** One customer's purchases summarised for the BG/NBD and Gamma-Gamma models. */
export interface CustomerPurchaseSummary {
  /** Repeat purchases: distinct purchase days after the first one. */
  readonly x: number;
  /** Periods from the first purchase day to the last. */
  readonly tx: number;
  /** Periods from the first purchase day to the end of calibration. */
  readonly T: number;
  /** Mean value of the repeat purchases in minor units (0 when x = 0). */
  readonly meanValue: number;
  readonly currency: string;
  /** Sum of the repeat purchases, in minor units (integer). */
  readonly repeatValueMinor: number;
  /** Sum of every purchase in the window, the first included, in minor units (integer). */
  readonly totalValueMinor: number;
  /** UTC day of the first purchase (`YYYY-MM-DD`). */
  readonly firstPurchase: string;
  readonly lastPurchase: string;
}

/** The window in UTC day numbers, checked. @internal */
export interface Window {
  readonly fromDay: number;
  readonly toDay: number;
  readonly periodDays: number;
  readonly currency: string | undefined;
}

/** Checks a calibration window. @internal */
export function windowOf(window: CalibrationWindow, subject = 'calibration window'): Window {
  if (typeof window !== 'object' || window === null) invalid(subject, [], 'invalid_type', 'must be { from?, to, periodDays?, currency? }');
  const toMs = window.to === undefined ? Number.NaN : instantMs(window.to);
  if (toMs !== toMs) invalid(subject, ['to'], 'invalid_date', 'must be given: the last day of calibration, a Date or an ISO-8601 instant');
  const fromMs = window.from === undefined ? Number.NEGATIVE_INFINITY : instantMs(window.from);
  if (fromMs !== fromMs) invalid(subject, ['from'], 'invalid_date', 'must be a Date or an ISO-8601 instant');
  const fromDay = Number.isFinite(fromMs) ? Math.floor(fromMs / MS_PER_DAY) : Number.NEGATIVE_INFINITY;
  const toDay = Math.floor(toMs / MS_PER_DAY);
  if (fromDay > toDay) invalid(subject, ['from'], 'invalid_value', 'must not be after `to`');
  const periodDays = numberIn(window.periodDays, 7, subject, 'periodDays', 0, 366, { minExclusive: true });
  if (window.currency !== undefined && (typeof window.currency !== 'string' || !/^[A-Z]{3}$/.test(window.currency))) {
    invalid(subject, ['currency'], 'unknown_currency', 'must be an ISO 4217 code such as USD');
  }
  return { fromDay, toDay, periodDays, currency: window.currency };
}

const isoDay = (day: number) => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);

/** Accumulates one customer's purchases by UTC day. @internal */
export class PurchaseDays {
  private readonly byDay = new Map<number, number>();
  private currency: string | undefined;
  constructor(private readonly window: Window) {
    this.currency = window.currency;
  }

  /** Adds a purchase (ignored outside the window or in another currency than `window.currency`). */
  add(purchase: Purchase, index: number): void {
    const ms = instantMs(purchase?.at);
    if (ms !== ms) invalid('purchases', [index, 'at'], 'invalid_date', 'must be a Date or an ISO-8601 instant');
    const amount = purchase.amount?.amountMinor;
    const currency = purchase.amount?.currency;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0 || typeof currency !== 'string') {
      invalid('purchases', [index, 'amount'], 'invalid_money', 'must be { amountMinor, currency } with a non-negative integer number of minor units');
    }
    const day = Math.floor(ms / MS_PER_DAY);
    if (day < this.window.fromDay || day > this.window.toDay) return;
    if (this.window.currency !== undefined) {
      if (currency !== this.window.currency) return;
    } else if (this.currency === undefined) {
      this.currency = currency;
    } else if (currency !== this.currency) {
      invalid('purchases', [index, 'amount', 'currency'], 'multiple_currencies', `purchases are in ${this.currency} and ${currency}: pass \`currency\` to summarise one of them`);
    }
    const total = (this.byDay.get(day) ?? 0) + amount;
    if (!Number.isSafeInteger(total)) throw new RangeError(`the ${currency} purchases of one day left the safe integer range`);
    this.byDay.set(day, total);
  }

  /** The summary, or `undefined` without a purchase in the window. */
  summary(): CustomerPurchaseSummary | undefined {
    if (this.byDay.size === 0) return undefined;
    const days = [...this.byDay.keys()].sort((a, b) => a - b);
    const first = days[0]!;
    const last = days[days.length - 1]!;
    let repeat = 0;
    for (let i = 1; i < days.length; i++) repeat += this.byDay.get(days[i]!)!;
    const total = repeat + this.byDay.get(first)!;
    if (!Number.isSafeInteger(total)) throw new RangeError(`the ${this.currency} purchases of one customer left the safe integer range`);
    const x = days.length - 1;
    const p = this.window.periodDays;
    return {
      x,
      tx: (last - first) / p,
      T: (this.window.toDay - first) / p,
      meanValue: x === 0 ? 0 : repeat / x,
      currency: this.currency!,
      repeatValueMinor: repeat,
      totalValueMinor: total,
      firstPurchase: isoDay(first),
      lastPurchase: isoDay(last),
    };
  }
}

/**
 * Summarises one customer's purchases in a calibration window: x = distinct purchase days after
 * the first, tₓ = last − first purchase day, T = end of calibration − first purchase day (both in
 * periods of `periodDays`), mean value = the repeat purchases' total ÷ x. Returns `undefined` when
 * the customer bought nothing in the window.
 *
 * @example
 * ```ts
 * summarisePurchases(
 *   [
 *     { at: '1997-01-01', amount: { amountMinor: 2999, currency: 'USD' } },
 *     { at: '1997-01-01T18:00:00Z', amount: { amountMinor: 1000, currency: 'USD' } }, // same day: one purchase
 *     { at: '1997-02-12', amount: { amountMinor: 2235, currency: 'USD' } },
 *   ],
 *   { to: '1997-09-30' },
 * );
 * // { x: 1, tx: 6, T: 38.857…, meanValue: 2235, currency: 'USD', repeatValueMinor: 2235, totalValueMinor: 6234, ... }
 * ```
 */
export function summarisePurchases(purchases: Iterable<Purchase>, window: CalibrationWindow): CustomerPurchaseSummary | undefined {
  const days = new PurchaseDays(windowOf(window));
  let index = 0;
  for (const purchase of purchases) days.add(purchase, index++);
  return days.summary();
}

/**
 * An invoice as a purchase (`issuedAt`, `amount`); `undefined` for a void invoice, which is no sale.
 *
 * @example
 * ```ts
 * const purchases = invoices.map(invoicePurchase).filter((p) => p !== undefined);
 * ```
 */
export function invoicePurchase(invoice: { readonly issuedAt: InstantLike; readonly amount: Money; readonly status?: string }): Purchase | undefined {
  if (invoice.status === 'void') return undefined;
  return { at: invoice.issuedAt, amount: invoice.amount };
}
