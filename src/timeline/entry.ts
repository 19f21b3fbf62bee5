/**
 * An entry of a customer's timeline as the store returns it, and the kinds of entries. Declared
 * here, with the models, so that the pure timeline functions (items, merging) and the store share
 * one definition without the timeline depending on the store.
 *
 * @module
 */
import type { CommunicationRecord } from '../models/communication.js';
import type { Customer } from '../models/customer.js';
import type { FinancialRecord } from '../models/financial-record.js';
import type { FollowUp } from '../models/follow-up.js';
import type { Interaction } from '../models/interaction.js';

/** Kinds of timeline entries. A record yields one or more (an invoice is issued, then falls due). */
export const TIMELINE_KINDS = [
  'interaction',
  'communication',
  'invoice_issued',
  'invoice_due',
  'payment_received',
  'credit_note_issued',
  'dispute_opened',
  'dispute_resolved',
  'promise_made',
  'promise_due',
  'follow_up_due',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Maps each model to its stored type. */
export interface StoredModels {
  customer: Customer;
  interaction: Interaction;
  communication: CommunicationRecord;
  financialRecord: FinancialRecord;
  followUp: FollowUp;
}

/** One entry of a customer's timeline: something that happened, and the record it comes from. */
export type TimelineEntry = {
  [M in keyof StoredModels]: {
    /** Stable id of the entry (`recordId:kind`); ties at the same instant are ordered by it. */
    readonly id: string;
    /** When it happened (not when touchlog learned of it). */
    readonly at: string;
    readonly kind: TimelineKind;
    readonly model: M;
    readonly record: StoredModels[M];
  };
}[keyof StoredModels];
