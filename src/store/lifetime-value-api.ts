/**
 * Customer lifetime value on a touchlog store: purchase summaries built from each customer's
 * invoices (or the sales the caller marks), the BG/NBD and Gamma-Gamma fits, CLV per customer and
 * over the tenant, CAC payback from actual payments, and retention signals. Reads through the
 * public store API, customer by customer; a fit holds four numbers per customer, nothing more.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import { fitBgNbd, type BgNbdFit } from '../lifetime-value/bg-nbd.js';
import { createCacPayback, type CacPaybackOptions, type CohortPayback } from '../lifetime-value/cac-payback.js';
import { createLifetimeValuer, type CustomerLifetimeValue, type LifetimeValueModels, type LifetimeValueOptions } from '../lifetime-value/clv.js';
import { createLifetimeValueSummary, type LifetimeValueSummary } from '../lifetime-value/distribution.js';
import { fitGammaGamma, type GammaGammaFit } from '../lifetime-value/gamma-gamma.js';
import { frictionCounts, retentionSignals, type RetentionOptions, type RetentionSignals } from '../lifetime-value/retention.js';
import { PurchaseDays, windowOf, type CalibrationWindow, type CustomerPurchaseSummary } from '../lifetime-value/summaries.js';
import type { LifetimeValueUnavailable } from '../lifetime-value/types.js';
import type { Customer } from '../models/customer.js';
import type { Invoice } from '../models/financial-record.js';
import type { Money } from '../models/money.js';
import { instantMs, isoDateOfDay, MS_PER_DAY } from '../scoring/days.js';
import type { StoredCustomerHistory } from '../scoring/history.js';
import { tenantHistories, type TenantPassSelection } from './tenant-histories.js';
import type { Touchlog } from './touchlog.js';

/** Which invoices are purchases, and over which window. */
export interface PurchaseOptions extends TenantPassSelection {
  /** The calibration window: `to` is required; `currency` is required when customers buy in several. */
  readonly calibration: CalibrationWindow;
  /** Only invoices with this tag are purchases (e.g. `sale`). Default: every invoice that is not void. */
  readonly purchaseTag?: string;
  /** Decides which invoices are purchases (applied after `purchaseTag`). */
  readonly isPurchase?: (invoice: Invoice) => boolean;
}

/** A customer's purchase summary, with who it is. */
export interface CustomerSummaryRow {
  readonly customer: Customer;
  readonly summary: CustomerPurchaseSummary;
}

/** The models fitted on a tenant's cohort. */
export interface LifetimeValueFit {
  readonly calibration: { readonly from: string | null; readonly to: string; readonly periodDays: number; readonly currency: string | null };
  /** Customers with a purchase in the window, and of those with a repeat purchase. */
  readonly customers: number;
  readonly repeatCustomers: number;
  readonly bgNbd: BgNbdFit | LifetimeValueUnavailable;
  readonly gammaGamma: GammaGammaFit | LifetimeValueUnavailable;
}

/** Options of CLV on the store. */
export interface StoreLifetimeValueOptions extends PurchaseOptions, Omit<LifetimeValueOptions, 'periodDays' | 'asOf'> {
  /** Fitted parameters to use instead of fitting the cohort (e.g. saved from an earlier `fit`). */
  readonly models?: LifetimeValueModels;
}

/** One customer's lifetime value. */
export interface CustomerLifetimeValueRow {
  readonly customer: Customer;
  readonly summary: CustomerPurchaseSummary;
  /** The CLV in minor units of the summary's currency (rounded), with its parts; or why not. */
  readonly lifetimeValue: (CustomerLifetimeValue & { readonly money: Money }) | LifetimeValueUnavailable;
}

/** The tenant's lifetime values. */
export interface TenantLifetimeValue {
  /** The fits; `null` when `models` were given (nothing was fitted). */
  readonly fit: LifetimeValueFit | null;
  /** The models' parameters, when both fits are available. */
  readonly models: LifetimeValueModels | null;
  readonly currency: string | null;
  /** The distribution of CLV in minor units; `null` when the models are not available. */
  readonly summary: LifetimeValueSummary | null;
  /** Why there is no summary. */
  readonly unavailable?: LifetimeValueUnavailable;
}

