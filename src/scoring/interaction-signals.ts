/**
 * Interaction signals of a customer: what the history of contact says beyond the payments.
 *
 * @module
 */
import { channelMixOf, contactSignalsOf, type ChannelMix, type ContactSignals } from './contact.js';
import { contactsOf, type Contacts } from './contacts.js';
import { checkCostModel, costToServeOf, type CostModel, type CostToServe } from './cost-to-serve.js';
import { isoDateOfDay } from './days.js';
import { disputeSignalsOf, type DisputeSignals } from './disputes.js';
import { DEFAULT_ESCALATION_TAGS, escalationSignalsOf, type EscalationSignals } from './escalations.js';
import { asOfDay as dayOfAsOf, daysOption, invalid } from './input.js';
import { buildLedger, type CashApplication, type Ledger } from './ledger.js';
import { promiseSignalsOf, type PromiseSignals } from './promises.js';
import { reminderSignalsOf, type ReminderSignals } from './reminders.js';
import { resolutionSignalsOf, type ResolutionSignals } from './resolution.js';
import { customerResponseOf, ourResponseOf, type CustomerResponse, type OurResponse } from './responsiveness.js';
import type { CustomerHistory, InstantLike } from './types.js';

/** Options of {@link interactionSignals}. */
export interface InteractionSignalsOptions {
  /** The day the signals are taken at (the end of its UTC day). Records after it are ignored. */
  readonly asOf: InstantLike;
  /** The window: the last `lookbackDays` days up to `asOf`. Default 365. */
  readonly lookbackDays?: number;
  /** Our messages younger than this are not yet counted as unanswered. Default 7 days. */
  readonly replyGraceDays?: number;
  /** Tags that mark an escalation (compared without case). Default `['escalated', 'escalation']`. */
  readonly escalationTags?: readonly string[];
  /** Costs per channel, for the cost to serve (left out when not given). */
  readonly costs?: CostModel;
  /** Unallocated cash: left unapplied (`none`, default) or applied to the oldest invoices first. */
  readonly applyUnallocatedCash?: CashApplication;
}

/** Result of {@link interactionSignals}. */
export interface InteractionSignals {
  /** The UTC day of `asOf` (`YYYY-MM-DD`). */
  readonly asOf: string;
  /** The window: UTC days, both ends included. */
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  /** Invoices issued in the window (the denominator of the per-invoice rates). */
  readonly invoices: number;
  readonly disputes: DisputeSignals;
  /** Interactions of purpose `billing_query`, and per invoice issued in the window. */
  readonly billingQueries: { readonly count: number; readonly perInvoice: number | null };
  readonly reminders: ReminderSignals;
  readonly promises: PromiseSignals;
  /** How fast the customer answers our messages. */
  readonly customerResponse: CustomerResponse;
  /** How fast we answer the customer (first response). */
  readonly ourFirstResponse: OurResponse;
  /** How long interactions take to resolve. */
  readonly resolution: ResolutionSignals;
  readonly escalations: EscalationSignals;
  readonly contact: ContactSignals;
  readonly channelMix: ChannelMix;
  /** Present when `costs` were given. */
  readonly costToServe?: CostToServe;
}

/** Resolved settings of interaction signals. @internal */
export interface SignalSettings {
  readonly day: number;
  readonly lookbackDays: number;
  readonly replyGraceDays: number;
  readonly escalationTags: readonly string[];
  readonly costs: CostModel | undefined;
  readonly cashApplication: CashApplication;
}

/** Checks options and fills in defaults. @internal */
export function signalSettings(options: InteractionSignalsOptions): SignalSettings {
  const tags = options.escalationTags ?? DEFAULT_ESCALATION_TAGS;
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
    invalid('scoring options', ['escalationTags'], 'invalid_type', 'must be a list of tags');
  }
  return {
    day: dayOfAsOf(options?.asOf),
    lookbackDays: daysOption(options.lookbackDays, 365, 'lookbackDays'),
    replyGraceDays: daysOption(options.replyGraceDays, 7, 'replyGraceDays'),
    escalationTags: tags,
    costs: options.costs === undefined ? undefined : checkCostModel(options.costs),
    cashApplication: options.applyUnallocatedCash ?? 'none',
  };
}

/** Interaction signals from a built ledger and the window's contacts. @internal */
export function interactionSignalsOf(history: CustomerHistory, ledger: Ledger, contacts: Contacts, settings: SignalSettings): InteractionSignals {
  const { startDay, day } = contacts;
  let invoices = 0;
  for (const invoice of ledger.invoices) if (invoice.issuedDay >= startDay && invoice.issuedDay <= day) invoices++;
  let billingQueries = 0;
  for (const { facts } of contacts.interactions) if (facts.purpose === 'billing_query') billingQueries++;
  const signals: InteractionSignals = {
    asOf: isoDateOfDay(day),
    window: { from: isoDateOfDay(startDay), to: isoDateOfDay(day), days: day - startDay + 1 },
    invoices,
    disputes: disputeSignalsOf(ledger, history.disputes ?? [], contacts),
    billingQueries: { count: billingQueries, perInvoice: invoices === 0 ? null : billingQueries / invoices },
    reminders: reminderSignalsOf(ledger, contacts),
    promises: promiseSignalsOf(history.promises ?? [], ledger.receipts, startDay, day),
    customerResponse: customerResponseOf(contacts, settings.replyGraceDays),
    ourFirstResponse: ourResponseOf(contacts),
    resolution: resolutionSignalsOf(contacts),
    escalations: escalationSignalsOf(contacts, settings.escalationTags),
    contact: contactSignalsOf(contacts),
    channelMix: channelMixOf(contacts),
  };
  return settings.costs === undefined ? signals : { ...signals, costToServe: costToServeOf(contacts, settings.costs) };
}

/**
 * Interaction signals of one customer over the last `lookbackDays` up to `asOf`: disputes and the
 * disputed share of billing, billing queries per invoice, payment reminders sent before payment,
 * promise-to-pay keeping, the customer's response latency, our first-response and resolution
 * times, escalations, recency, frequency and channel mix of contact, and the cost to serve.
 *
 * @example
 * ```ts
 * import { interactionSignals } from 'touchlog';
 *
 * const signals = interactionSignals(history, {
 *   asOf: '2026-06-30T00:00:00Z',
 *   costs: { currency: 'USD', perContact: { email: 50, phone: 300 }, perMinute: { phone: 120 } },
 * });
 * signals.promises.keptRatio       // e.g. 0.75
 * signals.reminders.perPaidInvoice // reminders it took per invoice paid
 * signals.costToServe?.total       // { amountMinor: 12_340, currency: 'USD' }
 * ```
 */
export function interactionSignals(history: CustomerHistory, options: InteractionSignalsOptions): InteractionSignals {
  const settings = signalSettings(options);
  const ledger = buildLedger(history, settings.day, settings.cashApplication);
  const contacts = contactsOf(history, settings.day - settings.lookbackDays + 1, settings.day);
  return interactionSignalsOf(history, ledger, contacts, settings);
}
