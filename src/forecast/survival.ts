/**
 * How long invoices take to be paid, as survival curves over days beyond terms: S(t) = P(D > t),
 * D = payment day − due day. Kaplan–Meier estimates, so that invoices still open (right-censored:
 * "not paid after t days") count for what they say instead of being dropped, which would make
 * payers look faster than they are.
 *
 * Beyond the last observation a curve's remaining mass decays with a heavy (Pareto, α = 1) tail in
 * the invoice's age since issue: S(t) = S(L) · (L + terms) / (t + terms). Payment delays are
 * heavy-tailed, and with α = 1 the median remaining wait of an invoice past all experience equals
 * the age it already has (the Lindy rule).
 *
 * @internal
 * @module
 */

/** A survival curve over integer days beyond terms. */
export interface Survival {
  /** S(t) = P(D > t) for an invoice whose terms (due − issue) are `terms` days. */
  at(t: number, terms: number): number;
  /** Effective number of payments behind the curve (weighted). */
  readonly events: number;
  /** Largest observation (event or censored), where the tail starts; −∞ without any. */
  readonly last: number;
}

/** The tail beyond the last observation `last` with S(last) = `s`. */
function tail(s: number, last: number, t: number, terms: number): number {
  const base = Math.max(1, last + terms);
  return (s * base) / Math.max(base, t + terms);
}

/** Weighted observations of one customer: values in whole days beyond terms. */
export interface WeightedObservations {
  readonly values: readonly number[];
  readonly weights: readonly number[];
  /** `true`: not paid after `value` days (still open); `false`: paid at `value`. */
  readonly censored: readonly boolean[];
}

/**
 * The weighted Kaplan–Meier curve of a few observations. An open invoice at age a is "D > a", so
 * it is at risk for every t ≤ a + 1; a payment at d is at risk for t ≤ d.
 */
export function kaplanMeier(observations: WeightedObservations): Survival {
  const n = observations.values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => observations.values[i]! - observations.values[j]! || Number(observations.censored[i]) - Number(observations.censored[j]));
  let total = 0;
  let events = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    total += observations.weights[i]!;
    if (!observations.censored[i]) events += observations.weights[i]!;
    if (observations.values[i]! > last) last = observations.values[i]!;
  }
  // Distinct event times ascending, and the curve after each.
  const times: number[] = [];
  const curve: number[] = [];
  let s = 1;
  let gone = 0; // weight no longer at risk
  let k = 0;
  // Censored observations leave the risk set after value + 1; sort them by that.
  const censoredLeaving = order.filter((i) => observations.censored[i]).map((i) => [observations.values[i]! + 1, observations.weights[i]!] as const);
  let c = 0;
  const eventIdx = order.filter((i) => !observations.censored[i]);
  while (k < eventIdx.length) {
    const t = observations.values[eventIdx[k]!]!;
    // Remove censored that are no longer at risk at t (those with value + 1 < t).
    while (c < censoredLeaving.length && censoredLeaving[c]![0] < t) gone += censoredLeaving[c++]![1];
    let died = 0;
    let j = k;
    while (j < eventIdx.length && observations.values[eventIdx[j]!] === t) died += observations.weights[eventIdx[j++]!]!;
    const atRisk = total - gone;
    if (atRisk > 0) s *= 1 - died / atRisk;
    if (s < 0) s = 0;
    times.push(t);
    curve.push(s);
    gone += died;
    k = j;
  }
  const end = s;
  return {
    events,
    last,
    at(t, terms) {
      if (times.length === 0 || t < times[0]!) return t <= last ? 1 : tail(1, last, t, terms);
      if (t > last) return tail(end, last, t, terms);
      let lo = 0;
      let hi = times.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (times[mid]! <= t) lo = mid;
        else hi = mid - 1;
      }
      return curve[lo]!;
    },
  };
}

/** Counts of payments and of open invoices by whole day beyond terms, from `offset`. */
export interface LatenessHistogram {
  /** Day beyond terms of index 0. */
  readonly offset: number;
  /** Invoices paid `offset + i` days beyond terms. */
  readonly events: readonly number[];
  /** Invoices still open `offset + i` days beyond terms. */
  readonly censored: readonly number[];
}

/** The Kaplan–Meier curve of a histogram, tabulated once per day: lookups are O(1). */
export function histogramSurvival(h: LatenessHistogram): Survival {
  const n = Math.max(h.events.length, h.censored.length);
  let total = 0;
  let events = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const e = h.events[i] ?? 0;
    const c = h.censored[i] ?? 0;
    total += e + c;
    events += e;
    if (e + c > 0) last = h.offset + i;
  }
  const curve = new Float64Array(n);
  let s = 1;
  let gone = 0;
  for (let i = 0; i < n; i++) {
    // Open invoices at day i − 2 (D > i − 2, so D ≥ i − 1) are no longer known to be at risk at day i.
    if (i >= 2) gone += h.censored[i - 2] ?? 0;
    const died = h.events[i] ?? 0;
    const atRisk = total - gone;
    if (died > 0 && atRisk > 0) s *= 1 - died / atRisk;
    if (s < 0) s = 0;
    curve[i] = s;
    gone += died;
  }
  const end = n === 0 ? 1 : curve[n - 1]!;
  return {
    events,
    last,
    at(t, terms) {
      const i = t - h.offset;
      if (i < 0) return 1;
      if (t > last) return tail(end, last, t, terms);
      return curve[Math.min(i, n - 1)]!;
    },
  };
}
