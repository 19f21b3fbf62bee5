import { z } from 'zod';
import { AddressSchema, ClassificationNoteSchema, CustomerRefSchema, lineageFields, FinancialLinksSchema, SourceRefSchema, storedFields } from './common.js';
import { CHANNELS, DIRECTIONS } from './interaction.js';
import { inputKinds, storedKinds, type FieldKinds } from './kinds.js';
import { LIMITS } from './limits.js';
import {
  CommunicationIdSchema,
  CustomerIdSchema,
  InteractionIdSchema,
  headerText,
  MetadataSchema,
  shortText,
  TagsSchema,
  text,
} from './primitives.js';

export const DELIVERY_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'opened',
  'acknowledged',
  'replied',
  'bounced',
  'failed',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const NOTIFICATION_TYPES = [
  'invoice_notice',
  'payment_reminder',
  'payment_confirmation',
  'statement',
  'dunning_letter',
  'credit_note_notice',
  'dispute_update',
  'payment_plan_notice',
  'kyc_request',
  'other',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Metadata of an attachment. touchlog keeps the description, not the file. */
export const AttachmentSchema = z.strictObject({
  /** The file name (a header parameter in mail: no control characters). */
  name: headerText(LIMITS.shortText, { allowTab: true }),
  mediaType: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as "application/pdf"'),
  size: z.int().min(0),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest in lower-case hex (64 characters)')
    .optional(),
  uri: z.string().max(LIMITS.url).optional(),
});
export type Attachment = z.output<typeof AttachmentSchema>;

const deliveryEventShape = <K extends FieldKinds>(k: K) => ({
  status: z.enum(DELIVERY_STATUSES),
  at: k.instant,
  detail: text(LIMITS.shortText).optional(),
});

const communicationShape = <K extends FieldKinds>(k: K) => ({
  /** The interaction (case) this message belongs to, if any. */
  interactionId: InteractionIdSchema.optional(),
  channel: z.enum(CHANNELS),
  direction: z.enum(DIRECTIONS),
  from: AddressSchema.optional(),
  to: z.array(AddressSchema).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} recipients`),
  cc: z.array(AddressSchema).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} recipients`),
  /** The subject line: one line (control characters other than a tab are refused). */
  subject: headerText(LIMITS.subject, { min: 0, allowTab: true }).optional(),
  /** The message as plain text. */
  body: text(LIMITS.body, 0).optional(),
  attachments: z.array(AttachmentSchema).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} attachments`),
  /** When the message was sent (or received, for inbound). The timeline orders by this instant. */
  sentAt: k.instant,
  messageId: k.messageId.optional(),
  inReplyTo: k.messageId.optional(),
  references: z.array(k.messageId).max(LIMITS.references, `must have at most ${LIMITS.references} entries`),
  notificationType: z.enum(NOTIFICATION_TYPES).optional(),
  source: SourceRefSchema.optional(),
  links: FinancialLinksSchema,
  tags: TagsSchema,
  metadata: MetadataSchema.optional(),
});

const inputShape = communicationShape(inputKinds);

/**
 * What callers pass to record a message. `customer` may be left out: the customer is then resolved
 * from the addresses of the other party (`from` for inbound, `to`/`cc` for outbound).
 */
export const CommunicationInputSchema = z.strictObject({
  customer: CustomerRefSchema.optional(),
  ...inputShape,
  to: inputShape.to.default([]),
  cc: inputShape.cc.default([]),
  attachments: inputShape.attachments.default([]),
  references: inputShape.references.default([]),
  links: inputShape.links.default([]),
  tags: inputShape.tags.default([]),
  /** Current delivery status; `sent` when not given. */
  deliveryStatus: z.enum(DELIVERY_STATUSES).default('sent'),
  /** The conversation the message belongs to, e.g. a `threadConversations()` thread id. */
  threadId: shortText().optional(),
});
export type CommunicationInput = z.input<typeof CommunicationInputSchema>;
export type ValidCommunicationInput = z.output<typeof CommunicationInputSchema>;

/**
 * What callers pass to `communications.update`. Delivery status changes through
 * `communications.markDelivery()`.
 */
export const CommunicationPatchSchema = z
  .strictObject({ ...inputShape, threadId: shortText() })
  .omit({ source: true })
  .partial();
export type CommunicationPatch = z.input<typeof CommunicationPatchSchema>;

/** A message as stored and returned. */
export const CommunicationSchema = z.object({
  id: CommunicationIdSchema,
  ...storedFields,
  customerId: CustomerIdSchema,
  ...communicationShape(storedKinds),
  delivery: z.object({
    status: z.enum(DELIVERY_STATUSES),
    /** Every status the message went through, oldest first. */
    history: z.array(z.object(deliveryEventShape(storedKinds))),
  }),
  /** Conversation this message was threaded into (see `threadConversations`). */
  threadId: shortText().optional(),
  classification: ClassificationNoteSchema.optional(),
  ...lineageFields,
});
export type CommunicationRecord = z.output<typeof CommunicationSchema>;
export type DeliveryEvent = CommunicationRecord['delivery']['history'][number];

/** A delivery status change as callers pass it to `communications.markDelivery()`. */
export const DeliveryEventInputSchema = z.strictObject(deliveryEventShape(inputKinds));
export type DeliveryEventInput = z.input<typeof DeliveryEventInputSchema>;
