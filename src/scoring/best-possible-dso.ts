/**
 * Best-possible DSO: the DSO a customer would have if everything past due had been paid.
 *
 * @module
 */
import { checkDays, checkMinor } from './formula-input.js';

/** Inputs of {@link bestPossibleDso}, amounts in minor units of one currency. */
export interface BestPossibleDsoInput {
  /** Receivables not yet due at the end of the period. */
  readonly currentReceivables: number;
  /** Credit sales of the period (net of credit notes). */
  readonly creditSales: number;
  /** Days in the period. */
  readonly days: number;
}

/**
 * Best-possible DSO = current (not yet due) receivables ÷ credit sales of the period × days in the
 * period. It is the floor that terms allow; the gap to the actual DSO is delinquency
 * ({@link averageDaysDelinquent}). `null` when there were no credit sales.
 *
 * @example
 * ```ts
 * bestPossibleDso({ currentReceivables: 120_000, creditSales: 900_000, days: 90 }) // 12
 * ```
 * @throws {RangeError} for negative or non-integer amounts, or a non-positive number of days
 */
export function bestPossibleDso(input: BestPossibleDsoInput): number | null {
  checkMinor(input.currentReceivables, 'currentReceivables');
  checkMinor(input.creditSales, 'creditSales', true);
  checkDays(input.days, 'days');
  if (input.creditSales <= 0) return null;
  return (input.currentReceivables * input.days) / input.creditSales;
}
