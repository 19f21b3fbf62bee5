/**
 * Checks of scoring input: instants, money and options. Scoring accepts data from other systems,
 * so a bad value is a `ValidationError` naming where it is, never a silent `NaN` in a score.
 *
 * @internal
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { Money } from '../models/money.js';
import { instantMs, MS_PER_DAY } from './days.js';
import type { InstantLike } from './types.js';

type Path = ReadonlyArray<string | number>;

/** Throws a `VALIDATION_FAILED` error about one value. */
export function invalid(subject: string, path: Path, code: string, message: string): never {
  throw new ValidationError(subject, [{ code, path, message }]);
}

/** Epoch milliseconds of an instant of the input, or a validation error naming its path. */
export function msOf(value: InstantLike, collection: string, index: number, field: string): number {
  const ms = instantMs(value);
  if (ms === ms) return ms; // not NaN
  return invalid('scoring input', [collection, index, field], 'invalid_date', 'must be a Date or an ISO-8601 date-time (UTC when no offset is given)');
}

/** UTC day number of an instant of the input, or a validation error naming its path. */
export function dayOf(value: InstantLike, collection: string, index: number, field: string): number {
  return Math.floor(msOf(value, collection, index, field) / MS_PER_DAY);
}

/** Minor units of an amount of the input (a non-negative safe integer), or a validation error. */
export function minorOf(money: Money | undefined, collection: string, index: number, field: string): number {
  const amount = money?.amountMinor;
  if (typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0 && typeof money!.currency === 'string') return amount;
  return invalid(
    'scoring input',
    [collection, index, field],
    'invalid_money',
    'must be { amountMinor, currency } with a non-negative integer number of minor units',
  );
}

/** The UTC day of the required `asOf` option. */
export function asOfDay(asOf: InstantLike | undefined): number {
  if (asOf === undefined || asOf === null) {
    return invalid('scoring options', ['asOf'], 'required', 'is required: a Date or an ISO-8601 instant; scores are computed as of the end of its UTC day');
  }
  const ms = instantMs(asOf);
  if (ms === ms) return Math.floor(ms / MS_PER_DAY);
  const given = asOf instanceof Date ? 'an invalid Date' : typeof asOf === 'string' ? JSON.stringify(asOf.slice(0, 40)) : `a ${typeof asOf}`;
  return invalid(
    'scoring options',
    ['asOf'],
    'invalid_date',
    `${given} is not a real date or instant: give a Date or an ISO-8601 date or instant such as 2026-06-01 or 2026-06-01T00:00:00Z`,
  );
}

/** A positive whole number of days option, or its default. */
export function daysOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && value > 0 && value <= 36_600) return value;
  return invalid('scoring options', [name], 'invalid_value', 'must be a whole number of days from 1 to 36600');
}

/** A whole-number option in a range, or its default. */
export function intOption(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  return invalid('scoring options', [name], 'invalid_value', `must be a whole number from ${min} to ${max}`);
}

/** A finite non-negative number option, or its default. */
export function numberOption(value: number | undefined, fallback: number, name: string, max = Number.MAX_VALUE): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max) return value;
  return invalid('scoring options', [name], 'invalid_value', `must be a finite number from 0 to ${max}`);
}

/** Adds minor units, refusing to leave the safe integer range (as `sumByCurrency` does). */
export function addMinor(a: number, b: number, currency: string): number {
  const total = a + b;
  if (Number.isSafeInteger(total)) return total;
  throw new RangeError(`the ${currency} total left the safe integer range`);
}
