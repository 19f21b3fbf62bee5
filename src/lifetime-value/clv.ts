/**
 * Customer lifetime value: the discounted margin a customer is expected to bring over a horizon,
 * from a fitted BG/NBD (how many purchases) and Gamma-Gamma (how much each) model.
 *
 * CLV = Σₘ₌₁..H  margin × E[Z | x, z̄] × (E[Y(tₘ) | x, tₓ, T] − E[Y(tₘ₋₁) | x, tₓ, T]) ÷ (1 + d)ᵐ
 *
 * where tₘ is the end of month m after the end of calibration (in the model's period unit),
 * E[Y(t)] the BG/NBD conditional expectation, E[Z] the Gamma-Gamma expected value per purchase
 * and d the monthly rate of the annual discount rate i: d = (1 + i)^(1/12) − 1. Purchases of a
 * month are discounted as if they came at its end.
 *
 * @module
 */
import { instantMs } from '../scoring/days.js';
import type { InstantLike } from '../scoring/types.js';
import { aliveDivisor, checkBgNbd, checkSummary, expectedWhileAlive, type BgNbdParameters } from './bg-nbd.js';
import { MEAN_MONTH_DAYS, monthOffsets } from './calendar.js';
import { integerIn, invalid, nonNegative, numberIn } from './check.js';
import { checkGammaGamma, type GammaGammaParameters } from './gamma-gamma.js';
import type { LifetimeValueUnavailable, PurchaseSummary } from './types.js';

/** The two fitted models CLV combines. */
export interface LifetimeValueModels {
  readonly bgNbd: BgNbdParameters;
  readonly gammaGamma: GammaGammaParameters;
}

/** What CLV is computed from for one customer: its purchase summary and the mean value of its repeat purchases. */
export interface LifetimeValueCustomer extends PurchaseSummary {
  /** Mean value of the repeat purchases (0 or anything when x = 0: the population mean is used). */
  readonly meanValue: number;
}

/** Options of {@link customerLifetimeValue} and {@link createLifetimeValuer}. */
export interface LifetimeValueOptions {
  /** Share of revenue that is margin, from 0 to 1 (0.3 = 30%). Required: touchlog does not know your costs. */
  readonly margin: number;
  /** Annual discount rate (0.1 = 10% a year), applied monthly as (1 + rate)^(1/12) − 1. Required. */
  readonly annualDiscountRate: number;
  /** Months of future purchases to value. Default 12. */
  readonly horizonMonths?: number;
  /** Length of the summaries' period in days: 7 when x, tₓ, T are in weeks (the default), 1 in days. */
  readonly periodDays?: number;
  /**
   * The end of calibration. When given, month m ends on the same day m calendar months later (UTC);
   * otherwise every month is 365.2425 / 12 days long.
   */
  readonly asOf?: InstantLike;
}

/** One customer's lifetime value and its parts. */
export interface CustomerLifetimeValue {
  readonly available: true;
  /** The discounted expected margin over the horizon, in the unit of `meanValue`. */
  readonly value: number;
  /** Expected purchases over the horizon (undiscounted). */
  readonly expectedPurchases: number;
  /** Gamma-Gamma expected value per purchase. */
  readonly expectedValuePerPurchase: number;
  /** BG/NBD probability of being alive at the end of calibration. */
  readonly probabilityAlive: number;
}

/** Computes CLV for many customers with the same models and options (the month grid is built once). */
export type LifetimeValuer = (customer: LifetimeValueCustomer, index?: number) => CustomerLifetimeValue | LifetimeValueUnavailable;

/**
 * Creates a function that values customers with fixed models and options: the horizon's month
 * ends and discount factors are computed once.
 *
 * @example
 * ```ts
 * const value = createLifetimeValuer({ bgNbd, gammaGamma }, { margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 12 });
 * const clvs = customers.map((c) => value(c));
 * ```
 */
