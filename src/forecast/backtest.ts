/**
 * Backtest: replays a history of invoices as of past days (by default every month end), forecasts
 * the invoices still open on each of those days with only what was known then, and compares the
 * forecast payment day with the day each was actually paid — against two baselines: payment on
 * the due date, and the customer's median days beyond terms.
 *
 * The input is a plain table (customer, invoice date, due date, settled date, amount, disputed),
 * so an accounts-receivable export can be fed in as it is; `invoiceRowsFromHistory` turns stored
 * records into the same rows.
 *
 * @module
 */
import { UTCDate } from '@date-fns/utc';
import { endOfMonth } from 'date-fns';
import { instantMs, isoDateOfDay, MS_PER_DAY } from '../scoring/days.js';
import { invalid } from '../scoring/input.js';
import type { InstantLike } from '../scoring/types.js';
import { CustomerPaymentModel } from './model.js';
import type { InvoiceObservation } from './observations.js';
import { compilePrior, PriorAccumulator } from './prior.js';
import { modelSettings, type PaymentModelOptions } from './settings.js';

/** One invoice of an accounts-receivable table. */
export interface InvoiceRow {
  /** Who owes it: any stable customer key. */
  readonly customer: string;
  /** Document number (optional; only for reports). */
  readonly ref?: string;
  readonly invoiceDate: InstantLike;
  readonly dueDate: InstantLike;
  /** When it was paid in full; absent, `null` or `''` while open. */
  readonly settledDate?: InstantLike | null;
  /** Amount in minor units (optional; weights the amount-weighted error). */
  readonly amountMinor?: number;
  /** Whether the invoice was disputed. Without `disputedAt`, it counts as disputed from its issue. */
  readonly disputed?: boolean;
  /** When the dispute was opened, if known: the invoice counts as disputed from that day on. */
  readonly disputedAt?: InstantLike | null;
}

/** Options of {@link backtest}. */
export interface BacktestOptions extends PaymentModelOptions {
  /** The days to forecast as of. Default: the last day of every month from the first invoice's month to the month before the last payment. */
  readonly asOf?: readonly InstantLike[];
}

/** Errors of one forecaster, in days. */
export interface ForecastErrors {
  /** Mean absolute error |forecast day − payment day|. */
  readonly mae: number;
  /** Mean signed error (forecast − actual): positive when the forecaster expects payment too late. */
  readonly bias: number;
  /** Median absolute error. */
  readonly medianAbsoluteError: number;
  /** Mean absolute error weighted by the invoices' amounts (equal to `mae` without amounts). */
  readonly amountWeightedMae: number;
}

/** One as-of day of a backtest. */
export interface BacktestPeriod {
  readonly asOf: string;
  /** Open invoices forecast (those with a known payment day). */
  readonly invoices: number;
  readonly modelMae: number;
  readonly dueDateMae: number;
  readonly customerMedianMae: number;
}

/** What a backtest measured. */
export interface BacktestReport {
  readonly asOf: readonly string[];
  /** Forecasts scored: one per (as-of day, invoice open that day and paid later). */
  readonly forecasts: number;
  /** Invoices of the table that were never paid: they cannot be scored. */
  readonly neverSettled: number;
  readonly model: ForecastErrors & {
    /** Share of payments that fell within the forecast's P10–P90 dates (80% when calibrated). */
    readonly withinP10P90: number;
  };
  readonly baselines: {
    /** Payment on the due date. */
    readonly dueDate: ForecastErrors;
    /** The customer's median days beyond terms over its invoices paid by then (the tenant's median without any; the due date without either). */
    readonly customerMedian: ForecastErrors;
    /** Payment on the due date, or the day after the as-of day when already past due (the due date conditioned on being open). */
    readonly dueDateConditioned: ForecastErrors;
  };
  /** `model.mae ÷ baselines.*.mae`: below 1 the model beats the baseline; `null` when nothing was forecast or the baseline made no error. */
  readonly ratios: { readonly toDueDate: number | null; readonly toCustomerMedian: number | null; readonly toDueDateConditioned: number | null };
  readonly periods: readonly BacktestPeriod[];
}

interface Row {
  readonly customer: string;
  readonly index: number;
  readonly issueDay: number;
  readonly dueDay: number;
  readonly settleDay: number;
  readonly disputedFrom: number;
  readonly amount: number;
}

const dayOfInstant = (value: InstantLike, index: number, field: string): number => {
  const ms = instantMs(value);
  if (ms !== ms) invalid('invoice table', [index, field], 'invalid_date', 'must be a Date or an ISO-8601 date (YYYY-MM-DD)');
  return Math.floor(ms / MS_PER_DAY);
};

