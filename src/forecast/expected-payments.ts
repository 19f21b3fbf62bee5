/**
 * Expected payment dates of a customer's open invoices, with a range and the reasons.
 *
 * @module
 */
import { formatMoney } from '../models/money.js';
import { isoDateOfDay } from '../scoring/days.js';
import type { CashApplication } from '../scoring/ledger.js';
import type { CustomerHistory, InstantLike } from '../scoring/types.js';
import { horizonOf, periodsOf, type HorizonOptions, type Period } from './buckets.js';
import { CustomerPaymentModel, type ForecastBasis, type PaymentDistribution, type PromiseTerm } from './model.js';
import { observeHistory, type CustomerObservations, type InvoiceObservation, type OpenInvoiceContext } from './observations.js';
import { compilePrior, type CompiledPrior, type PaymentPrior } from './prior.js';
import { forecastDay, modelSettings, type ModelSettings, type PaymentModelOptions } from './settings.js';

export type { ForecastBasis } from './model.js';

/** Options of {@link expectedPayments}. */
export interface ExpectedPaymentsOptions extends PaymentModelOptions, HorizonOptions {
  /** The day the forecast is made as of (the end of its UTC day): later records are ignored. */
  readonly asOf: InstantLike;
  /**
   * The tenant's payment behaviour (`createPaymentPrior`, or `log.forecast.prior()` on a store).
   * Customers with little or no history of their own fall back to it; without it, only the
   * customer's own history is used, and a customer without one is expected on the due date.
   */
  readonly prior?: PaymentPrior;
  /** Give each invoice its reasons, with how many days each moved the expected date. Default true. */
  readonly explain?: boolean;
  /** As in scoring: apply unallocated cash to the oldest open invoices first. Default `'none'`. */
  readonly applyUnallocatedCash?: CashApplication;
}

/** What a reason is about. */
export type ForecastReasonCode =
  /** The customer's own days beyond terms, blended with the tenant's by weight. */
  | 'customer_history'
  /** The customer has no paid invoice: the tenant's behaviour is used. */
  | 'tenant_history'
  /** Nobody has paid an invoice yet: the due date is all there is. */
  | 'no_history'
  /** The invoice is disputed: disputed invoices' behaviour is used. */
  | 'dispute'
  /** A dispute on it was settled: it is modelled as disputed. */
  | 'dispute_settled'
  /** How late it already is: dates before the day after `asOf` are impossible. */
  | 'age'
  /** A promise to pay it is pending. */
  | 'promise'
  /** Promises to pay it were broken. */
  | 'broken_promise'
  /** Reminders sent about it, and how many the customer usually needs. */
  | 'reminders'
  /** Part of it is paid or credited already: the rest is forecast. */
  | 'partly_paid'
  /** It is older than any payment experience: its dates come from a heavy tail. */
  | 'beyond_history';

/** One reason of a forecast. */
export interface ForecastReason {
  readonly code: ForecastReasonCode;
  /**
   * Days this reason moved the expected date (P50) against the forecast without it; `null` when it
   * is context the date does not use (reminders, a partial payment, a broken promise).
   */
  readonly effectDays: number | null;
  readonly message: string;
}

/** The forecast of one open invoice. */
export interface InvoiceForecast {
  readonly ref: string;
  readonly currency: string;
  readonly amountMinor: number;
  /** What is still open at `asOf`: the amount the forecast is about. */
  readonly openMinor: number;
  readonly issuedOn: string;
  readonly dueOn: string;
  /** `asOf − due date` in days: negative while it is not due yet. */
  readonly daysPastDue: number;
  readonly disputed: boolean;
  /** The expected payment date: the median (P50) of the payment-date distribution. */
  readonly expectedOn: string;
  /** One chance in ten that it is paid by then (P10). */
  readonly p10On: string;
  /** Nine chances in ten that it is paid by then (P90). */
  readonly p90On: string;
  /** `expectedOn − dueOn` in days. */
  readonly expectedDaysBeyondTerms: number;
  readonly basis: ForecastBasis;
  /** Weight of the customer's own history against the tenant's (0–1). */
  readonly customerWeight: number;
  /** P(paid by the end of each period of `periods`), cumulative. */
  readonly paidBy: readonly number[];
  readonly reasons: readonly ForecastReason[];
}

