/**
 * Behaviour scoring: payment behaviour, interaction signals and an explainable risk score, as pure
 * functions of a customer's history and an explicit `asOf`, plus store-backed conveniences
 * (`createScoreApi`). Every day count is on UTC calendar days; results do not depend on the input
 * order or on the process's time zone. See docs/scoring/ for every formula with a worked example.
 *
 * @module
 */
export type {
  AllocationFacts,
  AmountsByCurrency,
  CreditNoteFacts,
  CurrencyRates,
  CustomerHistory,
  DisputeFacts,
  InstantLike,
  InteractionFacts,
  InvoiceFacts,
  LinkFacts,
  MessageFacts,
  PaymentFacts,
  PaymentPromiseFacts,
  Unavailable,
  UnavailableReason,
} from './types.js';
export { utcDay, isoDateOfDay } from './days.js';
export { toCustomerHistory, type StoredCustomerHistory } from './history.js';
export type { CashApplication, LedgerDiagnostics } from './ledger.js';
export { combinationOf, type CombinationBasis } from './currencies.js';

// Payment behaviour
export { PAYDEX_POINTS, paydexPoints, paydexScore, type PaymentExperience } from './paydex.js';
export type { PaymentFigures } from './experiences.js';
export { daysSalesOutstanding, type DsoInput } from './dso.js';
export { countbackDso, type CountbackDso, type SalesPeriod } from './countback-dso.js';
export { bestPossibleDso, type BestPossibleDsoInput } from './best-possible-dso.js';
export { averageDaysDelinquent } from './average-days-delinquent.js';
export { collectionEffectivenessIndex, type CeiInput } from './collection-effectiveness.js';
export { ageReceivables, type AgeingBuckets, type AgeingOptions } from './ageing.js';
export { receivablesFigures, type ReceivablesFigures, type ReceivablesOptions } from './receivables.js';
export type { PaymentTrend, TrendDirection, TrendWindow } from './trend.js';
export {
  paymentBehaviour,
  paymentTrend,
  type CurrencyPaymentBehaviour,
  type InvoicePayment,
  type OverallPaymentBehaviour,
  type PaymentBehaviour,
  type PaymentBehaviourOptions,
} from './payment-behaviour.js';

// Interaction signals
export { summariseDurations, type DurationSummary } from './stats.js';
export { type DisputeSignals } from './disputes.js';
export { isReminderInteraction, isReminderMessage, type ReminderSignals } from './reminders.js';
export { isPromiseKept, type PromiseSignals } from './promises.js';
export { expectsReply, type CustomerResponse, type OurResponse } from './responsiveness.js';
export { type ResolutionSignals } from './resolution.js';
export { DEFAULT_ESCALATION_TAGS, isEscalation, type EscalationSignals } from './escalations.js';
export type { ChannelMix, ContactSignals } from './contact.js';
export type { CostModel, CostToServe } from './cost-to-serve.js';
export { interactionSignals, type InteractionSignals, type InteractionSignalsOptions } from './interaction-signals.js';

// Risk, credit review, worklist
export {
  assessRisk,
  DEFAULT_GRADE_THRESHOLDS,
  DEFAULT_RISK_WEIGHTS,
  OPTIONAL_RISK_FACTORS,
  RISK_FACTORS,
  RISK_SATURATION,
  type ExtraRiskFactor,
  type GradeThresholds,
  type OptionalRiskFactorName,
  type RiskAssessment,
  type RiskBasis,
  type RiskFactor,
  type RiskFactorName,
  type RiskGrade,
  type RiskModelOptions,
  type RiskScore,
  type RiskUnavailable,
  type RiskWeights,
} from './risk.js';
export { riskScore, scoreCustomer, type CustomerScore, type ScoreOptions } from './score-customer.js';
export {
  creditReview,
  DEFAULT_CREDIT_POLICY,
  reviewCredit,
  type CreditDecision,
  type CreditPolicy,
  type CreditReason,
  type CreditReasonCode,
  type CreditRequest,
  type CreditReview,
  type CreditReviewRequest,
} from './credit-review.js';
export { createWorklistRanker, type WorklistEntry, type WorklistOptions, type WorklistRanker } from './worklist.js';
