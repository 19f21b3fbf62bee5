/**
 * The risk score: 0 (no sign of risk) to 100 (every sign at its worst), a grade, and the
 * contribution of every factor.
 *
 * Each factor turns one measured signal into a risk from 0 to 1; its points are
 * `risk × weight ÷ (sum of weights) × 100`, and the score is the sum of the points. A factor
 * without evidence (no promise ever fell due, no message expected an answer...) has risk 0: the
 * score only rises on adverse evidence, so adding a dispute, a broken promise or a late payment
 * never makes a customer look safer. Weights are re-normalised only by their configured sum, never
 * by which factors have evidence.
 *
 * @module
 */
import { currencyExponent } from '../models/money.js';
import { noun, plural } from '../text/plural.js';
import type { AgeingBuckets } from './ageing.js';
import { invalid } from './input.js';
import type { InteractionSignals } from './interaction-signals.js';
import type { PaymentBehaviour } from './payment-behaviour.js';
import type { CurrencyRates, Unavailable } from './types.js';

/** The factors of the risk score. */
export const RISK_FACTORS = [
  'payment_timeliness',
  'past_due',
  'trend',
  'disputes',
  'broken_promises',
  'reminder_dependence',
  'unresponsiveness',
] as const;
export type RiskFactorName = (typeof RISK_FACTORS)[number];

/**
 * Factors a caller may add to the seven, their signal computed elsewhere: `retention` comes from
 * the lifetime-value module (`retentionRiskFactor`). Without them the score is unchanged.
 */
export const OPTIONAL_RISK_FACTORS = ['retention'] as const;
export type OptionalRiskFactorName = (typeof OPTIONAL_RISK_FACTORS)[number];

/** An optional factor's input: its signal, its risk from 0 to 1, its weight (on the scale of {@link DEFAULT_RISK_WEIGHTS}) and why. */
export interface ExtraRiskFactor {
  readonly factor: OptionalRiskFactorName;
  readonly value: number | null;
  readonly risk: number;
  readonly weight: number;
  readonly explanation: string;
}

/** Weight of each factor; only their proportions matter. */
export type RiskWeights = Readonly<Record<RiskFactorName, number>>;

/**
 * Default weights (sum 100), justified in docs/scoring/risk.md: how a customer has paid (35) and
 * what it owes past due now (25) are the strongest predictors of trade-credit loss and dominate
 * commercial scores (D&B PAYDEX, FICO SBSS, Experian Intelliscore all lead with payment history
 * and current delinquency); a worsening trend (10), broken promises (10) and disputes (10) are
 * the early-warning signals collectors act on; needing reminders (5) and not answering (5) are
 * weaker, noisier signs. Calibrate them on your own loss history when you have one.
 */
export const DEFAULT_RISK_WEIGHTS: RiskWeights = Object.freeze({
  payment_timeliness: 35,
  past_due: 25,
  trend: 10,
  disputes: 10,
  broken_promises: 10,
  reminder_dependence: 5,
  unresponsiveness: 5,
});

/** Grades from A (lowest risk) to E. */
export type RiskGrade = 'A' | 'B' | 'C' | 'D' | 'E';

/** Lowest score of grades B, C, D and E. */
export type GradeThresholds = readonly [b: number, c: number, d: number, e: number];

/**
 * Default grade bands: A below 15, B 15–30, C 30–45, D 45–60, E 60 and above. Payment behaviour
 * alone (timeliness and past due, 60 of the 100 points) reaches D for a customer 120 days late with
 * arrears; E takes adverse collection signals on top (broken promises, disputes, silence).
 * Calibrated on the worked profiles of docs/scoring/risk.md.
 */
export const DEFAULT_GRADE_THRESHOLDS: GradeThresholds = Object.freeze([15, 30, 45, 60] as const);

/** How customer-level risk inputs were obtained from per-currency figures. */
export type RiskBasis =
  | 'single_currency'
  | 'rates'
  /** Several currencies and no `rates`: each factor takes the worst currency (conservative; nothing is added across currencies). */
  | 'worst_currency';

/** One factor's contribution, for explanation. */
export interface RiskFactor {
  readonly factor: RiskFactorName | OptionalRiskFactorName;
  /** The measured signal (its unit is in `explanation`); `null` without evidence. */
  readonly value: number | null;
  /** The signal as a risk from 0 to 1. */
  readonly risk: number;
  readonly weight: number;
  /** Contribution to the score: `risk × weight ÷ sum of weights × 100`. */
  readonly points: number;
  /** Whether there was evidence; without it the factor adds nothing. */
  readonly evidence: boolean;
  readonly explanation: string;
}

