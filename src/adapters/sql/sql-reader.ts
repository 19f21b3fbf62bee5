import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import type {
  AdapterReader,
  AuditHeadRow,
  AuditQuery,
  AuditRow,
  Collection,
  IdentifierRow,
  Keyset,
  LinkQuery,
  RecordQuery,
  RecordRow,
  SourceKey,
  SubjectKeyRow,
  TimelineHit,
  TimelineQuery,
} from '../contract.js';
import { chunks } from './chunks.js';
import type { QueryScope } from './query-scope.js';
import { toAuditRow, toRecordRow, toTimelineRow, unique, type StoredEntry, type StoredRecord } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type { StatementShapes } from './statement-shapes.js';
import type { TouchlogTables } from './tables.js';

/** Parameters kept free in a lookup statement for the tenant, collection and the like. */
const RESERVED_PARAMETERS = 8;

/** `true` when a given filter list is empty: nothing can match it. */
const emptyFilter = (...lists: Array<readonly unknown[] | undefined>) => lists.some((list) => list !== undefined && list.length === 0);

/** Adds `(atColumn, idColumn) > / < (after.at, after.id)` for a keyset page. */
function afterKeyset<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  atColumn: string,
  idColumn: string,
  after: Keyset | undefined,
  order: 'asc' | 'desc',
): SelectQueryBuilder<DB, TB, O> {
  if (!after) return query;
  return query.where((eb) => {
    const untyped = eb as unknown as ExpressionBuilder<Record<string, Record<string, string>>, string>;
    return untyped(untyped.refTuple(atColumn, idColumn), order === 'asc' ? '>' : '<', untyped.tuple(after.at, after.id)) as never;
  });
}

/**
 * Reads of the adapter contract as SQL, in whatever {@link QueryScope} they are given. The
 * statements the core runs often are built once per shape and reused ({@link StatementShapes}).
 */
export class SqlReader implements AdapterReader {
  constructor(
    protected readonly dialect: SqlDialect,
    protected readonly scope: QueryScope,
    protected readonly shapes: StatementShapes,
  ) {}

  /** Ids per lookup statement. */
  protected get lookupSize(): number {
    return Math.min(1000, this.dialect.maxParameters - RESERVED_PARAMETERS);
  }

  async getRecords(tenant: string, collection: Collection, ids: readonly string[]): Promise<RecordRow[]> {
    if (ids.length === 0) return [];
    return this.scope.run(tenant, 'reading records', async (db) => {
      const out: RecordRow[] = [];
      for (const chunk of chunks(unique(ids), this.lookupSize)) {
        const { rows } = await this.shapes.execute(db, `records:${chunk.length}`, [tenant, collection, ...chunk], () =>
          db.selectFrom('touchlog_records').selectAll().where('tenant_id', '=', tenant).where('collection', '=', collection).where('id', 'in', chunk).compile(),
        );
        for (const row of rows) out.push(toRecordRow(this.dialect, row as StoredRecord));
      }
      return out;
    });
  }

  async getRecordsBySource(tenant: string, collection: Collection, keys: readonly SourceKey[]): Promise<RecordRow[]> {
    if (keys.length === 0) return [];
    return this.scope.run(tenant, 'reading records by source', async (db) => {
      const byId = new Map<string, RecordRow>();
      for (const chunk of chunks(keys, Math.floor(this.lookupSize / 2))) {
        const rows = await db
          .selectFrom('touchlog_records')
          .selectAll()
          .where('tenant_id', '=', tenant)
          .where('collection', '=', collection)
          .where((eb) =>
            eb(
              eb.refTuple('source_system', 'source_external_id'),
              'in',
              chunk.map((key) => eb.tuple(key.system, key.externalId)),
            ),
          )
          .execute();
        for (const row of rows) byId.set(row.id, toRecordRow(this.dialect, row as StoredRecord));
      }
      return [...byId.values()];
    });
  }

