/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee, "Counting Your Customers the Easy
 * Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005).
 *
 * While alive, a customer buys at rate λ (a Poisson process); after each purchase it drops out
 * for good with probability p. Across customers λ ~ Gamma(r, α) and p ~ Beta(a, b). From each
 * customer's (x, tₓ, T) the model is fitted by maximum likelihood; then it says how likely a
 * customer is still alive and how many purchases to expect from it.
 *
 * @module
 */
import { integerIn, invalid, nonNegative } from './check.js';
import { nelderMead } from './nelder-mead.js';
import { hyp2f1, lnGammaRatio } from './special.js';
import { boundaryOf, type BoundaryParameter, type FitDiagnostics, type LifetimeValueUnavailable, type PurchaseSummary } from './types.js';

/** The four parameters of the BG/NBD model. */
export interface BgNbdParameters {
  /** Shape of the Gamma distribution of purchase rates. */
  readonly r: number;
  /** Scale of the Gamma distribution of purchase rates, in the period unit of the summaries. */
  readonly alpha: number;
  /** First shape of the Beta distribution of dropout probabilities. */
  readonly a: number;
  /** Second shape of the Beta distribution of dropout probabilities. */
  readonly b: number;
}

/** A fitted BG/NBD model. */
export interface BgNbdFit extends FitDiagnostics {
  readonly available: true;
  readonly model: 'bg_nbd';
  readonly parameters: BgNbdParameters;
  /** Parameters that ran towards 0 or infinity (see {@link BoundaryParameter}); empty for an interior maximum. */
  readonly boundary: readonly BoundaryParameter[];
}

/** Options of {@link fitBgNbd}. */
export interface BgNbdFitOptions {
  /** Likelihood evaluations allowed. Default 20 000. */
  readonly maxEvaluations?: number;
  /**
   * Above this many distinct (x, tₓ, T) rows, the optimiser first fits a systematic sample of
   * this size and then refines on the whole cohort from there. Default 20 000.
   */
  readonly warmStartSample?: number;
}

/**
 * The cohort, checked once and compressed: customers with the same (x, tₓ, T) are one row with a
 * count. Summaries built from day counts repeat a lot (x is small, T and tₓ take one value per
 * day of the window), so the likelihood runs over far fewer rows than customers.
 */
interface Cohort {
  /** Customers in all. */
  readonly customers: number;
  readonly repeaters: number;
  /** Per row: how many customers, x, and indexes into the distinct values below. */
  readonly count: Float64Array;
  readonly x: Int32Array;
  readonly slot: Int32Array;
  readonly slotT: Int32Array;
  readonly slotTx: Int32Array;
  readonly distinct: Int32Array;
  readonly distinctT: Float64Array;
  readonly distinctTx: Float64Array;
}

/** Checks one summary and returns it as numbers. @internal */
export function checkSummary(c: PurchaseSummary, index: number, subject = 'BG/NBD input'): [number, number, number] {
  if (typeof c !== 'object' || c === null) invalid(subject, [index], 'invalid_type', 'must be { x, tx, T }');
  const x = c.x;
  if (!Number.isInteger(x) || x < 0 || x > 1e9) invalid(subject, [index, 'x'], 'invalid_value', 'must be a whole number of repeat purchases ≥ 0');
  const tx = nonNegative(c.tx, subject, [index, 'tx']);
  const T = nonNegative(c.T, subject, [index, 'T']);
  if (tx > T) invalid(subject, [index, 'tx'], 'invalid_value', `must not be after T (the last purchase at ${tx} is after the end of calibration at ${T})`);
  if (x === 0 && tx !== 0) invalid(subject, [index, 'tx'], 'invalid_value', 'must be 0 when x is 0 (no repeat purchase, so no time of the last one)');
  return [x, tx, T];
}

/** Interns numbers: the index of each distinct value, in order of first sight. */
class Interned {
  readonly values: number[] = [];
  private readonly at = new Map<number, number>();
  index(v: number): number {
    let k = this.at.get(v);
    if (k === undefined) {
      k = this.values.length;
      this.at.set(v, k);
      this.values.push(v);
    }
    return k;
  }
  get size(): number {
    return this.values.length;
  }
}

