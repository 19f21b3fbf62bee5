/**
 * Cash-flow forecasting from the history touchlog keeps: when each open invoice is expected to be
 * paid (a date, a P10–P90 range, the probability of payment by each period, and the reasons), the
 * cash-in forecast per currency and period with its range, and a backtest against two baselines.
 * Pure functions of the history and an explicit `asOf`; `createForecastApi(log)` runs them on a
 * store. See docs/forecast.md for the model with a worked example and measured accuracy.
 *
 * @module
 */
export type { PaymentModelOptions } from './settings.js';
export { horizonOf, type Bucket, type ForecastGranularity, type Horizon, type HorizonOptions, type Period, type WeekStart } from './buckets.js';
export { createPaymentPrior, type LatenessHistogram, type PaymentPrior, type PaymentPriorBuilder, type PaymentPriorOptions } from './prior.js';
export {
  expectedPayments,
  type CustomerPaymentForecast,
  type ExpectedPaymentsOptions,
  type ForecastBasis,
  type ForecastReason,
  type ForecastReasonCode,
  type InvoiceForecast,
} from './expected-payments.js';
export {
  cashForecast,
  createCashForecast,
  type CashForecast,
  type CashForecastBuilder,
  type CashForecastFromHistoriesOptions,
  type CashForecastOptions,
  type CashPeriod,
  type CurrencyCashForecast,
} from './cash-forecast.js';
export { backtest, type BacktestOptions, type BacktestPeriod, type BacktestReport, type ForecastErrors, type InvoiceRow } from './backtest.js';
export { invoiceRowsFromHistory } from './history-rows.js';
