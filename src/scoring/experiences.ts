/**
 * Payment experiences: how each amount owed was paid relative to its terms, the basis of days to
 * pay, days beyond terms, on-time share and the PAYDEX-style score.
 *
 * An invoice is an experience once it has fallen due (due day ≤ asOf). Each amount of cash applied
 * to it is one experience at `receipt day − due day` days beyond terms; what is still unpaid at
 * `asOf` is one experience at `asOf − due day` (it is at least that late). Invoices not yet due are
 * not experiences yet, even when paid early: so a payment made earlier can never lower a score.
 * Credit notes reduce what is owed; they are not experiences.
 *
 * @module
 */
import { currencyExponent } from '../models/money.js';
import { ExactSum } from './exact-sum.js';
import type { Ledger, LedgerInvoice } from './ledger.js';
import { PAYDEX_SCALE, paydexPointsScaled, roundScore } from './paydex.js';
import type { CurrencyRates } from './types.js';

/** Amount-weighted payment figures of a set of invoices. `null` where there is nothing to weigh. */
export interface PaymentFigures {
  /** Invoices that fell due in the window and carry a payment experience. */
  readonly invoices: number;
  /** Days from issue to receipt, weighted by the cash received. */
  readonly averageDaysToPay: number | null;
  /**
   * Days from due date to receipt (negative: early), weighted by amount; what is still unpaid counts
   * at `asOf − due date`.
   */
  readonly averageDaysBeyondTerms: number | null;
  /** Share of the amount paid by its due date (0–1). */
  readonly onTimeShare: number | null;
  /** Share of the invoices paid in full by their due date (0–1). */
  readonly onTimeInvoiceShare: number | null;
  /** PAYDEX-style score, a whole number from 1 to 100 (dollar-weighted points, rounded half up). */
  readonly paydex: number | null;
  /** The same score before rounding. */
  readonly paydexExact: number | null;
}

/** Running totals of the experiences of one set of invoices in one currency. */
export class ExperienceTotals {
  readonly weight = new ExactSum();
  readonly beyondTerms = new ExactSum();
  readonly points = new ExactSum();
  readonly onTime = new ExactSum();
  readonly paid = new ExactSum();
  readonly toPay = new ExactSum();
  invoices = 0;
  onTimeInvoices = 0;

  /** Adds the experiences of a matured invoice (the ledger's day is `asOfDay`). */
  addInvoice(invoice: LedgerInvoice, asOfDay: number): void {
    let weight = 0;
    let late = false;
    for (const allocation of invoice.allocations) {
      const amount = allocation.applied;
      if (amount === 0) continue;
      const days = allocation.day - invoice.dueDay;
      this.add(amount, days);
      this.paid.add(amount);
      this.toPay.addProduct(amount, allocation.day - invoice.issuedDay);
      weight += amount;
      if (days > 0) late = true;
    }
    if (invoice.open > 0) {
      const days = asOfDay - invoice.dueDay;
      this.add(invoice.open, days);
      weight += invoice.open;
      if (days > 0) late = true;
    }
    if (weight > 0) {
      this.invoices++;
      if (!late && invoice.open === 0) this.onTimeInvoices++;
    }
  }

  private add(amount: number, days: number): void {
    this.weight.add(amount);
    this.beyondTerms.addProduct(amount, days);
    this.points.addProduct(amount, paydexPointsScaled(days));
    if (days <= 0) this.onTime.add(amount);
  }

  /** The figures of these totals. */
  figures(): PaymentFigures {
    const none = this.weight.isZero();
    const paydexExact = none ? null : this.points.divide(this.weight) / PAYDEX_SCALE;
    return {
      invoices: this.invoices,
      averageDaysToPay: this.paid.isZero() ? null : this.toPay.divide(this.paid),
      averageDaysBeyondTerms: none ? null : this.beyondTerms.divide(this.weight),
      onTimeShare: none ? null : this.onTime.divide(this.weight),
      onTimeInvoiceShare: this.invoices === 0 ? null : this.onTimeInvoices / this.invoices,
      paydex: paydexExact === null ? null : roundScore(paydexExact),
      paydexExact,
    };
  }
}

/** Experience totals per currency for the lookback window and the two trend windows. */
export interface ExperienceSets {
  readonly window: Map<string, ExperienceTotals>;
  readonly recent: Map<string, ExperienceTotals>;
  readonly prior: Map<string, ExperienceTotals>;
}

function totalsOf(map: Map<string, ExperienceTotals>, currency: string): ExperienceTotals {
  let totals = map.get(currency);
  if (totals === undefined) {
    totals = new ExperienceTotals();
    map.set(currency, totals);
  }
  return totals;
}

/**
 * Collects the experiences of the invoices that fell due in the lookback window (@internal)
 * `(asOf − lookbackDays, asOf]`, and in the trend windows `(asOf − w, asOf]` (recent) and
 * `(asOf − 2w, asOf − w]` (prior).
 */
export function collectExperiences(ledger: Ledger, lookbackDays: number, trendWindowDays: number): ExperienceSets {
  const asOfDay = ledger.day;
  const sets: ExperienceSets = { window: new Map(), recent: new Map(), prior: new Map() };
  const windowStart = asOfDay - lookbackDays;
  const recentStart = asOfDay - trendWindowDays;
  const priorStart = recentStart - trendWindowDays;
  for (const invoice of ledger.invoices) {
    const due = invoice.dueDay;
    if (due > asOfDay || invoice.issuedDay > asOfDay) continue;
    if (due > windowStart) totalsOf(sets.window, invoice.currency).addInvoice(invoice, asOfDay);
    if (due > recentStart) totalsOf(sets.recent, invoice.currency).addInvoice(invoice, asOfDay);
    else if (due > priorStart) totalsOf(sets.prior, invoice.currency).addInvoice(invoice, asOfDay);
  }
  return sets;
}

/**
 * Figures across currencies, each currency's amounts weighed by `rates` (value of one major unit).
 * Amounts are never added: only the weights of a weighted average are converted.
 *
 * @internal
 */
export function combineFigures(totals: ReadonlyMap<string, ExperienceTotals>, rates: CurrencyRates): PaymentFigures {
  let weight = 0;
  let beyondTerms = 0;
  let points = 0;
  let onTime = 0;
  let paid = 0;
  let toPay = 0;
  let invoices = 0;
  let onTimeInvoices = 0;
  for (const currency of [...totals.keys()].sort()) {
    const t = totals.get(currency)!;
    const factor = rates[currency]! / 10 ** currencyExponent(currency);
    weight += t.weight.toNumber() * factor;
    beyondTerms += t.beyondTerms.toNumber() * factor;
    points += t.points.toNumber() * factor;
    onTime += t.onTime.toNumber() * factor;
    paid += t.paid.toNumber() * factor;
    toPay += t.toPay.toNumber() * factor;
    invoices += t.invoices;
    onTimeInvoices += t.onTimeInvoices;
  }
  const none = weight === 0;
  const paydexExact = none ? null : points / weight / PAYDEX_SCALE;
  return {
    invoices,
    averageDaysToPay: paid === 0 ? null : toPay / paid,
    averageDaysBeyondTerms: none ? null : beyondTerms / weight,
    onTimeShare: none ? null : onTime / weight,
    onTimeInvoiceShare: invoices === 0 ? null : onTimeInvoices / invoices,
    paydex: paydexExact === null ? null : roundScore(paydexExact),
    paydexExact,
  };
}