/** A computed risk score. */
export interface RiskScore {
  readonly available: true;
  /** 0–100, higher is riskier: the sum of the factors' points. */
  readonly score: number;
  readonly grade: RiskGrade;
  readonly basis: RiskBasis;
  /** Every factor, in {@link RISK_FACTORS} order, then the `extraFactors` given. */
  readonly factors: readonly RiskFactor[];
}

/** No score, and why; the factors are still given for explanation. */
export interface RiskUnavailable extends Unavailable {
  readonly factors: readonly RiskFactor[];
}

export type RiskAssessment = RiskScore | RiskUnavailable;

/** Options of the risk model. */
export interface RiskModelOptions {
  /** Weights of the factors (missing ones take the default). */
  readonly weights?: Partial<Record<RiskFactorName, number>>;
  /**
   * Invoices that must have fallen due in the lookback window for a score. Default 3: fewer
   * experiences say too little (D&B, too, publishes no PAYDEX below a minimum of trade experiences).
   */
  readonly minInvoices?: number;
  readonly gradeThresholds?: GradeThresholds;
  /** Weights of currencies; without them several currencies are combined by the worst one. */
  readonly rates?: CurrencyRates;
  /** Factors to add to the seven (e.g. `retentionRiskFactor(signals)`); their weights join the total. */
  readonly extraFactors?: readonly ExtraRiskFactor[];
}

/** Saturation points of the factors (the value at which risk reaches 1). */
export const RISK_SATURATION = Object.freeze({
  /** PAYDEX 80 (prompt) and above is no risk... */
  paydexPrompt: 80,
  /** ...and 20 (120 days beyond terms) and below is full risk. */
  paydexFull: 20,
  /** Recent invoices paid 30 days later than the ones before: full trend risk. */
  trendDays: 30,
  /** A quarter of invoices (by count or amount) disputed: full dispute risk. */
  disputeRate: 0.25,
  /** Three reminders per paid invoice: full reminder-dependence risk. */
  remindersPerInvoice: 3,
});

const clamp01 = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x);
const fmt = (x: number, digits = 1) => (Math.round(x * 10 ** digits) / 10 ** digits).toString();
const pct = (x: number) => `${fmt(x * 100)}%`;

/** Checks weights and fills in defaults. @internal */
export function riskWeights(weights: Partial<Record<RiskFactorName, number>> | undefined): RiskWeights {
  if (weights === undefined) return DEFAULT_RISK_WEIGHTS;
  const out = { ...DEFAULT_RISK_WEIGHTS } as Record<RiskFactorName, number>;
  if (weights !== undefined) {
    for (const [name, weight] of Object.entries(weights)) {
      if (!(RISK_FACTORS as readonly string[]).includes(name)) invalid('risk options', ['weights', name], 'invalid_value', `must be a factor: ${RISK_FACTORS.join(', ')}`);
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) invalid('risk options', ['weights', name], 'invalid_value', 'must be a finite number ≥ 0');
      out[name as RiskFactorName] = weight;
    }
  }
  if (RISK_FACTORS.every((f) => out[f] === 0)) invalid('risk options', ['weights'], 'invalid_value', 'must not all be 0');
  return out;
}

/** Checks the optional factors: known names, once each, finite risks in [0, 1] and weights ≥ 0. */
function checkExtraFactors(extras: readonly ExtraRiskFactor[] | undefined): readonly ExtraRiskFactor[] {
  if (extras === undefined) return [];
  if (!Array.isArray(extras)) invalid('risk options', ['extraFactors'], 'invalid_type', 'must be a list of { factor, value, risk, weight, explanation }');
  const seen = new Set<string>();
  extras.forEach((extra, i) => {
    if (!(OPTIONAL_RISK_FACTORS as readonly string[]).includes(extra?.factor) || seen.has(extra.factor)) {
      invalid('risk options', ['extraFactors', i, 'factor'], 'invalid_value', `must be one of ${OPTIONAL_RISK_FACTORS.join(', ')}, each at most once`);
    }
    seen.add(extra.factor);
    if (typeof extra.risk !== 'number' || !Number.isFinite(extra.risk) || extra.risk < 0 || extra.risk > 1) invalid('risk options', ['extraFactors', i, 'risk'], 'invalid_value', 'must be a finite number from 0 to 1');
    if (typeof extra.weight !== 'number' || !Number.isFinite(extra.weight) || extra.weight < 0) invalid('risk options', ['extraFactors', i, 'weight'], 'invalid_value', 'must be a finite number ≥ 0');
    if (extra.value !== null && (typeof extra.value !== 'number' || !Number.isFinite(extra.value))) invalid('risk options', ['extraFactors', i, 'value'], 'invalid_value', 'must be a finite number or null');
  });
  return extras;
}

