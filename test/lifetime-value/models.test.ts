/**
 * The lifetime-value models beyond CDNOW: fits recover the parameters a cohort was drawn from,
 * the formulas behave as they must (properties), and bad input is a typed error or an explicit
 * `unavailable`, never NaN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bgNbdConditionalExpected,
  bgNbdExpected,
  bgNbdProbabilityAlive,
  createLifetimeValuer,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaExpectedValue,
  gammaGammaPopulationMean,
  isTouchlogError,
  summariseLifetimeValues,
  summarisePurchases,
  type ValidationError,
} from 'touchlog';
import { generateReceivables, simulateCustomerBase } from 'touchlog/testing';
import { PUBLISHED } from './cdnow.js';

const truth = PUBLISHED;

function issuesOf(run: () => unknown): ValidationError['issues'] {
  try {
    run();
  } catch (error) {
    if (isTouchlogError(error, 'VALIDATION_FAILED')) return (error as ValidationError).issues;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('fits recover the parameters a cohort was drawn from', () => {
  const n = 20_000;
  const cohort = simulateCustomerBase({ customers: n, T: (i) => (273 - (i % 84)) / 7, ...truth, seed: 11 });
  const summaries = Array.from(cohort.x, (x, i) => ({ x, tx: cohort.tx[i]!, T: cohort.T[i]! }));

  it('BG/NBD: the mean purchase rate r/α and mean dropout a/(a+b) within 10%', () => {
    const fit = fitBgNbd(summaries);
    if (!fit.available) throw new Error(fit.message);
    const { r, alpha, a, b } = fit.parameters;
    expect(Math.abs(r / alpha / (truth.bgNbd.r / truth.bgNbd.alpha) - 1)).toBeLessThan(0.1);
    expect(Math.abs(a / (a + b) / (truth.bgNbd.a / (truth.bgNbd.a + truth.bgNbd.b)) - 1)).toBeLessThan(0.1);
    expect(Math.abs(r / truth.bgNbd.r - 1)).toBeLessThan(0.15);
  });

  it('Gamma-Gamma: the population mean spend pγ/(q−1) within 5%', () => {
    const fit = fitGammaGamma(Array.from(cohort.x, (x, i) => ({ x, meanValue: cohort.meanValue[i]! })));
    if (!fit.available) throw new Error(fit.message);
    const mean = gammaGammaPopulationMean(fit.parameters);
    const trueMean = gammaGammaPopulationMean(truth.gammaGamma);
    expect(mean.available && trueMean.available && Math.abs(mean.value / trueMean.value - 1)).toBeLessThan(0.05);
  });

  it('the same cohort in another order gives the same fit', () => {
    const reversed = [...summaries].reverse();
    const a = fitBgNbd(summaries.slice(0, 3000));
    const b = fitBgNbd(reversed.slice(n - 3000));
    if (!a.available || !b.available) throw new Error('unavailable');
    expect(b.logLikelihood).toBeCloseTo(a.logLikelihood, 6);
    expect(b.parameters.r).toBeCloseTo(a.parameters.r, 4);
  });
});

const summary = fc
  .record({ x: fc.integer({ min: 0, max: 40 }), T: fc.double({ min: 0.5, max: 200, noNaN: true }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : T * share }));

describe('fits that run to a limit of the model', () => {
  it('Gamma-Gamma on customers with many purchases each: p → ∞ with pγ fixed, converged, and said so', () => {
    // Invoices of a B2B ledger: dozens of purchases per customer, sizes spread over a factor 50.
    const { rows } = generateReceivables({ seed: 22, customers: 40, from: '2024-07-01' });
    const byCustomer = new Map<string, Array<{ at: string; amount: { amountMinor: number; currency: string } }>>();
    for (const r of rows) byCustomer.set(r.customer, [...(byCustomer.get(r.customer) ?? []), { at: String(r.invoiceDate), amount: { amountMinor: r.amountMinor!, currency: 'USD' } }]);
    const spend = [...byCustomer.values()].map((p) => summarisePurchases(p, { to: '2026-03-31' })!);
    const fit = fitGammaGamma(spend);
    expect(fit.available).toBe(true);
    if (!fit.available) return;
    expect(fit.boundary).toContainEqual({ parameter: 'p', towards: 'infinity' });
    // The limit: each customer's expected spend is its own mean.
    const one = spend.find((s) => s.x > 10)!;
    const expected = gammaGammaExpectedValue(fit.parameters, one);
    expect(expected.available && expected.value / one.meanValue).toBeCloseTo(1, 3);
  });
});

describe('properties of the formulas', () => {
  it('P(alive) is in (0, 1], 1 without a repeat purchase, and higher the more recent the last purchase', () => {
    fc.assert(
      fc.property(summary, fc.double({ min: 0, max: 1, noNaN: true }), (c, later) => {
        const p = bgNbdProbabilityAlive(truth.bgNbd, c);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(1);
        if (c.x === 0) expect(p).toBe(1);
        else {
          const recent = { ...c, tx: c.tx + (c.T - c.tx) * later };
          expect(bgNbdProbabilityAlive(truth.bgNbd, recent)).toBeGreaterThanOrEqual(p - 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('expected purchases are ≥ 0, grow with the horizon, and never exceed those of a customer surely alive', () => {
    fc.assert(
      fc.property(summary, fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (c, t, more) => {
        const e = bgNbdConditionalExpected(truth.bgNbd, c, t);
        expect(Number.isFinite(e)).toBe(true);
        expect(e).toBeGreaterThanOrEqual(0);
        expect(bgNbdConditionalExpected(truth.bgNbd, c, t + more)).toBeGreaterThanOrEqual(e - 1e-9);
        // A customer whose last purchase was just now is alive for sure: it expects at least as much.
        expect(bgNbdConditionalExpected(truth.bgNbd, { ...c, tx: c.x === 0 ? 0 : c.T }, t)).toBeGreaterThanOrEqual(e - 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('a new customer’s expectation grows with t, from 0', () => {
    expect(bgNbdExpected(truth.bgNbd, 0)).toBe(0);
    let previous = 0;
    for (const t of [1, 5, 13, 26, 39, 52, 104, 260]) {
      const e = bgNbdExpected(truth.bgNbd, t);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
    expect(bgNbdExpected(truth.bgNbd, 39)).toBeCloseTo(1.1967, 4);
  });

  it('is continuous at a = 1, where the formula divides by a − 1', () => {
    const at = (a: number) => bgNbdConditionalExpected({ ...truth.bgNbd, a }, { x: 3, tx: 20, T: 39 }, 39);
    expect(Number.isFinite(at(1))).toBe(true);
    expect(at(1)).toBeCloseTo((at(1 - 1e-4) + at(1 + 1e-4)) / 2, 4);
  });

  it('CLV is linear in the margin, falls with the discount rate and rises with the horizon', () => {
    fc.assert(
      fc.property(summary, fc.double({ min: 1, max: 500, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), (c, mean, margin) => {
        const customer = { ...c, meanValue: mean };
        const at = (o: { margin: number; annualDiscountRate: number; horizonMonths: number }) => {
          const v = customerLifetimeValue(truth, customer, o);
          if (!v.available) throw new Error(v.message);
          return v.value;
        };
        const base = at({ margin: 1, annualDiscountRate: 0.1, horizonMonths: 12 });
        expect(at({ margin, annualDiscountRate: 0.1, horizonMonths: 12 })).toBeCloseTo(base * margin, 8);
        expect(at({ margin: 1, annualDiscountRate: 0.3, horizonMonths: 12 })).toBeLessThanOrEqual(base + 1e-9);
        expect(at({ margin: 1, annualDiscountRate: 0.1, horizonMonths: 24 })).toBeGreaterThanOrEqual(base - 1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('CLV months are calendar months in UTC: the same under any TZ', () => {
    const saved = process.env.TZ;
    const values: number[] = [];
    try {
      for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/St_Johns', 'Pacific/Pago_Pago']) {
        process.env.TZ = tz;
        const v = customerLifetimeValue(truth, { x: 2, tx: 30.43, T: 38.86, meanValue: 22.35 }, { margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 6, asOf: '1997-01-31' });
        values.push(v.available ? v.value : Number.NaN);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(new Set(values).size).toBe(1);
    // 31 January + 1 month is 28 February: a shorter first month values less than a mean-length one.
    const mean = customerLifetimeValue(truth, { x: 2, tx: 30.43, T: 38.86, meanValue: 22.35 }, { margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 6 });
    expect(mean.available && values[0]! < mean.value).toBe(true);
  });

  it('the tenant summary does not depend on the order of the customers', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const customers = values.map((value, i) => ({ customerId: `c${i}`, value }));
        const a = summariseLifetimeValues(customers, { top: 5 });
        const b = summariseLifetimeValues([...customers].reverse(), { top: 5 });
        expect(b).toEqual(a);
        expect(a.topDecileShare).toBeGreaterThanOrEqual(0.1 - 1e-9 - (a.total === 0 ? 0.1 : 0));
        expect(a.decileShares.reduce((s, d) => s + d, 0)).toBeCloseTo(a.total > 0 ? 1 : 0, 9);
      }),
    );
  });
});

describe('the tenant summary of CLV', () => {
  it('gives quantiles, the top decile and its share', () => {
    const values = Array.from({ length: 100 }, (_, i) => ({ customerId: `c${String(i).padStart(3, '0')}`, value: i + 1 })); // 1..100
    const s = summariseLifetimeValues(values, { top: 3 });
    expect(s.customers).toBe(100);
    expect(s.total).toBe(5050);
    expect(s.quantiles.p50).toBe(50);
    expect(s.quantiles.p90).toBe(90);
    expect(s.topDecileThreshold).toBe(91);
    expect(s.topDecileShare).toBeCloseTo((91 + 100) * 5 / 5050, 12); // 955 / 5050
    expect(s.top).toEqual([{ customerId: 'c099', value: 100 }, { customerId: 'c098', value: 99 }, { customerId: 'c097', value: 98 }]);
  });
});

describe('bad input: typed errors or an explicit unavailable, never NaN', () => {
  it('names the row and field of a negative, non-finite or impossible summary', () => {
    expect(issuesOf(() => fitBgNbd([{ x: 1, tx: 2, T: 10 }, { x: -1, tx: 0, T: 10 }]))).toEqual([expect.objectContaining({ path: [1, 'x'], code: 'invalid_value' })]);
    expect(issuesOf(() => fitBgNbd([{ x: 1, tx: Number.NaN, T: 10 }]))[0]!.path).toEqual([0, 'tx']);
    expect(issuesOf(() => fitBgNbd([{ x: 1, tx: 2, T: Number.POSITIVE_INFINITY }]))[0]!.path).toEqual([0, 'T']);
    expect(issuesOf(() => fitBgNbd([{ x: 2, tx: 12, T: 10 }]))[0]!.message).toMatch(/must not be after T/);
    expect(issuesOf(() => fitBgNbd([{ x: 0, tx: 3, T: 10 }]))[0]!.message).toMatch(/must be 0 when x is 0/);
    expect(issuesOf(() => fitGammaGamma([{ x: 2, meanValue: -5 }]))[0]!.path).toEqual([0, 'meanValue']);
    expect(issuesOf(() => fitGammaGamma([{ x: 2, meanValue: 0 }]))[0]!.message).toMatch(/must be > 0/);
    expect(issuesOf(() => bgNbdProbabilityAlive({ ...truth.bgNbd, r: -1 }, { x: 1, tx: 1, T: 2 }))[0]!.path).toEqual(['r']);
    expect(issuesOf(() => bgNbdConditionalExpected(truth.bgNbd, { x: 1, tx: 1, T: 2 }, Number.NaN))[0]!.path).toEqual(['t']);
    expect(issuesOf(() => customerLifetimeValue(truth, { x: 1, tx: 1, T: 2, meanValue: 10 }, { margin: 1.5, annualDiscountRate: 0.1 }))[0]!.path).toEqual(['margin']);
    expect(issuesOf(() => customerLifetimeValue(truth, { x: 1, tx: 1, T: 2, meanValue: 10 }, { margin: 0.3 } as never))[0]!.path).toEqual(['annualDiscountRate']);
    expect(issuesOf(() => summariseLifetimeValues([{ customerId: 'a', value: Number.NaN }]))[0]!.path).toEqual([0, 'value']);
  });

  it('says why a fit is unavailable: an empty cohort, no repeat purchase, no convergence', () => {
    expect(fitBgNbd([])).toMatchObject({ available: false, reason: 'empty_cohort' });
    expect(fitBgNbd([{ x: 0, tx: 0, T: 10 }, { x: 0, tx: 0, T: 5 }])).toMatchObject({ available: false, reason: 'no_repeat_purchases' });
    expect(fitGammaGamma([])).toMatchObject({ available: false, reason: 'empty_cohort' });
    expect(fitGammaGamma([{ x: 0, meanValue: 0 }])).toMatchObject({ available: false, reason: 'no_repeat_purchases' });
    const cohort = simulateCustomerBase({ customers: 500, T: 39, ...truth, seed: 5 });
    const rows = Array.from(cohort.x, (x, i) => ({ x, tx: cohort.tx[i]!, T: cohort.T[i]! }));
    const starved = fitBgNbd(rows, { maxEvaluations: 20 });
    expect(starved).toMatchObject({ available: false, reason: 'not_converged' });
    expect(starved.available === false && starved.message).toMatch(/did not converge within 20 likelihood evaluations/);
  });

  it('says the mean spend is undefined when q ≤ 1, instead of a negative or infinite value', () => {
    expect(gammaGammaPopulationMean({ p: 2, q: 0.8, v: 10 })).toMatchObject({ available: false, reason: 'undefined_mean' });
    expect(gammaGammaExpectedValue({ p: 0.1, q: 0.5, v: 10 }, { x: 1, meanValue: 5 })).toMatchObject({ available: false, reason: 'undefined_mean' });
    const value = createLifetimeValuer({ bgNbd: truth.bgNbd, gammaGamma: { p: 2, q: 0.8, v: 10 } }, { margin: 0.3, annualDiscountRate: 0.1 });
    expect(value({ x: 0, tx: 0, T: 10, meanValue: 0 })).toMatchObject({ available: false, reason: 'undefined_mean' });
    expect(value({ x: 3, tx: 5, T: 10, meanValue: 20 })).toMatchObject({ available: true });
  });
});