  /** Built once per shape of query, like {@link listTimeline}: the core also calls it once per item (dedupe windows). */
  async listRecords(tenant: string, query: RecordQuery): Promise<RecordRow[]> {
    const f = query.filter;
    const lists = [f.ids, f.customerIds, f.homeCustomerIds, f.kinds, f.channels, f.purposes, f.statuses, f.sourceSystems] as const;
    if (emptyFilter(...lists)) return [];
    const bounds = [f.from, f.to, f.dueBefore, f.updatedBefore] as const;
    // The values in the order the statement below binds them.
    const parameters: unknown[] = [tenant, query.collection];
    for (const list of lists) if (list) parameters.push(...list);
    for (const bound of bounds) if (bound !== undefined) parameters.push(bound);
    if (query.after) parameters.push(query.after.at, query.after.id);
    parameters.push(query.limit);
    const shape = ['records', query.order, ...lists.map((list) => list?.length ?? -1), ...bounds.map((bound) => bound !== undefined), query.after !== undefined].join(':');
    return this.scope.run(tenant, 'listing records', async (db) => {
      const { rows } = await this.shapes.execute(db, shape, parameters, () => {
        let select = db.selectFrom('touchlog_records').selectAll().where('tenant_id', '=', tenant).where('collection', '=', query.collection);
        if (f.ids) select = select.where('id', 'in', f.ids);
        if (f.customerIds) select = select.where('customer_id', 'in', f.customerIds);
        if (f.homeCustomerIds) select = select.where('home_customer_id', 'in', f.homeCustomerIds);
        if (f.kinds) select = select.where('kind', 'in', f.kinds);
        if (f.channels) select = select.where('channel', 'in', f.channels);
        if (f.purposes) select = select.where('purpose', 'in', f.purposes);
        if (f.statuses) select = select.where('status', 'in', f.statuses);
        if (f.sourceSystems) select = select.where('source_system', 'in', f.sourceSystems);
        if (f.from !== undefined) select = select.where('at', '>=', f.from);
        if (f.to !== undefined) select = select.where('at', '<', f.to);
        if (f.dueBefore !== undefined) select = select.where('due_at', '<', f.dueBefore);
        if (f.updatedBefore !== undefined) select = select.where('updated_at', '<', f.updatedBefore);
        select = afterKeyset(select, 'at', 'id', query.after, query.order);
        return select.orderBy('at', query.order).orderBy('id', query.order).limit(query.limit).compile();
      });
      return rows.map((row) => toRecordRow(this.dialect, row as StoredRecord));
    });
  }

  /**
   * The hot read path: its SQL is built once per shape of query (which filters, how many values,
   * order, first page or not) and reused, see {@link StatementShapes}.
   */
  async listTimeline(tenant: string, query: TimelineQuery): Promise<TimelineHit[]> {
    if (emptyFilter(query.kinds, query.channels, query.purposes, query.statuses)) return [];
    const { from, to, kinds, channels, purposes, statuses, link, after, order } = query;
    // The values in the order the statement below binds them.
    const parameters: unknown[] = [tenant, query.customerId];
    if (from !== undefined) parameters.push(from);
    if (to !== undefined) parameters.push(to);
    for (const list of [kinds, channels, purposes, statuses]) if (list) parameters.push(...list);
    if (link) parameters.push(link.kind, link.ref);
    if (after) parameters.push(after.at, after.id);
    parameters.push(query.limit);
    const shape = [
      'timeline',
      order,
      from !== undefined,
      to !== undefined,
      ...[kinds, channels, purposes, statuses].map((list) => list?.length ?? -1),
      link !== undefined,
      after !== undefined,
    ].join(':');
    return this.scope.run(tenant, 'reading a timeline', async (db) => {
      const result = await this.shapes.execute(db, shape, parameters, () => {
        let select = timelineSelect(db).where('t.tenant_id', '=', tenant).where('t.customer_id', '=', query.customerId);
        if (from !== undefined) select = select.where('t.at', '>=', from);
        if (to !== undefined) select = select.where('t.at', '<', to);
        if (kinds) select = select.where('t.kind', 'in', kinds);
        if (channels) select = select.where('t.channel', 'in', channels);
        if (purposes) select = select.where('t.purpose', 'in', purposes);
        if (statuses) select = select.where('t.status', 'in', statuses);
        if (link) {
          select = select.where((eb) =>
            eb.exists(
              eb
                .selectFrom('touchlog_links as l')
                .select('l.record_id')
                .whereRef('l.tenant_id', '=', 't.tenant_id')
                .whereRef('l.record_id', '=', 't.record_id')
                .where('l.kind', '=', link.kind)
                .where('l.ref', '=', link.ref),
            ),
          );
        }
        select = afterKeyset(select, 't.at', 't.entry_id', after, order);
        return select.orderBy('t.at', order).orderBy('t.entry_id', order).limit(query.limit).compile();
      });
      return result.rows.map((row) => {
        const stored = row as unknown as StoredEntry & StoredRecord;
        return { entry: toTimelineRow(stored, query.customerId), record: toRecordRow(this.dialect, stored) };
      });
    });
  }

