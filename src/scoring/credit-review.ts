/**
 * Credit review: approve, review or decline a requested credit limit, with the reasons.
 *
 * @module
 */
import { formatMoney, isCurrencyCode, type Money } from '../models/money.js';
import { invalid } from './input.js';
import type { RiskAssessment } from './risk.js';
import { scoreCustomer, type CustomerScore, type ScoreOptions } from './score-customer.js';
import type { CustomerHistory } from './types.js';

/** The decisions, from best to worst. */
export type CreditDecision = 'approve' | 'review' | 'decline';

/** Why a decision was taken. */
export type CreditReasonCode =
  /** Risk score at or above `declineAtRisk`. */
  | 'risk_too_high'
  /** Something owed in the requested currency is more than 90 days past due. */
  | 'severely_past_due'
  /** Too little history for a risk score. */
  | 'insufficient_history'
  /** Risk score at or above `reviewAtRisk`. */
  | 'elevated_risk'
  /** What the customer owes already exceeds the requested limit. */
  | 'exposure_exceeds_limit'
  /** The limit is above the sales guide (average monthly credit sales × `salesMultiple`). */
  | 'above_sales_guide'
  /** No credit sales in the requested currency in the window: nothing to size the limit on. */
  | 'no_sales_history'
  /** The limit rises by more than `maxIncreasePercent` over the current one. */
  | 'large_increase'
  /** Nothing stood in the way. */
  | 'within_policy';

/** One reason, with the decision it leads to. */
export interface CreditReason {
  readonly code: CreditReasonCode;
  readonly decision: CreditDecision;
  readonly message: string;
}

/** Thresholds of the credit policy. */
export interface CreditPolicy {
  /** Decline at or above this risk score. Default 60 (grade E with the default bands). */
  readonly declineAtRisk: number;
  /** Review at or above this risk score. Default 30 (grade C: habitually a month or more late). */
  readonly reviewAtRisk: number;
  /** Decline when anything in the currency is over 90 days past due. Default `true` (such accounts are on credit hold). */
  readonly declineOver90: boolean;
  /** The sales guide is average monthly credit sales × this. Default 2 (about terms plus a month's purchases on net 30). */
  readonly salesMultiple: number;
  /** Review an increase of more than this percentage of the current limit. Default 50. */
  readonly maxIncreasePercent: number;
}

export const DEFAULT_CREDIT_POLICY: CreditPolicy = Object.freeze({
  declineAtRisk: 60,
  reviewAtRisk: 30,
  declineOver90: true,
  salesMultiple: 2,
  maxIncreasePercent: 50,
});

/** A credit limit request. */
export interface CreditRequest {
  readonly requestedLimit: Money;
  /** The limit in force, if any (same currency). */
  readonly currentLimit?: Money;
  readonly policy?: Partial<CreditPolicy>;
}

/** A credit limit request with the scoring options (`asOf` first of all): what {@link creditReview} takes. */
export interface CreditReviewRequest extends CreditRequest, ScoreOptions {}

/** The outcome of a credit review. */
export interface CreditReview {
  readonly decision: CreditDecision;
  /** Every reason found, the deciding ones first. */
  readonly reasons: readonly CreditReason[];
  readonly requestedLimit: Money;
  readonly currentLimit?: Money;
  /** What the customer owes in the currency now (open invoices). */
  readonly exposure: Money;
  /** Average monthly credit sales × `salesMultiple`, rounded down; `null` without sales. */
  readonly salesGuide: Money | null;
  readonly risk: RiskAssessment;
}

const RANK: Record<CreditDecision, number> = { approve: 0, review: 1, decline: 2 };

function policyOf(policy: Partial<CreditPolicy> | undefined): CreditPolicy {
  const p = { ...DEFAULT_CREDIT_POLICY, ...policy };
  for (const key of ['declineAtRisk', 'reviewAtRisk', 'salesMultiple', 'maxIncreasePercent'] as const) {
    if (typeof p[key] !== 'number' || !Number.isFinite(p[key]) || p[key] < 0) invalid('credit request', ['policy', key], 'invalid_value', 'must be a finite number ≥ 0');
  }
  return p;
}

function checkMoney(money: Money | undefined, name: string): Money {
  if (money === undefined || !Number.isSafeInteger(money.amountMinor) || money.amountMinor < 0 || !isCurrencyCode(money.currency)) {
    return invalid('credit request', [name], 'invalid_money', 'must be { amountMinor, currency } with a non-negative integer number of minor units');
  }
  return money;
}

/**
 * Reviews a requested limit against scores already computed (see {@link creditReview} for the
 * one-call form). Decline: risk at or above `declineAtRisk`, or anything over 90 days past due.
 * Review: no risk score, risk at or above `reviewAtRisk`, exposure above the requested limit, a
 * limit above the sales guide or without sales to size it on, or an increase above
 * `maxIncreasePercent`. Otherwise approve. All amount comparisons are exact integer arithmetic.
 *
 * @example
 * ```ts
 * // A customer billed $8,000.00 over the last year, always on time, owing nothing:
 * const scores = scoreCustomer(history, { asOf: '2026-06-30T00:00:00Z' });
 * const review = reviewCredit(scores, { requestedLimit: { amountMinor: 500_000, currency: 'USD' } });
 * review.decision   // 'review'
 * review.reasons    // [{ code: 'above_sales_guide', decision: 'review', message: '$5,000.00 is above the sales guide of $1,315.06 ...' }]
 * review.salesGuide // { amountMinor: 131_506, currency: 'USD' } (800 000 ÷ 365 × 30 × 2)
 * ```
 */
