import type { AuditRow, Collection, RecordRow, RecordWrite, TimelineRow } from '../contract.js';
import type { AuditTable, LinksTable, RecordsTable, TimelineTable } from './tables.js';

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

/** Link rows of a record, one per `(kind, ref)`: a record linked twice to a document is found once. */
export function linkValues(tenant: string, write: RecordWrite): LinksTable[] {
  const out: LinksTable[] = [];
  const { row } = write;
  for (let i = 0; i < write.links.length; i++) {
    const link = write.links[i]!;
    let repeated = false;
    for (let j = 0; j < i && !repeated; j++) repeated = write.links[j]!.kind === link.kind && write.links[j]!.ref === link.ref;
    if (!repeated) out.push({ tenant_id: tenant, record_id: row.id, kind: link.kind, ref: link.ref, at: row.at, collection: row.collection });
  }
  return out;
}

/** The timeline-table rows of a record: every entry but the one kept on its row. */
export function timelineValues(tenant: string, write: RecordWrite): TimelineTable[] {
  const { row } = write;
  const skip = ownEntryKind(write) === null ? 0 : 1;
  const out: TimelineTable[] = [];
  for (let i = skip; i < write.timeline.length; i++) {
    const entry = write.timeline[i]!;
    out.push({
      tenant_id: tenant,
      record_id: row.id,
      entry_id: entry.entryId,
      customer_id: row.customerId,
      home_customer_id: row.homeCustomerId,
      at: entry.at,
      kind: entry.kind,
      channel: entry.channel,
      purpose: entry.purpose,
      status: entry.status,
      collection: row.collection,
    });
  }
  return out;
}

/** Entry columns selected next to the record's, under names that cannot clash with them. */
export interface StoredEntry {
  e_at: string;
  e_record_id: string;
  e_kind: string;
  e_channel: string | null;
  e_purpose: string | null;
  e_status: string | null;
}

/** An entry read with its record, for the customer whose timeline was read (the entry's and record's customer). */
export function toTimelineRow(row: StoredEntry & StoredRecord, customerId: string): TimelineRow {
  return {
    entryId: `${row.e_record_id}:${row.e_kind}`,
    customerId,
    homeCustomerId: row.home_customer_id,
    at: row.e_at,
    kind: row.e_kind,
    channel: row.e_channel,
    purpose: row.e_purpose,
    status: row.e_status,
    recordId: row.id,
    collection: row.collection as Collection,
  };
}

export function auditValues(tenant: string, row: AuditRow): AuditTable {
  return { tenant_id: tenant, seq: row.seq, entity_id: row.entityId, entry: row.entry };
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