  async listLinked(tenant: string, query: LinkQuery): Promise<RecordRow[]> {
    if (emptyFilter(query.collections)) return [];
    return this.scope.run(tenant, 'reading linked records', async (db) => {
      let select = db
        .selectFrom('touchlog_links as l')
        .innerJoin('touchlog_records as r', (join) => join.onRef('r.tenant_id', '=', 'l.tenant_id').onRef('r.id', '=', 'l.record_id'))
        .selectAll('r')
        .where('l.tenant_id', '=', tenant)
        .where('l.kind', '=', query.kind)
        .where('l.ref', '=', query.ref);
      if (query.collections) select = select.where('l.collection', 'in', query.collections);
      select = afterKeyset(select, 'l.at', 'l.record_id', query.after, query.order);
      const rows = await select.orderBy('l.at', query.order).orderBy('l.record_id', query.order).limit(query.limit).execute();
      return rows.map((row) => toRecordRow(this.dialect, row as StoredRecord));
    });
  }

  async getIdentifiers(tenant: string, keys: readonly string[]): Promise<IdentifierRow[]> {
    if (keys.length === 0) return [];
    return this.scope.run(tenant, 'reading identifiers', async (db) => {
      const out: IdentifierRow[] = [];
      for (const chunk of chunks(unique(keys), this.lookupSize)) {
        const { rows } = await this.shapes.execute(db, `identifiers:${chunk.length}`, [tenant, ...chunk], () =>
          db.selectFrom('touchlog_identifiers').select(['key', 'customer_id']).where('tenant_id', '=', tenant).where('key', 'in', chunk).compile(),
        );
        for (const row of rows) out.push({ key: row.key, customerId: row.customer_id });
      }
      return out;
    });
  }

  async readAudit(tenant: string, query: AuditQuery): Promise<AuditRow[]> {
    const order = query.order ?? 'asc';
    return this.scope.run(tenant, 'reading the audit trail', async (db) => {
      let select = db.selectFrom('touchlog_audit').select(['seq', 'entity_id', 'entry']).where('tenant_id', '=', tenant);
      if (query.entityId !== undefined) select = select.where('entity_id', '=', query.entityId);
      if (query.afterSeq !== undefined) select = select.where('seq', order === 'asc' ? '>' : '<', query.afterSeq);
      const rows = await select.orderBy('seq', order).limit(query.limit).execute();
      return rows.map((row) => toAuditRow(this.dialect, row));
    });
  }

  async getAuditHead(tenant: string): Promise<AuditHeadRow | undefined> {
    return this.scope.run(tenant, 'reading the audit head', (db) => readAuditHead(db, tenant));
  }

  async getSubjectKeys(tenant: string, subjectIds: readonly string[]): Promise<SubjectKeyRow[]> {
    if (subjectIds.length === 0) return [];
    return this.scope.run(tenant, 'reading data keys', async (db) => {
      const out: SubjectKeyRow[] = [];
      for (const chunk of chunks(unique(subjectIds), this.lookupSize)) {
        const { rows } = await this.shapes.execute(db, `subject-keys:${chunk.length}`, [tenant, ...chunk], () =>
          db.selectFrom('touchlog_subject_keys').select(['subject_id', 'key']).where('tenant_id', '=', tenant).where('subject_id', 'in', chunk).compile(),
        );
        for (const row of rows) out.push({ subjectId: row.subject_id, key: row.key });
      }
      return out;
    });
  }
}

/**
 * Timeline entries joined with their records; entry columns renamed so they cannot clash. An
 * entry's customers are always its record's (they are written and moved together), so they are
 * not read twice.
 */
function timelineSelect(db: Kysely<TouchlogTables>) {
  return db
    .selectFrom('touchlog_timeline as t')
    .innerJoin('touchlog_records as r', (join) => join.onRef('r.tenant_id', '=', 't.tenant_id').onRef('r.id', '=', 't.record_id'))
    .selectAll('r')
    .select([
      't.entry_id',
      't.at as entry_at',
      't.kind as entry_kind',
      't.channel as entry_channel',
      't.purpose as entry_purpose',
      't.status as entry_status',
    ]);
}

/** The head of a tenant's audit chain; a placeholder row (seq 0) left by `lockTenant` is no head. */
export async function readAuditHead(db: Kysely<TouchlogTables>, tenant: string): Promise<AuditHeadRow | undefined> {
  const row = await db
    .selectFrom('touchlog_audit_heads')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenant)
    .where('seq', '>', 0)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}
