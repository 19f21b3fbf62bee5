/**
 * The payment model of one customer: when each open invoice will be paid, as a distribution over
 * days. A weighted mixture of the customer's own Kaplan–Meier curve (its paid and open invoices,
 * recent ones weighing more) and the tenant's, conditioned on the invoice still being open at
 * `asOf`, with disputes modelled apart and a pending promise to pay as a point mass on its date.
 *
 *   S(t)   = ω · S_customer(t) + (1 − ω) · S_tenant(t),   ω = n / (n + priorWeight)
 *   P(paid by day D) = 1 − S(D − due) / S(asOf − due)     for D > asOf
 *
 * n is the customer's (recency-weighted) number of paid invoices. For a disputed invoice both
 * curves are those of disputed invoices: the customer's undisputed invoices are moved later by
 * the tenant's median dispute delay (and its disputed ones earlier for an undisputed invoice).
 *
 * @internal
 * @module
 */
import { asOfObservation, type CompiledPrior } from './prior.js';
import type { InvoiceObservation } from './observations.js';
import type { ModelSettings } from './settings.js';
import { kaplanMeier, type Survival } from './survival.js';

/** Longest horizon a date is searched in: 100 years. */
const MAX_DAYS = 36_500;

/** Where a forecast's behaviour comes from. */
export type ForecastBasis =
  /** The customer's own history dominates (weight ≥ ½). */
  | 'customer'
  /** The customer's history blended with the tenant's, the tenant weighing more. */
  | 'blended'
  /** No paid invoice of the customer: the tenant's behaviour. */
  | 'tenant'
  /** No payment history at all: the due date (or the day after `asOf` when already due). */
  | 'due_date';

/** A pending promise to pay, and the probability it is kept. */
export interface PromiseTerm {
  readonly day: number;
  readonly keep: number;
}

/** The payment-day distribution of one open invoice. */
export interface PaymentDistribution {
  /** P(paid by the end of UTC day `day`); 0 up to `asOf`. */
  cdf(day: number): number;
  /** The first day with P(paid by then) ≥ q, after `asOf`. */
  quantile(q: number): number;
  readonly basis: ForecastBasis;
  /** Weight of the customer's own history (ω). */
  readonly customerWeight: number;
  /** The customer's recency-weighted number of paid invoices behind its curve (n). */
  readonly customerPaid: number;
  /** The invoice is older than any payment experience: its dates come from the heavy tail alone. */
  readonly beyondHistory: boolean;
}

/** Options of one invoice's distribution. */
export interface DistributionOptions {
  /** Model it as disputed (default: as its observation says, at `asOf`). */
  readonly disputed?: boolean;
  readonly promise?: PromiseTerm;
  /** Leave the customer's own history out (for explanations). */
  readonly tenantOnly?: boolean;
  /** Do not condition on the invoice being open at `asOf` (for explanations). */
  readonly unconditioned?: boolean;
}

/** The model of one customer as of a day. */
export class CustomerPaymentModel {
  private readonly curves = new Map<boolean, Survival | undefined>();
  private readonly values: number[] = [];
  private readonly weights: number[] = [];
  private readonly censored: boolean[] = [];
  private readonly disputed: boolean[] = [];

  constructor(
    observations: readonly InvoiceObservation[],
    readonly day: number,
    readonly prior: CompiledPrior | undefined,
    readonly settings: ModelSettings,
  ) {
    for (const o of observations) {
      const at = asOfObservation(o, day, settings.lookbackDays);
      if (at === undefined) continue;
      this.values.push(at.value);
      this.weights.push(at.censored ? 1 : 0.5 ** ((day - at.settleDay) / settings.halfLifeDays));
      this.censored.push(at.censored);
      this.disputed.push(at.disputed);
    }
  }

  /** The customer's curve for disputed or undisputed invoices (undefined without a paid invoice). */
  curve(disputed: boolean): Survival | undefined {
    if (this.curves.has(disputed)) return this.curves.get(disputed);
    const shift = this.prior?.disputesModelled ? this.prior.disputeShift : 0;
    const values = this.values.map((v, i) => (this.disputed[i] === disputed ? v : disputed ? v + shift : v - shift));
    let paid = 0;
    for (let i = 0; i < values.length; i++) if (!this.censored[i]) paid += this.weights[i]!;
    const curve = paid > 0 ? kaplanMeier({ values, weights: this.weights, censored: this.censored }) : undefined;
    this.curves.set(disputed, curve);
    return curve;
  }

