/**
 * Collection Effectiveness Index (CEI).
 *
 * @module
 */
import { checkMinor } from './formula-input.js';

/** Inputs of {@link collectionEffectivenessIndex}, amounts in minor units of one currency. */
export interface CeiInput {
  /** Receivables at the start of the period. */
  readonly beginningReceivables: number;
  /**
   * Credit sales of the period itself (net of credit notes). touchlog's convention: the sales of
   * the whole period, not a monthly average.
   */
  readonly creditSales: number;
  /** Receivables at the end of the period. */
  readonly endingReceivables: number;
  /** Receivables not yet due at the end of the period. */
  readonly endingCurrentReceivables: number;
}

/**
 * CEI = (beginning receivables + credit sales − ending receivables) ÷ (beginning receivables +
 * credit sales − ending current receivables) × 100: what was collected out of what could have been
 * collected in the period, as a percentage (100 = everything collectable was collected). `null`
 * when nothing was collectable.
 *
 * @example
 * ```ts
 * collectionEffectivenessIndex({
 *   beginningReceivables: 500_000, creditSales: 300_000,
 *   endingReceivables: 400_000, endingCurrentReceivables: 250_000,
 * }) // 72.72… (400 000 collected of 550 000 collectable)
 * ```
 * @throws {RangeError} for negative or non-integer amounts, or current receivables above total receivables
 */
export function collectionEffectivenessIndex(input: CeiInput): number | null {
  checkMinor(input.beginningReceivables, 'beginningReceivables');
  checkMinor(input.creditSales, 'creditSales', true);
  checkMinor(input.endingReceivables, 'endingReceivables');
  checkMinor(input.endingCurrentReceivables, 'endingCurrentReceivables');
  if (input.endingCurrentReceivables > input.endingReceivables) {
    throw new RangeError('endingCurrentReceivables cannot exceed endingReceivables');
  }
  // Integer (exact) money arithmetic for both terms; only their ratio is a float.
  const available = input.beginningReceivables + input.creditSales;
  const collected = available - input.endingReceivables;
  const collectable = available - input.endingCurrentReceivables;
  if (!Number.isSafeInteger(available)) throw new RangeError('beginningReceivables + creditSales left the safe integer range');
  if (collectable <= 0) return null;
  return (collected / collectable) * 100;
}
