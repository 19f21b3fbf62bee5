/**
 * Interactions and messages of the signals window, with their instants parsed once.
 *
 * @internal
 * @module
 */
import { MS_PER_DAY } from './days.js';
import { msOf } from './input.js';
import type { CustomerHistory, InteractionFacts, MessageFacts } from './types.js';

export interface TimedInteraction {
  readonly facts: InteractionFacts;
  readonly ms: number;
  /** Position in the input, for error paths. */
  readonly index: number;
}

export interface TimedMessage {
  readonly facts: MessageFacts;
  readonly ms: number;
}

/** Interactions and messages of the window `[startDay, day]`, in time order. */
export interface Contacts {
  /** First and last UTC day of the window. */
  readonly startDay: number;
  readonly day: number;
  readonly interactions: TimedInteraction[];
  readonly messages: TimedMessage[];
}

const byTime = (a: { ms: number }, b: { ms: number }) => a.ms - b.ms;

/** Picks the interactions and messages of the window and parses their instants. */
export function contactsOf(history: CustomerHistory, startDay: number, day: number): Contacts {
  const from = startDay * MS_PER_DAY;
  const to = (day + 1) * MS_PER_DAY;
  const interactions: TimedInteraction[] = [];
  const source = history.interactions ?? [];
  for (let i = 0; i < source.length; i++) {
    const facts = source[i]!;
    const ms = msOf(facts.occurredAt, 'interactions', i, 'occurredAt');
    if (ms >= from && ms < to) interactions.push({ facts, ms, index: i });
  }
  const messages: TimedMessage[] = [];
  const sent = history.communications ?? [];
  for (let i = 0; i < sent.length; i++) {
    const facts = sent[i]!;
    const ms = msOf(facts.sentAt, 'communications', i, 'sentAt');
    if (ms >= from && ms < to) messages.push({ facts, ms });
  }
  // Time order (ties keep no particular order: everything computed from them is order-free).
  interactions.sort(byTime);
  messages.sort(byTime);
  return { startDay, day, interactions, messages };
}
