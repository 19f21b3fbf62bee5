import type { AuditRow, RecordRow } from '../adapters/contract.js';
import { Yielder } from '../runtime/yielder.js';
import { GENESIS_HASH, recomputeHash, type ChainedEntry } from './chain.js';

/** A digest of a chain: the last entry's position and hash. Keep one outside the database. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * What is wrong, and where. Chain problems name the first entry found wrong; record problems
 * name the record, and `seq` is then the record's last entry (0 when it has none).
 *
 * - `changed`, `removed`, `inserted`, `reordered`: an entry was edited, deleted, added or moved.
 * - `truncated`: the chain stops before a head it must reach (the stored head, or `against`).
 * - `record_changed`: a live record is not the state its last entry committed to.
 * - `record_removed`: a record the trail says exists is missing.
 * - `record_added`: a record exists that no entry wrote (or one an entry removed).
 */
export interface AuditProblem {
  readonly seq: number;
  readonly kind: 'changed' | 'removed' | 'inserted' | 'reordered' | 'truncated' | 'record_changed' | 'record_removed' | 'record_added';
  readonly message: string;
  /** The record concerned, for record problems. */
  readonly recordId?: string;
}

/** Result of `audit.verify()`. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The head of the chain as found. */
  readonly head: AuditHead | undefined;
  /**
   * Records checked against their last entries (absent when records were not checked).
   * `unbound` counts records whose last entry was written before entries kept a digest of the
   * record (databases from touchlog 0.0.x): their next write binds them.
   */
  readonly records?: { readonly checked: number; readonly unbound: number };
  /** The first problem found; absent when `ok`. */
  readonly problem?: AuditProblem;
}

/** The result of walking the chain: problems, or the head reached. */
export interface ChainWalk {
  readonly entries: number;
  readonly head: AuditHead | undefined;
  readonly problem?: AuditProblem;
}

/**
 * Walks a tenant's audit rows in `seq` order, recomputing every hash and link, and reports the
 * first entry that was changed, removed, inserted or reordered, or filed under another entity
 * than the one it names. Every head in `anchors` (the stored head, a head saved earlier) must be
 * reached, with the same hash: a chain that stops short of one had its tail cut off.
 */
export async function verifyChain(tenant: string, rows: AsyncIterable<AuditRow>, anchors: readonly AuditHead[] = []): Promise<ChainWalk> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let head: AuditHead | undefined;
  const checked = new Set<AuditHead>();
  const iterator = rows[Symbol.asyncIterator]();
  const yielder = new Yielder();
  let pending: AuditRow | undefined;
  const next = async () => {
    if (pending) {
      const row = pending;
      pending = undefined;
      return row;
    }
    await yielder.maybeYield();
    const result = await iterator.next();
    return result.done ? undefined : result.value;
  };
  const fail = (problem: AuditProblem): ChainWalk => ({ entries, head, problem });

  for (let row = await next(); row !== undefined; row = await next()) {
    const entry = parseEntry(row.entry);
    if (entry === undefined || entry.seq !== row.seq) {
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
    const hash = entry.hash;
    if (recomputeHash(tenant, row.entry, entry) !== hash) {
      return fail({ seq: entry.seq, kind: 'changed', message: `entry ${entry.seq} was changed after it was written` });
    }
    if (entry.prevHash !== prevHash) {
      return fail({
        seq: entry.seq,
        kind: 'inserted',
        message: `entry ${entry.seq} does not follow entry ${entry.seq - 1}: it was inserted, or the entry before it was replaced`,
      });
    }
    if (entry.entity?.id !== row.entityId) {
      return fail({ seq: entry.seq, kind: 'changed', message: `entry ${entry.seq} is filed under another record than the one it is about` });
    }
    for (const anchor of anchors) {
      if (anchor.seq !== entry.seq) continue;
      checked.add(anchor);
      if (hash !== anchor.hash) {
        return fail({ seq: entry.seq, kind: 'changed', message: `entry ${entry.seq} is not the one recorded in the ${describeAnchor(anchor, anchors)}` });
      }
    }
    prevHash = hash;
    head = { seq: entry.seq, hash };
    entries++;
    expectedSeq++;
  }
  for (const anchor of anchors) {
    if (checked.has(anchor) || anchor.seq <= 0) continue;
    const first = (head?.seq ?? 0) + 1;
    const which = describeAnchor(anchor, anchors);
    return fail({
      seq: first,
      kind: 'truncated',
      message:
        first === anchor.seq
          ? `entry ${anchor.seq} (in the ${which}) is missing: the end of the chain was cut off`
          : `entries ${first} to ${anchor.seq} (in the ${which}) are missing: the end of the chain was cut off`,
    });
  }
  return { entries, head };
}

/** The stored head is the first anchor; a caller's saved head is the second. */
const describeAnchor = (anchor: AuditHead, anchors: readonly AuditHead[]) => (anchor === anchors[0] ? 'stored head of the chain' : 'saved head');

