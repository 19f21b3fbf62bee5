import { z } from 'zod';
import { SourceRefSchema, storedFields } from './common.js';
import { inputKinds, storedKinds, type FieldKinds } from './kinds.js';
import { LIMITS } from './limits.js';
import { NonNegativeMoneySchema } from './money.js';
import { CustomerIdSchema, MetadataSchema, shortText, StoredInstantSchema, TagsSchema, text } from './primitives.js';

export const KYC_STATUSES = ['pending', 'verified', 'failed', 'expired'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

const kycShape = <K extends FieldKinds>(k: K) => ({
  status: z.enum(KYC_STATUSES),
  verifiedAt: k.instant.optional(),
  lastReviewedAt: k.instant.optional(),
  /** When the next KYC review is due; `customers.kycDue()` lists customers past it. */
  reviewDueAt: k.instant.optional(),
  note: text(LIMITS.text).optional(),
});

/** Credit terms granted to a customer. */
export const CreditTermsSchema = z.strictObject({
  /** Payment terms in days after the invoice date (net 30 → 30). */
  netDays: z.int().min(0).max(3650),
  /** Credit limit. */
  limit: NonNegativeMoneySchema.optional(),
});
export type CreditTerms = z.output<typeof CreditTermsSchema>;

/** A postal address. Personal data: pseudonymised on erasure. */
export const PostalAddressSchema = z.strictObject({
  lines: z.array(shortText()).max(6, 'must have at most 6 lines'),
  city: shortText().optional(),
  region: shortText().optional(),
  postalCode: text(32).optional(),
  /** ISO 3166-1 alpha-2 country code. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "US"').optional(),
});
export type PostalAddress = z.output<typeof PostalAddressSchema>;

const customerShape = <K extends FieldKinds>(k: K) => ({
  displayName: shortText(),
  legalName: shortText().optional(),
  /** Emails, phone numbers and external ids this customer is known by; unique per tenant. */
  identifiers: z.array(k.identifier).max(LIMITS.identifiers, `must have at most ${LIMITS.identifiers} identifiers`),
  address: PostalAddressSchema.optional(),
  kyc: z.strictObject(kycShape(k)).optional(),
  creditTerms: CreditTermsSchema.optional(),
  segment: shortText().optional(),
  tags: TagsSchema,
  attributes: MetadataSchema.optional(),
  source: SourceRefSchema.optional(),
});

const inputShape = customerShape(inputKinds);

/** What callers pass to create a customer. */
export const CustomerInputSchema = z.strictObject({
  ...inputShape,
  identifiers: inputShape.identifiers.default([]),
  tags: inputShape.tags.default([]),
});
export type CustomerInput = z.input<typeof CustomerInputSchema>;
/** A customer input after validation and normalisation. */
export type ValidCustomerInput = z.output<typeof CustomerInputSchema>;

/** What callers pass to `customers.update`: any subset of the fields except `source`. */
export const CustomerPatchSchema = z.strictObject(inputShape).omit({ source: true }).partial();
export type CustomerPatch = z.input<typeof CustomerPatchSchema>;

/** A customer as stored and returned. */
export const CustomerSchema = z.object({
  id: CustomerIdSchema,
  ...storedFields,
  ...customerShape(storedKinds),
  /** Set when this customer was merged into another one; its id stays resolvable as an alias. */
  mergedInto: CustomerIdSchema.optional(),
  /** Set when the customer's personal data was erased. */
  erasedAt: StoredInstantSchema.optional(),
});
export type Customer = z.output<typeof CustomerSchema>;
