/**
 * Countback DSO (the exhaustion method).
 *
 * @module
 */
import { checkDays, checkMinor } from './formula-input.js';

/** One period of credit sales, for {@link countbackDso}. */
export interface SalesPeriod {
  /** Credit sales of the period, minor units. */
  readonly creditSales: number;
  /** Days in the period. */
  readonly days: number;
}

/** Result of {@link countbackDso}. */
export interface CountbackDso {
  /** Days of sales the receivables represent. */
  readonly days: number;
  /** Periods used, the last one possibly in part. */
  readonly periodsUsed: number;
  /**
   * `true` when the receivables exceed all the periods' sales: `days` is then a lower bound (every
   * period counted in full).
   */
  readonly exhausted: boolean;
}

/**
 * Countback DSO: starting from the receivables at the end of the latest period, subtracts each
 * period's credit sales going back in time, counting its days in full while receivables remain, and
 * the fraction `remaining ÷ sales` of the period where they run out. Unlike the period formula it
 * is not distorted by sales growing or falling.
 *
 * @example
 * ```ts
 * // 212 000 receivables; monthly sales of 100 000, 80 000, 70 000 (latest first), 30-day months:
 * countbackDso(212_000, [
 *   { creditSales: 100_000, days: 30 },
 *   { creditSales: 80_000, days: 30 },
 *   { creditSales: 70_000, days: 30 },
 * ]) // { days: 73.714…, periodsUsed: 3, exhausted: false } — 30 + 30 + 32/70 × 30
 * ```
 * @param receivables receivables at the end of the latest period, minor units
 * @param periods credit sales per period, the latest first
 * @throws {RangeError} for negative or non-integer amounts, or a non-positive number of days
 */
export function countbackDso(receivables: number, periods: Iterable<SalesPeriod>): CountbackDso {
  checkMinor(receivables, 'receivables');
  let remaining = receivables;
  let days = 0;
  let used = 0;
  for (const period of periods) {
    checkMinor(period.creditSales, 'creditSales', true);
    checkDays(period.days, 'days');
    if (remaining === 0) return { days, periodsUsed: used, exhausted: false };
    used++;
    if (period.creditSales > 0 && remaining <= period.creditSales) {
      return { days: days + (remaining * period.days) / period.creditSales, periodsUsed: used, exhausted: false };
    }
    remaining -= Math.max(0, period.creditSales);
    days += period.days;
  }
  return { days, periodsUsed: used, exhausted: remaining > 0 };
}
