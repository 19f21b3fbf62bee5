import { sha256 } from './sha256.js';
import type { AuditEntry } from '../models/audit-entry.js';
import { canonicalJson } from './canonical-json.js';
import type { SealedBlock } from './seal.js';

/** `prevHash` of the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** An audit entry before it is chained. */
export type UnchainedEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'> & {
  /** Personal values of this entry, sealed with the data key of `subject` (see `sealChanges`). */
  readonly sealed?: { readonly subject: string } & SealedBlock;
};

/** A chained entry as stored. `v` is 2 for entries hashed over their stored text (see {@link encodeEntry}). */
export type ChainedEntry = UnchainedEntry & { readonly v?: number; readonly seq: number; readonly prevHash: string; readonly hash: string };

/** The format of entries written now: hashed over the exact text stored. */
export const ENTRY_FORMAT = 2;

/** Format-2 hashes: SHA-256, base64url (43 characters). */
const HASH_LENGTH = 43;
/** What is appended after an entry's body: `,"hash":"<hash>"}`. */
const HASH_SUFFIX_LENGTH = ',"hash":""}'.length + HASH_LENGTH;

/**
 * The hash of an entry written before format 2: SHA-256 over the canonical JSON of the tenant and
 * every field of the entry except `hash` itself. Covering the tenant means an entry copied into
 * another tenant's chain does not verify there.
 */
export function hashEntry(tenant: string, entry: Omit<ChainedEntry, 'hash'>): string {
  return sha256(canonicalJson({ tenant, entry }), 'hex');
}

/** The hash of a format-2 entry: SHA-256 over the tenant and the entry's text without its hash. */
export function hashBody(tenant: string, body: string): string {
  return sha256(`${tenant}\n${body}`, 'base64url');
}

/**
 * An entry as stored, chained after `prevHash` at position `seq`. Its body is the entry's JSON
 * (`"v":2` first, then its fields, `seq` and `prevHash`); its hash covers the tenant and that body
 * byte for byte, and is appended to it as a last member. Hashing the stored text, rather than a
 * canonical re-encoding, costs one JSON encoding per entry; adapters store the text as given.
 */
export function encodeEntry(tenant: string, entry: UnchainedEntry, seq: number, prevHash: string): { text: string; hash: string } {
  const body = JSON.stringify(Object.assign({ v: ENTRY_FORMAT }, entry, { seq, prevHash }));
  const hash = hashBody(tenant, body);
  return { text: `${body.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/**
 * Recomputes the hash of a stored entry, by the rule of its format: the text itself for format 2,
 * canonical JSON before. `undefined` when a format-2 text does not end with its hash.
 */
export function recomputeHash(tenant: string, text: string, entry: ChainedEntry): string | undefined {
  if (entry.v === ENTRY_FORMAT) {
    if (typeof entry.hash !== 'string' || entry.hash.length !== HASH_LENGTH || !text.endsWith(`,"hash":"${entry.hash}"}`)) return undefined;
    return hashBody(tenant, `${text.slice(0, text.length - HASH_SUFFIX_LENGTH)}}`);
  }
  const { hash: _hash, ...unhashed } = entry;
  return hashEntry(tenant, unhashed);
}
