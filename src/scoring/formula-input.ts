/**
 * Argument checks shared by the DSO and CEI formulas.
 *
 * @internal
 * @module
 */

/** Checks a whole number of minor units (≥ 0 unless `allowNegative`). */
export function checkMinor(value: number, name: string, allowNegative = false): void {
  if (!Number.isSafeInteger(value) || (!allowNegative && value < 0)) {
    throw new RangeError(`${name} must be ${allowNegative ? 'a' : 'a non-negative'} safe integer number of minor units, got ${value}`);
  }
}

/** Checks a positive number of days. */
export function checkDays(value: number, name: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of days, got ${value}`);
}
