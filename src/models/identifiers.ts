import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { SystemNameSchema, text } from './primitives.js';

/**
 * Normalises an email address for matching: trimmed, Unicode NFC, lower case (touchlog treats the
 * whole address case-insensitively, as every major mail provider does in practice).
 * Returns `undefined` when the value is not an email address (see {@link isEmailAddress}).
 *
 * @example
 * ```ts
 * normaliseEmail(' AP@Northwind.Example ')         // 'ap@northwind.example'
 * normaliseEmail("`the.lusercop'@lusercop.net")    // "`the.lusercop'@lusercop.net"
 * normaliseEmail('"john q. public"@example.com')   // '"john q. public"@example.com'
 * normaliseEmail('not an address')                 // undefined
 * ```
 */
export function normaliseEmail(value: string): string | undefined {
  const email = value.trim().normalize('NFC').toLowerCase();
  return isEmailAddress(email) ? email : undefined;
}

// RFC 5322 atext (letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~) plus, as RFC 6531
// allows, any non-ASCII character that is not a control or a space.
const ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\u00A0-\\u2027\\u202A-\\uFFFF";
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
/** A quoted local part: printable ASCII (and non-ASCII) but `"` and `\`, which only come escaped. */
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5B\x5D-\x7E\u00A0-\u2027\u202A-\uFFFF]|\\[\x20-\x7E])*"$/;
/** A host name label: letters, digits and inner hyphens (non-ASCII letters for IDNs), at most 63. */
const LABEL = /^[A-Za-z0-9\u00A0-\u2027\u202A-\uFFFF](?:[A-Za-z0-9\u00A0-\u2027\u202A-\uFFFF-]{0,61}[A-Za-z0-9\u00A0-\u2027\u202A-\uFFFF])?$/;
/** A domain literal: `[192.0.2.1]`, `[IPv6:2001:db8::1]`. */
const DOMAIN_LITERAL = /^\[[\x21-\x5A\x5E-\x7E]+\]$/;
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007F-\u009F\u2028\u2029]/;

/**
 * Whether `value` is an email address (an RFC 5322 addr-spec, as it stands between `<` and `>`):
 * a local part that is a dot-atom of atext — which includes `` ` ' { } | ~ ! # $ % & * + / = ? ^ ``
 * — or a quoted string (`"john q. public"`), an `@`, and a domain of at least two host name labels
 * (the last not all digits) or a domain literal (`[192.0.2.1]`). Non-ASCII letters are allowed
 * (RFC 6531). Comments, display names and white space outside quotes are not part of an address.
 */
export function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || value.length > LIMITS.address) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.startsWith('"') ? !QUOTED_STRING.test(local) : CONTROL_OR_SPACE.test(local) || !DOT_ATOM.test(local)) return false;
  if (domain.startsWith('[')) return DOMAIN_LITERAL.test(domain);
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1]!);
}

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
