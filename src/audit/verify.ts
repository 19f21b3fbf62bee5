import type { AuditRow } from '../adapters/contract.js';
import { GENESIS_HASH, hashEntry, type ChainedEntry } from './chain.js';

/** A digest of a chain: the last entry's position and hash. Keep one outside the database. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** What is wrong with a chain, and where. */
export interface AuditProblem {
  /** The position of the first entry found wrong (for `truncated`, the first missing one). */
  readonly seq: number;
  readonly kind: 'changed' | 'removed' | 'inserted' | 'reordered' | 'truncated';
  readonly message: string;
}

/** Result of `audit.verify()`. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The head of the chain as found. */
  readonly head: AuditHead | undefined;
  /** The first problem found; absent when `ok`. */
  readonly problem?: AuditProblem;
}

/**
 * Walks a tenant's audit rows in `seq` order, recomputing every hash and link, and reports the
 * first entry that was changed, removed, inserted or reordered. With `against` (a head saved
 * earlier), also reports a chain that no longer reaches that head (its tail was cut off) or whose
 * entry at that position is not the one saved.
 */
export async function verifyChain(
  tenant: string,
  rows: AsyncIterable<AuditRow>,
  against?: AuditHead,
): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let head: AuditHead | undefined;
  let anchorChecked = false;
  const iterator = rows[Symbol.asyncIterator]();
  let pending: AuditRow | undefined;
  const next = async () => {
    if (pending) {
      const row = pending;
      pending = undefined;
      return row;
    }
    const result = await iterator.next();
    return result.done ? undefined : result.value;
  };
  const fail = (problem: AuditProblem): AuditVerification => ({ ok: false, entries, head, problem });

  for (let row = await next(); row !== undefined; row = await next()) {
    const entry = row.entry as unknown as ChainedEntry;
    if (typeof entry !== 'object' || entry === null || entry.seq !== row.seq) {
      return fail({ seq: row.seq, kind: 'reordered', message: `the entry stored at position ${row.seq} is not entry ${row.seq}` });
    }
    if (entry.seq !== expectedSeq) {
      if (entry.seq < expectedSeq) {
        return fail({ seq: entry.seq, kind: 'inserted', message: `entry ${entry.seq} appears again after entry ${expectedSeq - 1}` });
      }
      pending = await next();
      if (pending?.seq === expectedSeq) {
        return fail({ seq: expectedSeq, kind: 'reordered', message: `entries ${expectedSeq} and ${entry.seq} are out of order` });
      }
      const last = entry.seq - 1;
      return fail({
        seq: expectedSeq,
        kind: 'removed',
        message: expectedSeq === last ? `entry ${expectedSeq} is missing` : `entries ${expectedSeq} to ${last} are missing`,
      });
    }
    const { hash, ...unhashed } = entry;
    if (hashEntry(tenant, unhashed) !== hash) {
      return fail({ seq: entry.seq, kind: 'changed', message: `entry ${entry.seq} was changed after it was written` });
    }
    if (entry.prevHash !== prevHash) {
      return fail({
        seq: entry.seq,
        kind: 'inserted',
        message: `entry ${entry.seq} does not follow entry ${entry.seq - 1}: it was inserted, or the entry before it was replaced`,
      });
    }
    if (against && entry.seq === against.seq) {
      anchorChecked = true;
      if (hash !== against.hash) {
        return fail({ seq: entry.seq, kind: 'changed', message: `entry ${entry.seq} is not the one recorded in the saved head` });
      }
    }
    prevHash = hash;
    head = { seq: entry.seq, hash };
    entries++;
    expectedSeq++;
  }
  if (against && !anchorChecked && against.seq > 0) {
    const first = (head?.seq ?? 0) + 1;
    return fail({
      seq: first,
      kind: 'truncated',
      message:
        first === against.seq
          ? `entry ${against.seq} (in the saved head) is missing: the end of the chain was cut off`
          : `entries ${first} to ${against.seq} (in the saved head) are missing: the end of the chain was cut off`,
    });
  }
  return { ok: true, entries, head };
}