/** The forecast of one customer's open invoices. */
export interface CustomerPaymentForecast {
  readonly asOf: string;
  /** The forecast's periods (days or calendar weeks, UTC), as `paidBy` of every invoice uses them. */
  readonly periods: readonly Period[];
  /** Open invoices, by due date then ref. */
  readonly invoices: readonly InvoiceForecast[];
  /** The customer's history the forecast learnt from (invoices issued in `lookbackDays`). */
  readonly history: {
    readonly paidInvoices: number;
    readonly openInvoices: number;
    readonly medianDaysBeyondTerms: number | null;
    readonly promisesDue: number;
    readonly promisesKept: number;
    readonly remindersPerPaidInvoice: number | null;
  };
}

const days = (n: number) => `${n} day${Math.abs(n) === 1 ? '' : 's'}`;
const money = (amountMinor: number, currency: string) => formatMoney({ amountMinor, currency });

/** Forecasts one observation: distribution and dates. @internal */
export interface ForecastContext {
  readonly model: CustomerPaymentModel;
  readonly observed: CustomerObservations;
  readonly prior: CompiledPrior | undefined;
  readonly settings: ModelSettings;
}

/** The promise term of an open invoice: its date and the chance it is kept. */
function promiseTerm(context: OpenInvoiceContext | undefined, observed: CustomerObservations, prior: CompiledPrior | undefined, day: number): PromiseTerm | undefined {
  const promise = context?.promise;
  if (promise === undefined || promise.dueDay <= day) return undefined;
  const tenant = prior?.promiseKeepRate ?? 0.5;
  return { day: promise.dueDay, keep: (observed.promises.kept + 2 * tenant) / (observed.promises.due + 2) };
}

/** Builds one invoice's forecast. @internal */
export function forecastInvoice(
  invoice: InvoiceObservation,
  ctx: ForecastContext,
  horizon: ReturnType<typeof horizonOf>,
  explain: boolean,
): { forecast: InvoiceForecast; distribution: PaymentDistribution } {
  const { model, observed, prior } = ctx;
  const day = model.day;
  const context = observed.context.get(invoice.ref);
  const promise = promiseTerm(context, observed, prior, day);
  const disputed = invoice.disputedFrom <= day;
  const distribution = model.distribution(invoice, promise === undefined ? {} : { promise });
  const p50 = distribution.quantile(0.5);
  const paidBy = horizon.buckets.map((b) => distribution.cdf(b.toDay));
  const reasons: ForecastReason[] = explain ? explainForecast(invoice, ctx, distribution, p50, promise, context) : [];
  return {
    distribution,
    forecast: {
      ref: invoice.ref,
      currency: invoice.currency,
      amountMinor: invoice.amount,
      openMinor: invoice.open,
      issuedOn: isoDateOfDay(invoice.issueDay),
      dueOn: isoDateOfDay(invoice.dueDay),
      daysPastDue: day - invoice.dueDay,
      disputed,
      expectedOn: isoDateOfDay(p50),
      p10On: isoDateOfDay(distribution.quantile(0.1)),
      p90On: isoDateOfDay(distribution.quantile(0.9)),
      expectedDaysBeyondTerms: p50 - invoice.dueDay,
      basis: distribution.basis,
      customerWeight: distribution.customerWeight,
      paidBy,
      reasons,
    },
  };
}

