import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type {
  AdapterReader,
  AuditHeadRow,
  AuditByEntityQuery,
  AuditQuery,
  AuditRow,
  Collection,
  IdentifierRow,
  IdentifierScanQuery,
  Keyset,
  LinkQuery,
  RecordQuery,
  RecordRow,
  RecordScanQuery,
  SourceKey,
  SourceScanQuery,
  SubjectKeyRow,
  SubjectKeyScanQuery,
  TimelineHit,
  TimelineQuery,
} from '../contract.js';
import { chunks } from './chunks.js';
import type { QueryScope } from './query-scope.js';
import { toAuditRow, toRecordRow, toTimelineHit, unique, type StoredHit, type StoredRecord } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type { StatementShapes } from './statement-shapes.js';
import { TABLES, type TouchlogTables } from './tables.js';

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

  /** A table name as raw SQL, qualified with the dialect's schema (for statements Kysely cannot build). */
  protected table(name: string): RawBuilder<unknown> {
    return this.dialect.schema === undefined ? sql.id(name) : sql.id(this.dialect.schema, name);
  }

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
        for (const row of rows) out.push(toRecordRow(row as StoredRecord));
      }
      return out;
    });
  }

  async getMergeTargets(tenant: string, customerIds: readonly string[]): Promise<Array<{ id: string; customerId: string }>> {
    if (customerIds.length === 0) return [];
    return this.scope.run(tenant, 'reading customers', async (db) => {
      const out: Array<{ id: string; customerId: string }> = [];
      for (const chunk of chunks(unique(customerIds), this.lookupSize)) {
        const { rows } = await this.shapes.execute(db, `merge-targets:${chunk.length}`, [tenant, 'customers', ...chunk], () =>
          db.selectFrom('touchlog_records').select(['id', 'customer_id']).where('tenant_id', '=', tenant).where('collection', '=', 'customers').where('id', 'in', chunk).compile(),
        );
        for (const row of rows) out.push({ id: row.id, customerId: row.customer_id });
      }
      return out;
    });
  }

  /** One statement per source system and chunk of ids: `system = ? and external_id in (...)`, which the source key index answers directly. */
  async getRecordsBySource(tenant: string, collection: Collection, keys: readonly SourceKey[]): Promise<RecordRow[]> {
    if (keys.length === 0) return [];
    const bySystem = new Map<string, string[]>();
    for (const key of keys) {
      const ids = bySystem.get(key.system);
      if (ids) ids.push(key.externalId);
      else bySystem.set(key.system, [key.externalId]);
    }
    return this.scope.run(tenant, 'reading records by source', async (db) => {
      const out: RecordRow[] = [];
      for (const [system, ids] of bySystem) {
        for (const chunk of chunks(unique(ids), this.lookupSize)) {
          const { rows } = await sql<StoredRecord>`select * from ${this.table(TABLES.records)}
            where tenant_id = ${tenant} and collection = ${collection} and source_system = ${system}
              and ${this.dialect.inList(sql.ref('source_external_id'), chunk)}`.execute(db);
          for (const row of rows) out.push(toRecordRow(row));
        }
      }
      return out;
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
      return rows.map((row) => toRecordRow(row as StoredRecord));
    });
  }

  /**
   * The hot read path, one statement: the records' own entries, one arm per collection (each a
   * range of the customer index, in order), and the further entries of the timeline table, merged
   * by `(at, record, kind)` under one LIMIT. Each arm reads only as far as the page needs, so a
   * page costs the same whatever the size of the customer's history. Its SQL is built once per
   * shape of query (which filters, how many values, order, first page or not) and reused, see
   * {@link StatementShapes}.
   */
  async listTimeline(tenant: string, query: TimelineQuery): Promise<TimelineHit[]> {
    if (emptyFilter(query.kinds, query.channels, query.purposes, query.statuses)) return [];
    const { from, to, kinds, channels, purposes, statuses, link, after, order } = query;
    const afterEntry = after ? splitEntryId(after.id) : undefined;
    const shape = [
      'timeline',
      order,
      from !== undefined,
      to !== undefined,
      ...[kinds, channels, purposes, statuses].map((list) => list?.length ?? -1),
      link !== undefined,
      after !== undefined,
    ].join(':');
    // The customer's merge is followed first (one lookup, bound once); then every arm binds the
    // same values, in this order; the statement binds the limit last.
    const armParameters: unknown[] = [tenant];
    if (from !== undefined) armParameters.push(from);
    if (to !== undefined) armParameters.push(to);
    for (const list of [kinds, channels, purposes, statuses]) if (list) armParameters.push(...list);
    if (link) armParameters.push(link.kind, link.ref);
    if (after) armParameters.push(after.at, afterEntry!.recordId, after.at, afterEntry!.recordId, afterEntry!.kind);
    const parameters: unknown[] = [tenant, query.customerId, query.customerId];
    for (let arm = 0; arm < TIMELINE_ARMS.length; arm++) parameters.push(...armParameters);
    parameters.push(query.limit);
    return this.scope.run(tenant, 'reading a timeline', async (db) => {
      const result = await this.shapes.execute(db, shape, parameters, () => {
        const records = this.table(TABLES.records);
        const timeline = this.table(TABLES.timeline);
        const links = this.table(TABLES.links);
        const descending = order === 'desc';
        const arms = TIMELINE_ARMS.map((collection) => {
          // e: where the entry's columns are (the record's row, or the timeline table's).
          const e = collection === undefined ? 't' : 'r';
          const atColumn = sql.ref(`${e}.at`);
          const idColumn = sql.ref(collection === undefined ? 't.record_id' : 'r.id');
          const kindColumn = sql.ref(collection === undefined ? 't.kind' : 'r.entry_kind');
          const conditions: RawBuilder<unknown>[] =
            collection === undefined
              ? [sql`r.tenant_id = t.tenant_id`, sql`r.id = t.record_id`, sql`t.tenant_id = ${tenant}`, sql`t.customer_id = (select id from target)`]
              : [sql`r.tenant_id = ${tenant}`, sql`r.customer_id = (select id from target)`, sql`r.collection = ${sql.lit(collection)}`, sql`r.entry_kind is not null`];
          if (from !== undefined) conditions.push(sql`${atColumn} >= ${from}`);
          if (to !== undefined) conditions.push(sql`${atColumn} < ${to}`);
          if (kinds) conditions.push(sql`${kindColumn} in (${sql.join(kinds)})`);
          if (channels) conditions.push(sql`${sql.ref(`${e}.channel`)} in (${sql.join(channels)})`);
          if (purposes) conditions.push(sql`${sql.ref(`${e}.purpose`)} in (${sql.join(purposes)})`);
          if (statuses) conditions.push(sql`${sql.ref(`${e}.status`)} in (${sql.join(statuses)})`);
          if (link) {
            conditions.push(sql`exists (select 1 from ${links} l where l.tenant_id = r.tenant_id and l.record_id = r.id and l.kind = ${link.kind} and l.ref = ${link.ref})`);
          }
          if (after) {
            const [wide, strict] = descending ? [sql.raw('<='), sql.raw('<')] : [sql.raw('>='), sql.raw('>')];
            // The first bound is what an index range can use; the second is the exact position.
            conditions.push(sql`(${atColumn}, ${idColumn}) ${wide} (${after.at}, ${afterEntry!.recordId})`);
            conditions.push(sql`(${atColumn}, ${idColumn}, ${kindColumn}) ${strict} (${after.at}, ${afterEntry!.recordId}, ${afterEntry!.kind})`);
          }
          // The record id comes from the arm's own index (the timeline table's `record_id`), so that
          // every arm is already in `(at, id, kind)` order and the merge needs no sort.
          const columns = sql`${atColumn} as e_at, ${kindColumn} as e_kind, ${idColumn} as id, r.collection, r.customer_id, r.data`;
          // The timeline table drives its arm (CROSS JOIN fixes the join order in SQLite): the
          // customer's entries in order, each joined to its record.
          const source = collection === undefined ? sql`${timeline} t cross join ${records} r` : sql`${records} r`;
          return sql`select ${columns} from ${source} where ${sql.join(conditions, sql` and `)}`;
        });
        const direction = sql.raw(descending ? 'desc' : 'asc');
        // The customer the timeline belongs to now: the one it was merged into, or itself.
        const target = sql`target (id) as (select coalesce((select customer_id from ${records} where tenant_id = ${tenant} and collection = 'customers' and id = ${query.customerId}), ${query.customerId}))`;
        return sql`with ${target} ${sql.join(arms, sql` union all `)} order by e_at ${direction}, id ${direction}, e_kind ${direction} limit ${query.limit}`.compile(db);
      });
      return result.rows.map((row) => toTimelineHit(row as unknown as StoredHit));
    });
  }

  /** Built once per shape, like {@link listRecords}: message writes look their thread keys up here, several per message. */
  async listLinked(tenant: string, query: LinkQuery): Promise<RecordRow[]> {
    if (emptyFilter(query.collections)) return [];
    // The values in the order the statement below binds them.
    const parameters: unknown[] = [tenant, query.kind, query.ref, ...(query.collections ?? [])];
    if (query.after) parameters.push(query.after.at, query.after.id);
    parameters.push(query.limit);
    const shape = ['linked', query.order, query.collections?.length ?? -1, query.after !== undefined].join(':');
    return this.scope.run(tenant, 'reading linked records', async (db) => {
      const { rows } = await this.shapes.execute(db, shape, parameters, () => {
        let select = db
          .selectFrom('touchlog_links as l')
          .innerJoin('touchlog_records as r', (join) => join.onRef('r.tenant_id', '=', 'l.tenant_id').onRef('r.id', '=', 'l.record_id'))
          .selectAll('r')
          .where('l.tenant_id', '=', tenant)
          .where('l.kind', '=', query.kind)
          .where('l.ref', '=', query.ref);
        if (query.collections) select = select.where('l.collection', 'in', query.collections);
        select = afterKeyset(select, 'l.at', 'l.record_id', query.after, query.order);
        return select.orderBy('l.at', query.order).orderBy('l.record_id', query.order).limit(query.limit).compile();
      });
      return rows.map((row) => toRecordRow(row as StoredRecord));
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
      return rows.map((row) => toAuditRow(row));
    });
  }

  async readAuditByEntity(tenant: string, query: AuditByEntityQuery): Promise<AuditRow[]> {
    return this.scope.run(tenant, 'reading the audit trail', async (db) => {
      let select = db.selectFrom('touchlog_audit').select(['seq', 'entity_id', 'entry']).where('tenant_id', '=', tenant);
      const after = query.after;
      if (after) select = select.where((eb) => eb(eb.refTuple('entity_id', 'seq'), '>', eb.tuple(after.entityId, after.seq)));
      const rows = await select.orderBy('entity_id').orderBy('seq').limit(query.limit).execute();
      return rows.map((row) => toAuditRow(row));
    });
  }

  async scanRecords(tenant: string, query: RecordScanQuery): Promise<RecordRow[]> {
    return this.scope.run(tenant, 'reading records', async (db) => {
      let select = db.selectFrom('touchlog_records').selectAll().where('tenant_id', '=', tenant);
      if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
      const rows = await select.orderBy('id').limit(query.limit).execute();
      return rows.map((row) => toRecordRow(row as StoredRecord));
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

  // ---------------------------------------------------------------------------- live sync reads

  /** A range of the source key index: `(tenant, collection, system)` fixed, external ids in order. */
  async listRecordsBySource(tenant: string, query: SourceScanQuery): Promise<RecordRow[]> {
    return this.scope.run(tenant, 'reading records by source', async (db) => {
      let select = db
        .selectFrom('touchlog_records')
        .selectAll()
        .where('tenant_id', '=', tenant)
        .where('collection', '=', query.collection)
        .where('source_system', '=', query.system);
      if (query.afterExternalId !== undefined) select = select.where('source_external_id', '>', query.afterExternalId);
      const rows = await select.orderBy('source_external_id').limit(query.limit).execute();
      return rows.map((row) => toRecordRow(row as StoredRecord));
    });
  }

  async scanIdentifiers(tenant: string, query: IdentifierScanQuery): Promise<IdentifierRow[]> {
    return this.scope.run(tenant, 'reading identifiers', async (db) => {
      let select = db.selectFrom('touchlog_identifiers').select(['key', 'customer_id']).where('tenant_id', '=', tenant);
      if (query.afterKey !== undefined) select = select.where('key', '>', query.afterKey);
      const rows = await select.orderBy('key').limit(query.limit).execute();
      return rows.map((row) => ({ key: row.key, customerId: row.customer_id }));
    });
  }

  async scanSubjectKeys(tenant: string, query: SubjectKeyScanQuery): Promise<SubjectKeyRow[]> {
    return this.scope.run(tenant, 'reading data keys', async (db) => {
      let select = db.selectFrom('touchlog_subject_keys').select(['subject_id', 'key']).where('tenant_id', '=', tenant);
      if (query.afterSubjectId !== undefined) select = select.where('subject_id', '>', query.afterSubjectId);
      const rows = await select.orderBy('subject_id').limit(query.limit).execute();
      return rows.map((row) => ({ subjectId: row.subject_id, key: row.key }));
    });
  }
}

/**
 * The arms of a timeline statement: each history collection's own entries (on the record rows),
 * and (`undefined`) the timeline table's further entries.
 */
const TIMELINE_ARMS: readonly (Collection | undefined)[] = ['interactions', 'communications', 'financial', 'followUps', undefined];

/** An entry id (`recordId:kind`) as its record id and kind. */
function splitEntryId(entryId: string): { recordId: string; kind: string } {
  const colon = entryId.indexOf(':');
  return colon === -1 ? { recordId: entryId, kind: '' } : { recordId: entryId.slice(0, colon), kind: entryId.slice(colon + 1) };
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
