/**
 * Input checks of the lifetime-value functions: bad numbers are a `ValidationError` naming the
 * row and field, never a `NaN` in a fit.
 *
 * @internal
 * @module
 */
import { ValidationError } from '../errors/index.js';

/** Throws a `VALIDATION_FAILED` error about one value. */
export function invalid(subject: string, path: ReadonlyArray<string | number>, code: string, message: string): never {
  throw new ValidationError(subject, [{ code, path, message }]);
}

/** A finite number ≥ 0 (or > 0 with `positive`), or a validation error. */
export function nonNegative(value: unknown, subject: string, path: ReadonlyArray<string | number>, positive = false): number {
  if (typeof value === 'number' && Number.isFinite(value) && (positive ? value > 0 : value >= 0)) return value;
  return invalid(subject, path, 'invalid_value', positive ? 'must be a finite number > 0' : 'must be a finite number ≥ 0');
}

/** A number option in `[min, max]` (both inclusive unless said), or its default. */
export function numberIn(
  value: number | undefined,
  fallback: number,
  subject: string,
  name: string,
  min: number,
  max: number,
  { minExclusive = false }: { minExclusive?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && (minExclusive ? value > min : value >= min) && value <= max) return value;
  return invalid(subject, [name], 'invalid_value', `must be a finite number ${minExclusive ? '>' : '≥'} ${min} and ≤ ${max}`);
}

/** A whole-number option in `[min, max]`, or its default. */
export function integerIn(value: number | undefined, fallback: number, subject: string, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  return invalid(subject, [name], 'invalid_value', `must be a whole number from ${min} to ${max}`);
}
