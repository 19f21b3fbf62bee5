import { StoredCustomerIdentifierSchema, CustomerIdentifierSchema } from './identifiers.js';
import { z } from 'zod';
import { InstantSchema, MessageIdSchema, StoredInstantSchema } from './primitives.js';

/**
 * Each model's fields are declared once, as a function of the schemas that differ between what
 * callers pass (`Date` or ISO string with any offset, identifiers to normalise) and what is stored
 * (UTC instants, normalised identifiers). The same declaration yields the input schema, the patch
 * schema and the stored schema, so they cannot drift apart.
 */
export const inputKinds = {
  instant: InstantSchema,
  identifier: CustomerIdentifierSchema,
  messageId: MessageIdSchema,
} as const;
export const storedKinds = {
  instant: StoredInstantSchema,
  identifier: StoredCustomerIdentifierSchema,
  messageId: z.string(),
} as const;
export type FieldKinds = typeof inputKinds | typeof storedKinds;
