import { z } from 'zod';
import { LIMITS } from './limits.js';
import { MoneySchema } from './money.js';
import { CustomerIdSchema, headerText, StoredInstantSchema, SystemNameSchema, text } from './primitives.js';
import { CustomerIdentifierSchema } from './identifiers.js';

/**
 * Where a record came from. `(system, externalId)` is the record's source key: recording the same
 * source key again never creates a duplicate. `version` orders revisions of the same source record
 * (the source's revision number or last-modified time in epoch milliseconds): a higher version
 * updates the stored record, a lower one is ignored and reported.
 */
export const SourceRefSchema = z.strictObject({
  system: SystemNameSchema,
  externalId: text(LIMITS.ref),
  url: z.url({ error: 'must be an absolute URL' }).max(LIMITS.url, `must have at most ${LIMITS.url} characters`).optional(),
  version: z.int().min(0, 'must not be negative').optional(),
});
export type SourceRefInput = z.input<typeof SourceRefSchema>;
export type SourceRef = z.output<typeof SourceRefSchema>;

/**
 * How a record names its customer: by touchlog id, or by any identifier the customer is known by
 * (email, phone, or an external id in another system), resolved when the record is stored.
 */
export const CustomerRefSchema = z.union(
  [z.strictObject({ id: CustomerIdSchema }), CustomerIdentifierSchema],
  {
    error:
      'must name the customer: { id } or an identifier such as { type: "email", value } or { type: "external", system, value }',
  },
);
export type CustomerRefInput = z.input<typeof CustomerRefSchema>;
export type CustomerRef = z.output<typeof CustomerRefSchema>;

export const FINANCIAL_LINK_KINDS = [
  'invoice',
  'payment',
  'credit_note',
  'dispute',
  'refund',
  'contract',
  'quote',
  'payment_plan',
  'payment_promise',
  'letter_of_credit',
  'consideration_payable',
] as const;
export type FinancialLinkKind = (typeof FINANCIAL_LINK_KINDS)[number];

export const FINANCIAL_LINK_ROLES = ['subject', 'resolves', 'disputes', 'references'] as const;
export type FinancialLinkRole = (typeof FINANCIAL_LINK_ROLES)[number];

/**
 * A link from an interaction, message or follow-up to a financial document. Reverse lookups
 * ("everything about invoice INV-1042") match on `kind` and `ref`.
 */
export const FinancialLinkSchema = z.strictObject({
  kind: z.enum(FINANCIAL_LINK_KINDS),
  ref: text(LIMITS.ref),
  system: SystemNameSchema.optional(),
  amount: MoneySchema.optional(),
  /** How the record relates to the document; `subject` when not given. */
  role: z.enum(FINANCIAL_LINK_ROLES).default('subject'),
});
export type FinancialLinkInput = z.input<typeof FinancialLinkSchema>;
export type FinancialLink = z.output<typeof FinancialLinkSchema>;

export const FinancialLinksSchema = z
  .array(FinancialLinkSchema)
  .max(LIMITS.listItems, `must have at most ${LIMITS.listItems} links`);

export const PARTICIPANT_ROLES = ['customer', 'agent', 'system'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** Someone who took part in an interaction. Names and addresses refuse control characters (line breaks...). */
export const ParticipantSchema = z.strictObject({
  role: z.enum(PARTICIPANT_ROLES),
  name: headerText(LIMITS.shortText, { allowTab: true }).optional(),
  /** Email address, phone number, chat handle... */
  address: headerText(LIMITS.address).optional(),
});
export type Participant = z.output<typeof ParticipantSchema>;

/**
 * A name and address on a message (`From`, `To`, `Cc`). Both end up in message headers, so
 * control characters are refused (`ar@seller.example\r\nBcc: victim@x.example` is invalid); a tab
 * is allowed in the name.
 */
export const AddressSchema = z.strictObject({
  address: headerText(LIMITS.address),
  name: headerText(LIMITS.shortText, { allowTab: true }).optional(),
});
export type Address = z.output<typeof AddressSchema>;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * Fields every stored record has. `createdAt` is when touchlog learned of the record, which for
 * imported history is later than when it happened (`occurredAt`, `sentAt`, `issuedAt`...).
 */
export const storedFields = {
  /** 1 when created, +1 on every change. Pass it back as `expectedVersion` to update safely. */
  version: z.int().min(1),
  createdAt: StoredInstantSchema,
  updatedAt: StoredInstantSchema,
};

/** Which classifier set a record's purpose, tags or priority, and why (see `ruleClassifier`). */
export const ClassificationNoteSchema = z.object({
  classifier: z.string(),
  reasons: z.array(z.object({ rule: z.string(), because: z.string() })),
});
export type ClassificationNote = z.output<typeof ClassificationNoteSchema>;

/**
 * Another system's copy of the same event, folded into the record that shows on the timeline
 * (see the store's cross-source de-duplication).
 */
export const MergedCopySchema = z.object({
  id: z.string(),
  system: z.string().optional(),
  externalId: z.string().optional(),
  matchedBy: z.enum(['messageId', 'fingerprint']),
});

/** Fields of interactions and messages that cross-source de-duplication sets. */
export const lineageFields = {
  /** Set on a copy: the record that stands for the same event on the timeline. */
  duplicateOf: z.string().optional(),
  /** Set on the record that stands for the event: the copies other systems sent. */
  mergedFrom: z.array(MergedCopySchema).optional(),
};
