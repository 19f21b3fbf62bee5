/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee, "RFM and CLV: Using Iso-Value
 * Curves for Customer Base Analysis", JMR 2005; Fader & Hardie, "The Gamma-Gamma Model of
 * Monetary Value", note 025, 2013).
 *
 * Each purchase of a customer has value z ~ Gamma(p, ν); across customers ν ~ Gamma(q, γ). Spend
 * is assumed independent of the purchase process, so the model is fitted on the repeat customers'
 * (x, z̄) alone and combined with BG/NBD for lifetime value.
 *
 * @module
 */
import { integerIn, invalid, nonNegative } from './check.js';
import { nelderMead } from './nelder-mead.js';
import { lnGamma, lnGammaRatio } from './special.js';
import { boundaryOf, type BoundaryParameter, type FitDiagnostics, type LifetimeValueUnavailable, type SpendSummary } from './types.js';

/** The three parameters of the Gamma-Gamma model (`v` is the γ of the papers, in the unit of the values). */
export interface GammaGammaParameters {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** A fitted Gamma-Gamma model. */
export interface GammaGammaFit extends FitDiagnostics {
  readonly available: true;
  readonly model: 'gamma_gamma';
  readonly parameters: GammaGammaParameters;
  /** Customers left out of the fit because they made no repeat purchase (their mean value is unknown). */
  readonly excludedWithoutRepeat: number;
  /** Parameters that ran towards 0 or infinity (see {@link BoundaryParameter}); empty for an interior maximum. */
  readonly boundary: readonly BoundaryParameter[];
}

/** Options of {@link fitGammaGamma}. */
export interface GammaGammaFitOptions {
  /** Likelihood evaluations allowed. Default 20 000. */
  readonly maxEvaluations?: number;
  /** Above this many repeat customers, fit a systematic sample of this size first and refine on all of them from there. Default 20 000. */
  readonly warmStartSample?: number;
}

function checkSpend(c: SpendSummary, index: number, subject = 'Gamma-Gamma input'): [number, number] {
  if (typeof c !== 'object' || c === null) invalid(subject, [index], 'invalid_type', 'must be { x, meanValue }');
  if (!Number.isInteger(c.x) || c.x < 0 || c.x > 1e9) invalid(subject, [index, 'x'], 'invalid_value', 'must be a whole number of repeat purchases ≥ 0');
  const m = nonNegative(c.meanValue, subject, [index, 'meanValue']);
  if (c.x > 0 && m === 0) invalid(subject, [index, 'meanValue'], 'invalid_value', 'must be > 0 for a customer with repeat purchases (the model has no zero-value purchases)');
  return [c.x, m];
}

interface SpendData {
  readonly x: Float64Array;
  readonly xm: Float64Array;
  readonly lnXm: Float64Array;
  readonly lnM: Float64Array;
  /** Distinct values of x, and each customer's index into them. */
  readonly distinct: Float64Array;
  readonly slot: Int32Array;
}

function spendData(xs: readonly number[], ms: readonly number[]): SpendData {
  const values = [...new Set(xs)].sort((a, b) => a - b);
  const at = new Map(values.map((v, i) => [v, i]));
  return {
    x: Float64Array.from(xs),
    xm: Float64Array.from(xs, (x, i) => x * ms[i]!),
    lnXm: Float64Array.from(xs, (x, i) => Math.log(x * ms[i]!)),
    lnM: Float64Array.from(ms, Math.log),
    distinct: Float64Array.from(values),
    slot: Int32Array.from(xs, (x) => at.get(x)!),
  };
}

/**
 * Σ ln L over repeat customers (note 025, eq. 4); the Γ terms, which depend on x alone, once per
 * distinct x. The rest, (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄), is rewritten as
 * −px log1p(γ/(x z̄)) − ln z̄ − q ln(γ + x z̄): the plain form subtracts terms of order px ln z̄,
 * which for large p loses the digits the optimiser needs.
 */
function spendLogLikelihood(data: SpendData, p: number, q: number, g: number): number {
  const { x, xm, lnXm, lnM, distinct, slot } = data;
  const lnG = Math.log(g);
  const lnGammaQ = lnGamma(q);
  const gammas = new Float64Array(distinct.length);
  for (let i = 0; i < distinct.length; i++) {
    const px = p * distinct[i]!;
    gammas[i] = lnGammaRatio(px, q) - lnGammaQ + q * lnG;
  }
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const l = Math.log1p(g / xm[i]!);
    total += gammas[slot[i]!]! - p * x[i]! * l - lnM[i]! - q * (lnXm[i]! + l);
  }
  return total;
}

