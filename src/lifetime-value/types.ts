/**
 * Shared shapes of the lifetime-value models.
 *
 * @module
 */

/**
 * One customer of a cohort, summarised over a calibration period, in the period unit of your
 * choice (weeks in the published CDNOW fits; days, weeks or months from the store).
 */
export interface PurchaseSummary {
  /** Repeat purchases: purchases after the first one (same-day purchases count as one). */
  readonly x: number;
  /** Time from the first purchase to the last one (0 when `x` is 0). */
  readonly tx: number;
  /** Time from the first purchase to the end of the calibration period. */
  readonly T: number;
}

/** A customer's repeat purchases and their mean value, for the Gamma-Gamma spend model. */
export interface SpendSummary {
  /** Repeat purchases (> 0 for the fit; customers without one get the population mean). */
  readonly x: number;
  /** Mean value of the repeat purchases, in any unit (minor units from the store). */
  readonly meanValue: number;
}

/** Why a model or a figure is not available. */
export type LifetimeValueUnavailableReason =
  /** No customers to fit. */
  | 'empty_cohort'
  /** Nobody made a repeat purchase: the purchase-rate and dropout parameters are not identified. */
  | 'no_repeat_purchases'
  /** The optimiser did not meet its stopping rule within its evaluation budget. */
  | 'not_converged'
  /** The fit ran to a boundary (a parameter towards 0 or infinity): the data do not pin the model down. */
  | 'degenerate_fit'
  /** The model's population mean does not exist for these parameters (Gamma-Gamma with q ≤ 1). */
  | 'undefined_mean';

/** A model or figure that could not be computed, and why: returned instead of a misleading number. */
export interface LifetimeValueUnavailable {
  readonly available: false;
  readonly reason: LifetimeValueUnavailableReason;
  /** A sentence saying what went wrong and what to do. */
  readonly message: string;
}

/** How an optimiser run went: enough to judge and to reproduce a fit. */
export interface FitDiagnostics {
  /** Customers (rows) the likelihood was computed over. */
  readonly customers: number;
  /** The maximised log-likelihood (sum over customers). */
  readonly logLikelihood: number;
  /** Likelihood evaluations the optimiser used. */
  readonly evaluations: number;
  /** Wall-clock milliseconds of the fit (not part of any result's meaning). */
  readonly milliseconds: number;
}

/**
 * A parameter the maximum likelihood ran towards a limit of the model: the likelihood keeps rising
 * as it goes to 0 or to infinity, flat to the optimiser's precision. The fit stands for that limit
 * (BG/NBD a → 0: nobody was seen to drop out; Gamma-Gamma p → ∞ with p·γ fixed: each customer's
 * own mean spend, with no shrinkage), and its predictions are that limit's.
 */
export interface BoundaryParameter {
  readonly parameter: string;
  readonly towards: 'zero' | 'infinity';
}

/** Parameters beyond e^±15 count as at a boundary. @internal */
export function boundaryOf(names: readonly string[], logs: readonly number[]): BoundaryParameter[] {
  const out: BoundaryParameter[] = [];
  logs.forEach((v, i) => {
    if (v > 15) out.push({ parameter: names[i]!, towards: 'infinity' });
    else if (v < -15) out.push({ parameter: names[i]!, towards: 'zero' });
  });
  return out;
}
