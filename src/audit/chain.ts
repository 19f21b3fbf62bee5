import { createHash } from 'node:crypto';
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

/** A chained entry as stored. */
export type ChainedEntry = UnchainedEntry & { readonly seq: number; readonly prevHash: string; readonly hash: string };

/**
 * The hash of an entry: SHA-256 over the canonical JSON of the tenant and every field of the entry
 * except `hash` itself. Covering the tenant means an entry copied into another tenant's chain
 * does not verify there.
 */
export function hashEntry(tenant: string, entry: Omit<ChainedEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson({ tenant, entry })).digest('hex');
}

/** Appends entries to a chain whose last entry is `head` (or to an empty chain). */
export function chainEntries(
  tenant: string,
  head: { seq: number; hash: string } | undefined,
  entries: readonly UnchainedEntry[],
): ChainedEntry[] {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  return entries.map((entry) => {
    const unhashed = { ...entry, seq: ++seq, prevHash };
    const hash = hashEntry(tenant, unhashed);
    prevHash = hash;
    return { ...unhashed, hash };
  });
}