function toCohort(customers: Iterable<PurchaseSummary>): Cohort {
  const xs = new Interned();
  const Ts = new Interned();
  const txs = new Interned();
  // Rows keyed by their three slots; slots are interned as they come, so keys are combined per level.
  const rows = new Map<number | string, number>();
  const count: number[] = [];
  const rx: number[] = [];
  const rT: number[] = [];
  const rTx: number[] = [];
  let index = 0;
  let repeaters = 0;
  for (const c of customers) {
    const [x, tx, T] = checkSummary(c, index++);
    if (x > 0) repeaters++;
    const a = xs.index(x);
    const b = Ts.index(T);
    const d = txs.index(tx);
    // A number while the slots fit in 11 + 21 + 21 bits, a string beyond.
    const key: number | string = a < 2048 && b < 2_097_152 && d < 2_097_152 ? (a * 2_097_152 + b) * 2_097_152 + d : `${a},${b},${d}`;
    const row = rows.get(key);
    if (row !== undefined) count[row]!++;
    else {
      rows.set(key, count.length);
      count.push(1);
      rx.push(x);
      rT.push(b);
      rTx.push(d);
    }
  }
  const distinct = Int32Array.from(xs.values);
  const at = new Map(xs.values.map((v, i) => [v, i]));
  return {
    customers: index,
    repeaters,
    count: Float64Array.from(count),
    x: Int32Array.from(rx),
    slot: Int32Array.from(rx, (v) => at.get(v)!),
    slotT: Int32Array.from(rT),
    slotTx: Int32Array.from(rTx),
    distinct,
    distinctT: Float64Array.from(Ts.values),
    distinctTx: Float64Array.from(txs.values),
  };
}

/** Every k-th row of a cohort (a warm start for very large cohorts). */
function sampleOf(cohort: Cohort, size: number): Cohort {
  const k = Math.ceil(cohort.x.length / size);
  const pick = <A extends Int32Array | Float64Array>(array: A): A => array.filter((_, i) => i % k === 0) as A;
  const x = pick(cohort.x);
  const count = pick(cohort.count);
  let repeaters = 0;
  let customers = 0;
  for (let i = 0; i < x.length; i++) {
    customers += count[i]!;
    if (x[i]! > 0) repeaters += count[i]!;
  }
  return { ...cohort, customers, repeaters, count, x, slot: pick(cohort.slot), slotT: pick(cohort.slotT), slotTx: pick(cohort.slotTx) };
}

/**
 * The BG/NBD log-likelihood of a cohort (FHL 2005, eq. 6, summed over customers):
 * ln L = ln[ B(a, b+x)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+T)^(r+x))
 *        + 𝟙(x>0) B(a+1, b+x−1)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+tₓ)^(r+x)) ].
 */
function logLikelihood(cohort: Cohort, p: BgNbdParameters): number {
  const { r, alpha, a, b } = p;
  const d = cohort.distinct;
  // Terms that depend only on x, once per distinct x.
  const common = new Float64Array(d.length);
  const second = new Float64Array(d.length);
  // ln Γ(r+x) − ln Γ(r) + r ln α + ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x), with each pair
  // of ln Γ taken as one ratio (b can run large, where the plain difference loses its digits).
  const base = r * Math.log(alpha) + lnGammaRatio(b, a);
  for (let i = 0; i < d.length; i++) {
    const x = d[i]!;
    common[i] = base + lnGammaRatio(r, x) - lnGammaRatio(b + x, a);
    second[i] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  const lnT = cohort.distinctT.map((t) => Math.log(alpha + t));
  const lnTx = cohort.distinctTx.map((t) => Math.log(alpha + t));
  const { x, slot, slotT, slotTx, count } = cohort;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const s = slot[i]!;
    const rx = r + x[i]!;
    const a3 = -rx * lnT[slotT[i]!]!;
    if (x[i] === 0) {
      total += count[i]! * (common[s]! + a3);
    } else {
      const a4 = second[s]! - rx * lnTx[slotTx[i]!]!;
      // log(e^a3 + e^a4) without overflow.
      const hi = a3 > a4 ? a3 : a4;
      const lo = a3 > a4 ? a4 : a3;
      total += count[i]! * (common[s]! + hi + Math.log1p(Math.exp(lo - hi)));
    }
  }
  return total;
}

/**
 * The BG/NBD log-likelihood of a cohort at given parameters (the sum over customers of FHL 2005,
 * eq. 6): what {@link fitBgNbd} maximises, for comparing parameter sets.
 *
 * @example
 * ```ts
 * bgNbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, cdnow) // -9582.43… (CDNOW)
 * ```
 */
export function bgNbdLogLikelihood(parameters: BgNbdParameters, customers: Iterable<PurchaseSummary>): number {
  return logLikelihood(toCohort(customers), checkBgNbd(parameters));
}

