import type { AuditRow, Collection, RecordRow, RecordWrite, TimelineHit } from '../contract.js';
import type { RecordsTable } from './tables.js';

/** Maps between the contract's rows and table rows. Adapters store and fetch; nothing here computes. */

/** A records-table row as the driver returns it (PostgreSQL returns `version` as a number, `seq` as a string). */
export type StoredRecord = RecordsTable;

/**
 * The kind of a write's first timeline entry when it is the record's own entry (at the row's
 * instant, with its channel, purpose and status, named `recordId:kind`): that entry is kept on the
 * record's row; any others go to the timeline table.
 */
export function ownEntryKind(write: RecordWrite): string | null {
  const { row } = write;
  const first = write.timeline[0];
  if (!first) return null;
  const own =
    first.at === row.at &&
    first.channel === row.channel &&
    first.purpose === row.purpose &&
    first.status === row.status &&
    first.entryId.length === row.id.length + 1 + first.kind.length &&
    first.entryId.startsWith(row.id) &&
    first.entryId.endsWith(first.kind) &&
    first.entryId.charCodeAt(row.id.length) === 58; // ':'
  return own ? first.kind : null;
}

export function recordValues(tenant: string, write: RecordWrite): RecordsTable {
  const { row } = write;
  return {
    tenant_id: tenant,
    id: row.id,
    collection: row.collection,
    version: row.version,
    customer_id: row.customerId,
    home_customer_id: row.homeCustomerId,
    at: row.at,
    due_at: row.dueAt,
    kind: row.kind,
    channel: row.channel,
    purpose: row.purpose,
    status: row.status,
    source_system: row.sourceSystem,
    source_external_id: row.sourceExternalId,
    source_hash: row.sourceHash,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    salt: row.salt,
    entry_kind: ownEntryKind(write),
    data: row.document,
  };
}

/** Appends a record's values to `out` in {@link COLUMNS}.records order (see `recordValues`). */
export function pushRecordValues(out: unknown[], tenant: string, write: RecordWrite): void {
  const { row } = write;
  out.push(
    tenant,
    row.id,
    row.collection,
    row.version,
    row.customerId,
    row.homeCustomerId,
    row.at,
    row.dueAt,
    row.kind,
    row.channel,
    row.purpose,
    row.status,
    row.sourceSystem,
    row.sourceExternalId,
    row.sourceHash,
    row.createdAt,
    row.updatedAt,
    row.salt,
    ownEntryKind(write),
    row.document,
  );
}

/** Appends the link rows of a record to `out` in {@link COLUMNS}.links order; returns how many. */
export function pushLinkValues(out: unknown[], tenant: string, write: RecordWrite): number {
  let count = 0;
  const { row, links } = write;
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    let repeated = false;
    for (let j = 0; j < i && !repeated; j++) repeated = links[j]!.kind === link.kind && links[j]!.ref === link.ref;
    if (repeated) continue;
    out.push(tenant, row.id, link.kind, link.ref, row.at, row.collection);
    count++;
  }
  return count;
}

/** Appends the timeline-table rows of a record (every entry but its own) to `out` in {@link COLUMNS}.timeline order; returns how many. */
export function pushTimelineValues(out: unknown[], tenant: string, write: RecordWrite): number {
  const { row, timeline } = write;
  const skip = ownEntryKind(write) === null ? 0 : 1;
  for (let i = skip; i < timeline.length; i++) {
    const entry = timeline[i]!;
    out.push(tenant, row.id, entry.entryId, row.customerId, row.homeCustomerId, entry.at, entry.kind, entry.channel, entry.purpose, entry.status, row.collection);
  }
  return timeline.length - skip;
}

export function toRecordRow(row: StoredRecord): RecordRow {
  return {
    collection: row.collection as Collection,
    id: row.id,
    version: Number(row.version),
    customerId: row.customer_id,
    homeCustomerId: row.home_customer_id,
    at: row.at,
    dueAt: row.due_at,
    kind: row.kind,
    channel: row.channel,
    purpose: row.purpose,
    status: row.status,
    sourceSystem: row.source_system,
    sourceExternalId: row.source_external_id,
    sourceHash: row.source_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    salt: row.salt,
    document: row.data,
  };
}

/** The columns a timeline statement selects: the entry's, and the record's a timeline returns. */
export interface StoredHit {
  e_at: string;
  e_kind: string;
  id: string;
  collection: string;
  customer_id: string;
  data: string;
}

export function toTimelineHit(row: StoredHit): TimelineHit {
  return {
    entryId: `${row.id}:${row.e_kind}`,
    at: row.e_at,
    kind: row.e_kind,
    record: { collection: row.collection as Collection, id: row.id, customerId: row.customer_id, document: row.data },
  };
}

export function toAuditRow(row: { seq: number | string; entity_id: string; entry: string }): AuditRow {
  return { seq: Number(row.seq), entityId: row.entity_id, entry: row.entry };
}

/** Keeps the last row per key (later rows win, as they would written one after another). */
export function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    byKey.delete(k);
    byKey.set(k, row);
  }
  return [...byKey.values()];
}

/** Keeps the first occurrence of each value. */
export const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
