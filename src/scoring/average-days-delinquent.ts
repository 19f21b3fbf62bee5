/**
 * Average Days Delinquent (ADD).
 *
 * @module
 */

/**
 * ADD = DSO − best-possible DSO: the days of sales outstanding that are due to late payment rather
 * than to terms. `null` when either is `null`.
 *
 * @example
 * ```ts
 * averageDaysDelinquent({ dso: 45, bestPossibleDso: 12 }) // 33
 * ```
 * @throws {RangeError} when a figure is not a finite number
 */
export function averageDaysDelinquent(input: { readonly dso: number | null; readonly bestPossibleDso: number | null }): number | null {
  const { dso, bestPossibleDso } = input;
  if (dso === null || bestPossibleDso === null) return null;
  if (!Number.isFinite(dso) || !Number.isFinite(bestPossibleDso)) throw new RangeError('dso and bestPossibleDso must be finite numbers');
  return dso - bestPossibleDso;
}
