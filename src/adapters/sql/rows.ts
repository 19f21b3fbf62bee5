import type { AuditRow, Collection, RecordRow, RecordWrite, TimelineRow } from '../contract.js';
import type { SqlDialect } from './sql-dialect.js';
import type { AuditTable, LinksTable, RecordsTable, TimelineTable } from './tables.js';

/** Maps between the contract's rows and table rows. Adapters store and fetch; nothing here computes. */

/** A records-table row with its document as the driver returns it. */
export type StoredRecord = Omit<RecordsTable, 'data'> & { data: unknown };

export function recordValues(dialect: SqlDialect, tenant: string, row: RecordRow): RecordsTable {
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
    data: dialect.encodeJson(row.data),
  };
}

export function toRecordRow(dialect: SqlDialect, row: StoredRecord): RecordRow {
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
    data: dialect.decodeJson(row.data),
  };
}

/** Link rows of a record, one per `(kind, ref)`: a record linked twice to a document is found once. */
export function linkValues(tenant: string, write: RecordWrite): LinksTable[] {
  const seen = new Set<string>();
  const out: LinksTable[] = [];
  for (const link of write.links) {
    const key = `${link.kind}\u0000${link.ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ tenant_id: tenant, record_id: write.row.id, kind: link.kind, ref: link.ref, at: write.row.at, collection: write.row.collection });
  }
  return out;
}

export function timelineValues(tenant: string, write: RecordWrite): TimelineTable[] {
  const { row } = write;
  return write.timeline.map((entry) => ({
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
  }));
}

/** Timeline columns selected next to the record's, under names that cannot clash with them. */
export interface StoredEntry {
  entry_id: string;
  entry_at: string;
  entry_kind: string;
  entry_channel: string | null;
  entry_purpose: string | null;
  entry_status: string | null;
}

/** An entry read with its record, for the customer whose timeline was read (the entry's and record's customer). */
export function toTimelineRow(row: StoredEntry & StoredRecord, customerId: string): TimelineRow {
  return {
    entryId: row.entry_id,
    customerId,
    homeCustomerId: row.home_customer_id,
    at: row.entry_at,
    kind: row.entry_kind,
    channel: row.entry_channel,
    purpose: row.entry_purpose,
    status: row.entry_status,
    recordId: row.id,
    collection: row.collection as Collection,
  };
}

export function auditValues(dialect: SqlDialect, tenant: string, row: AuditRow): AuditTable {
  return { tenant_id: tenant, seq: row.seq, entity_id: row.entityId, entry: dialect.encodeJson(row.entry) };
}

export function toAuditRow(dialect: SqlDialect, row: { seq: number | string; entity_id: string; entry: unknown }): AuditRow {
  return { seq: Number(row.seq), entityId: row.entity_id, entry: dialect.decodeJson(row.entry) };
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
