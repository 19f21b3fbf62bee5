/**
 * The periods of a cash-in forecast: days, or calendar weeks in UTC (date-fns on `UTCDate`, so a
 * week ends where it ends in UTC whatever the process's `TZ`). The first period starts the day
 * after `asOf`; with weeks it runs to the end of that week, so later periods are whole weeks.
 *
 * @module
 */
import { UTCDate } from '@date-fns/utc';
import { endOfWeek } from 'date-fns';
import { isoDateOfDay, MS_PER_DAY } from '../scoring/days.js';
import { invalid } from '../scoring/input.js';
import { wholeNumber } from './settings.js';

/** How a forecast's horizon is cut. */
export type ForecastGranularity = 'day' | 'week';

/** The first day of the week: 0 Sunday … 6 Saturday (date-fns' `weekStartsOn`). */
export type WeekStart = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Options of the forecast horizon. */
export interface HorizonOptions {
  /** Weeks ahead. Default 13 (a quarter). */
  readonly weeks?: number;
  /** Periods of one day or one calendar week. Default `'week'`. */
  readonly granularity?: ForecastGranularity;
  /** First day of a calendar week. Default 1 (Monday, as in ISO 8601). */
  readonly weekStartsOn?: WeekStart;
}

/** One period, both days included, as UTC day numbers. */
export interface Bucket {
  readonly fromDay: number;
  readonly toDay: number;
}

/** A checked horizon: its settings and periods. */
export interface Horizon {
  readonly weeks: number;
  readonly granularity: ForecastGranularity;
  readonly weekStartsOn: WeekStart;
  readonly buckets: readonly Bucket[];
}

/**
 * The periods after `asOfDay`: `weeks × 7` days, or the rest of the current week and then
 * `weeks − 1` whole calendar weeks.
 *
 * @example
 * ```ts
 * // asOf Wednesday 2026-07-01, weeks starting on Monday: 2 July–5 July, 6–12 July, ...
 * horizonOf(utcDay('2026-07-01'), { weeks: 2 }).buckets.map((b) => [isoDateOfDay(b.fromDay), isoDateOfDay(b.toDay)]);
 * // [['2026-07-02', '2026-07-05'], ['2026-07-06', '2026-07-12']]
 * ```
 */
export function horizonOf(asOfDay: number, options: HorizonOptions = {}): Horizon {
  const weeks = wholeNumber(options.weeks, 13, 'weeks', 1, 520);
  const granularity = options.granularity ?? 'week';
  if (granularity !== 'week' && granularity !== 'day') invalid('forecast options', ['granularity'], 'invalid_value', "must be 'day' or 'week'");
  const weekStartsOn = options.weekStartsOn ?? 1;
  if (!Number.isInteger(weekStartsOn) || weekStartsOn < 0 || weekStartsOn > 6) invalid('forecast options', ['weekStartsOn'], 'invalid_value', 'must be 0 (Sunday) to 6 (Saturday)');
  const buckets: Bucket[] = [];
  if (granularity === 'day') {
    for (let d = 1; d <= weeks * 7; d++) buckets.push({ fromDay: asOfDay + d, toDay: asOfDay + d });
  } else {
    let from = asOfDay + 1;
    for (let w = 0; w < weeks; w++) {
      const end = Math.floor(endOfWeek(new UTCDate(from * MS_PER_DAY), { weekStartsOn }).getTime() / MS_PER_DAY);
      buckets.push({ fromDay: from, toDay: end });
      from = end + 1;
    }
  }
  return { weeks, granularity, weekStartsOn, buckets };
}

/** A period as dates. */
export interface Period {
  /** First day, `YYYY-MM-DD` (UTC). */
  readonly from: string;
  /** Last day, included. */
  readonly to: string;
}

/** The periods as dates. @internal */
export const periodsOf = (horizon: Horizon): Period[] => horizon.buckets.map((b) => ({ from: isoDateOfDay(b.fromDay), to: isoDateOfDay(b.toDay) }));
