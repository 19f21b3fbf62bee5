/**
 * Pseudonymous identifiers for erasure: an identifier that may name the person (a Message-ID with
 * their domain, a CRM key) is replaced by an HMAC of it under a secret of the tenant, so that the
 * same identifier always gives the same pseudonym — a re-delivery of an erased record is still
 * recognised — while the pseudonym says nothing about the original to anyone without the secret.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** What a pseudonymised identifier starts with: `erased:` and 43 characters of base64url. */
export const ERASED_ID_PREFIX = 'erased:';

/** Whether an identifier is a pseudonym that erasure wrote (and must not pseudonymise again). */
export function isErasedId(value: string): boolean {
  return value.startsWith(ERASED_ID_PREFIX);
}

/** A new random pseudonym secret (32 bytes, base64). */
export function newPseudonymSecret(): string {
  return randomBytes(32).toString('base64');
}

/** Turns the identifiers of erased records into pseudonyms. */
export interface Pseudonymiser {
  /**
   * The source key an erased record keeps: `erased:<HMAC-SHA256 of system and externalId>`. The
   * same `(system, externalId)` always gives the same key (and a key that already is a pseudonym
   * is kept as it is), so a later delivery of the erased record from its source is recognised.
   */
  sourceKey(system: string, externalId: string): string;
  /** The thread id erased messages keep: the same for every message of one conversation. */
  threadId(threadId: string): string;
}

/**
 * A {@link Pseudonymiser} keyed by `secret` (base64, see {@link newPseudonymSecret}); the store
 * keeps one per tenant.
 *
 * @example
 * ```ts
 * const pseudonyms = createPseudonymiser(newPseudonymSecret());
 * pseudonyms.sourceKey('mail', 'abc@customer.example') // 'erased:Q2ht…' (43 characters after the prefix)
 * ```
 */
export function createPseudonymiser(secret: string): Pseudonymiser {
  const key = Buffer.from(secret, 'base64');
  const pseudonym = (kind: string, ...parts: string[]) =>
    `${ERASED_ID_PREFIX}${createHmac('sha256', key).update([kind, ...parts].join('\u0000')).digest('base64url')}`;
  return {
    sourceKey: (system, externalId) => (isErasedId(externalId) ? externalId : pseudonym('source', system, externalId)),
    threadId: (threadId) => (isErasedId(threadId) ? threadId : pseudonym('thread', threadId)),
  };
}