function explainForecast(
  invoice: InvoiceObservation,
  { model, observed, prior }: ForecastContext,
  distribution: PaymentDistribution,
  p50: number,
  promise: PromiseTerm | undefined,
  context: OpenInvoiceContext | undefined,
): ForecastReason[] {
  const day = model.day;
  const reasons: ForecastReason[] = [];
  const disputed = invoice.disputedFrom <= day;
  const withoutPromise = promise === undefined ? p50 : model.distribution(invoice).quantile(0.5);
  const own = model.paidSummary();
  const tenantPaid = prior === undefined ? 0 : prior.paid.undisputed + (prior.disputesModelled ? prior.paid.disputed : 0);

  if (distribution.basis === 'due_date') {
    reasons.push({ code: 'no_history', effectDays: null, message: 'no invoice of this customer or of the tenant has been paid yet: expected on its due date (or the day after asOf when past due), without a range' });
  } else if (distribution.basis === 'tenant') {
    const median = prior!.median[disputed ? 'disputed' : 'undisputed'];
    reasons.push({
      code: 'tenant_history',
      effectDays: null,
      message:
        `no paid invoice of this customer${own.open > 1 ? ` (${own.open} open)` : ''}: the tenant's behaviour is used — ${tenantPaid} paid invoice(s)` +
        (median === median ? `, median ${days(median)} beyond terms` : ''),
    });
  } else {
    const tenantOnly = prior === undefined ? undefined : model.distribution(invoice, { tenantOnly: true }).quantile(0.5);
    const weight = Math.round(distribution.customerWeight * 100);
    reasons.push({
      code: 'customer_history',
      effectDays: tenantOnly === undefined ? null : withoutPromise - tenantOnly,
      message:
        `the customer's own history: ${own.paid} paid invoice(s)${own.median !== null ? `, median ${days(Math.round(own.median))} beyond terms` : ''}` +
        (tenantOnly === undefined ? ' (no tenant behaviour given to blend with)' : `; weighted ${weight}% against the tenant's behaviour (${100 - weight}%)`),
    });
  }
  if (distribution.basis !== 'due_date') {
    if (disputed) {
      const undisputed = model.distribution(invoice, { disputed: false }).quantile(0.5);
      const open = context?.openDisputes ?? [];
      const what = open.length > 0
        ? `dispute${open.length > 1 ? 's' : ''} ${open.map((d) => `${d.ref ?? ''} open since ${isoDateOfDay(d.openedDay)} on ${money(d.amount, invoice.currency)}`.trim()).join(', ')}`
        : context?.settledDispute ? 'a dispute on it was settled before asOf' : 'disputed';
      const delay = prior?.disputesModelled ? `; disputed invoices are paid ${days(prior.disputeShift)} later than others at the median` : '; too few disputed invoices in the tenant to measure their delay';
      reasons.push({ code: open.length > 0 || !context?.settledDispute ? 'dispute' : 'dispute_settled', effectDays: withoutPromise - undisputed, message: `${what}${delay}` });
    }
    const unconditioned = model.distribution(invoice, { unconditioned: true }).quantile(0.5);
    const pastDue = day - invoice.dueDay;
    if (pastDue > 0 || unconditioned <= day) {
      reasons.push({
        code: 'age',
        effectDays: withoutPromise - unconditioned,
        message:
          pastDue > 0
            ? `already ${days(pastDue)} past due and still open: only dates after asOf are possible, and invoices paid sooner than that say nothing about it`
            : `still open at asOf, ${days(-pastDue)} before its due date: only dates after asOf are possible`,
      });
    }
    if (distribution.beyondHistory) {
      reasons.push({ code: 'beyond_history', effectDays: null, message: `older than any payment experience (${days(pastDue)} past due): the dates follow a heavy tail in which the wait still to come is about the age it has` });
    }
  }
  if (promise !== undefined) {
    const p = context!.promise!;
    reasons.push({
      code: 'promise',
      effectDays: p50 - withoutPromise,
      message:
        `promise to pay ${money(p.amount, p.currency)} by ${isoDateOfDay(p.dueDay)}${p.ref ? ` (${p.ref})` : ''}: ` +
        `kept with probability ${Math.round(promise.keep * 100)}% (the customer kept ${observed.promises.kept} of ${observed.promises.due} promises due)`,
    });
  }
  if ((context?.brokenPromises ?? 0) > 0) {
    reasons.push({ code: 'broken_promise', effectDays: null, message: `${context!.brokenPromises} promise(s) to pay it passed without being kept` });
  }
  const remindersSent = context?.reminders ?? 0;
  const perPaid = observed.reminders.paidInvoices === 0 ? null : observed.reminders.beforePayment / observed.reminders.paidInvoices;
  if (remindersSent > 0 || (perPaid ?? 0) > 0) {
    reasons.push({
      code: 'reminders',
      effectDays: null,
      message:
        `${remindersSent} reminder(s) sent about it` +
        (perPaid === null ? '' : perPaid === 0 ? `; the customer paid its ${observed.reminders.paidInvoices} paid invoice(s) without one` : `; the customer needed ${perPaid.toFixed(1)} reminder(s) per paid invoice before paying`) +
        ' (context: reminders do not move the date)',
    });
  }
  if (invoice.open < invoice.amount) {
    reasons.push({ code: 'partly_paid', effectDays: null, message: `${money(invoice.amount - invoice.open, invoice.currency)} of ${money(invoice.amount, invoice.currency)} paid or credited: ${money(invoice.open, invoice.currency)} is forecast` });
  }
  return reasons;
}