function gradeOf(score: number, thresholds: GradeThresholds): RiskGrade {
  if (score >= thresholds[3]) return 'E';
  if (score >= thresholds[2]) return 'D';
  if (score >= thresholds[1]) return 'C';
  if (score >= thresholds[0]) return 'B';
  return 'A';
}

/** Severity-weighted past-due share: 1–30 days count ¼, 31–60 ½, 61–90 ¾, over 90 in full. */
function pastDueParts(a: AgeingBuckets): [numerator: number, denominator: number] {
  return [a.days1to30 + 2 * a.days31to60 + 3 * a.days61to90 + 4 * a.over90, 4 * a.total];
}

/** Combines per-currency ratios `num/den` by rates, or takes the worst (max) without them. */
function combineRatios(
  parts: ReadonlyArray<readonly [currency: string, numerator: number, denominator: number]>,
  basis: RiskBasis,
  rates: CurrencyRates | undefined,
): number | null {
  const usable = parts.filter(([, , den]) => den > 0);
  if (usable.length === 0) return null;
  if (basis === 'rates') {
    let num = 0;
    let den = 0;
    for (const [currency, n, d] of usable) {
      const factor = rates![currency]! / 10 ** currencyExponent(currency);
      num += n * factor;
      den += d * factor;
    }
    return num / den;
  }
  let worst = -Infinity;
  for (const [, n, d] of usable) worst = Math.max(worst, n / d);
  return worst;
}

/**
 * Assesses risk from a customer's payment behaviour and interaction signals (computed with the
 * same `asOf`). Use {@link riskScore} to go from the history in one call.
 *
 * @example
 * ```ts
 * const payment = paymentBehaviour(history, { asOf });
 * const signals = interactionSignals(history, { asOf });
 * const risk = assessRisk(payment, signals);
 * if (risk.available) console.log(risk.score, risk.grade, risk.factors.map((f) => `${f.factor}: ${f.points}`));
 * else console.log(risk.reason, risk.message); // 'insufficient_history', ...
 * ```
 */