const fromLog = (v: readonly number[]): BgNbdParameters => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });

/**
 * Fits the BG/NBD model by maximum likelihood (Nelder–Mead on the log-parameters). Returns the
 * parameters with the log-likelihood, or `{ available: false, reason }` for an empty cohort, a
 * cohort without a single repeat purchase, a run that did not converge, or one that ran off to a
 * boundary. Bad input (negative or non-finite numbers, tₓ > T) is a `ValidationError`.
 *
 * @example
 * ```ts
 * // The CDNOW cohort: 2,357 customers, 39-week calibration period.
 * const fit = fitBgNbd(cdnow);
 * if (fit.available) fit.parameters; // { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } (rounded)
 * ```
 */
export function fitBgNbd(customers: Iterable<PurchaseSummary>, options: BgNbdFitOptions = {}): BgNbdFit | LifetimeValueUnavailable {
  const started = performance.now();
  const maxEvaluations = integerIn(options.maxEvaluations, 20_000, 'BG/NBD options', 'maxEvaluations', 10, 10_000_000);
  const warm = integerIn(options.warmStartSample, 20_000, 'BG/NBD options', 'warmStartSample', 100, 100_000_000);
  const cohort = toCohort(customers);
  const n = cohort.customers;
  if (n === 0) return { available: false, reason: 'empty_cohort', message: 'no customers to fit the BG/NBD model to' };
  if (cohort.repeaters === 0) {
    return {
      available: false,
      reason: 'no_repeat_purchases',
      message: `none of the ${n} customers made a repeat purchase in the calibration period: the model cannot tell how often customers buy or when they drop out`,
    };
  }
  let meanT = 0;
  let meanX = 0;
  for (let i = 0; i < cohort.x.length; i++) {
    meanT += (cohort.count[i]! * cohort.distinctT[cohort.slotT[i]!]!) / n;
    meanX += (cohort.count[i]! * cohort.x[i]!) / n;
  }
  // Start: one purchase per (mean T / (mean x + 1)) periods, dropout probability one half.
  let start = [0, Math.log(meanT / (meanX + 1)), 0, 0];
  let evaluations = 0;
  const objective = (target: Cohort) => (v: readonly number[]) => -logLikelihood(target, fromLog(v));
  const rows = cohort.x.length;
  if (rows > warm) {
    const sample = sampleOf(cohort, warm);
    if (sample.repeaters > 0) {
      const first = nelderMead(objective(sample), start, { maxEvaluations, fTolerance: 1e-9, xTolerance: 1e-6 });
      evaluations += first.evaluations;
      if (first.converged) start = first.x;
    }
  }
  // From a warm start, stop at a precision far below the sampling error of such a cohort.
  const refine = rows > warm ? { step: 0.05, xTolerance: 1e-6, fTolerance: 1e-10 } : {};
  const result = nelderMead(objective(cohort), start, { maxEvaluations: Math.max(10, maxEvaluations - evaluations), ...refine });
  evaluations += result.evaluations;
  const diagnostics = { customers: n, logLikelihood: -result.value, evaluations, milliseconds: performance.now() - started };
  if (!result.converged) {
    return { available: false, reason: 'not_converged', message: `the BG/NBD fit did not converge within ${maxEvaluations} likelihood evaluations` };
  }
  if (result.x.some((v) => Math.abs(v) > 40)) {
    return {
      available: false,
      reason: 'degenerate_fit',
      message: 'the BG/NBD fit ran to a boundary (a parameter towards 0 or infinity): the cohort is too small or too uniform to pin the model down',
    };
  }
  return { available: true, model: 'bg_nbd', parameters: fromLog(result.x), boundary: boundaryOf(['r', 'alpha', 'a', 'b'], result.x), ...diagnostics };
}

/** Checks parameters given by the caller (a stored fit, published values). @internal */
export function checkBgNbd(p: BgNbdParameters): BgNbdParameters {
  const subject = 'BG/NBD parameters';
  if (typeof p !== 'object' || p === null) invalid(subject, [], 'invalid_type', 'must be { r, alpha, a, b }');
  for (const key of ['r', 'alpha', 'a', 'b'] as const) nonNegative(p[key], subject, [key], true);
  return p;
}

/** The part of FHL's formulas shared by P(alive) and the conditional expectation: 𝟙(x>0) · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x). */
function deathOdds(p: BgNbdParameters, x: number, tx: number, T: number): number {
  if (x === 0) return 0;
  return (p.a / (p.b + x - 1)) * Math.exp((p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx)));
}

