/**
 * Cohorts drawn from the BG/NBD and Gamma-Gamma models themselves, seeded: for tests that a fit
 * recovers the parameters it was drawn from, and for benchmarks of fits on large cohorts.
 *
 * @module
 */
import type { BgNbdParameters } from '../lifetime-value/bg-nbd.js';
import type { GammaGammaParameters } from '../lifetime-value/gamma-gamma.js';
import { seededRandom } from './harness.js';

/** A gamma draw with shape k and rate 1 (Marsaglia & Tsang; k < 1 boosted). */
function gamma(random: () => number, k: number): number {
  if (k < 1) return gamma(random, k + 1) * Math.max(random(), 1e-300) ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = Math.max(random(), 1e-300);
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Options of {@link simulateCustomerBase}. */
export interface CustomerBaseOptions {
  readonly customers: number;
  /** Calibration length in periods for every customer, or a function of the customer's index. */
  readonly T: number | ((index: number) => number);
  readonly bgNbd: BgNbdParameters;
  /** With spend parameters, each repeat purchase gets a value. */
  readonly gammaGamma?: GammaGammaParameters;
  readonly seed?: number;
}

/** A simulated cohort in flat arrays (x, tₓ, T, and the mean value of the repeat purchases). */
export interface SimulatedCustomerBase {
  readonly x: Int32Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly meanValue: Float64Array;
}

/**
 * Draws a cohort from the models: for each customer λ ~ Gamma(r, α), p ~ Beta(a, b); purchases
 * after the first come at rate λ, and after each the customer drops out with probability p. With
 * `gammaGamma`, ν ~ Gamma(q, γ) and each purchase is worth z ~ Gamma(p, ν).
 *
 * @example
 * ```ts
 * const cohort = simulateCustomerBase({ customers: 100_000, T: 39, bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } });
 * fitBgNbd(Array.from(cohort.x, (x, i) => ({ x, tx: cohort.tx[i]!, T: cohort.T[i]! })));
 * ```
 */
export function simulateCustomerBase(options: CustomerBaseOptions): SimulatedCustomerBase {
  const random = seededRandom(options.seed ?? 1);
  const n = options.customers;
  const { r, alpha, a, b } = options.bgNbd;
  const x = new Int32Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const meanValue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const horizon = typeof options.T === 'function' ? options.T(i) : options.T;
    const lambda = gamma(random, r) / alpha;
    const ga = gamma(random, a);
    const p = ga / (ga + gamma(random, b));
    const nu = options.gammaGamma === undefined ? 0 : gamma(random, options.gammaGamma.q) / options.gammaGamma.v;
    let t = 0;
    let count = 0;
    let last = 0;
    let spend = 0;
    for (;;) {
      t += -Math.log(Math.max(random(), 1e-300)) / lambda;
      if (!(t <= horizon)) break;
      count++;
      last = t;
      if (options.gammaGamma !== undefined) spend += gamma(random, options.gammaGamma.p) / nu;
      if (random() < p) break;
    }
    x[i] = count;
    tx[i] = last;
    T[i] = horizon;
    meanValue[i] = count === 0 ? 0 : spend / count;
  }
  return { x, tx, T, meanValue };
}