/** Options of the retention signals on the store. */
export interface StoreRetentionOptions extends StoreLifetimeValueOptions, RetentionOptions {
  /** P(alive) now against `trendDays` earlier; complaints and disputes in the last `trendDays` against the ones before. Default 90. */
  readonly trendDays?: number;
  /** Customers whose CLV is at or above this quantile of the cohort's are high value. Default 0.8 (the top fifth). */
  readonly highValueQuantile?: number;
}

/** Lifetime value bound to a touchlog instance: `log.lifetimeValue`. */
export interface LifetimeValueApi {
  /** Every customer's purchase summary in the calibration window, streaming. */
  summaries(options: PurchaseOptions): AsyncGenerator<CustomerSummaryRow>;
  /** Fits BG/NBD and Gamma-Gamma on the cohort of the calibration window. */
  fit(options: PurchaseOptions): Promise<LifetimeValueFit>;
  /** Every customer's CLV, streaming (fits first unless `models` are given). */
  customers(options: StoreLifetimeValueOptions): AsyncGenerator<CustomerLifetimeValueRow>;
  /** The distribution of CLV over the tenant: total, quantiles, top decile and its share. */
  summary(options: StoreLifetimeValueOptions & { readonly top?: number }): Promise<TenantLifetimeValue>;
  /** Months until collected margin repays the acquisition cost, per cohort, from actual payments. */
  cacPayback(options: CacPaybackOptions & TenantPassSelection & { readonly purchaseTag?: string }): Promise<CohortPayback>;
  /** Retention signals per customer: P(alive) trend, complaints and disputes, high value, at risk. */
  retention(options: StoreRetentionOptions): AsyncGenerator<{ readonly customer: Customer; readonly summary: CustomerPurchaseSummary; readonly retention: RetentionSignals | LifetimeValueUnavailable }>;
}

function purchasesOf(history: StoredCustomerHistory, options: PurchaseOptions): Invoice[] {
  return history.invoices.filter(
    (invoice) => invoice.status !== 'void' && (options.purchaseTag === undefined || invoice.tags.includes(options.purchaseTag)) && (options.isPurchase === undefined || options.isPurchase(invoice)),
  );
}

function summaryOf(invoices: readonly Invoice[], window: ReturnType<typeof windowOf>): CustomerPurchaseSummary | undefined {
  const days = new PurchaseDays(window);
  invoices.forEach((invoice, i) => days.add({ at: invoice.issuedAt, amount: invoice.amount }, i));
  return days.summary();
}

function checkPurchaseOptions(options: PurchaseOptions): ReturnType<typeof windowOf> {
  if (typeof options !== 'object' || options === null) throw new ValidationError('lifetime value options', [{ code: 'invalid_type', path: [], message: 'must be { calibration: { to, ... }, ... }' }]);
  if (options.isPurchase !== undefined && typeof options.isPurchase !== 'function') {
    throw new ValidationError('lifetime value options', [{ code: 'invalid_type', path: ['isPurchase'], message: 'must be a function (invoice) => boolean' }]);
  }
  if (options.purchaseTag !== undefined && (typeof options.purchaseTag !== 'string' || options.purchaseTag.length === 0)) {
    throw new ValidationError('lifetime value options', [{ code: 'invalid_type', path: ['purchaseTag'], message: 'must be a tag' }]);
  }
  return windowOf(options.calibration, 'calibration window');
}

/**
 * Lifetime value on a touchlog instance (attached as `log.lifetimeValue`).
 *
 * @example
 * ```ts
 * const calibration = { from: '2025-01-01', to: '2026-06-30', periodDays: 7, currency: 'USD' };
 * const fit = await log.lifetimeValue.fit({ calibration });              // BG/NBD and Gamma-Gamma
 * const { summary } = await log.lifetimeValue.summary({ calibration, margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 24 });
 * summary?.topDecileShare;                                               // share of CLV in the top 10%
 * for await (const row of log.lifetimeValue.retention({ calibration, margin: 0.3, annualDiscountRate: 0.1 })) if (row.retention.atRisk) console.log(row.customer.displayName);
 * const payback = await log.lifetimeValue.cacPayback({ acquisitionCost: { amountMinor: 50_000, currency: 'USD' }, margin: 0.3, asOf: '2026-06-30' });
 * ```
 */
