import { z } from 'zod';
import { CustomerRefSchema, FinancialLinksSchema, SourceRefSchema, storedFields } from './common.js';
import { inputKinds, storedKinds, type FieldKinds } from './kinds.js';
import { LIMITS } from './limits.js';
import { CustomerIdSchema, FollowUpIdSchema, InteractionIdSchema, shortText, TagsSchema, text } from './primitives.js';

export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

const followUpShape = <K extends FieldKinds>(k: K) => ({
  /** The interaction this follow-up continues, if any. */
  interactionId: InteractionIdSchema.optional(),
  /** What has to be done, e.g. "Call back about INV-1042 once the credit note is issued". */
  action: text(LIMITS.text),
  dueAt: k.instant,
  /** Who has to do it: an agent, a team or a queue. */
  assignee: shortText().optional(),
  status: z.enum(FOLLOW_UP_STATUSES),
  completedAt: k.instant.optional(),
  completedBy: shortText().optional(),
  note: text(LIMITS.text).optional(),
  source: SourceRefSchema.optional(),
  links: FinancialLinksSchema,
  tags: TagsSchema,
});

const inputShape = followUpShape(inputKinds);

/**
 * What callers pass to create a follow-up. Name the customer, or the interaction (whose customer
 * the follow-up then belongs to), or both.
 */
export const FollowUpInputSchema = z
  .strictObject({
    customer: CustomerRefSchema.optional(),
    ...inputShape,
    status: inputShape.status.default('open'),
    links: inputShape.links.default([]),
    tags: inputShape.tags.default([]),
  })
  .check((ctx) => {
    if (ctx.value.customer === undefined && ctx.value.interactionId === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: ['customer'],
        message: 'is required when no interactionId is given',
        params: { code: 'required' },
      });
    }
  });
export type FollowUpInput = z.input<typeof FollowUpInputSchema>;
export type ValidFollowUpInput = z.output<typeof FollowUpInputSchema>;

/** What callers pass to `followUps.update`. Status changes through complete / cancel / reopen. */
export const FollowUpPatchSchema = z
  .strictObject(inputShape)
  .omit({ source: true, status: true, completedAt: true, completedBy: true, interactionId: true })
  .partial();
export type FollowUpPatch = z.input<typeof FollowUpPatchSchema>;

/** A follow-up as stored and returned. */
export const FollowUpSchema = z.object({
  id: FollowUpIdSchema,
  ...storedFields,
  customerId: CustomerIdSchema,
  ...followUpShape(storedKinds),
});
export type FollowUp = z.output<typeof FollowUpSchema>;