/**
 * The probability that a customer with history (x, tₓ, T) is still alive at T (FHL 2005, eq. 10):
 * P(alive) = 1 / (1 + 𝟙(x>0) · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)). A customer without a repeat
 * purchase is alive for sure in this model (dropout only happens right after a purchase).
 *
 * @example
 * ```ts
 * const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
 * bgNbdProbabilityAlive(cdnow, { x: 2, tx: 30.43, T: 38.86 }) // 0.7266…
 * bgNbdProbabilityAlive(cdnow, { x: 2, tx: 5, T: 38.86 })     // 0.1237…: bought twice early, then nothing
 * ```
 */
export function bgNbdProbabilityAlive(parameters: BgNbdParameters, customer: PurchaseSummary): number {
  const p = checkBgNbd(parameters);
  const [x, tx, T] = checkSummary(customer, 0, 'BG/NBD customer');
  return 1 / (1 + deathOdds(p, x, tx, T));
}

/** (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))], continuous at a = 1. */
function expectedAlive(p: BgNbdParameters, x: number, T: number, t: number): number {
  const at = (a: number) => {
    const z = t / (p.alpha + T + t);
    const f = hyp2f1(p.r + x, p.b + x, a + p.b + x - 1, z);
    const power = Math.exp((p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + T + t)));
    return ((a + p.b + x - 1) / (a - 1)) * (1 - power * f);
  };
  // At a = 1 both factors' singularities cancel: take the mean of two close points.
  const value = Math.abs(p.a - 1) < 1e-7 ? (at(1 - 1e-6) + at(1 + 1e-6)) / 2 : at(p.a);
  if (!Number.isFinite(value)) {
    invalid('BG/NBD horizon', ['t'], 'not_computable', `a horizon of ${t} periods is too long for the series of the model's expectation to converge; use a shorter one`);
  }
  return value < 0 ? 0 : value;
}

function checkHorizon(t: number): number {
  return nonNegative(t, 'BG/NBD horizon', ['t']);
}

/**
 * The expected number of purchases in the next `t` periods of a customer with history
 * (x, tₓ, T) (FHL 2005, eq. 10):
 * E[Y(t) | x, tₓ, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *                      ÷ (1 + 𝟙(x>0) a/(b+x−1) ((α+T)/(α+tₓ))^(r+x)).
 *
 * @example
 * ```ts
 * const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
 * bgNbdConditionalExpected(cdnow, { x: 2, tx: 30.43, T: 38.86 }, 39) // 1.226 (the published figure)
 * ```
 */
export function bgNbdConditionalExpected(parameters: BgNbdParameters, customer: PurchaseSummary, t: number): number {
  const p = checkBgNbd(parameters);
  const [x, tx, T] = checkSummary(customer, 0, 'BG/NBD customer');
  const horizon = checkHorizon(t);
  if (horizon === 0) return 0;
  return expectedAlive(p, x, T, horizon) / (1 + deathOdds(p, x, tx, T));
}

/**
 * The expected number of purchases of a new customer in its first `t` periods (FHL 2005, eq. 9):
 * E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; t/(α+t))].
 *
 * @example
 * ```ts
 * bgNbdExpected({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39) // 1.197… repeat purchases in its first 39 weeks
 * ```
 */
export function bgNbdExpected(parameters: BgNbdParameters, t: number): number {
  const p = checkBgNbd(parameters);
  const horizon = checkHorizon(t);
  if (horizon === 0) return 0;
  return expectedAlive(p, 0, 0, horizon);
}

/**
 * E[Y(t) | x, tₓ, T] factors as A(x, T, t) ÷ (1 + D(x, tₓ, T)): the expectation while alive, which
 * does not depend on tₓ, over the odds of having dropped out. @internal
 */
export function expectedWhileAlive(p: BgNbdParameters, x: number, T: number, t: number): number {
  return t === 0 ? 0 : expectedAlive(p, x, T, t);
}

/** 1 + 𝟙(x>0) a/(b+x−1) ((α+T)/(α+tₓ))^(r+x): dividing by it turns "while alive" into the conditional expectation. @internal */
export function aliveDivisor(p: BgNbdParameters, x: number, tx: number, T: number): number {
  return 1 + deathOdds(p, x, tx, T);
}

/** P(alive) without re-checking its inputs. @internal */
export function probabilityAliveUnchecked(p: BgNbdParameters, x: number, tx: number, T: number): number {
  return 1 / (1 + deathOdds(p, x, tx, T));
}
