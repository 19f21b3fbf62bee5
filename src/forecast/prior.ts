/**
 * The tenant's payment behaviour: how many days beyond terms invoices were paid (and how many are
 * still open, and how late), disputed and undisputed apart, plus how often promises to pay are
 * kept. It is what a customer without history is expected to do, and what a customer with a
 * little history is blended with. Built in one streaming pass over every customer's history.
 *
 * @module
 */
import { isoDateOfDay } from '../scoring/days.js';
import { invalid } from '../scoring/input.js';
import type { CashApplication } from '../scoring/ledger.js';
import type { CustomerHistory, InstantLike } from '../scoring/types.js';
import { observeHistory, type InvoiceObservation } from './observations.js';
import { forecastDay, modelSettings, type ModelSettings, type PaymentModelOptions } from './settings.js';
import { histogramSurvival, type LatenessHistogram, type Survival } from './survival.js';

export type { LatenessHistogram } from './survival.js';

/** Days beyond terms are kept within ±10 years. */
export const LATENESS_LIMIT = 3650;

/**
 * The tenant's payment behaviour as of a day: plain data (JSON-serialisable), so it can be
 * computed once and passed to every per-customer forecast, or cached.
 */
export interface PaymentPrior {
  /** The UTC day it was computed as of (`YYYY-MM-DD`). */
  readonly asOf: string;
  /** Invoices issued in the last `lookbackDays` days were counted. */
  readonly lookbackDays: number;
  /** Customers whose histories were added. */
  readonly customers: number;
  /** Invoices never disputed before they were paid (or by `asOf`). */
  readonly undisputed: LatenessHistogram;
  /** Invoices disputed before they were paid (or by `asOf`). */
  readonly disputed: LatenessHistogram;
  /** Promises to pay whose date fell by `asOf`, and how many were kept. */
  readonly promises: { readonly due: number; readonly kept: number };
}

/** Options of {@link createPaymentPrior}. */
export interface PaymentPriorOptions extends Pick<PaymentModelOptions, 'lookbackDays'> {
  readonly asOf: InstantLike;
  /** As in scoring: apply unallocated cash to the oldest open invoices first. Default `'none'`. */
  readonly applyUnallocatedCash?: CashApplication;
}

/** Builds a {@link PaymentPrior} one customer at a time. */
export interface PaymentPriorBuilder {
  /** Adds one customer's history. */
  add(history: CustomerHistory): void;
  result(): PaymentPrior;
}

/** Accumulates counts by lateness day. @internal */
export class Histogram {
  private readonly events = new Map<number, number>();
  private readonly open = new Map<number, number>();
  add(value: number, censored: boolean): void {
    const v = Math.max(-LATENESS_LIMIT, Math.min(LATENESS_LIMIT, value));
    const map = censored ? this.open : this.events;
    map.set(v, (map.get(v) ?? 0) + 1);
  }
  toJSON(): LatenessHistogram {
    const keys = [...this.events.keys(), ...this.open.keys()];
    if (keys.length === 0) return { offset: 0, events: [], censored: [] };
    let min = Infinity;
    let max = -Infinity;
    for (const k of keys) {
      if (k < min) min = k;
      if (k > max) max = k;
    }
    const events = new Array<number>(max - min + 1).fill(0);
    const censored = new Array<number>(max - min + 1).fill(0);
    for (const [k, n] of this.events) events[k - min] = n;
    for (const [k, n] of this.open) censored[k - min] = n;
    return { offset: min, events, censored };
  }
}

/** How one observation counts as of `day`: its value in days beyond terms, censored or not, disputed or not; `undefined` outside the window. @internal */
export function asOfObservation(o: InvoiceObservation, day: number, lookbackDays: number): { value: number; censored: boolean; disputed: boolean; settleDay: number } | undefined {
  if (o.issueDay > day || o.issueDay <= day - lookbackDays) return undefined;
  if (o.settleDay <= day) return { value: o.settleDay - o.dueDay, censored: false, disputed: o.disputedFrom <= o.settleDay, settleDay: o.settleDay };
  return { value: day - o.dueDay, censored: true, disputed: o.disputedFrom <= day, settleDay: Number.NaN };
}