export function createLifetimeValuer(models: LifetimeValueModels, options: LifetimeValueOptions): LifetimeValuer {
  if (typeof models !== 'object' || models === null) invalid('lifetime value models', [], 'invalid_type', 'must be { bgNbd, gammaGamma }');
  const bg = checkBgNbd(models.bgNbd);
  const gg = checkGammaGamma(models.gammaGamma);
  if (typeof options !== 'object' || options === null) invalid('lifetime value options', [], 'invalid_type', 'must be { margin, annualDiscountRate, ... }');
  if (options.margin === undefined) invalid('lifetime value options', ['margin'], 'invalid_value', 'must be given: the share of revenue that is margin, from 0 to 1');
  if (options.annualDiscountRate === undefined) invalid('lifetime value options', ['annualDiscountRate'], 'invalid_value', 'must be given: e.g. 0.1 for 10% a year');
  const margin = numberIn(options.margin, 0, 'lifetime value options', 'margin', 0, 1);
  const rate = numberIn(options.annualDiscountRate, 0, 'lifetime value options', 'annualDiscountRate', 0, 10);
  const months = integerIn(options.horizonMonths, 12, 'lifetime value options', 'horizonMonths', 1, 1200);
  const periodDays = numberIn(options.periodDays, 7, 'lifetime value options', 'periodDays', 0, 366, { minExclusive: true });
  let offsets: number[];
  if (options.asOf !== undefined) {
    const ms = instantMs(options.asOf);
    if (ms !== ms) invalid('lifetime value options', ['asOf'], 'invalid_date', 'must be a Date or an ISO-8601 instant');
    offsets = monthOffsets(Math.floor(ms / 86_400_000), months);
  } else {
    offsets = Array.from({ length: months }, (_, m) => (m + 1) * MEAN_MONTH_DAYS);
  }
  const times = offsets.map((days) => days / periodDays);
  const monthly = (1 + rate) ** (1 / 12);
  const discounts = times.map((_, m) => 1 / monthly ** (m + 1));
  const meanDenominator = gg.q - 1;

  // The discounted purchases while alive depend on (x, T) only: customers from day counts share
  // few of them, so each is computed once (the cache is bounded).
  const whileAlive = new Map<string, { readonly discounted: number; readonly total: number }>();
  const aliveSums = (x: number, T: number) => {
    const key = `${x}:${T}`;
    let sums = whileAlive.get(key);
    if (sums === undefined) {
      let previous = 0;
      let discounted = 0;
      for (let m = 0; m < times.length; m++) {
        const expected = expectedWhileAlive(bg, x, T, times[m]!);
        if (expected > previous) {
          discounted += (expected - previous) * discounts[m]!;
          previous = expected;
        }
      }
      if (!Number.isFinite(discounted)) {
        invalid('lifetime value', ['horizonMonths'], 'not_computable', 'the expected purchases could not be computed for this horizon; use a shorter one');
      }
      sums = { discounted, total: previous };
      if (whileAlive.size >= 100_000) whileAlive.clear();
      whileAlive.set(key, sums);
    }
    return sums;
  };

  return (customer, index = 0) => {
    const [x, tx, T] = checkSummary(customer, index, 'lifetime value customer');
    const meanValue = x > 0 ? nonNegative(customer.meanValue, 'lifetime value customer', [index, 'meanValue'], true) : 0;
    const denominator = gg.p * x + meanDenominator;
    if (denominator <= 0) {
      return { available: false, reason: 'undefined_mean', message: `with p·x + q = ${gg.p * x + gg.q} (≤ 1) the expected spend per purchase is infinite` };
    }
    const perPurchase = (gg.p * (gg.v + x * meanValue)) / denominator;
    const sums = aliveSums(x, T);
    const divisor = aliveDivisor(bg, x, tx, T);
    return {
      available: true,
      value: (sums.discounted / divisor) * perPurchase * margin,
      expectedPurchases: sums.total / divisor,
      expectedValuePerPurchase: perPurchase,
      probabilityAlive: 1 / divisor,
    };
  };
}

/**
 * One customer's lifetime value (see the module for the formula). For a customer valued among
 * many, {@link createLifetimeValuer} computes the month grid once.
 *
 * @example
 * ```ts
 * const models = { bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 } };
 * customerLifetimeValue(models, { x: 2, tx: 30.43, T: 38.86, meanValue: 22.35 }, { margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 12 });
 * // { available: true, value: 11.02…, expectedPurchases: 1.563…, expectedValuePerPurchase: 24.66…, probabilityAlive: 0.7266… } (USD)
 * ```
 */
export function customerLifetimeValue(models: LifetimeValueModels, customer: LifetimeValueCustomer, options: LifetimeValueOptions): CustomerLifetimeValue | LifetimeValueUnavailable {
  return createLifetimeValuer(models, options)(customer);
}
