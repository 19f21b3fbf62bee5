/**
 * A tenant summary of lifetime values: total, quantiles, and how concentrated value is in the
 * top decile. Built one customer at a time: memory holds one number per customer and the top N.
 *
 * @module
 */
import { invalid } from './check.js';

/** One customer's value. */
export interface ValuedCustomer {
  readonly customerId: string;
  readonly value: number;
}

/** Options of {@link summariseLifetimeValues} and {@link createLifetimeValueSummary}. */
export interface LifetimeValueSummaryOptions {
  /** Customers to list in `top`. Default 10. */
  readonly top?: number;
}

/** The distribution of lifetime values over a cohort. */
export interface LifetimeValueSummary {
  readonly customers: number;
  readonly total: number;
  readonly mean: number;
  /** Nearest-rank quantiles. */
  readonly quantiles: { readonly p10: number; readonly p25: number; readonly p50: number; readonly p75: number; readonly p90: number; readonly p99: number };
  /** The smallest value in the top decile (the top ⌈n/10⌉ customers). */
  readonly topDecileThreshold: number;
  /** Share of the total value that the top decile holds (0–1). */
  readonly topDecileShare: number;
  /** Each decile's share of the total: `[0]` is the top 10%'s, `[9]` the bottom 10%'s. */
  readonly decileShares: readonly number[];
  /** The highest-value customers, highest first (ties by id). */
  readonly top: readonly ValuedCustomer[];
}

/** Builds a {@link LifetimeValueSummary} one customer at a time. */
export interface LifetimeValueSummaryBuilder {
  add(customerId: string, value: number): void;
  result(): LifetimeValueSummary;
}

const above = (a: ValuedCustomer, b: ValuedCustomer) => a.value > b.value || (a.value === b.value && a.customerId < b.customerId);

/**
 * A summary builder: add every customer's value, then read the summary. Deterministic: the same
 * customers in any order give the same summary (values are sorted before they are added up).
 *
 * @example
 * ```ts
 * const summary = createLifetimeValueSummary({ top: 5 });
 * for (const { customerId, value } of clvs) summary.add(customerId, value);
 * summary.result().topDecileShare; // e.g. 0.52: the top 10% of customers hold 52% of the value
 * ```
 */
export function createLifetimeValueSummary(options: LifetimeValueSummaryOptions = {}): LifetimeValueSummaryBuilder {
  const topN = options.top ?? 10;
  if (!Number.isInteger(topN) || topN < 0 || topN > 100_000) invalid('lifetime value summary options', ['top'], 'invalid_value', 'must be a whole number from 0 to 100000');
  let values = new Float64Array(1024);
  let n = 0;
  // A min-heap of the top N: the root drops out first.
  const heap: ValuedCustomer[] = [];
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && above(heap[least]!, heap[l]!)) least = l;
      if (r < heap.length && above(heap[least]!, heap[r]!)) least = r;
      if (least === i) return;
      swap(i, least);
      i = least;
    }
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!above(heap[parent]!, heap[i]!)) return;
      swap(i, parent);
      i = parent;
    }
  };
  return {
    add(customerId, value) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid('lifetime values', [n, 'value'], 'invalid_value', 'must be a finite number ≥ 0');
      if (n === values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[n++] = value;
      const entry = { customerId: String(customerId), value };
      if (heap.length < topN) {
        heap.push(entry);
        up(heap.length - 1);
      } else if (topN > 0 && above(entry, heap[0]!)) {
        heap[0] = entry;
        down(0);
      }
    },
    result() {
      const ascending = values.slice(0, n).sort();
      // Add smallest first: the same values give the same total in any input order.
      const sum = (from: number, to: number) => {
        let s = 0;
        for (let i = from; i < to; i++) s += ascending[i]!;
        return s;
      };
      const total = sum(0, n);
      const q = (p: number) => (n === 0 ? 0 : ascending[Math.max(0, Math.ceil(p * n) - 1)]!);
      const decileShares: number[] = [];
      for (let d = 0; d < 10; d++) {
        // Decile d counted from the top: ascending indices [n − ⌊(d+1)n/10⌋, n − ⌊dn/10⌋).
        const s = sum(n - Math.floor(((d + 1) * n) / 10), n - Math.floor((d * n) / 10));
        decileShares.push(total > 0 ? s / total : 0);
      }
      const topCount = Math.ceil(n / 10);
      return {
        customers: n,
        total,
        mean: n === 0 ? 0 : total / n,
        quantiles: { p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9), p99: q(0.99) },
        topDecileThreshold: n === 0 ? 0 : ascending[n - topCount]!,
        topDecileShare: total > 0 ? sum(n - topCount, n) / total : 0,
        decileShares,
        top: [...heap].sort((a, b) => (above(a, b) ? -1 : above(b, a) ? 1 : 0)),
      };
    },
  };
}

/**
 * Summarises lifetime values over a cohort (see {@link createLifetimeValueSummary}).
 *
 * @example
 * ```ts
 * summariseLifetimeValues([{ customerId: 'a', value: 90 }, { customerId: 'b', value: 10 }]);
 * // { customers: 2, total: 100, mean: 50, topDecileShare: 0.9, top: [{ customerId: 'a', value: 90 }, ...], ... }
 * ```
 */
export function summariseLifetimeValues(values: Iterable<ValuedCustomer>, options: LifetimeValueSummaryOptions = {}): LifetimeValueSummary {
  const builder = createLifetimeValueSummary(options);
  for (const v of values) builder.add(v?.customerId, v?.value);
  return builder.result();
}
