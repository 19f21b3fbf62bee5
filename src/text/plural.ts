/**
 * Counts in words, for the messages and reports people read: `1 customer`, `2 customers`.
 *
 * @internal
 * @module
 */

/** The noun for a count: `one` for exactly 1, `many` (default `one` + `s`) otherwise (0 customers). */
export function noun(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/**
 * A count with its noun: `plural(1, 'customer')` is `1 customer`, `plural(3, 'entry', 'entries')`
 * is `3 entries`. The count is written as it is (format large ones with {@link noun} yourself).
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${noun(count, one, many)}`;
}