/**
 * The Gamma-Gamma log-likelihood of the repeat customers (x > 0) at given parameters: what
 * {@link fitGammaGamma} maximises, for comparing parameter sets.
 *
 * @example
 * ```ts
 * gammaGammaLogLikelihood({ p: 6.25, q: 3.74, v: 15.44 }, cdnow) // -4055.9247… (CDNOW; the maximum is -4055.9232…)
 * ```
 */
export function gammaGammaLogLikelihood(parameters: GammaGammaParameters, customers: Iterable<SpendSummary>): number {
  const p = checkGammaGamma(parameters);
  const xs: number[] = [];
  const ms: number[] = [];
  let index = 0;
  for (const c of customers) {
    const [x, m] = checkSpend(c, index++);
    if (x > 0) {
      xs.push(x);
      ms.push(m);
    }
  }
  return spendLogLikelihood(spendData(xs, ms), p.p, p.q, p.v);
}

/**
 * Fits the Gamma-Gamma model by maximum likelihood over the customers with `x > 0` (note 025,
 * eq. 4): for each, ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x
 * − (px+q) ln(γ + x z̄). Customers without a repeat purchase are left out (counted in
 * `excludedWithoutRepeat`).
 *
 * @example
 * ```ts
 * const fit = fitGammaGamma(cdnow.map(({ x, zbar }) => ({ x, meanValue: zbar })));
 * if (fit.available) fit.parameters; // { p: 6.25, q: 3.74, v: 15.44 } (rounded; CDNOW, USD)
 * ```
 */
export function fitGammaGamma(customers: Iterable<SpendSummary>, options: GammaGammaFitOptions = {}): GammaGammaFit | LifetimeValueUnavailable {
  const started = performance.now();
  const maxEvaluations = integerIn(options.maxEvaluations, 20_000, 'Gamma-Gamma options', 'maxEvaluations', 10, 10_000_000);
  const xs: number[] = [];
  const ms: number[] = [];
  let excluded = 0;
  let index = 0;
  for (const c of customers) {
    const [x, m] = checkSpend(c, index++);
    if (x === 0) excluded++;
    else {
      xs.push(x);
      ms.push(m);
    }
  }
  const n = xs.length;
  if (index === 0) return { available: false, reason: 'empty_cohort', message: 'no customers to fit the Gamma-Gamma model to' };
  if (n === 0) return { available: false, reason: 'no_repeat_purchases', message: `none of the ${index} customers made a repeat purchase, so no mean spend per purchase is known` };
  let meanM = 0;
  for (const v of ms) meanM += v / n;
  const warm = integerIn(options.warmStartSample, 20_000, 'Gamma-Gamma options', 'warmStartSample', 100, 100_000_000);
  const objective = (data: SpendData) => (v: readonly number[]) => -spendLogLikelihood(data, Math.exp(v[0]!), Math.exp(v[1]!), Math.exp(v[2]!));
  // Start: p = q = 1 and γ at the mean value (a population mean of about the sample's).
  let start = [0, 0, Math.log(meanM)];
  let evaluations = 0;
  if (n > warm) {
    const k = Math.ceil(n / warm);
    const first = nelderMead(objective(spendData(xs.filter((_, i) => i % k === 0), ms.filter((_, i) => i % k === 0))), start, { maxEvaluations, fTolerance: 1e-9, xTolerance: 1e-6 });
    evaluations += first.evaluations;
    if (first.converged) start = first.x;
  }
  const refine = n > warm ? { step: 0.05, xTolerance: 1e-6, fTolerance: 1e-10 } : {};
  const found = nelderMead(objective(spendData(xs, ms)), start, { maxEvaluations: Math.max(10, maxEvaluations - evaluations), ...refine });
  const result = { ...found, evaluations: found.evaluations + evaluations };
  if (!result.converged) {
    return { available: false, reason: 'not_converged', message: `the Gamma-Gamma fit did not converge within ${maxEvaluations} likelihood evaluations` };
  }
  if (result.x.some((v) => Math.abs(v) > 40)) {
    return { available: false, reason: 'degenerate_fit', message: 'the Gamma-Gamma fit ran to a boundary: the repeat customers are too few or their spend too uniform to pin the model down' };
  }
  return {
    available: true,
    model: 'gamma_gamma',
    parameters: { p: Math.exp(result.x[0]!), q: Math.exp(result.x[1]!), v: Math.exp(result.x[2]!) },
    customers: n,
    logLikelihood: -result.value,
    evaluations: result.evaluations,
    milliseconds: performance.now() - started,
    excludedWithoutRepeat: excluded,
    boundary: boundaryOf(['p', 'q', 'v'], result.x),
  };
}