export function assessRisk(payment: PaymentBehaviour, signals: InteractionSignals, options: RiskModelOptions = {}): RiskAssessment {
  const weights = riskWeights(options.weights);
  const minInvoices = options.minInvoices ?? 3;
  if (!Number.isInteger(minInvoices) || minInvoices < 0) invalid('risk options', ['minInvoices'], 'invalid_value', 'must be a whole number ≥ 0');
  const thresholds = options.gradeThresholds ?? DEFAULT_GRADE_THRESHOLDS;
  const rates = options.rates;
  // Currencies that carry amounts the factors weigh: experiences, open receivables or billing.
  const currencies = payment.currencies.filter((c) => {
    const figures = payment.byCurrency[c]!;
    return figures.invoices > 0 || figures.ageing.total > 0 || (signals.disputes.billed[c] ?? 0) > 0;
  });
  const basis: RiskBasis =
    currencies.length <= 1 ? 'single_currency' : rates !== undefined && currencies.every((c) => rates[c] !== undefined) ? 'rates' : 'worst_currency';
  const extras = checkExtraFactors(options.extraFactors);
  const totalWeight = RISK_FACTORS.reduce((sum, f) => sum + weights[f], 0) + extras.reduce((sum, f) => sum + f.weight, 0);
  const factor = (name: RiskFactorName, value: number | null, risk: number, explanation: string): RiskFactor => {
    const r = value === null ? 0 : clamp01(risk);
    return { factor: name, value, risk: r, weight: weights[name], points: (r * weights[name] * 100) / totalWeight, evidence: value !== null, explanation };
  };
  const per = currencies.map((c) => payment.byCurrency[c]!);

  // Payment timeliness: the PAYDEX-style score.
  // Per currency, the worst; the customer-level figure when one currency weighs, or with rates.
  const scores = per.map((c) => c.paydexExact).filter((p): p is number => p !== null);
  const worstPaydex = scores.length === 0 ? null : Math.min(...scores);
  const paydex = basis !== 'worst_currency' && payment.overall.available ? payment.overall.paydexExact : worstPaydex;
  const timeliness = factor(
    'payment_timeliness',
    paydex,
    paydex === null ? 0 : (RISK_SATURATION.paydexPrompt - paydex) / (RISK_SATURATION.paydexPrompt - RISK_SATURATION.paydexFull),
    paydex === null
      ? 'no invoice has fallen due in the window'
      : `PAYDEX-style score ${fmt(paydex)} (80 = prompt is no risk; 20 = 120 days beyond terms is full risk)`,
  );

  // Past due: severity-weighted share of open receivables.
  const pastDueShare = combineRatios(per.map((c) => [c.currency, ...pastDueParts(c.ageing)] as const), basis, rates);
  const pastDue = factor(
    'past_due',
    pastDueShare ?? 0,
    pastDueShare ?? 0,
    pastDueShare === null
      ? 'nothing is owed'
      : `${pct(pastDueShare)} of open receivables past due, weighted by age (1–30 days ¼, 31–60 ½, 61–90 ¾, over 90 in full)`,
  );

  // Trend: recent against prior days beyond terms.
  const changes = per.map((c) => c.trend.change).filter((x): x is number => x !== null);
  const worstChange = changes.length === 0 ? null : Math.max(...changes);
  const change = basis !== 'worst_currency' && payment.overall.available ? payment.overall.trend.change : worstChange;
  const trend = factor(
    'trend',
    change,
    change === null ? 0 : change / RISK_SATURATION.trendDays,
    change === null
      ? 'too few invoices in the trend windows'
      : `recent invoices paid ${fmt(Math.abs(change))} days ${change >= 0 ? 'later' : 'earlier'} than the ones before (30 days later = full risk)`,
  );

  // Disputes: the higher of disputes per invoice and the disputed share of billing.
  const d = signals.disputes;
  const share = combineRatios(
    Object.keys(d.billed)
      .sort()
      .map((c) => [c, d.disputed[c] ?? 0, d.billed[c]!] as const),
    basis,
    rates,
  );
  const disputeRate = d.perInvoice === null && d.count === 0 ? null : Math.max(d.perInvoice ?? 0, share ?? 0);
  const disputes = factor(
    'disputes',
    disputeRate,
    disputeRate === null ? 0 : disputeRate / RISK_SATURATION.disputeRate,
    disputeRate === null
      ? 'no invoices or disputes in the window'
      : `${plural(d.count, 'dispute')} for ${plural(signals.invoices, 'invoice')}; ${pct(share ?? 0)} of the amount billed disputed (a quarter disputed = full risk)`,
  );

  // Broken promises.
  const p = signals.promises;
  const brokenShare = p.due === 0 ? null : p.broken / p.due;
  const promises = factor(
    'broken_promises',
    brokenShare,
    brokenShare ?? 0,
    brokenShare === null ? 'no promise to pay has fallen due' : `${p.broken} of ${plural(p.due, 'promise')} to pay broken`,
  );

  // Reminder dependence.
  const r = signals.reminders;
  const reminders = factor(
    'reminder_dependence',
    r.perPaidInvoice,
    r.perPaidInvoice === null ? 0 : r.perPaidInvoice / RISK_SATURATION.remindersPerInvoice,
    r.perPaidInvoice === null
      ? 'no invoice was paid in the window'
      : `${fmt(r.perPaidInvoice, 2)} ${noun(r.perPaidInvoice, 'reminder')} sent per invoice before it was paid (3 = full risk)`,
  );

  // Unresponsiveness.
  const c = signals.customerResponse;
  const silent = c.answeredShare === null ? null : 1 - c.answeredShare;
  const unresponsive = factor(
    'unresponsiveness',
    silent,
    silent ?? 0,
    silent === null ? 'none of our messages expected an answer' : `${c.unanswered} of ${plural(c.expected, 'message')} expecting an answer left unanswered`,
  );

  const factors = [timeliness, pastDue, trend, disputes, promises, reminders, unresponsive];
  for (const extra of extras) {
    const r = extra.value === null ? 0 : clamp01(extra.risk);
    factors.push({ factor: extra.factor, value: extra.value, risk: r, weight: extra.weight, points: (r * extra.weight * 100) / totalWeight, evidence: extra.value !== null, explanation: extra.explanation });
  }
  let experiences = 0;
  for (const currency of per) experiences += currency.invoices;
  if (experiences < minInvoices) {
    return {
      available: false,
      reason: 'insufficient_history',
      message: `a risk score needs at least ${plural(minInvoices, 'invoice')} that fell due in the last ${payment.window.days} days; there ${experiences === 1 ? 'is' : 'are'} ${experiences}`,
      factors,
    };
  }
  let score = 0;
  for (const f of factors) score += f.points;
  score = Math.min(100, Math.max(0, score));
  return { available: true, score, grade: gradeOf(score, thresholds), basis, factors };
}
