/**
 * Payment behaviour of a customer: days to pay, days beyond terms, on-time share, the PAYDEX-style
 * score, ageing, DSO / countback DSO / best-possible DSO / ADD / CEI and the trend, per currency and
 * (where currencies allow) for the customer as a whole.
 *
 * @module
 */
import { ageingOf, emptyBuckets, type AgeingBuckets } from './ageing.js';
import { checkRates, combinationOf, type CombinationBasis } from './currencies.js';
import { isoDateOfDay } from './days.js';
import { collectExperiences, combineFigures, type ExperienceSets, type PaymentFigures } from './experiences.js';
import { asOfDay as dayOfAsOf, daysOption, intOption, invalid, numberOption } from './input.js';
import { buildLedger, type CashApplication, type Ledger, type LedgerDiagnostics, type LedgerInvoice } from './ledger.js';
import { receivablesOf, type ReceivablesFigures } from './receivables.js';
import { trendOfTotals, type PaymentTrend, type TrendSettings } from './trend.js';
import type { CurrencyRates, CustomerHistory, InstantLike, Unavailable } from './types.js';

/** Options of {@link paymentBehaviour}. */
export interface PaymentBehaviourOptions {
  /** The day the figures are taken at (the end of its UTC day). Records after it are ignored. */
  readonly asOf: InstantLike;
  /** Invoices that fell due in the last `lookbackDays` are the payment experiences. Default 365 (D&B uses the last 12 months). */
  readonly lookbackDays?: number;
  /** Days in each trend window. Default 90. */
  readonly trendWindowDays?: number;
  /** A change in average days beyond terms within ± this is `stable`. Default 5. */
  readonly trendThresholdDays?: number;
  /** Invoices each trend window needs for a direction. Default 2. */
  readonly trendMinInvoices?: number;
  /** Days in the DSO / CEI period ending at `asOf`. Default 90. */
  readonly periodDays?: number;
  /** Calendar months the countback DSO may go back. Default 12. */
  readonly countbackMonths?: number;
  /** Weights of currencies for customer-level figures, e.g. `{ USD: 1, EUR: 1.08 }`. */
  readonly rates?: CurrencyRates;
  /** Unallocated cash: left unapplied (`none`, default) or applied to the oldest invoices first. */
  readonly applyUnallocatedCash?: CashApplication;
  /** Include the per-invoice detail. Default `true`. */
  readonly invoiceDetails?: boolean;
}

/** What happened to one invoice, as of `asOf`. Amounts in minor units of `currency`. */
export interface InvoicePayment {
  readonly ref: string;
  readonly currency: string;
  readonly amountMinor: number;
  /** Credit notes against it issued by `asOf` (capped at the amount). */
  readonly creditedMinor: number;
  /** Cash applied to it by `asOf`. */
  readonly paidMinor: number;
  /** Still owed at `asOf`. */
  readonly openMinor: number;
  readonly issuedOn: string;
  readonly dueOn: string;
  /** Day the cash that completed payment was received; `null` while open (or when credit notes settled it). */
  readonly settledOn: string | null;
  readonly state: 'open' | 'partially_paid' | 'paid' | 'credited' | 'written_off';
  /** Days from issue to receipt, weighted by the cash received; `null` before any cash. */
  readonly daysToPay: number | null;
  /**
   * Days from due date to receipt, weighted by amount, the unpaid part counting at `asOf − due`
   * once due; `null` while nothing is paid and nothing is due.
   */
  readonly daysBeyondTerms: number | null;
  /** `asOf − due date` while something is unpaid and past due, else 0. */
  readonly daysPastDue: number;
}

/** Payment behaviour in one currency. */
export interface CurrencyPaymentBehaviour extends PaymentFigures {
  readonly currency: string;
  /** Amount the experiences weigh: matured invoices net of credit notes, minor units. */
  readonly experienceAmountMinor: number;
  readonly trend: PaymentTrend;
  readonly ageing: AgeingBuckets;
  readonly receivables: ReceivablesFigures;
}

/** Customer-level payment behaviour: available for one currency, or several with `rates`. */
export interface OverallPaymentBehaviour extends PaymentFigures {
  readonly available: true;
  readonly basis: CombinationBasis;
  readonly trend: PaymentTrend;
}

