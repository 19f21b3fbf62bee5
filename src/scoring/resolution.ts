/**
 * Resolution times of interactions.
 *
 * @module
 */
import type { Contacts } from './contacts.js';
import { MS_PER_DAY } from './days.js';
import { msOf } from './input.js';
import { summariseDurations, type DurationSummary } from './stats.js';

/** Resolution times of the window's interactions. */
export interface ResolutionSignals extends DurationSummary {
  /** Interactions of the window not resolved by `asOf` (open or pending, or resolved later). */
  readonly unresolved: number;
}

/**
 * Time from `occurredAt` to `outcome.resolvedAt` of the window's interactions resolved by `asOf`
 * (internal notes left out). @internal
 */
export function resolutionSignalsOf(contacts: Contacts): ResolutionSignals {
  const end = (contacts.day + 1) * MS_PER_DAY;
  const durations: number[] = [];
  let unresolved = 0;
  for (const { facts, ms, index } of contacts.interactions) {
    if (facts.direction === 'internal') continue;
    const resolvedAt = facts.outcome?.resolvedAt;
    const resolved = resolvedAt === undefined ? Number.NaN : msOf(resolvedAt, 'interactions', index, 'outcome.resolvedAt');
    if (resolved === resolved && resolved < end) durations.push(Math.max(0, resolved - ms));
    else if (resolved === resolved || facts.status === 'open' || facts.status === 'pending') unresolved++;
  }
  const summary = summariseDurations(durations);
  return { count: summary.count, meanHours: summary.meanHours, medianHours: summary.medianHours, p90Hours: summary.p90Hours, unresolved };
}
