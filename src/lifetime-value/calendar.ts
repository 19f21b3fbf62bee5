/**
 * Calendar months in UTC for lifetime-value horizons and payback periods, with date-fns on
 * `UTCDate` (so months end where they end in UTC, whatever the process's `TZ`).
 *
 * @internal
 * @module
 */
import { UTCDate } from '@date-fns/utc';
import { addMonths } from 'date-fns';

const MS_PER_DAY = 86_400_000;

/** The UTC day number `months` calendar months after `day` (31 January + 1 month = 28 or 29 February). */
export function addMonthsToDay(day: number, months: number): number {
  return Math.floor(addMonths(new UTCDate(day * MS_PER_DAY), months).getTime() / MS_PER_DAY);
}

/** Days from `day` to the end of each of the next `months` calendar months after it: [d₁, d₂, …]. */
export function monthOffsets(day: number, months: number): number[] {
  const out: number[] = [];
  for (let m = 1; m <= months; m++) out.push(addMonthsToDay(day, m) - day);
  return out;
}

/** The mean length of a Gregorian month in days (365.2425 / 12), for horizons without a calendar anchor. */
export const MEAN_MONTH_DAYS = 365.2425 / 12;
