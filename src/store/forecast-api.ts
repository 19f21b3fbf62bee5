/**
 * Cash-flow forecasting on a touchlog store: the pure functions of `src/forecast` fed by the
 * public store API, customer by customer, in constant memory. A tenant-wide forecast is two
 * streaming passes: the tenant's payment behaviour (the prior), then every customer's forecast.
 *
 * @module
 */
import type { Customer } from '../models/customer.js';
import { backtest, type BacktestOptions, type BacktestReport, type InvoiceRow } from '../forecast/backtest.js';
import { createCashForecast, type CashForecast } from '../forecast/cash-forecast.js';
import { expectedPayments, type CustomerPaymentForecast, type ExpectedPaymentsOptions } from '../forecast/expected-payments.js';
import { invoiceRowsFromHistory } from '../forecast/history-rows.js';
import { createPaymentPrior, type PaymentPrior, type PaymentPriorOptions } from '../forecast/prior.js';
import { instantMs, MS_PER_DAY } from '../scoring/days.js';
import { ValidationError } from '../errors/index.js';
import { forecastDay, wholeNumber } from '../forecast/settings.js';
import type { InstantLike } from '../scoring/types.js';
import { customerHistory, tenantHistories, type TenantPassSelection } from './tenant-histories.js';
import type { Touchlog } from './touchlog.js';

/** Options of the store's forecasts: those of `expectedPayments`, with the prior read from the store when not given. */
export interface StoreForecastOptions extends ExpectedPaymentsOptions {
  /** Days of interactions and messages read for the reasons (reminders). Default `lookbackDays` (730). */
  readonly contactDays?: number;
}

/** A customer's forecast, with who it is. */
export interface StoredCustomerForecast extends CustomerPaymentForecast {
  readonly customer: { readonly id: string; readonly displayName: string };
}

/** Options of a tenant-wide forecast. */
export interface TenantForecastOptions extends Omit<StoreForecastOptions, 'explain'>, TenantPassSelection {
  /** Reasons per invoice (reads interactions and messages too). Default false for `cash`, true for `invoices`. */
  readonly explain?: boolean;
}

/** Options of a backtest on the store. */
export interface StoreBacktestOptions extends BacktestOptions, TenantPassSelection {
  /** What is known: records up to the end of this day. Default now. */
  readonly knownAt?: InstantLike;
}

/** Forecasting bound to a touchlog instance: `log.forecast`. */
export interface ForecastApi {
  /** The tenant's payment behaviour as of `asOf`: one streaming pass over every customer's financial records. */
  prior(options: PaymentPriorOptions & TenantPassSelection): Promise<PaymentPrior>;
  /** One customer's open invoices: expected dates, ranges and reasons. Reads the tenant's prior unless `prior` is given. */
  customer(customerId: string, options: StoreForecastOptions): Promise<StoredCustomerForecast>;
  /** Every customer's forecast of the selection, streaming (customers without open invoices are skipped). */
  invoices(options: TenantForecastOptions): AsyncGenerator<{ readonly customer: Customer; readonly forecast: CustomerPaymentForecast }>;
  /** The cash-in forecast per currency and period for the tenant, a segment or some customers. */
  cash(options: TenantForecastOptions): Promise<CashForecast>;
  /** Replays the stored history as of past days (every month end by default) and measures the forecast against two baselines. */
  backtest(options?: StoreBacktestOptions): Promise<BacktestReport>;
}

const iso = (day: number) => new Date(day * MS_PER_DAY).toISOString();

/** The window of interactions and messages read for the reasons. */
function contactWindow(options: StoreForecastOptions): { from: string; to: string } {
  const day = forecastDay(options.asOf);
  const span = wholeNumber(options.contactDays ?? options.lookbackDays, 730, options.contactDays !== undefined ? 'contactDays' : 'lookbackDays', 1, 36_600, ' of days');
  return { from: iso(day - span + 1), to: iso(day + 1) };
}

/**
 * Forecasting on a touchlog instance (attached as `log.forecast`). Every method reads through the
 * public store API and calls the pure forecast functions, so its results equal theirs on the same
 * records.
 *
 * @example
 * ```ts
 * const prior = await log.forecast.prior({ asOf: '2026-06-30' });          // reuse it for many customers
 * const { invoices } = await log.forecast.customer(customerId, { asOf: '2026-06-30', prior });
 * const cash = await log.forecast.cash({ asOf: '2026-06-30', weeks: 13, segment: 'enterprise' });
 * cash.byCurrency.USD.periods[0]; // { from, to, expectedMinor, lowMinor, highMinor, ... }
 * const report = await log.forecast.backtest();                          // MAE against the baselines
 * ```
 */
export function createForecastApi(log: Touchlog): ForecastApi {
  async function prior(options: PaymentPriorOptions & TenantPassSelection): Promise<PaymentPrior> {
    const builder = createPaymentPrior(options); // checks asOf first
    for await (const { history } of tenantHistories(log, { customersPerChunk: options.customersPerChunk, pageSize: options.pageSize }, { what: 'the payment prior' })) builder.add(history);
    return builder.result();
  }

  async function* invoices(options: TenantForecastOptions): AsyncGenerator<{ readonly customer: Customer; readonly forecast: CustomerPaymentForecast }> {
    const explain = options.explain ?? true;
    forecastDay(options?.asOf);
    const tenantPrior = options.prior ?? (await prior(options));
    const contacts = explain ? contactWindow(options) : undefined;
    for await (const { customer, history } of tenantHistories(log, options, { what: 'the forecast', ...(contacts ? { contacts } : {}) })) {
      const forecast = expectedPayments(history, { ...options, prior: tenantPrior, explain });
      if (forecast.invoices.length > 0) yield { customer, forecast };
    }
  }

  return {
    prior,
    async customer(customerId, options) {
      forecastDay(options?.asOf);
      const contacts = options.explain === false ? undefined : contactWindow(options);
      const { customer, history } = await customerHistory(log, customerId, contacts);
      const tenantPrior = options.prior ?? (await prior(options));
      return { customer: { id: customer.id, displayName: customer.displayName }, ...expectedPayments(history, { ...options, prior: tenantPrior }) };
    },
    invoices,
    async cash(options) {
      const builder = createCashForecast(options);
      for await (const { forecast } of invoices({ ...options, explain: options.explain ?? false })) builder.add(forecast);
      return builder.result();
    },
    async backtest(options = {}) {
      const knownAt = options.knownAt ?? new Date();
      if (Number.isNaN(instantMs(knownAt))) {
        throw new ValidationError('backtest options', [{ code: 'invalid_date', path: ['knownAt'], message: 'must be a Date or an ISO-8601 instant: what is known up to then is replayed' }]);
      }
      const rows: InvoiceRow[] = [];
      for await (const { customer, history } of tenantHistories(log, options, { what: 'the backtest' })) {
        for (const row of invoiceRowsFromHistory(customer.id, history, { asOf: knownAt })) rows.push(row);
      }
      return backtest(rows, options);
    },
  };
}
