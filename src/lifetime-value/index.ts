/**
 * Customer lifetime value: the published models of customer-base analysis — BG/NBD for how often
 * customers buy and when they drop out, Gamma-Gamma for how much they spend — fitted by maximum
 * likelihood; discounted CLV per customer and over a cohort; CAC payback from actual payments; and
 * retention signals (P(alive) trend, complaints and disputes) that the risk score can take as a
 * factor. Pure functions; `createLifetimeValueApi(log)` runs them on a store. See
 * docs/lifetime-value.md for every formula with a worked example.
 *
 * @module
 */
export type { BoundaryParameter, FitDiagnostics, LifetimeValueUnavailable, LifetimeValueUnavailableReason, PurchaseSummary, SpendSummary } from './types.js';
export {
  bgNbdConditionalExpected,
  bgNbdExpected,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdFitOptions,
  type BgNbdParameters,
} from './bg-nbd.js';
export {
  fitGammaGamma,
  gammaGammaExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMean,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type GammaGammaParameters,
} from './gamma-gamma.js';
export {
  createLifetimeValuer,
  customerLifetimeValue,
  type CustomerLifetimeValue,
  type LifetimeValueCustomer,
  type LifetimeValueModels,
  type LifetimeValueOptions,
  type LifetimeValuer,
} from './clv.js';
export {
  createLifetimeValueSummary,
  summariseLifetimeValues,
  type LifetimeValueSummary,
  type LifetimeValueSummaryBuilder,
  type LifetimeValueSummaryOptions,
  type ValuedCustomer,
} from './distribution.js';
export { invoicePurchase, summarisePurchases, type CalibrationWindow, type CustomerPurchaseSummary, type Purchase } from './summaries.js';
export {
  cacPayback,
  createCacPayback,
  type CacPaybackAccumulator,
  type CacPaybackOptions,
  type CohortPayback,
  type CustomerPayback,
  type PaybackCustomer,
  type PaybackMonth,
} from './cac-payback.js';
export {
  frictionCounts,
  retentionRiskFactor,
  retentionSignals,
  type FrictionCounts,
  type RetentionInput,
  type RetentionOptions,
  type RetentionSignals,
} from './retention.js';
