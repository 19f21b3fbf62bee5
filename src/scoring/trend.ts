/**
 * Payment trend: the invoices that fell due recently against those that fell due in the window
 * before, both as of the same day.
 *
 * @module
 */
import { isoDateOfDay } from './days.js';
import { combineFigures, type ExperienceTotals, type PaymentFigures } from './experiences.js';
import type { CurrencyRates } from './types.js';

/** One trend window and its figures. */
export interface TrendWindow {
  /** UTC calendar days of the due dates in the window, both ends included. */
  readonly from: string;
  readonly to: string;
  readonly invoices: number;
  readonly averageDaysBeyondTerms: number | null;
  readonly paydex: number | null;
}

/** Which way payment behaviour is moving. */
export type TrendDirection = 'improving' | 'stable' | 'deteriorating' | 'unknown';

/** The recent window against the one before. */
export interface PaymentTrend {
  readonly windowDays: number;
  readonly recent: TrendWindow;
  readonly prior: TrendWindow;
  /**
   * Recent minus prior amount-weighted days beyond terms: positive means paying later. `null`
   * when a window has fewer invoices than the trend needs.
   */
  readonly change: number | null;
  /** Recent minus prior PAYDEX-style score (unrounded). */
  readonly paydexChange: number | null;
  /** `deteriorating` when `change` exceeds the threshold, `improving` below minus it, else `stable`. */
  readonly direction: TrendDirection;
}

/** Settings of the trend. */
export interface TrendSettings {
  readonly windowDays: number;
  /** Days of change below which the trend is `stable`. */
  readonly thresholdDays: number;
  /** Invoices each window needs for a direction. */
  readonly minInvoices: number;
}

function windowOf(from: number, to: number, figures: PaymentFigures | undefined): TrendWindow {
  return {
    from: isoDateOfDay(from),
    to: isoDateOfDay(to),
    invoices: figures?.invoices ?? 0,
    averageDaysBeyondTerms: figures?.averageDaysBeyondTerms ?? null,
    paydex: figures?.paydex ?? null,
  };
}

/** The trend from the figures of the two windows (in one currency, or combined). @internal */
export function trendOf(
  recent: PaymentFigures | undefined,
  prior: PaymentFigures | undefined,
  settings: TrendSettings,
  asOfDay: number,
): PaymentTrend {
  const w = settings.windowDays;
  const recentWindow = windowOf(asOfDay - w + 1, asOfDay, recent);
  const priorWindow = windowOf(asOfDay - 2 * w + 1, asOfDay - w, prior);
  const enough =
    recent !== undefined &&
    prior !== undefined &&
    recent.invoices >= settings.minInvoices &&
    prior.invoices >= settings.minInvoices &&
    recent.averageDaysBeyondTerms !== null &&
    prior.averageDaysBeyondTerms !== null;
  if (!enough) return { windowDays: w, recent: recentWindow, prior: priorWindow, change: null, paydexChange: null, direction: 'unknown' };
  const change = recent.averageDaysBeyondTerms! - prior.averageDaysBeyondTerms!;
  const paydexChange = recent.paydexExact! - prior.paydexExact!;
  const direction: TrendDirection =
    change > settings.thresholdDays ? 'deteriorating' : change < -settings.thresholdDays ? 'improving' : 'stable';
  return { windowDays: w, recent: recentWindow, prior: priorWindow, change, paydexChange, direction };
}

/** Trend of one currency, or combined with rates. @internal */
export function trendOfTotals(
  recent: ReadonlyMap<string, ExperienceTotals>,
  prior: ReadonlyMap<string, ExperienceTotals>,
  settings: TrendSettings,
  asOfDay: number,
  currency: string | undefined,
  rates: CurrencyRates | undefined,
): PaymentTrend {
  if (currency !== undefined) return trendOf(recent.get(currency)?.figures(), prior.get(currency)?.figures(), settings, asOfDay);
  return trendOf(recent.size > 0 ? combineFigures(recent, rates!) : undefined, prior.size > 0 ? combineFigures(prior, rates!) : undefined, settings, asOfDay);
}