/** An entry's JSON, or `undefined` when it is not an object. */
export function parseEntry(text: string): ChainedEntry | undefined {
  try {
    const entry = JSON.parse(text) as unknown;
    return typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as ChainedEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** What the records check needs to know about a live record, from the store that owns it. */
export interface RecordInspection {
  /** The digest of the row as stored, or `undefined` for a row written before records were bound. */
  readonly state: string | undefined;
  /** Why the row's indexed columns disagree with its document, if they do. */
  readonly inconsistency?: string;
}

/** How the records check reads and re-reads what it compares. */
export interface RecordsCheckSource {
  /** Every audit row in `(entityId, seq)` order. */
  readonly entries: AsyncIterable<AuditRow>;
  /** Every record, in id order. */
  readonly records: AsyncIterable<RecordRow>;
  inspect(row: RecordRow): Promise<RecordInspection>;
  /**
   * The record and its last entry as they are now, to tell a write that happened during the
   * check (its entry is past `through`) from a real problem.
   */
  reread(recordId: string, entityType: string | undefined): Promise<{ row: RecordRow | undefined; last: ChainedEntry | undefined }>;
}

/** Actions after which a record is gone. */
const REMOVALS = new Set(['purge', 'delete']);

/**
 * Checks that the live records are exactly what the trail says: each one the state its last
 * entry committed to, none missing, none that no entry wrote. Reads both sides once, in id order
 * (a merge of two sorted streams), so memory stays flat whatever the size of the tenant. Entries
 * past `through` (the head the chain walk reached) are writes made during the check: records they
 * touch are left out.
 */
export async function verifyRecords(source: RecordsCheckSource, through: number): Promise<{ checked: number; unbound: number; problem?: AuditProblem }> {
  const entries = lastEntries(source.entries);
  const records = source.records[Symbol.asyncIterator]();
  const yielder = new Yielder();
  let checked = 0;
  let unbound = 0;
  let entry = await entries.next();
  let record = await records.next();

  /** A problem, unless the record or its entries changed during the check. */
  const confirm = async (recordId: string, entityType: string | undefined, problem: AuditProblem): Promise<AuditProblem | undefined> => {
    const now = await source.reread(recordId, entityType);
    if (now.last && now.last.seq > through) return undefined;
    const again = await judge(recordId, now.last, now.row);
    return again && problem;
  };

  const judge = async (recordId: string, last: ChainedEntry | undefined, row: RecordRow | undefined): Promise<AuditProblem | undefined> => {
    if (last === undefined) {
      if (row === undefined) return undefined;
      return { seq: 0, kind: 'record_added', recordId, message: `record ${recordId} has no audit entry: it was written behind the library's back` };
    }
    const removed = REMOVALS.has(last.action) || last.version === undefined;
    if (row === undefined) {
      return removed
        ? undefined
        : { seq: last.seq, kind: 'record_removed', recordId, message: `record ${recordId} (last written by entry ${last.seq}) is missing: it was deleted behind the library's back` };
    }
    if (removed) {
      return { seq: last.seq, kind: 'record_added', recordId, message: `record ${recordId} exists although entry ${last.seq} removed it` };
    }
    if (last.state === undefined) return undefined;
    const inspection = await source.inspect(row);
    if (row.version !== last.version || inspection.state !== last.state) {
      return {
        seq: last.seq,
        kind: 'record_changed',
        recordId,
        message: `record ${recordId} is not the state entry ${last.seq} wrote (version ${last.version}): it was changed behind the library's back`,
      };
    }
    if (inspection.inconsistency !== undefined) {
      return { seq: last.seq, kind: 'record_changed', recordId, message: `record ${recordId} was changed behind the library's back: ${inspection.inconsistency}` };
    }
    return undefined;
  };

  while (!entry.done || !record.done) {
    await yielder.maybeYield();
    const entityId = entry.done ? undefined : entry.value.entityId;
    const recordId = record.done ? undefined : record.value.id;
    let id: string;
    let last: ChainedEntry | undefined;
    let row: RecordRow | undefined;
    if (recordId === undefined || (entityId !== undefined && entityId < recordId)) {
      id = entityId!;
      last = entry.value!.last;
      entry = await entries.next();
    } else if (entityId === undefined || recordId < entityId) {
      id = recordId;
      row = record.value as RecordRow;
      record = await records.next();
    } else {
      id = recordId;
      last = entry.value!.last;
      row = record.value as RecordRow;
      entry = await entries.next();
      record = await records.next();
    }
    if (last && last.seq > through) continue;
    if (row) {
      checked++;
      if (last && last.state === undefined && !REMOVALS.has(last.action) && last.version !== undefined) unbound++;
    }
    const problem = await judge(id, last, row);
    if (problem) {
      const confirmed = await confirm(id, last?.entity?.type, problem);
      if (confirmed) return { checked, unbound, problem: confirmed };
    }
  }
  return { checked, unbound };
}

/** The last entry of each entity, from rows in `(entityId, seq)` order; only those are parsed. */
async function* lastEntries(rows: AsyncIterable<AuditRow>): AsyncGenerator<{ entityId: string; last: ChainedEntry | undefined }> {
  let current: AuditRow | undefined;
  for await (const row of rows) {
    if (current && current.entityId !== row.entityId) yield { entityId: current.entityId, last: parseEntry(current.entry) };
    current = row;
  }
  if (current) yield { entityId: current.entityId, last: parseEntry(current.entry) };
}