export function createLifetimeValueApi(log: Touchlog): LifetimeValueApi {
  async function* summaries(options: PurchaseOptions): AsyncGenerator<CustomerSummaryRow> {
    const window = checkPurchaseOptions(options);
    for await (const { customer, history } of tenantHistories(log, options, { what: 'lifetime value' })) {
      const summary = summaryOf(purchasesOf(history, options), window);
      if (summary !== undefined) yield { customer, summary };
    }
  }

  async function fit(options: PurchaseOptions): Promise<LifetimeValueFit> {
    const window = checkPurchaseOptions(options);
    const x: number[] = [];
    const tx: number[] = [];
    const T: number[] = [];
    const mean: number[] = [];
    let currency: string | undefined = window.currency;
    for await (const { summary } of summaries(options)) {
      if (currency === undefined) currency = summary.currency;
      else if (summary.currency !== currency) {
        throw new ValidationError('lifetime value options', [
          { code: 'multiple_currencies', path: ['calibration', 'currency'], message: `customers buy in ${currency} and ${summary.currency}: pass calibration.currency to value one of them` },
        ]);
      }
      x.push(summary.x);
      tx.push(summary.tx);
      T.push(summary.T);
      mean.push(summary.meanValue);
    }
    const n = x.length;
    const purchases = function* () {
      for (let i = 0; i < n; i++) yield { x: x[i]!, tx: tx[i]!, T: T[i]! };
    };
    const spend = function* () {
      for (let i = 0; i < n; i++) yield { x: x[i]!, meanValue: mean[i]! };
    };
    let repeat = 0;
    for (const v of x) if (v > 0) repeat++;
    return {
      calibration: {
        from: Number.isFinite(window.fromDay) ? isoDateOfDay(window.fromDay) : null,
        to: isoDateOfDay(window.toDay),
        periodDays: window.periodDays,
        currency: currency ?? null,
      },
      customers: n,
      repeatCustomers: repeat,
      bgNbd: fitBgNbd(purchases()),
      gammaGamma: fitGammaGamma(spend()),
    };
  }

  async function modelsOf(options: StoreLifetimeValueOptions): Promise<{ models: LifetimeValueModels | null; fit: LifetimeValueFit | null; unavailable?: LifetimeValueUnavailable }> {
    if (options.models !== undefined) return { models: options.models, fit: null };
    const fitted = await fit(options);
    if (!fitted.bgNbd.available) return { models: null, fit: fitted, unavailable: fitted.bgNbd };
    if (!fitted.gammaGamma.available) return { models: null, fit: fitted, unavailable: fitted.gammaGamma };
    return { models: { bgNbd: fitted.bgNbd.parameters, gammaGamma: fitted.gammaGamma.parameters }, fit: fitted };
  }

  async function* valued(options: StoreLifetimeValueOptions, models: LifetimeValueModels): AsyncGenerator<CustomerLifetimeValueRow> {
    const window = checkPurchaseOptions(options);
    const value = createLifetimeValuer(models, { ...options, periodDays: window.periodDays, asOf: new Date(window.toDay * MS_PER_DAY) });
    for await (const { customer, summary } of summaries(options)) {
      const clv = value(summary);
      yield { customer, summary, lifetimeValue: clv.available ? { ...clv, money: { amountMinor: Math.round(clv.value), currency: summary.currency } } : clv };
    }
  }

  return {
    summaries,
    fit,
    async *customers(options) {
      const { models, unavailable } = await modelsOf(options);
      if (models === null) {
        for await (const { customer, summary } of summaries(options)) yield { customer, summary, lifetimeValue: unavailable! };
        return;
      }
      yield* valued(options, models);
    },
    async summary(options) {
      const { models, fit: fitted, unavailable } = await modelsOf(options);
      const window = checkPurchaseOptions(options);
      if (models === null) return { fit: fitted, models: null, currency: fitted?.calibration.currency ?? window.currency ?? null, summary: null, unavailable: unavailable! };
      const builder = createLifetimeValueSummary({ top: options.top ?? 10 });
      let currency: string | null = window.currency ?? null;
      for await (const row of valued(options, models)) {
        currency ??= row.summary.currency;
        if (row.lifetimeValue.available) builder.add(row.customer.id, row.lifetimeValue.money.amountMinor);
      }
      return { fit: fitted, models, currency, summary: builder.result() };
    },
    async cacPayback(options) {
      const payback = createCacPayback(options); // checks the options first
      for await (const { history } of tenantHistories(log, options, { what: 'CAC payback' })) {
        let first = Number.POSITIVE_INFINITY;
        let firstAt: string | undefined;
        for (const invoice of history.invoices) {
          if (invoice.status === 'void' || (options.purchaseTag !== undefined && !invoice.tags.includes(options.purchaseTag))) continue;
          const ms = instantMs(invoice.issuedAt);
          if (ms < first) {
            first = ms;
            firstAt = invoice.issuedAt;
          }
        }
        if (firstAt === undefined) continue;
        payback.add({ acquiredAt: firstAt, payments: history.payments.map((p) => ({ receivedAt: p.receivedAt, amount: p.amount })) });
      }
      return payback.result();
    },
    async *retention(options) {
      const window = checkPurchaseOptions(options);
      const trendDays = options.trendDays ?? 90;
      if (!Number.isInteger(trendDays) || trendDays < 1 || trendDays > 36_600) {
        throw new ValidationError('retention options', [{ code: 'invalid_value', path: ['trendDays'], message: 'must be a whole number of days from 1 to 36600' }]);
      }
      const quantile = options.highValueQuantile ?? 0.8;
      if (typeof quantile !== 'number' || !(quantile >= 0 && quantile <= 1)) {
        throw new ValidationError('retention options', [{ code: 'invalid_value', path: ['highValueQuantile'], message: 'must be a number from 0 to 1' }]);
      }
      const { models, unavailable } = await modelsOf(options);
      if (models === null) {
        // No model, no P(alive): every customer gets the reason.
        for await (const { customer, summary } of summaries(options)) yield { customer, summary, retention: unavailable! };
        return;
      }
      // The high-value mark: the quantile of the cohort's CLV.
      const values: number[] = [];
      for await (const row of valued(options, models)) if (row.lifetimeValue.available) values.push(row.lifetimeValue.value);
      values.sort((a, b) => a - b);
      const threshold = values.length === 0 ? undefined : values[Math.min(values.length - 1, Math.max(0, Math.ceil(quantile * values.length) - 1))]!;
      const earlierWindow = { ...window, toDay: window.toDay - trendDays };
      const asOf = isoDateOfDay(window.toDay);
      const valueOf = createLifetimeValuer(models, { ...options, periodDays: window.periodDays, asOf });
      for await (const { customer, history } of tenantHistories(log, options, { what: 'retention signals', contacts: { from: new Date((window.toDay - 2 * trendDays + 1) * MS_PER_DAY).toISOString(), to: new Date((window.toDay + 1) * MS_PER_DAY).toISOString() } })) {
        const purchases = purchasesOf(history, options);
        const summary = summaryOf(purchases, window);
        if (summary === undefined) continue;
        const earlier = earlierWindow.toDay >= earlierWindow.fromDay ? summaryOf(purchases, earlierWindow) : undefined;
        const value = valueOf(summary);
        const retention = retentionSignals(
          models.bgNbd,
          {
            current: summary,
            ...(earlier !== undefined ? { earlier } : {}),
            ...(value.available ? { value: value.value } : {}),
            ...(threshold !== undefined ? { highValueThreshold: threshold } : {}),
            friction: frictionCounts(history, { asOf, windowDays: trendDays }),
          },
          options,
        );
        yield { customer, summary, retention };
      }
    },
  };
}