/** Checks and converts the table. @internal */
export function tableRows(rows: Iterable<InvoiceRow>): Row[] {
  const out: Row[] = [];
  let index = 0;
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) invalid('invoice table', [index], 'invalid_type', 'must be { customer, invoiceDate, dueDate, settledDate?, amountMinor?, disputed? }');
    if (typeof row.customer !== 'string' || row.customer.length === 0) invalid('invoice table', [index, 'customer'], 'invalid_type', 'must be a non-empty customer key');
    const issueDay = dayOfInstant(row.invoiceDate, index, 'invoiceDate');
    const dueDay = dayOfInstant(row.dueDate, index, 'dueDate');
    if (dueDay < issueDay) invalid('invoice table', [index, 'dueDate'], 'out_of_order', 'must not be before invoiceDate');
    const settled = row.settledDate;
    const settleDay = settled === undefined || settled === null || settled === '' ? Number.NaN : dayOfInstant(settled, index, 'settledDate');
    if (settleDay < issueDay) invalid('invoice table', [index, 'settledDate'], 'out_of_order', 'must not be before invoiceDate');
    const amount = row.amountMinor ?? 1;
    if (!Number.isSafeInteger(amount) || amount < 0) invalid('invoice table', [index, 'amountMinor'], 'invalid_money', 'must be a non-negative whole number of minor units');
    if (row.disputed !== undefined && typeof row.disputed !== 'boolean') invalid('invoice table', [index, 'disputed'], 'invalid_type', 'must be true or false');
    const disputedAt = row.disputedAt === undefined || row.disputedAt === null || row.disputedAt === '' ? undefined : dayOfInstant(row.disputedAt, index, 'disputedAt');
    const disputedFrom = disputedAt ?? (row.disputed === true ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
    out.push({ customer: row.customer, index, issueDay, dueDay, settleDay, disputedFrom, amount });
    index++;
  }
  return out;
}

