/**
 * Everything at once: payment behaviour, interaction signals and risk of one customer, computed
 * from one pass over the history (the ledger and the window's contacts are built once).
 *
 * @module
 */
import { contactsOf } from './contacts.js';
import { collectExperiences } from './experiences.js';
import { interactionSignalsOf, signalSettings, type InteractionSignals, type InteractionSignalsOptions } from './interaction-signals.js';
import { buildLedger } from './ledger.js';
import { paymentBehaviourOf, paymentSettings, type PaymentBehaviour, type PaymentBehaviourOptions } from './payment-behaviour.js';
import { assessRisk, type RiskAssessment, type RiskModelOptions } from './risk.js';
import type { CustomerHistory } from './types.js';

/** Options of {@link scoreCustomer} and {@link riskScore}: those of the three parts together. */
export interface ScoreOptions extends PaymentBehaviourOptions, Omit<InteractionSignalsOptions, 'asOf' | 'lookbackDays' | 'applyUnallocatedCash'>, RiskModelOptions {}

/** The scores of one customer. */
export interface CustomerScore {
  readonly payment: PaymentBehaviour;
  readonly signals: InteractionSignals;
  readonly risk: RiskAssessment;
}

/**
 * Payment behaviour, interaction signals and risk of one customer as of `asOf`, sharing one pass
 * over the history. Equal to calling {@link paymentBehaviour}, {@link interactionSignals} and
 * {@link assessRisk} with the same options.
 *
 * @example
 * ```ts
 * import { scoreCustomer, toCustomerHistory } from 'touchlog';
 *
 * const history = toCustomerHistory(financialRecords, interactions, messages);
 * const { payment, signals, risk } = scoreCustomer(history, { asOf: '2026-06-30T00:00:00Z' });
 * risk.available ? `${risk.grade} (${risk.score.toFixed(0)})` : risk.message;
 * ```
 */
export function scoreCustomer(history: CustomerHistory, options: ScoreOptions): CustomerScore {
  const paymentOptions = paymentSettings(options);
  const signalOptions = signalSettings(options);
  const ledger = buildLedger(history, paymentOptions.day, paymentOptions.cashApplication);
  const payment = paymentBehaviourOf(ledger, collectExperiences(ledger, paymentOptions.lookbackDays, paymentOptions.trend.windowDays), paymentOptions);
  const contacts = contactsOf(history, signalOptions.day - signalOptions.lookbackDays + 1, signalOptions.day);
  const signals = interactionSignalsOf(history, ledger, contacts, signalOptions);
  const risk = assessRisk(payment, signals, {
    weights: options.weights,
    minInvoices: options.minInvoices,
    gradeThresholds: options.gradeThresholds,
    rates: paymentOptions.rates,
    extraFactors: options.extraFactors,
  });
  return { payment, signals, risk };
}

/**
 * The risk score of one customer as of `asOf`: 0–100 (higher is riskier), a grade from A to E and
 * each factor's contribution; or `{ available: false, reason: 'insufficient_history' }` when too
 * few invoices have fallen due to judge.
 *
 * @example
 * ```ts
 * const risk = riskScore(history, { asOf: '2026-06-30T00:00:00Z', weights: { disputes: 20 } });
 * if (risk.available) {
 *   risk.grade;                                   // 'B'
 *   risk.factors.find((f) => f.factor === 'past_due')?.points; // its share of the score
 * }
 * ```
 */
export function riskScore(history: CustomerHistory, options: ScoreOptions): RiskAssessment {
  return scoreCustomer(history, { ...options, invoiceDetails: false }).risk;
}
