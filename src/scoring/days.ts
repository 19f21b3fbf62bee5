/**
 * UTC calendar days as integers.
 *
 * Every day count in scoring (days beyond terms, ageing, DSO) is a difference of UTC day numbers:
 * the number of days since 1970-01-01 of the UTC calendar date of an instant. Nothing here reads
 * the process's time zone, so results are the same under any `TZ`.
 *
 * @module
 */
import type { InstantLike } from './types.js';

/** Milliseconds in a UTC day (UTC has no daylight saving time). */
export const MS_PER_DAY = 86_400_000;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). Howard Hinnant's
 * `days_from_civil`: integer arithmetic only.
 *
 * @example
 * ```ts
 * daysFromCivil(1970, 1, 1)  // 0
 * daysFromCivil(2026, 3, 31) // 20543
 * ```
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * The calendar date of a day number, as `[year, month (1–12), day]` (Hinnant's `civil_from_days`).
 *
 * @example
 * ```ts
 * civilFromDays(20543) // [2026, 3, 31]
 * ```
 */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * The ISO-8601 calendar date (`YYYY-MM-DD`) of a UTC day number.
 *
 * @example
 * ```ts
 * isoDateOfDay(20543) // '2026-03-31'
 * ```
 */
export function isoDateOfDay(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y >= 1000 ? y : String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** Two ASCII digits at `at`, or -1. */
function digits2(value: string, at: number): number {
  const a = value.charCodeAt(at) - 48;
  const b = value.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Epoch milliseconds of `YYYY-MM-DD[THH:MM[:SS[.fff]]]` in `value[0, end)`, read as UTC, or NaN.
 * No regular expression and no intermediate string: this runs once per date on scoring's hot path.
 */
function parseUtcPrefix(value: string, end: number, withTime: boolean): number {
  const century = digits2(value, 0);
  const yy = digits2(value, 2);
  const month = digits2(value, 5);
  const day = digits2(value, 8);
  if (century < 0 || yy < 0 || value[4] !== '-' || value[7] !== '-' || month < 1 || month > 12 || day < 1) return Number.NaN;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!)) return Number.NaN;
  const days = daysFromCivil(year, month, day);
  if (!withTime) return days * MS_PER_DAY;
  if (end < 16 || value[10] !== 'T' && value[10] !== 't') return Number.NaN;
  const hour = digits2(value, 11);
  const minute = digits2(value, 14);
  if (value[13] !== ':' || hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  let ms = days * MS_PER_DAY + hour * 3_600_000 + minute * 60_000;
  if (end === 16) return ms;
  const second = digits2(value, 17);
  if (end < 19 || value[16] !== ':' || second < 0 || second > 59) return Number.NaN;
  ms += second * 1000;
  if (end === 19) return ms;
  if (value[19] !== '.' || end < 21) return Number.NaN;
  let fraction = 0;
  for (let i = 20; i < end; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    if (i < 23) fraction = fraction * 10 + digit;
  }
  for (let i = Math.min(end, 23); i < 23; i++) fraction *= 10;
  return ms + fraction;
}

const OFFSET_SUFFIX = /(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Epoch milliseconds of an instant, or `NaN` when it is not one. Accepts a `Date`, a stored UTC
 * instant (`2026-03-01T09:30:00.000Z`, parsed without `Date.parse`), any ISO-8601 date-time with an
 * offset, a date-time without an offset or a date alone (both read as UTC, never as local time).
 *
 * @example
 * ```ts
 * instantMs('2026-03-01T09:30:00.000Z') // 1772357400000
 * instantMs('2026-03-01')               // 1772323200000 (UTC midnight, whatever TZ is)
 * instantMs('not a date')               // NaN
 * ```
 */
export function instantMs(value: InstantLike): number {
  if (typeof value !== 'string') return value instanceof Date ? value.getTime() : Number.NaN;
  const length = value.length;
  if (length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */) {
    return parseUtcPrefix(value, 23, true);
  }
  if (length === 10) return parseUtcPrefix(value, 10, false);
  if (length >= 16 && (value[10] === 'T' || value[10] === 't')) {
    if (!OFFSET_SUFFIX.test(value)) return parseUtcPrefix(value, length, true);
    if (value.endsWith('Z') || value.endsWith('z')) return parseUtcPrefix(value, length - 1, true);
    const base = parseUtcPrefix(value, length - 6, true);
    const sign = value[length - 6] === '-' ? -1 : 1;
    const hours = digits2(value, length - 5);
    const minutes = digits2(value, length - 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return Number.NaN;
    return base - sign * (hours * 60 + minutes) * 60_000;
  }
  return Number.NaN;
}

/**
 * The UTC day number of an instant: days since 1970-01-01 of its UTC calendar date, or `NaN`.
 * Day counts are differences of these: `utcDay(paidAt) - utcDay(dueAt)` days beyond terms.
 *
 * @example
 * ```ts
 * utcDay('2026-03-31T23:30:00.000Z')    // 20543
 * utcDay('2026-04-01T01:30:00+02:00')   // 20543 (23:30 UTC on 31 March)
 * utcDay('2026-04-10T00:00:00Z') - utcDay('2026-03-31T00:00:00Z') // 10
 * ```
 */
export function utcDay(value: InstantLike): number {
  return Math.floor(instantMs(value) / MS_PER_DAY);
}