/** The row as known at the end of `day`. */
function observationAt(row: Row, day: number): InvoiceObservation {
  const paid = row.settleDay <= day;
  return {
    ref: String(row.index),
    currency: 'XXX',
    amount: row.amount,
    open: paid ? 0 : row.amount,
    issueDay: row.issueDay,
    dueDay: row.dueDay,
    settleDay: paid ? row.settleDay : Number.NaN,
    disputedFrom: row.disputedFrom <= day ? row.disputedFrom : Number.POSITIVE_INFINITY,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const m = values.length >> 1;
  return values.length % 2 === 1 ? values[m]! : (values[m - 1]! + values[m]!) / 2;
}

/** The default as-of days: every month end from the first invoice's month to the month before the last payment. */
function monthEnds(rows: readonly Row[]): number[] {
  let first = Infinity;
  let lastPaid = -Infinity;
  for (const r of rows) {
    if (r.issueDay < first) first = r.issueDay;
    if (r.settleDay > lastPaid) lastPaid = r.settleDay;
  }
  const out: number[] = [];
  if (!Number.isFinite(first) || !Number.isFinite(lastPaid)) return out;
  for (let day = monthEnd(first); day < lastPaid; day = monthEnd(day + 1)) out.push(day);
  return out;
}

/** The last UTC day of the month of `day` (date-fns on a UTCDate: the same under any TZ). */
export function monthEnd(day: number): number {
  return Math.floor(endOfMonth(new UTCDate(day * MS_PER_DAY)).getTime() / MS_PER_DAY);
}

class ErrorSum {
  abs: number[] = [];
  signed = 0;
  weighted = 0;
  weight = 0;
  add(error: number, amount: number): void {
    this.abs.push(Math.abs(error));
    this.signed += error;
    this.weighted += Math.abs(error) * amount;
    this.weight += amount;
  }
  result(): ForecastErrors {
    const n = this.abs.length;
    let total = 0;
    for (const e of this.abs) total += e;
    return {
      mae: n === 0 ? 0 : total / n,
      bias: n === 0 ? 0 : this.signed / n,
      medianAbsoluteError: median([...this.abs]) ?? 0,
      amountWeightedMae: this.weight > 0 ? this.weighted / this.weight : n === 0 ? 0 : total / n,
    };
  }
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * Backtests the payment model on a table of invoices: as of each day (every month end by
 * default), only invoices issued by then are known and only payments made by then; every invoice
 * open that day and paid later is forecast (its P50 day) and compared with its payment day.
 *
 * @example
 * ```ts
 * const report = backtest([
 *   { customer: 'C-1', invoiceDate: '2025-01-03', dueDate: '2025-02-02', settledDate: '2025-02-10', amountMinor: 120_000, disputed: false },
 *   // ... a few thousand rows of an AR export
 * ]);
 * report.ratios.toDueDate;        // e.g. 0.45: the model's MAE is 45% of paying-on-the-due-date's
 * report.ratios.toCustomerMedian; // below 1: better than the customer's median
 * ```
 */
export function backtest(rows: Iterable<InvoiceRow>, options: BacktestOptions = {}): BacktestReport {
  const settings = modelSettings(options);
  const table = tableRows(rows);
  const asOfDays = options.asOf === undefined ? monthEnds(table) : options.asOf.map((d, i) => dayOfInstant(d, i, 'asOf'));
  if (options.asOf !== undefined && !Array.isArray(options.asOf)) invalid('backtest options', ['asOf'], 'invalid_type', 'must be a list of days');
  const byCustomer = new Map<string, Row[]>();
  for (const row of table) {
    const list = byCustomer.get(row.customer);
    if (list === undefined) byCustomer.set(row.customer, [row]);
    else list.push(row);
  }
  const customers = [...byCustomer.keys()].sort();
  const model = new ErrorSum();
  const dueDate = new ErrorSum();
  const customerMedian = new ErrorSum();
  const conditioned = new ErrorSum();
  let within = 0;
  const periods: BacktestPeriod[] = [];
  for (const day of [...asOfDays].sort((a, b) => a - b)) {
    const known = new Map<string, InvoiceObservation[]>();
    const accumulator = new PriorAccumulator(day, settings.lookbackDays);
    const tenantPaid: number[] = [];
    for (const customer of customers) {
      const observations = byCustomer.get(customer)!.filter((r) => r.issueDay <= day).map((r) => observationAt(r, day));
      if (observations.length === 0) continue;
      known.set(customer, observations);
      accumulator.addObservations(observations);
      for (const o of observations) if (o.settleDay === o.settleDay) tenantPaid.push(o.settleDay - o.dueDay);
    }
    const prior = compilePrior(accumulator.result(), settings);
    const tenantMedian = median(tenantPaid);
    const period = { model: new ErrorSum(), due: new ErrorSum(), median: new ErrorSum() };
    for (const [customer, observations] of known) {
      const rowsOf = byCustomer.get(customer)!;
      const targets = rowsOf.filter((r) => r.issueDay <= day && r.settleDay > day);
      if (targets.length === 0) continue;
      const customerModel = new CustomerPaymentModel(observations, day, prior, settings);
      const paid = observations.filter((o) => o.settleDay === o.settleDay).map((o) => o.settleDay - o.dueDay);
      const own = median(paid) ?? tenantMedian;
      for (const target of targets) {
        const distribution = customerModel.distribution(observationAt(target, day));
        const p50 = distribution.quantile(0.5);
        const actual = target.settleDay;
        model.add(p50 - actual, target.amount);
        period.model.add(p50 - actual, target.amount);
        dueDate.add(target.dueDay - actual, target.amount);
        period.due.add(target.dueDay - actual, target.amount);
        const byMedian = target.dueDay + Math.round(own ?? 0);
        customerMedian.add(byMedian - actual, target.amount);
        period.median.add(byMedian - actual, target.amount);
        conditioned.add(Math.max(target.dueDay, day + 1) - actual, target.amount);
        if (actual >= distribution.quantile(0.1) && actual <= distribution.quantile(0.9)) within++;
      }
    }
    const m = period.model.result();
    if (period.model.abs.length > 0) {
      periods.push({ asOf: isoDateOfDay(day), invoices: period.model.abs.length, modelMae: m.mae, dueDateMae: period.due.result().mae, customerMedianMae: period.median.result().mae });
    }
  }
  const errors = model.result();
  const baselines = { dueDate: dueDate.result(), customerMedian: customerMedian.result(), dueDateConditioned: conditioned.result() };
  let neverSettled = 0;
  for (const r of table) if (r.settleDay !== r.settleDay) neverSettled++;
  return {
    asOf: [...asOfDays].sort((a, b) => a - b).map(isoDateOfDay),
    forecasts: model.abs.length,
    neverSettled,
    model: { ...errors, withinP10P90: model.abs.length === 0 ? 0 : within / model.abs.length },
    baselines,
    ratios: {
      toDueDate: ratio(errors.mae, baselines.dueDate.mae),
      toCustomerMedian: ratio(errors.mae, baselines.customerMedian.mae),
      toDueDateConditioned: ratio(errors.mae, baselines.dueDateConditioned.mae),
    },
    periods,
  };
}
