/**
 * Special functions the customer-base models need: `lnGamma`, `lnBeta` and the Gauss
 * hypergeometric function ₂F₁ on [0, 1). Plain double-precision arithmetic, no dependency.
 *
 * @internal
 * @module
 */

/** Lanczos coefficients (g = 7, n = 9), as in Numerical Recipes 3rd ed. and Boost: relative error below 1e-15. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0 (Lanczos approximation; relative error below 1e-14).
 *
 * @example
 * ```ts
 * lnGamma(1)   // ≈ 0 (-8.9e-16)
 * lnGamma(0.5) // 0.57236494292469… (ln √π)
 * lnGamma(10)  // 12.80182748008147… (ln 9! = ln 362880)
 * ```
 */
export function lnGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx); for 0 < x < 0.5 sin(πx) > 0.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Stirling's series of ln Γ(z) without its leading terms: 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + 1/(1188z⁹). */
function stirlingTail(z: number): number {
  const w = 1 / (z * z);
  return (1 / z) * (1 / 12 - w * (1 / 360 - w * (1 / 1260 - w * (1 / 1680 - w / 1188))));
}

/**
 * ln Γ(z + a) − ln Γ(z) for z > 0, a ≥ 0, accurate when z is large: two large values of ln Γ
 * subtracted would lose most of their digits (at z = 10⁷ an error of about 1), so beyond z = 10
 * the difference is taken inside Stirling's series, as (z − ½) log1p(a/z) + a ln(z + a) − a plus the
 * difference of the series' tails.
 *
 * @example
 * ```ts
 * lnGammaRatio(1e7, 3.7) // 59.636954408… (3.7 · ln 10⁷ = 59.636953908…, plus the series' correction)
 * ```
 */
export function lnGammaRatio(z: number, a: number): number {
  if (z < 10) return lnGamma(z + a) - lnGamma(z);
  return (z - 0.5) * Math.log1p(a / z) + a * Math.log(z + a) - a + stirlingTail(z + a) - stirlingTail(z);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** Result of {@link hyp2f1}: the value, or `NaN` when the series did not converge in `maxTerms`. */
const MAX_TERMS = 1_000_000;

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its power series
 * Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, summed until a term no longer changes the sum. Returns `NaN` when
 * the series has not converged after a million terms (z extremely close to 1): callers report
 * that as unavailable, never as a number.
 *
 * @example
 * ```ts
 * hyp2f1(1, 1, 2, 0.5) // 1.38629436111989 (= −ln(1 − z) / z = 2 ln 2)
 * ```
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) return Number.NaN;
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_TERMS; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    const next = sum + term;
    // Converged once the term no longer moves the sum and the terms are shrinking for good.
    if (next === sum || Math.abs(term) < 1e-17 * Math.abs(next)) {
      if ((a + n + 1) * (b + n + 1) * z < (c + n + 1) * (n + 2) || term === 0) return next;
    }
    sum = next;
    if (!Number.isFinite(sum)) return Number.NaN;
  }
  return Number.NaN;
}
