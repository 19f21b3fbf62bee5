/**
 * Payment reminders, and how many it takes before the customer pays.
 *
 * @module
 */
import type { NotificationType } from '../models/communication.js';
import type { Contacts } from './contacts.js';
import { MS_PER_DAY } from './days.js';
import type { Ledger } from './ledger.js';
import type { InteractionFacts, MessageFacts } from './types.js';

const REMINDER_NOTIFICATIONS: ReadonlySet<NotificationType> = new Set(['payment_reminder', 'dunning_letter']);

/**
 * `true` for a payment reminder we sent: an outbound message whose notification type is
 * `payment_reminder` or `dunning_letter`.
 *
 * @example
 * ```ts
 * isReminderMessage({ channel: 'email', direction: 'outbound', sentAt: '2026-03-01T00:00:00Z', notificationType: 'dunning_letter' }) // true
 * ```
 */
export function isReminderMessage(message: MessageFacts): boolean {
  return message.direction === 'outbound' && message.notificationType !== undefined && REMINDER_NOTIFICATIONS.has(message.notificationType);
}

/**
 * `true` for a payment reminder we made as an interaction: outbound, purpose `payment_reminder`.
 *
 * @example
 * ```ts
 * isReminderInteraction({ channel: 'phone', direction: 'outbound', purpose: 'payment_reminder', occurredAt: '2026-03-01T09:00:00Z' }) // true
 * ```
 */
export function isReminderInteraction(interaction: InteractionFacts): boolean {
  return interaction.direction === 'outbound' && interaction.purpose === 'payment_reminder';
}

/** Reminders of the window and how they relate to payment. */
export interface ReminderSignals {
  /** Reminders sent in the window (a message inside a reminder interaction counts once, as the interaction). */
  readonly sent: number;
  /** Invoices paid in full by cash in the window. */
  readonly paidInvoices: number;
  /** Reminders linked to those invoices and sent before the payment that completed them. */
  readonly remindersBeforePayment: number;
  /** `remindersBeforePayment ÷ paidInvoices`; `null` without paid invoices. */
  readonly perPaidInvoice: number | null;
  /** Share of the paid invoices paid without any reminder; `null` without paid invoices. */
  readonly paidWithoutReminderShare: number | null;
  /** Invoices open at `asOf` that were sent at least one reminder. */
  readonly openInvoicesReminded: number;
}

/** Reminder signals of a ledger and the window's contacts. @internal */
export function reminderSignalsOf(ledger: Ledger, contacts: Contacts): ReminderSignals {
  const reminderInteractions = new Set<string>();
  const byInvoice = new Map<string, number[]>();
  let sent = 0;
  const note = (ms: number, links: InteractionFacts['links']) => {
    if (links === undefined) return;
    for (const link of links) {
      if (link.kind !== 'invoice') continue;
      const list = byInvoice.get(link.ref);
      if (list === undefined) byInvoice.set(link.ref, [ms]);
      else list.push(ms);
    }
  };
  for (const { facts, ms } of contacts.interactions) {
    if (!isReminderInteraction(facts)) continue;
    sent++;
    if (facts.id !== undefined) reminderInteractions.add(facts.id);
    note(ms, facts.links);
  }
  for (const { facts, ms } of contacts.messages) {
    if (!isReminderMessage(facts)) continue;
    if (facts.interactionId !== undefined && reminderInteractions.has(facts.interactionId)) continue;
    sent++;
    note(ms, facts.links);
  }
  let paidInvoices = 0;
  let before = 0;
  let withoutReminder = 0;
  let openReminded = 0;
  const startMs = contacts.startDay * MS_PER_DAY;
  for (const invoice of ledger.invoices) {
    const reminders = byInvoice.get(invoice.ref);
    if (invoice.open > 0) {
      if (reminders !== undefined && !invoice.writtenOff) openReminded++;
      continue;
    }
    const settled = invoice.settledMs;
    if (!(settled >= startMs)) continue; // NaN (not paid by cash) or paid before the window
    paidInvoices++;
    let n = 0;
    if (reminders !== undefined) for (const ms of reminders) if (ms < settled) n++;
    before += n;
    if (n === 0) withoutReminder++;
  }
  return {
    sent,
    paidInvoices,
    remindersBeforePayment: before,
    perPaidInvoice: paidInvoices === 0 ? null : before / paidInvoices,
    paidWithoutReminderShare: paidInvoices === 0 ? null : withoutReminder / paidInvoices,
    openInvoicesReminded: openReminded,
  };
}
