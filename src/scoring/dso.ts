/**
 * Days sales outstanding for a period (the standard, or "simple", method).
 *
 * @module
 */
import { checkDays, checkMinor } from './formula-input.js';

/** Inputs of {@link daysSalesOutstanding}, amounts in minor units of one currency. */
export interface DsoInput {
  /** Receivables at the end of the period. */
  readonly receivables: number;
  /** Credit sales of the period (net of credit notes), not averaged. */
  readonly creditSales: number;
  /** Days in the period. */
  readonly days: number;
}

/**
 * DSO = receivables at period end ÷ credit sales of the period × days in the period: how many days
 * of sales are still unpaid. `null` when there were no credit sales (DSO is undefined then).
 *
 * @example
 * ```ts
 * daysSalesOutstanding({ receivables: 450_000, creditSales: 900_000, days: 90 }) // 45
 * ```
 * @throws {RangeError} for negative or non-integer amounts, or a non-positive number of days
 */
export function daysSalesOutstanding(input: DsoInput): number | null {
  checkMinor(input.receivables, 'receivables', true);
  checkMinor(input.creditSales, 'creditSales', true);
  checkDays(input.days, 'days');
  if (input.creditSales <= 0) return null;
  return (input.receivables * input.days) / input.creditSales;
}