/** The customer's model and observations as of a day. @internal */
export function customerContext(history: CustomerHistory, day: number, prior: PaymentPrior | undefined, settings: ModelSettings, cash: CashApplication): ForecastContext {
  const observed = observeHistory(history, day, cash);
  const compiled = prior === undefined ? undefined : compilePrior(prior, settings);
  return { model: new CustomerPaymentModel(observed.invoices, day, compiled, settings), observed, prior: compiled, settings };
}

const byDueThenRef = (a: InvoiceObservation, b: InvoiceObservation) => a.dueDay - b.dueDay || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);

/**
 * When each open invoice of a customer is expected to be paid, as of `asOf`: the expected date
 * (P50) and P10–P90 range, the probability of being paid by the end of each period of the
 * horizon, and the reasons — the customer's history or the tenant's, disputes, how late it is,
 * promises, reminders. See docs/forecast.md for the model.
 *
 * @example
 * ```ts
 * const prior = createPaymentPrior({ asOf }); for (const h of histories) prior.add(h);
 * const { invoices } = expectedPayments(history, { asOf: '2026-06-30', prior: prior.result() });
 * invoices[0]; // e.g. { ref: 'INV-1042', openMinor: 1850000, expectedOn: '2026-07-14', p10On: '2026-07-03', p90On: '2026-08-20',
 *              //        basis: 'customer', reasons: [{ code: 'customer_history', ... }, { code: 'age', ... }] }
 * // docs/forecast.md works one customer through by hand.
 * ```
 */
export function expectedPayments(history: CustomerHistory, options: ExpectedPaymentsOptions): CustomerPaymentForecast {
  const day = forecastDay(options?.asOf);
  const settings = modelSettings(options);
  const horizon = horizonOf(day, options);
  const ctx = customerContext(history, day, options.prior, settings, options.applyUnallocatedCash ?? 'none');
  const explain = options.explain ?? true;
  const open = ctx.observed.invoices.filter((o) => o.open > 0).sort(byDueThenRef);
  const own = ctx.model.paidSummary();
  const r = ctx.observed.reminders;
  return {
    asOf: isoDateOfDay(day),
    periods: periodsOf(horizon),
    invoices: open.map((invoice) => forecastInvoice(invoice, ctx, horizon, explain).forecast),
    history: {
      paidInvoices: own.paid,
      openInvoices: own.open,
      medianDaysBeyondTerms: own.median,
      promisesDue: ctx.observed.promises.due,
      promisesKept: ctx.observed.promises.kept,
      remindersPerPaidInvoice: r.paidInvoices === 0 ? null : r.beforePayment / r.paidInvoices,
    },
  };
}
