import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { SystemNameSchema, text } from './primitives.js';

/**
 * Normalises an email address for matching: trimmed, Unicode NFC, lower case (touchlog treats the
 * whole address case-insensitively, as every major mail provider does in practice).
 * Returns `undefined` when the value is not an email address.
 */
export function normaliseEmail(value: string): string | undefined {
  const email = value.trim().normalize('NFC').toLowerCase();
  return emailPattern.test(email) ? email : undefined;
}

// The pattern `z.email()` checks, tested directly: a full parse per identifier only to read `success`
// costs several allocations on a path every email-addressed record takes.
const emailPattern = z.regexes.email;

/**
 * Normalises a phone number to E.164 (`+14155552671`) with libphonenumber-js. Numbers without a
 * country calling code need `defaultCountry`. Returns `undefined` when the value cannot be a phone
 * number.
 *
 * @example
 * ```ts
 * normalisePhone('+1 (415) 555-2671')   // '+14155552671'
 * normalisePhone('020 7946 0958', 'GB') // '+442079460958'
 * ```
 */
export function normalisePhone(value: string, defaultCountry?: CountryCode): string | undefined {
  const phone = parsePhoneNumberFromString(value, defaultCountry);
  return phone?.isPossible() ? phone.number : undefined;
}

const emailIdentifier = z.strictObject({
  type: z.literal('email'),
  value: text(LIMITS.address).transform((value, ctx) => {
    const email = normaliseEmail(value);
    if (email === undefined) {
      ctx.issues.push({ code: 'custom', input: value, message: 'must be an email address', params: { code: 'invalid_email' } });
      return z.NEVER;
    }
    return email;
  }),
});

const phoneIdentifier = z.strictObject({
  type: z.literal('phone'),
  value: text(64).transform((value, ctx) => {
    const phone = normalisePhone(value);
    if (phone === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: 'must be a phone number in international form, e.g. +1 415 555 2671',
        params: { code: 'invalid_phone' },
      });
      return z.NEVER;
    }
    return phone;
  }),
});

const externalIdentifier = z.strictObject({
  type: z.literal('external'),
  /** The system that issued the id, e.g. `crm` or `erp`. */
  system: SystemNameSchema,
  value: text(LIMITS.ref),
});

/**
 * One way a customer is known: an email address (case-insensitive), a phone number (stored in
 * E.164) or an id in another system (`{ type: 'external', system: 'erp', value: 'C-1001' }`).
 * Within a tenant, an identifier belongs to at most one customer.
 */
export const CustomerIdentifierSchema = z.discriminatedUnion('type', [emailIdentifier, phoneIdentifier, externalIdentifier], {
  error: 'must be an identifier: { type: "email" | "phone", value } or { type: "external", system, value }',
});
export type CustomerIdentifierInput = z.input<typeof CustomerIdentifierSchema>;
export type CustomerIdentifier = z.output<typeof CustomerIdentifierSchema>;

/**
 * The key under which an identifier is unique in a tenant: `email:ap@acme.com`,
 * `phone:+14155552671`, `external:erp:C-1001`.
 */
export function identifierKey(identifier: CustomerIdentifier): string {
  return identifier.type === 'external'
    ? `external:${identifier.system}:${identifier.value}`
    : `${identifier.type}:${identifier.value}`;
}

/** An identifier as stored (already normalised; used for the stored model and its JSON Schema). */
export const StoredCustomerIdentifierSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('email'), value: z.string() }),
  z.object({ type: z.literal('phone'), value: z.string() }),
  z.object({ type: z.literal('external'), system: z.string(), value: z.string() }),
]);
