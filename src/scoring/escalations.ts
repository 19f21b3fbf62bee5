/**
 * Escalations.
 *
 * touchlog's definition: an interaction is an escalation when its outcome code is `escalated`, or
 * when it carries an escalation tag (`escalated` or `escalation` by default, compared without
 * case). Priority `urgent` alone is not an escalation: priority is set when a case comes in (often
 * by a routing rule) and says how fast to act, not that the case had to go up a level; urgent
 * interactions are counted apart.
 *
 * @module
 */
import type { Contacts } from './contacts.js';
import type { InteractionFacts } from './types.js';

/** Tags that mark an escalation by default. */
export const DEFAULT_ESCALATION_TAGS: readonly string[] = Object.freeze(['escalated', 'escalation']);

/**
 * `true` when an interaction is an escalation: outcome `escalated`, or an escalation tag.
 *
 * @example
 * ```ts
 * isEscalation({ channel: 'phone', direction: 'inbound', purpose: 'complaint', occurredAt: '2026-03-01T09:00:00Z', outcome: { code: 'escalated' } }) // true
 * isEscalation({ channel: 'email', direction: 'inbound', purpose: 'dispute', occurredAt: '2026-03-01T09:00:00Z', tags: ['Escalation'] })             // true
 * isEscalation({ channel: 'email', direction: 'inbound', purpose: 'dispute', occurredAt: '2026-03-01T09:00:00Z', priority: 'urgent' })              // false
 * ```
 */
export function isEscalation(interaction: InteractionFacts, tags: readonly string[] = DEFAULT_ESCALATION_TAGS): boolean {
  if (interaction.outcome?.code === 'escalated') return true;
  if (interaction.tags === undefined || interaction.tags.length === 0) return false;
  for (const tag of interaction.tags) {
    const lower = tag.toLowerCase();
    for (const wanted of tags) if (lower === wanted.toLowerCase()) return true;
  }
  return false;
}

/** Escalations of the window. */
export interface EscalationSignals {
  readonly count: number;
  /** `count ÷ interactions of the window` (internal notes left out); `null` without interactions. */
  readonly perInteraction: number | null;
  /** Interactions of priority `urgent` (not escalations by themselves). */
  readonly urgent: number;
}

/** Escalation signals of the window. @internal */
export function escalationSignalsOf(contacts: Contacts, tags: readonly string[]): EscalationSignals {
  let count = 0;
  let urgent = 0;
  let interactions = 0;
  for (const { facts } of contacts.interactions) {
    if (facts.direction === 'internal') continue;
    interactions++;
    if (isEscalation(facts, tags)) count++;
    if (facts.priority === 'urgent') urgent++;
  }
  return { count, perInteraction: interactions === 0 ? null : count / interactions, urgent };
}
