/**
 * Response times: how fast the customer answers us, and how fast we answer the customer.
 *
 * A reply is the first later message from the other side in the same conversation: a message
 * whose `inReplyTo` or `references` name the message (RFC 5322), or one in the same thread
 * (`threadId`) or the same interaction (`interactionId`).
 *
 * @module
 */
import type { NotificationType } from '../models/communication.js';
import type { Channel } from '../models/interaction.js';
import type { Contacts, TimedMessage } from './contacts.js';
import { MS_PER_DAY } from './days.js';
import { summariseDurations, type DurationSummary } from './stats.js';
import type { MessageFacts } from './types.js';

/** Notifications that do not call for an answer: their silence says nothing. */
const NO_REPLY_EXPECTED: ReadonlySet<NotificationType> = new Set(['invoice_notice', 'payment_confirmation', 'statement', 'credit_note_notice']);

/** Channels where the contact itself is the answer (the customer was on the line). */
const LIVE_CHANNELS: ReadonlySet<Channel> = new Set(['phone', 'meeting']);

/**
 * `true` for an outbound message that calls for an answer from the customer: not an automated
 * notice (invoice notice, payment confirmation, statement, credit note notice) and not undelivered
 * (bounced or failed).
 *
 * @example
 * ```ts
 * expectsReply({ channel: 'email', direction: 'outbound', sentAt: '2026-03-01T00:00:00Z', notificationType: 'payment_reminder' }) // true
 * expectsReply({ channel: 'email', direction: 'outbound', sentAt: '2026-03-01T00:00:00Z', notificationType: 'statement' })        // false
 * ```
 */
export function expectsReply(message: MessageFacts): boolean {
  if (message.direction !== 'outbound') return false;
  if (message.notificationType !== undefined && NO_REPLY_EXPECTED.has(message.notificationType)) return false;
  const status = message.delivery?.status;
  return status !== 'bounced' && status !== 'failed';
}

/** How fast the customer answers our messages. */
export interface CustomerResponse extends DurationSummary {
  /** Our messages calling for an answer that are older than the grace period (their silence counts). */
  readonly expected: number;
  /** Of those, answered by `asOf`. */
  readonly answered: number;
  readonly unanswered: number;
  /** `answered ÷ expected`; `null` when nothing was expected. */
  readonly answeredShare: number | null;
}

/** How fast we answer the customer. */
export interface OurResponse extends DurationSummary {
  /** Requests (inbound interactions and inbound messages outside interactions) not answered by `asOf`. */
  readonly awaiting: number;
}

/** Index of messages by the conversations they belong to, each list in time order. */
class ReplyIndex {
  /** By the message ids a message replies to (`inReplyTo`, `references`). */
  private readonly byReference = new Map<string, number[]>();
  private readonly byThread = new Map<string, number[]>();
  private readonly byInteraction = new Map<string, number[]>();

  add(message: TimedMessage): void {
    const f = message.facts;
    if (f.inReplyTo !== undefined) push(this.byReference, f.inReplyTo, message.ms);
    if (f.references !== undefined) for (const ref of f.references) if (ref !== f.inReplyTo) push(this.byReference, ref, message.ms);
    if (f.threadId !== undefined) push(this.byThread, f.threadId, message.ms);
    if (f.interactionId !== undefined) push(this.byInteraction, f.interactionId, message.ms);
  }

  /** First message of the interaction strictly after `ms`, or Infinity. */
  inInteractionAfter(interactionId: string, ms: number): number {
    return firstAfter(this.byInteraction.get(interactionId), ms);
  }

  /** First reply to a message (by reference, thread or interaction), or Infinity. */
  replyTo(facts: MessageFacts, ms: number): number {
    let first = Infinity;
    if (facts.messageId !== undefined) first = Math.min(first, firstAfter(this.byReference.get(facts.messageId), ms));
    if (facts.threadId !== undefined) first = Math.min(first, firstAfter(this.byThread.get(facts.threadId), ms));
    if (facts.interactionId !== undefined) first = Math.min(first, firstAfter(this.byInteraction.get(facts.interactionId), ms));
    return first;
  }
}

function push(map: Map<string, number[]>, key: string, ms: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [ms]);
  else list.push(ms); // messages are added in time order
}

/** The first instant in a sorted list strictly after `ms`, or Infinity. */
function firstAfter(list: number[] | undefined, ms: number): number {
  if (list === undefined) return Infinity;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo]! : Infinity;
}

/** Customer response latency to our messages. @internal */
export function customerResponseOf(contacts: Contacts, graceDays: number): CustomerResponse {
  const inbound = new ReplyIndex();
  for (const message of contacts.messages) if (message.facts.direction === 'inbound') inbound.add(message);
  const latencies: number[] = [];
  let expected = 0;
  let answeredOld = 0;
  const graceLimit = (contacts.day - graceDays + 1) * MS_PER_DAY;
  for (const { facts, ms } of contacts.messages) {
    if (!expectsReply(facts)) continue;
    const reply = inbound.replyTo(facts, ms);
    const answered = reply !== Infinity;
    if (answered) latencies.push(reply - ms);
    if (ms < graceLimit) {
      expected++;
      if (answered) answeredOld++;
    }
  }
  const summary = summariseDurations(latencies);
  return {
    count: summary.count,
    meanHours: summary.meanHours,
    medianHours: summary.medianHours,
    p90Hours: summary.p90Hours,
    expected,
    answered: answeredOld,
    unanswered: expected - answeredOld,
    answeredShare: expected === 0 ? null : answeredOld / expected,
  };
}

/**
 * Our first-response time: for each inbound interaction (a case the customer opened), the time to
 * our first outbound message in it, 0 on a live channel (phone, meeting); for each inbound message
 * outside an interaction, the time to our first reply. @internal
 */
export function ourResponseOf(contacts: Contacts): OurResponse {
  const outbound = new ReplyIndex();
  for (const message of contacts.messages) if (message.facts.direction === 'outbound') outbound.add(message);
  const latencies: number[] = [];
  let awaiting = 0;
  for (const { facts, ms } of contacts.interactions) {
    if (facts.direction !== 'inbound') continue;
    if (LIVE_CHANNELS.has(facts.channel)) {
      latencies.push(0);
      continue;
    }
    const first = facts.id === undefined ? Infinity : outbound.inInteractionAfter(facts.id, ms - 1);
    if (first === Infinity) awaiting++;
    else latencies.push(first - ms);
  }
  for (const { facts, ms } of contacts.messages) {
    if (facts.direction !== 'inbound' || facts.interactionId !== undefined) continue;
    const first = outbound.replyTo(facts, ms);
    if (first === Infinity) awaiting++;
    else latencies.push(first - ms);
  }
  const summary = summariseDurations(latencies);
  return { count: summary.count, meanHours: summary.meanHours, medianHours: summary.medianHours, p90Hours: summary.p90Hours, awaiting };
}