/** Result of {@link paymentBehaviour}. */
export interface PaymentBehaviour {
  /** The UTC day of `asOf` (`YYYY-MM-DD`). */
  readonly asOf: string;
  /** Due dates of the invoices in the experiences: UTC days, both ends included. */
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  /**
   * Currencies of the customer's invoices, payments and credit notes, sorted. `overall` combines
   * those with payment experiences: available for one, or several with `rates`.
   */
  readonly currencies: readonly string[];
  readonly byCurrency: Readonly<Record<string, CurrencyPaymentBehaviour>>;
  readonly overall: OverallPaymentBehaviour | Unavailable;
  /** Each invoice (ordered by ref), unless `invoiceDetails: false`. */
  readonly invoices: readonly InvoicePayment[];
  /** Input that could not be tied to an invoice. */
  readonly dataQuality: LedgerDiagnostics;
}

/** Resolved settings of payment behaviour. @internal */
export interface PaymentSettings {
  readonly day: number;
  readonly lookbackDays: number;
  readonly trend: TrendSettings;
  readonly periodDays: number;
  readonly countbackMonths: number;
  readonly rates: CurrencyRates | undefined;
  readonly cashApplication: CashApplication;
  readonly invoiceDetails: boolean;
}

/** Checks options and fills in defaults. @internal */
export function paymentSettings(options: PaymentBehaviourOptions): PaymentSettings {
  const cash = options.applyUnallocatedCash ?? 'none';
  if (cash !== 'none' && cash !== 'oldest_first') invalid('scoring options', ['applyUnallocatedCash'], 'invalid_value', 'must be "none" or "oldest_first"');
  return {
    day: dayOfAsOf(options?.asOf),
    lookbackDays: daysOption(options.lookbackDays, 365, 'lookbackDays'),
    trend: {
      windowDays: daysOption(options.trendWindowDays, 90, 'trendWindowDays'),
      thresholdDays: numberOption(options.trendThresholdDays, 5, 'trendThresholdDays', 3650),
      minInvoices: intOption(options.trendMinInvoices, 2, 'trendMinInvoices', 1, 1_000_000),
    },
    periodDays: daysOption(options.periodDays, 90, 'periodDays'),
    countbackMonths: intOption(options.countbackMonths, 12, 'countbackMonths', 1, 120),
    rates: checkRates(options.rates),
    cashApplication: cash,
    invoiceDetails: options.invoiceDetails ?? true,
  };
}

/** Weighted average over an invoice's experiences, or null. */
function invoiceDetail(invoice: LedgerInvoice, day: number): InvoicePayment {
  let paid = 0;
  let toPay = 0;
  let beyond = 0;
  let weight = 0;
  for (const allocation of invoice.allocations) {
    if (allocation.applied === 0) continue;
    paid += allocation.applied;
    toPay += allocation.applied * (allocation.day - invoice.issuedDay);
    beyond += allocation.applied * (allocation.day - invoice.dueDay);
    weight += allocation.applied;
  }
  const pastDue = invoice.open > 0 && day > invoice.dueDay ? day - invoice.dueDay : 0;
  if (invoice.open > 0 && day >= invoice.dueDay) {
    beyond += invoice.open * (day - invoice.dueDay);
    weight += invoice.open;
  }
  const state: InvoicePayment['state'] = invoice.writtenOff
    ? 'written_off'
    : invoice.open === 0
      ? invoice.applied === 0 && invoice.credited > 0 && invoice.unexplained === 0
        ? 'credited'
        : 'paid'
      : invoice.applied > 0 || invoice.credited > 0
        ? 'partially_paid'
        : 'open';
  return {
    ref: invoice.ref,
    currency: invoice.currency,
    amountMinor: invoice.amount,
    creditedMinor: invoice.credited,
    paidMinor: invoice.applied,
    openMinor: invoice.open,
    issuedOn: isoDateOfDay(invoice.issuedDay),
    dueOn: isoDateOfDay(invoice.dueDay),
    settledOn: invoice.settledMs === invoice.settledMs && invoice.open === 0 ? isoDateOfDay(Math.floor(invoice.settledMs / 86_400_000)) : null,
    state,
    daysToPay: paid === 0 ? null : toPay / paid,
    daysBeyondTerms: weight === 0 ? null : beyond / weight,
    daysPastDue: pastDue,
  };
}

