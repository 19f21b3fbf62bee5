import { InvalidTransitionError } from '../errors/index.js';
import type { DeliveryStatus } from '../models/communication.js';
import type { DisputeStatus } from '../models/financial-record.js';
import type { FollowUpStatus } from '../models/follow-up.js';
import type { InteractionStatus } from '../models/interaction.js';

/** A state machine: for each status, the statuses it may move to. */
export type StateMachine<S extends string> = { readonly [From in S]: readonly S[] };

/**
 * Interaction (case) lifecycle: `open → pending → resolved → closed`, `cancelled` from any open
 * state, and reopening of resolved, closed and cancelled cases.
 */
export const INTERACTION_TRANSITIONS: StateMachine<InteractionStatus> = {
  open: ['pending', 'resolved', 'cancelled'],
  pending: ['open', 'resolved', 'cancelled'],
  resolved: ['closed', 'open'],
  closed: ['open'],
  cancelled: ['open'],
};

/** Follow-up lifecycle: done or cancelled, and reopened. */
export const FOLLOW_UP_TRANSITIONS: StateMachine<FollowUpStatus> = {
  open: ['done', 'cancelled'],
  done: ['open'],
  cancelled: ['open'],
};

/**
 * Delivery of a message. Statuses only move forward; a late bounce after delivery is allowed
 * (providers report it), and a failed or bounced message can be queued again.
 */
export const DELIVERY_TRANSITIONS: StateMachine<DeliveryStatus> = {
  queued: ['sent', 'failed', 'bounced'],
  sent: ['delivered', 'opened', 'acknowledged', 'replied', 'bounced', 'failed'],
  delivered: ['opened', 'acknowledged', 'replied', 'bounced'],
  opened: ['acknowledged', 'replied'],
  acknowledged: ['replied'],
  replied: [],
  bounced: ['queued'],
  failed: ['queued'],
};

/** Dispute lifecycle: reviewed, then resolved or withdrawn; a resolved dispute can be reopened. */
export const DISPUTE_TRANSITIONS: StateMachine<DisputeStatus> = {
  open: ['under_review', 'resolved', 'withdrawn'],
  under_review: ['open', 'resolved', 'withdrawn'],
  resolved: ['open'],
  withdrawn: ['open'],
};

/** Throws {@link InvalidTransitionError} unless `machine` allows `from → to`. Staying put is allowed. */
export function assertTransition<S extends string>(machine: StateMachine<S>, entity: string, id: string, from: S, to: S): void {
  if (from === to) return;
  const allowed = machine[from] ?? [];
  if (!allowed.includes(to)) throw new InvalidTransitionError(entity, id, from, to, allowed);
}