/** Checks parameters given by the caller. @internal */
export function checkGammaGamma(p: GammaGammaParameters): GammaGammaParameters {
  const subject = 'Gamma-Gamma parameters';
  if (typeof p !== 'object' || p === null) invalid(subject, [], 'invalid_type', 'must be { p, q, v }');
  for (const key of ['p', 'q', 'v'] as const) nonNegative(p[key], subject, [key], true);
  return p;
}

/**
 * The population mean value per purchase, pγ/(q−1); unavailable when q ≤ 1 (the mean is infinite).
 *
 * @example
 * ```ts
 * gammaGammaPopulationMean({ p: 6.25, q: 3.74, v: 15.44 }) // { available: true, value: 35.218… }
 * ```
 */
export function gammaGammaPopulationMean(parameters: GammaGammaParameters): { readonly available: true; readonly value: number } | LifetimeValueUnavailable {
  const { p, q, v } = checkGammaGamma(parameters);
  if (q <= 1) return { available: false, reason: 'undefined_mean', message: `with q = ${q} (≤ 1) the model's mean spend per purchase is infinite` };
  return { available: true, value: (p * v) / (q - 1) };
}

/**
 * A customer's expected value per purchase given its x repeat purchases of mean z̄ (note 025,
 * eq. 5): E[Z | x, z̄] = p(γ + x z̄) / (px + q − 1) — a weighted average of the population mean
 * pγ/(q−1) and the customer's own mean, the more its own the more it bought. For x = 0 it is the
 * population mean. Unavailable when px + q ≤ 1.
 *
 * @example
 * ```ts
 * const cdnow = { p: 6.25, q: 3.74, v: 15.44 };
 * gammaGammaExpectedValue(cdnow, { x: 2, meanValue: 22.35 }) // { available: true, value: 24.66… }
 * ```
 */
export function gammaGammaExpectedValue(parameters: GammaGammaParameters, customer: SpendSummary): { readonly available: true; readonly value: number } | LifetimeValueUnavailable {
  const p = checkGammaGamma(parameters);
  const [x, m] = checkSpend(customer, 0, 'Gamma-Gamma customer');
  const denominator = p.p * x + p.q - 1;
  if (denominator <= 0) return { available: false, reason: 'undefined_mean', message: `with p·x + q = ${p.p * x + p.q} (≤ 1) the expected spend per purchase is infinite` };
  return { available: true, value: (p.p * (p.v + x * m)) / denominator };
}
