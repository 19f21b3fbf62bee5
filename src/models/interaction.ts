import { z } from 'zod';
import {
  ClassificationNoteSchema,
  CustomerRefSchema,
  lineageFields,
  FinancialLinksSchema,
  ParticipantSchema,
  PRIORITIES,
  SourceRefSchema,
  storedFields,
} from './common.js';
import { inputKinds, storedKinds, type FieldKinds } from './kinds.js';
import { LIMITS } from './limits.js';
import { CustomerIdSchema, InteractionIdSchema, MetadataSchema, shortText, TagsSchema, text } from './primitives.js';

export const CHANNELS = ['email', 'phone', 'chat', 'sms', 'portal', 'meeting', 'letter', 'social', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const PURPOSES = [
  'inquiry',
  'complaint',
  'billing_query',
  'dispute',
  'payment_reminder',
  'payment_promise',
  'payment_confirmation',
  'onboarding',
  'kyc',
  'credit_review',
  'collections',
  'restructuring',
  'renewal',
  'support',
  'sales',
  'notification',
  'other',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const INTERACTION_STATUSES = ['open', 'pending', 'resolved', 'closed', 'cancelled'] as const;
export type InteractionStatus = (typeof INTERACTION_STATUSES)[number];

/** How an interaction ended. */
export const OUTCOME_CODES = [
  'resolved',
  'credit_issued',
  'corrected_invoice_issued',
  'refund_issued',
  'payment_promised',
  'payment_received',
  'payment_plan_agreed',
  'escalated',
  'written_off',
  'no_action',
  'duplicate',
  'customer_unreachable',
  'other',
] as const;
export type OutcomeCode = (typeof OUTCOME_CODES)[number];

const outcomeShape = <K extends FieldKinds>(k: K) => ({
  code: z.enum(OUTCOME_CODES),
  note: text(LIMITS.text).optional(),
  resolvedAt: k.instant.optional(),
  /** Who resolved it: an agent name, a user id or a service account. */
  resolvedBy: shortText().optional(),
});

/** The result of an interaction, set when it is resolved. */
export const OutcomeInputSchema = z.strictObject(outcomeShape(inputKinds));
export type OutcomeInput = z.input<typeof OutcomeInputSchema>;
export type Outcome = z.output<typeof OutcomeInputSchema>;

const interactionShape = <K extends FieldKinds>(k: K) => ({
  channel: z.enum(CHANNELS),
  direction: z.enum(DIRECTIONS),
  purpose: z.enum(PURPOSES),
  subject: text(LIMITS.subject).optional(),
  summary: text(LIMITS.text).optional(),
  /** When the interaction happened. The timeline orders by this instant. */
  occurredAt: k.instant,
  durationSeconds: z.int().min(0).max(7 * 24 * 3600).optional(),
  participants: z.array(ParticipantSchema).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} participants`),
  source: SourceRefSchema.optional(),
  status: z.enum(INTERACTION_STATUSES),
  outcome: z.strictObject(outcomeShape(k)).optional(),
  links: FinancialLinksSchema,
  tags: TagsSchema,
  priority: z.enum(PRIORITIES),
  metadata: MetadataSchema.optional(),
});

const inputShape = interactionShape(inputKinds);

/** What callers pass to record an interaction. */
export const InteractionInputSchema = z.strictObject({
  customer: CustomerRefSchema,
  ...inputShape,
  /** `other` when not given; a configured classifier may then decide it. */
  purpose: inputShape.purpose.default('other'),
  participants: inputShape.participants.default([]),
  status: inputShape.status.default('open'),
  links: inputShape.links.default([]),
  tags: inputShape.tags.default([]),
  priority: inputShape.priority.default('normal'),
});
export type InteractionInput = z.input<typeof InteractionInputSchema>;
export type ValidInteractionInput = z.output<typeof InteractionInputSchema>;

/**
 * What callers pass to `interactions.update`. Status and outcome change through
 * `interactions.transition()` (the state machine), the customer through a customer merge.
 */
export const InteractionPatchSchema = z
  .strictObject(inputShape)
  .omit({ source: true, status: true, outcome: true })
  .partial();
export type InteractionPatch = z.input<typeof InteractionPatchSchema>;

/** An interaction as stored and returned. */
export const InteractionSchema = z.object({
  id: InteractionIdSchema,
  ...storedFields,
  customerId: CustomerIdSchema,
  ...interactionShape(storedKinds),
  classification: ClassificationNoteSchema.optional(),
  ...lineageFields,
});
export type Interaction = z.output<typeof InteractionSchema>;
