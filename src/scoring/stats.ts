/**
 * Summaries of durations (response and resolution times).
 *
 * @module
 */
import { ExactSum } from './exact-sum.js';

/** Count, mean, median and 90th percentile of a set of durations, in hours. */
export interface DurationSummary {
  readonly count: number;
  readonly meanHours: number | null;
  readonly medianHours: number | null;
  /** Nearest-rank 90th percentile. */
  readonly p90Hours: number | null;
}

const MS_PER_HOUR = 3_600_000;

/**
 * Summarises durations given in whole milliseconds. The result does not depend on their order.
 *
 * @example
 * ```ts
 * summariseDurations([3_600_000, 7_200_000, 36_000_000])
 * // { count: 3, meanHours: 4.33…, medianHours: 2, p90Hours: 10 }
 * ```
 */
export function summariseDurations(durationsMs: readonly number[]): DurationSummary {
  const count = durationsMs.length;
  if (count === 0) return { count: 0, meanHours: null, medianHours: null, p90Hours: null };
  const sorted = Float64Array.from(durationsMs).sort();
  const total = new ExactSum();
  for (const ms of sorted) total.add(ms);
  const mid = count >> 1;
  const median = count % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    count,
    meanHours: total.toNumber() / count / MS_PER_HOUR,
    medianHours: median / MS_PER_HOUR,
    p90Hours: sorted[Math.ceil(0.9 * count) - 1]! / MS_PER_HOUR,
  };
}