export function reviewCredit(scores: CustomerScore, request: CreditRequest): CreditReview {
  const requested = checkMoney(request?.requestedLimit, 'requestedLimit');
  const current = request.currentLimit === undefined ? undefined : checkMoney(request.currentLimit, 'currentLimit');
  if (current !== undefined && current.currency !== requested.currency) {
    invalid('credit request', ['currentLimit', 'currency'], 'currency_mismatch', `must be the requested limit's currency (${requested.currency})`);
  }
  const policy = policyOf(request.policy);
  const currency = requested.currency;
  const money = (amountMinor: number): Money => ({ amountMinor, currency });
  const show = (amountMinor: number) => formatMoney(money(amountMinor));
  const reasons: CreditReason[] = [];
  const add = (code: CreditReasonCode, decision: CreditDecision, message: string) => reasons.push({ code, decision, message });

  const { risk, payment, signals } = scores;
  if (!risk.available) add('insufficient_history', 'review', `no risk score: ${risk.message}`);
  else if (risk.score >= policy.declineAtRisk) add('risk_too_high', 'decline', `risk score ${risk.score.toFixed(1)} (grade ${risk.grade}) is at or above ${policy.declineAtRisk}`);
  else if (risk.score >= policy.reviewAtRisk) add('elevated_risk', 'review', `risk score ${risk.score.toFixed(1)} (grade ${risk.grade}) is at or above ${policy.reviewAtRisk}`);

  const ageing = payment.byCurrency[currency]?.ageing;
  const exposure = ageing?.total ?? 0;
  if (policy.declineOver90 && ageing !== undefined && ageing.over90 > 0) {
    add('severely_past_due', 'decline', `${show(ageing.over90)} is more than 90 days past due (oldest ${ageing.oldestDaysPastDue} days)`);
  }
  if (exposure > requested.amountMinor) {
    add('exposure_exceeds_limit', 'review', `the customer already owes ${show(exposure)}, more than the requested ${show(requested.amountMinor)}`);
  }

  const billed = signals.disputes.billed[currency] ?? 0;
  let guide: Money | null = null;
  if (billed <= 0) add('no_sales_history', 'review', `no ${currency} invoices in the last ${signals.window.days} days to size a limit on`);
  else {
    // guide = billed ÷ days × 30 × multiple, in exact integer arithmetic (multiple to 1/100).
    const multiple = BigInt(Math.round(policy.salesMultiple * 100));
    const days = BigInt(signals.window.days);
    guide = money(Number((BigInt(billed) * 30n * multiple) / (days * 100n)));
    if (BigInt(requested.amountMinor) * days * 100n > BigInt(billed) * 30n * multiple) {
      add(
        'above_sales_guide',
        'review',
        `${show(requested.amountMinor)} is above the sales guide of ${show(guide.amountMinor)} (average monthly sales × ${policy.salesMultiple})`,
      );
    }
  }
  if (current !== undefined) {
    const pct = BigInt(Math.round(policy.maxIncreasePercent * 100));
    if (BigInt(requested.amountMinor) * 10_000n > BigInt(current.amountMinor) * (10_000n + pct)) {
      add('large_increase', 'review', `${show(requested.amountMinor)} raises the current limit of ${show(current.amountMinor)} by more than ${policy.maxIncreasePercent}%`);
    }
  }
  if (reasons.length === 0) add('within_policy', 'approve', 'risk, past-due balances, exposure and the sales guide are all within policy');

  reasons.sort((a, b) => RANK[b.decision] - RANK[a.decision]);
  const decision = reasons[0]!.decision;
  return {
    decision,
    reasons,
    requestedLimit: requested,
    ...(current !== undefined ? { currentLimit: current } : {}),
    exposure: money(exposure),
    salesGuide: guide,
    risk,
  };
}

/**
 * Reviews a requested credit limit for a customer from its history: approve, review or decline,
 * with every reason (see {@link reviewCredit} for the rules).
 *
 * @example
 * ```ts
 * const review = creditReview(history, {
 *   asOf: '2026-06-30T00:00:00Z',
 *   requestedLimit: { amountMinor: 2_500_000, currency: 'USD' },
 *   currentLimit: { amountMinor: 2_000_000, currency: 'USD' },
 * });
 * review.decision // 'approve' | 'review' | 'decline'
 * ```
 */
export function creditReview(history: CustomerHistory, request: CreditReviewRequest): CreditReview {
  return reviewCredit(scoreCustomer(history, { ...request, invoiceDetails: false }), request);
}
