/**
 * Splits bulk statements so that each stays under the dialect's bound-parameter limit, with a
 * fixed number of rows per full chunk (repeated statements then share one prepared form).
 */

/** Rows per multi-row statement: as many as fit under `maxParameters`, capped at `maxRows`. */
export function rowsPerStatement(maxParameters: number, parametersPerRow: number, reserved = 0, maxRows = 500): number {
  return Math.max(1, Math.min(maxRows, Math.floor((maxParameters - reserved) / parametersPerRow)));
}

/** `items` in consecutive chunks of at most `size`. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/**
 * `items` in chunks of at most `size` in which no key repeats: a key seen again starts a new
 * chunk, so rows touching the same key are applied one after another, in order.
 */
export function* distinctChunks<T>(items: readonly T[], size: number, key: (item: T) => string): Generator<T[]> {
  let current: T[] = [];
  let keys = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (current.length >= size || keys.has(k)) {
      yield current;
      current = [];
      keys = new Set();
    }
    current.push(item);
    keys.add(k);
  }
  if (current.length > 0) yield current;
}