/** Payment behaviour from a built ledger and its experiences. @internal */
export function paymentBehaviourOf(ledger: Ledger, experiences: ExperienceSets, settings: PaymentSettings): PaymentBehaviour {
  const day = ledger.day;
  const ageing = ageingOf(ledger);
  const receivables = receivablesOf(ledger, settings.periodDays, settings.countbackMonths);
  const currencySet = new Set<string>(Object.keys(ageing));
  for (const invoice of ledger.invoices) if (invoice.issuedDay <= day) currencySet.add(invoice.currency);
  for (const currency of experiences.window.keys()) currencySet.add(currency);
  const currencies = [...currencySet].sort();

  const byCurrency: Record<string, CurrencyPaymentBehaviour> = Object.create(null);
  for (const currency of currencies) {
    const totals = experiences.window.get(currency);
    const figures = totals?.figures() ?? EMPTY_FIGURES;
    byCurrency[currency] = {
      currency,
      invoices: figures.invoices,
      averageDaysToPay: figures.averageDaysToPay,
      averageDaysBeyondTerms: figures.averageDaysBeyondTerms,
      onTimeShare: figures.onTimeShare,
      onTimeInvoiceShare: figures.onTimeInvoiceShare,
      paydex: figures.paydex,
      paydexExact: figures.paydexExact,
      experienceAmountMinor: totals?.weight.toNumber() ?? 0,
      trend: trendOfTotals(experiences.recent, experiences.prior, settings.trend, day, currency, undefined),
      ageing: ageing[currency] ?? emptyBuckets(currency),
      receivables: receivables[currency] ?? emptyReceivables(currency, settings, day),
    };
  }

  // Only currencies with payment experiences weigh in the customer-level averages (a stray
  // unapplied payment in another currency does not make them ambiguous).
  const weighted = [...new Set([...experiences.window.keys(), ...experiences.recent.keys(), ...experiences.prior.keys()])].sort();
  const basis = combinationOf(weighted, settings.rates);
  let overall: OverallPaymentBehaviour | Unavailable;
  if (typeof basis !== 'string') overall = basis;
  else if (basis === 'single_currency') {
    const only = weighted[0] ?? currencies[0];
    const c = only === undefined ? undefined : byCurrency[only]!;
    overall = overallOf(basis, c ?? EMPTY_FIGURES, c?.trend ?? trendOfTotals(experiences.recent, experiences.prior, settings.trend, day, '', undefined));
  } else {
    overall = overallOf(
      basis,
      combineFigures(experiences.window, settings.rates!),
      trendOfTotals(experiences.recent, experiences.prior, settings.trend, day, undefined, settings.rates),
    );
  }

  return {
    asOf: isoDateOfDay(day),
    window: { from: isoDateOfDay(day - settings.lookbackDays + 1), to: isoDateOfDay(day), days: settings.lookbackDays },
    currencies,
    byCurrency,
    overall,
    invoices: settings.invoiceDetails ? ledger.invoices.filter((i) => i.issuedDay <= day).map((i) => invoiceDetail(i, day)) : [],
    dataQuality: ledger.diagnostics,
  };
}

const EMPTY_FIGURES: PaymentFigures = Object.freeze({
  invoices: 0,
  averageDaysToPay: null,
  averageDaysBeyondTerms: null,
  onTimeShare: null,
  onTimeInvoiceShare: null,
  paydex: null,
  paydexExact: null,
});

function overallOf(basis: CombinationBasis, c: PaymentFigures, trend: PaymentTrend): OverallPaymentBehaviour {
  return {
    available: true,
    basis,
    invoices: c.invoices,
    averageDaysToPay: c.averageDaysToPay,
    averageDaysBeyondTerms: c.averageDaysBeyondTerms,
    onTimeShare: c.onTimeShare,
    onTimeInvoiceShare: c.onTimeInvoiceShare,
    paydex: c.paydex,
    paydexExact: c.paydexExact,
    trend,
  };
}