  /** Paid invoices behind the customer's curve, unweighted, and their median days beyond terms. */
  paidSummary(): { readonly paid: number; readonly open: number; readonly median: number | null } {
    const paid: number[] = [];
    let open = 0;
    for (let i = 0; i < this.values.length; i++) {
      if (this.censored[i]) open++;
      else paid.push(this.values[i]!);
    }
    paid.sort((a, b) => a - b);
    const m = paid.length >> 1;
    const median = paid.length === 0 ? null : paid.length % 2 === 1 ? paid[m]! : (paid[m - 1]! + paid[m]!) / 2;
    return { paid: paid.length, open, median };
  }

  /** The payment-day distribution of an open invoice. */
  distribution(invoice: InvoiceObservation, options: DistributionOptions = {}): PaymentDistribution {
    const day = this.day;
    const disputed = options.disputed ?? invoice.disputedFrom <= day;
    const terms = invoice.dueDay - invoice.issueDay;
    const mine = options.tenantOnly ? undefined : this.curve(disputed);
    const tenant = this.prior === undefined || this.prior.paid.undisputed + this.prior.paid.disputed === 0 ? undefined : this.prior.curve[disputed ? 'disputed' : 'undisputed'];
    const n = mine?.events ?? 0;
    const omega = mine === undefined ? 0 : tenant === undefined ? 1 : n / (n + this.settings.priorWeight);
    const age = options.unconditioned ? Number.NEGATIVE_INFINITY : day - invoice.dueDay;
    const earliest = options.unconditioned ? Number.NEGATIVE_INFINITY : day + 1;
    const basis: ForecastBasis = mine === undefined && tenant === undefined ? 'due_date' : mine === undefined ? 'tenant' : omega >= 0.5 ? 'customer' : 'blended';

    if (basis === 'due_date') {
      const on = Math.max(invoice.dueDay, earliest);
      return { cdf: (d) => (d >= on ? 1 : 0), quantile: () => on, basis, customerWeight: 0, customerPaid: 0, beyondHistory: false };
    }
    const survival = (t: number) => omega * (mine?.at(t, terms) ?? 0) + (1 - omega) * (tenant?.at(t, terms) ?? 0);
    const last = Math.max(mine?.last ?? Number.NEGATIVE_INFINITY, tenant?.last ?? Number.NEGATIVE_INFINITY);
    const beyondHistory = age >= last;
    // P(not paid by t | not paid by `from`), with the Pareto tail alone when nothing is left there.
    const conditional = (from: number) => {
      if (from === Number.NEGATIVE_INFINITY) return survival;
      const base = survival(from);
      if (base > 1e-12) return (t: number) => (t <= from ? 1 : survival(t) / base);
      const floor = Math.max(1, from + terms);
      return (t: number) => (t <= from ? 1 : floor / Math.max(floor, t + terms));
    };
    const open = conditional(age);
    let cdf: (d: number) => number;
    const promise = options.promise;
    if (promise !== undefined && promise.day > day && promise.keep > 0) {
      const broken = conditional(Math.max(age, promise.day - invoice.dueDay));
      cdf = (d) => (d < earliest ? 0 : promise.keep * (d >= promise.day ? 1 : 0) + (1 - promise.keep) * (1 - broken(d - invoice.dueDay)));
    } else {
      cdf = (d) => (d < earliest ? 0 : 1 - open(d - invoice.dueDay));
    }
    const lowest = Number.isFinite(earliest) ? earliest : invoice.dueDay - 3650;
    // A probability within 1e-12 of q counts as reaching it: 1 − 0.2 × 56 / 112 is 0.8999… in floats.
    const quantile = (q: number) => {
      const target = q - 1e-12;
      let lo = lowest;
      let hi = lowest + MAX_DAYS;
      if (cdf(hi) < target) return hi;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (cdf(mid) >= target) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    return { cdf, quantile, basis, customerWeight: omega, customerPaid: n, beyondHistory };
  }
}
