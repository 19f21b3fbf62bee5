/**
 * Options of the payment model, checked once.
 *
 * @internal
 * @module
 */
import { instantMs, MS_PER_DAY } from '../scoring/days.js';
import { invalid } from '../scoring/input.js';
import type { InstantLike } from '../scoring/types.js';

/** A whole-number option of the forecast in a range, or its default. */
export function wholeNumber(value: number | undefined, fallback: number, name: string, min: number, max: number, unit = ''): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  return invalid('forecast options', [name], 'invalid_value', `must be a whole number${unit} from ${min} to ${max}`);
}

/** How the payment model weighs a customer's own history against the tenant's. */
export interface PaymentModelOptions {
  /**
   * How many of the customer's own paid invoices the tenant's behaviour counts as: a customer
   * with n paid invoices is weighted n / (n + priorWeight) against the tenant. Default 3 (a
   * customer with three paid invoices is half its own history, half the tenant's).
   */
  readonly priorWeight?: number;
  /** A customer's paid invoices weigh half as much every `halfLifeDays` since they were paid. Default 365. */
  readonly halfLifeDays?: number;
  /** Invoices issued in the last `lookbackDays` are the history the model learns from. Default 730. */
  readonly lookbackDays?: number;
  /**
   * Disputed invoices are modelled apart (and the dispute delay measured) once the tenant has at
   * least this many paid disputed and undisputed invoices; below it, disputes change nothing. Default 10.
   */
  readonly minDisputedInvoices?: number;
}

/** The checked options. */
export interface ModelSettings {
  readonly priorWeight: number;
  readonly halfLifeDays: number;
  readonly lookbackDays: number;
  readonly minDisputed: number;
}

/** Checks the model options. */
export function modelSettings(options: PaymentModelOptions | undefined): ModelSettings {
  const o = options ?? {};
  const priorWeight = o.priorWeight ?? 3;
  if (typeof priorWeight !== 'number' || !Number.isFinite(priorWeight) || priorWeight <= 0 || priorWeight > 1e6) {
    invalid('forecast options', ['priorWeight'], 'invalid_value', 'must be a finite number > 0 (paid invoices of the customer the tenant counts as)');
  }
  return {
    priorWeight,
    halfLifeDays: wholeNumber(o.halfLifeDays, 365, 'halfLifeDays', 1, 36_600, ' of days'),
    lookbackDays: wholeNumber(o.lookbackDays, 730, 'lookbackDays', 1, 36_600, ' of days'),
    minDisputed: wholeNumber(o.minDisputedInvoices, 10, 'minDisputedInvoices', 1, 1_000_000),
  };
}

/** The UTC day of a required `asOf`. */
export function forecastDay(asOf: InstantLike | undefined): number {
  const ms = asOf === undefined ? Number.NaN : instantMs(asOf);
  if (ms === ms) return Math.floor(ms / MS_PER_DAY);
  return invalid('forecast options', ['asOf'], 'invalid_date', 'must be given: a Date or an ISO-8601 instant; the forecast is made as of the end of its UTC day');
}