/** Receivables of a currency with no invoice (only unapplied cash or credits). */
function emptyReceivables(currency: string, settings: PaymentSettings, day: number): ReceivablesFigures {
  return {
    currency,
    period: { from: isoDateOfDay(day - settings.periodDays + 1), to: isoDateOfDay(day), days: settings.periodDays },
    beginningReceivables: 0,
    creditSales: 0,
    endingReceivables: 0,
    endingCurrentReceivables: 0,
    dso: null,
    bestPossibleDso: null,
    averageDaysDelinquent: null,
    cei: null,
    countback: { days: 0, periodsUsed: 0, exhausted: false, months: [] },
  };
}

/**
 * Payment behaviour of one customer as of `asOf`: per invoice, per currency and, when the
 * currencies allow it (one currency, or `rates`), overall. Amount-weighted figures are weighted
 * within a currency; several currencies without `rates` make `overall` unavailable with the reason
 * `multiple_currencies` rather than add amounts of different currencies.
 *
 * The payment experiences are the invoices that fell due in the last `lookbackDays`: each amount
 * of cash applied to one is an experience at `receipt − due` days beyond terms, and what is still
 * unpaid counts at `asOf − due` days. Partial payments, payments allocated across invoices
 * (`allocations`) and credit notes (which reduce what is owed) are all accounted for.
 *
 * @example
 * ```ts
 * import { paymentBehaviour } from 'touchlog';
 *
 * const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
 * const behaviour = paymentBehaviour({
 *   invoices: [
 *     { ref: 'INV-1', issuedAt: '2026-01-01T00:00:00Z', dueAt: '2026-01-31T00:00:00Z', amount: usd(100_000) },
 *     { ref: 'INV-2', issuedAt: '2026-02-01T00:00:00Z', dueAt: '2026-03-03T00:00:00Z', amount: usd(100_000) },
 *   ],
 *   payments: [
 *     { receivedAt: '2026-01-31T10:00:00Z', amount: usd(100_000), allocations: [{ invoiceRef: 'INV-1', amount: usd(100_000) }] },
 *     { receivedAt: '2026-04-02T10:00:00Z', amount: usd(100_000), allocations: [{ invoiceRef: 'INV-2', amount: usd(100_000) }] },
 *   ],
 * }, { asOf: '2026-04-30T00:00:00Z' });
 *
 * behaviour.byCurrency.USD.averageDaysBeyondTerms // 15 (0 and 30 days, equal amounts)
 * behaviour.byCurrency.USD.paydex                 // 65 (80 and 50, equal amounts)
 * behaviour.overall.available                     // true (one currency)
 * ```
 */
export function paymentBehaviour(history: CustomerHistory, options: PaymentBehaviourOptions): PaymentBehaviour {
  const settings = paymentSettings(options);
  const ledger = buildLedger(history, settings.day, settings.cashApplication);
  return paymentBehaviourOf(ledger, collectExperiences(ledger, settings.lookbackDays, settings.trend.windowDays), settings);
}

/**
 * The payment trend alone: invoices that fell due in the last `trendWindowDays` against those
 * that fell due in the window before, per currency and overall (as in {@link paymentBehaviour}).
 *
 * @example
 * ```ts
 * const trend = paymentTrend(history, { asOf: '2026-06-30T00:00:00Z', trendWindowDays: 90 });
 * trend.overall.direction // 'deteriorating' when recent invoices were paid more than 5 days later
 * ```
 */
export function paymentTrend(
  history: CustomerHistory,
  options: PaymentBehaviourOptions,
): { readonly byCurrency: Readonly<Record<string, PaymentTrend>>; readonly overall: PaymentTrend | Unavailable } {
  const behaviour = paymentBehaviour(history, { ...options, invoiceDetails: false });
  const byCurrency: Record<string, PaymentTrend> = Object.create(null);
  for (const currency of behaviour.currencies) byCurrency[currency] = behaviour.byCurrency[currency]!.trend;
  return { byCurrency, overall: behaviour.overall.available ? behaviour.overall.trend : behaviour.overall };
}