/** Accumulates a prior from observations (stored histories or table rows). @internal */
export class PriorAccumulator {
  readonly undisputed = new Histogram();
  readonly disputed = new Histogram();
  customers = 0;
  promisesDue = 0;
  promisesKept = 0;
  constructor(
    readonly day: number,
    readonly lookbackDays: number,
  ) {}
  addObservations(observations: readonly InvoiceObservation[]): void {
    this.customers++;
    for (const o of observations) {
      const at = asOfObservation(o, this.day, this.lookbackDays);
      if (at !== undefined) (at.disputed ? this.disputed : this.undisputed).add(at.value, at.censored);
    }
  }
  result(): PaymentPrior {
    return {
      asOf: isoDateOfDay(this.day),
      lookbackDays: this.lookbackDays,
      customers: this.customers,
      undisputed: this.undisputed.toJSON(),
      disputed: this.disputed.toJSON(),
      promises: { due: this.promisesDue, kept: this.promisesKept },
    };
  }
}

/**
 * Creates a builder of the tenant's payment behaviour as of `asOf`: add every customer's history
 * (in any order), then read the prior to pass to {@link expectedPayments}. Memory holds one count
 * per day of lateness seen, whatever the number of invoices.
 *
 * @example
 * ```ts
 * const builder = createPaymentPrior({ asOf: '2026-06-30' });
 * for (const history of histories) builder.add(history);
 * const prior = builder.result();
 * const forecast = expectedPayments(history, { asOf: '2026-06-30', prior });
 * ```
 */
export function createPaymentPrior(options: PaymentPriorOptions): PaymentPriorBuilder {
  const day = forecastDay(options?.asOf);
  const { lookbackDays } = modelSettings(options);
  const accumulator = new PriorAccumulator(day, lookbackDays);
  const cash = options.applyUnallocatedCash ?? 'none';
  return {
    add(history) {
      const observed = observeHistory(history, day, cash);
      accumulator.addObservations(observed.invoices);
      accumulator.promisesDue += observed.promises.due;
      accumulator.promisesKept += observed.promises.kept;
    },
    result: () => accumulator.result(),
  };
}

/** A prior ready for use: survival curves per stratum and the dispute delay. @internal */
export interface CompiledPrior {
  readonly prior: PaymentPrior;
  /** Curve for undisputed and for disputed invoices (the pooled curve when disputes are too few to model apart). */
  readonly curve: { readonly undisputed: Survival; readonly disputed: Survival };
  /** Median delay added by a dispute, in days; 0 when disputes are too few to tell. */
  readonly disputeShift: number;
  readonly disputesModelled: boolean;
  /** Median days beyond terms of each curve (NaN when it never reaches ½). */
  readonly median: { readonly undisputed: number; readonly disputed: number };
  /** Paid invoices behind each curve. */
  readonly paid: { readonly undisputed: number; readonly disputed: number };
  /** Share of promises kept, with one kept and one broken added (Laplace). */
  readonly promiseKeepRate: number;
}

function pooled(a: LatenessHistogram, b: LatenessHistogram): LatenessHistogram {
  if (a.events.length === 0) return b;
  if (b.events.length === 0 && b.censored.length === 0) return a;
  const min = Math.min(a.offset, b.offset);
  const max = Math.max(a.offset + Math.max(a.events.length, a.censored.length) - 1, b.offset + Math.max(b.events.length, b.censored.length) - 1);
  const events = new Array<number>(max - min + 1).fill(0);
  const censored = new Array<number>(max - min + 1).fill(0);
  for (const h of [a, b]) {
    h.events.forEach((n, i) => (events[h.offset + i - min]! += n));
    h.censored.forEach((n, i) => (censored[h.offset + i - min]! += n));
  }
  return { offset: min, events, censored };
}

