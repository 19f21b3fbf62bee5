import { randomFillSync } from 'node:crypto';
import { sha256 } from './sha256.js';

/**
 * Binding stored records to the audit trail. Every entry that writes a record keeps a digest of
 * the state it wrote: SHA-256 over the row's salt, the customer the record was recorded for and
 * the record's document, byte for byte as stored. `audit.verify()` recomputes it from each live
 * record and compares it with the record's last entry, so a record edited, replaced, deleted or
 * inserted behind the library's back is found.
 *
 * The salt is random and lives only on the row: once a version of a record is replaced (an
 * update, an erasure), the digest of the old version in the trail can no longer be used to
 * confirm a guess of what that version said.
 */

/** Salts drawn 1 024 at a time: one call to the random source per record costs more than the digest. */
const SALT_BYTES = 12;
const saltPool = Buffer.alloc(SALT_BYTES * 1024);
let saltOffset = saltPool.length;

/** A new random salt: 16 characters of base64url (96 bits). */
export function newSalt(): string {
  if (saltOffset === saltPool.length) {
    randomFillSync(saltPool);
    saltOffset = 0;
  }
  const salt = saltPool.toString('base64url', saltOffset, saltOffset + SALT_BYTES);
  saltOffset += SALT_BYTES;
  return salt;
}

/** The digest of one stored state of a record, base64url. */
export function stateDigest(salt: string, homeCustomerId: string, document: string): string {
  return sha256(`${salt}\n${homeCustomerId}\n${document}`, 'base64url');
}