/** The smallest t with S(t) ≤ ½ inside the observed range, or NaN. @internal */
export function medianOf(curve: Survival, from: number): number {
  for (let t = from; t <= curve.last; t++) if (curve.at(t, 30) <= 0.5) return t;
  return Number.NaN;
}

const compiled = new WeakMap<PaymentPrior, Map<number, CompiledPrior>>();

/** Checks a prior given by the caller (it may come from a cache or a file). */
function checkPrior(prior: PaymentPrior): void {
  if (typeof prior !== 'object' || prior === null) invalid('forecast options', ['prior'], 'invalid_type', 'must be a payment prior from createPaymentPrior() or log.forecast.prior()');
  for (const stratum of ['undisputed', 'disputed'] as const) {
    const h = prior[stratum];
    if (typeof h !== 'object' || h === null || !Number.isInteger(h.offset) || !Array.isArray(h.events) || !Array.isArray(h.censored)) {
      invalid('forecast options', ['prior', stratum], 'invalid_type', 'must be { offset, events, censored } with a whole-number offset and lists of counts');
    }
    for (const key of ['events', 'censored'] as const) {
      const list = h[key];
      for (let i = 0; i < list.length; i++) {
        const n = list[i];
        if (!Number.isSafeInteger(n) || n! < 0) invalid('forecast options', ['prior', stratum, key, i], 'invalid_value', 'must be a whole number of invoices ≥ 0');
      }
    }
  }
  const p = prior.promises;
  if (typeof p !== 'object' || p === null || !Number.isSafeInteger(p.due) || !Number.isSafeInteger(p.kept) || p.kept < 0 || p.kept > p.due) {
    invalid('forecast options', ['prior', 'promises'], 'invalid_value', 'must be { due, kept } with 0 ≤ kept ≤ due');
  }
}

/** Compiles (and caches) a prior for a minimum number of disputed invoices. @internal */
export function compilePrior(prior: PaymentPrior, settings: ModelSettings): CompiledPrior {
  if (typeof prior !== 'object' || prior === null) invalid('forecast options', ['prior'], 'invalid_type', 'must be a payment prior from createPaymentPrior() or log.forecast.prior()');
  let byMin = compiled.get(prior);
  if (byMin === undefined) {
    byMin = new Map();
    compiled.set(prior, byMin);
  }
  const cached = byMin.get(settings.minDisputed);
  if (cached !== undefined) return cached;
  checkPrior(prior);
  const undisputed = histogramSurvival(prior.undisputed);
  const disputed = histogramSurvival(prior.disputed);
  const all = histogramSurvival(pooled(prior.undisputed, prior.disputed));
  let shift = 0;
  let modelled = false;
  const md = medianOf(disputed, prior.disputed.offset);
  const mu = medianOf(undisputed, prior.undisputed.offset);
  if (disputed.events >= settings.minDisputed && undisputed.events >= settings.minDisputed && md === md && mu === mu) {
    shift = md - mu;
    modelled = true;
  }
  const ma = medianOf(all, Math.min(prior.disputed.offset, prior.undisputed.offset));
  const result: CompiledPrior = {
    prior,
    curve: modelled ? { undisputed, disputed } : { undisputed: all, disputed: all },
    median: modelled ? { undisputed: mu, disputed: md } : { undisputed: ma, disputed: ma },
    disputeShift: shift,
    disputesModelled: modelled,
    paid: modelled ? { undisputed: undisputed.events, disputed: disputed.events } : { undisputed: all.events, disputed: all.events },
    promiseKeepRate: (prior.promises.kept + 1) / (prior.promises.due + 2),
  };
  byMin.set(settings.minDisputed, result);
  return result;
}
