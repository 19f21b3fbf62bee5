import { sql, type Kysely } from 'kysely';
import type {
  ReassignSelection,
  AdapterTransaction,
  AuditHeadRow,
  AuditRow,
  Collection,
  IdentifierRow,
  RecordUpdate,
  RecordWrite,
  SubjectKeyRow,
} from '../contract.js';
import { chunks, distinctChunks, rowsPerStatement } from './chunks.js';
import type { StatementShapes } from './statement-shapes.js';
import type { TransactionScope } from './query-scope.js';
import { lastPerKey, pushLinkValues, pushRecordValues, pushTimelineValues, recordValues, unique } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import { SqlReader } from './sql-reader.js';
import { COLUMNS, TABLES, type TouchlogTables } from './tables.js';

/** See `SqlBackend.bulkInsert`. */
type BulkInsert = (db: Kysely<TouchlogTables>, table: string, columns: readonly string[], values: readonly unknown[]) => Promise<boolean>;

/** Parameters kept free in a multi-row statement for the tenant and the like. */
const RESERVED_PARAMETERS = 4;

/** Record columns an update replaces (everything but the key). */
const UPDATED_COLUMNS = COLUMNS.records.filter((column) => column !== 'tenant_id' && column !== 'id');

/**
 * The writes of the adapter contract as SQL, on one transaction's connection. Bulk writes are
 * multi-row statements, chunked under the dialect's parameter limit; never one row at a time.
 */
export class SqlTransaction extends SqlReader implements AdapterTransaction {
  private readonly rowsPer: { [K in keyof typeof COLUMNS]: number };

  constructor(
    dialect: SqlDialect,
    protected override readonly scope: TransactionScope,
    shapes: StatementShapes,
    /** A faster way to write many rows (PostgreSQL COPY), and from how many rows to use it. */
    private readonly bulk?: { readonly insert: BulkInsert; readonly from: number },
  ) {
    super(dialect, scope, shapes);
    const per = (columns: readonly string[]) => rowsPerStatement(dialect.maxParameters, columns.length, RESERVED_PARAMETERS);
    this.rowsPer = {
      records: per(COLUMNS.records),
      links: per(COLUMNS.links),
      timeline: per(COLUMNS.timeline),
      identifiers: per(COLUMNS.identifiers),
      audit: per(COLUMNS.audit),
      subjectKeys: per(COLUMNS.subjectKeys),
    };
  }

  async lockTenant(tenant: string): Promise<AuditHeadRow | undefined> {
    return this.scope.run(tenant, 'locking the tenant', (db) => this.dialect.lockTenant(db, tenant));
  }

  async insertRecords(tenant: string, writes: readonly RecordWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.scope.run(tenant, 'inserting records', async (db) => {
      if (!(await this.bulkInserted(db, 'touchlog_records', COLUMNS.records, writes.length, () => {
        const values: unknown[] = [];
        for (const write of writes) pushRecordValues(values, tenant, write);
        return values;
      }))) {
        for (let from = 0; from < writes.length; from += this.rowsPer.records) {
          const to = Math.min(writes.length, from + this.rowsPer.records);
          const parameters: unknown[] = [];
          for (let i = from; i < to; i++) pushRecordValues(parameters, tenant, writes[i]!);
          await this.shapes.insertRows(db, 'touchlog_records', COLUMNS.records, to - from, parameters);
        }
      }
      await this.insertDerived(db, tenant, writes);
    });
  }

  /** Writes `rows` rows (their values from `values()`) with the bulk path when there is one and they are enough; `false` otherwise. */
  private async bulkInserted(db: Kysely<TouchlogTables>, table: string, columns: readonly string[], rows: number, values: () => unknown[]): Promise<boolean> {
    if (!this.bulk || rows < this.bulk.from) return false;
    return this.bulk.insert(db, table, columns, values());
  }

  /** Inserts the links and timeline entries of records. */
  private async insertDerived(db: Kysely<TouchlogTables>, tenant: string, writes: readonly RecordWrite[]): Promise<void> {
    await this.insertEach(db, 'touchlog_links', COLUMNS.links, this.rowsPer.links, writes, (out, write) => pushLinkValues(out, tenant, write));
    await this.insertEach(db, 'touchlog_timeline', COLUMNS.timeline, this.rowsPer.timeline, writes, (out, write) => pushTimelineValues(out, tenant, write));
  }

  /**
   * Inserts the rows `push` derives from each write (any number per write) into `table`, in
   * statements of at most `perStatement` rows.
   */
  private async insertEach<T extends 'touchlog_links' | 'touchlog_timeline'>(
    db: Kysely<TouchlogTables>,
    table: T,
    columns: readonly (keyof TouchlogTables[T] & string)[],
    perStatement: number,
    writes: readonly RecordWrite[],
    push: (out: unknown[], write: RecordWrite) => number,
  ): Promise<void> {
    const width = columns.length;
    if (this.bulk && writes.length >= this.bulk.from) {
      const values: unknown[] = [];
      for (const write of writes) push(values, write);
      if (values.length / width >= this.bulk.from && (await this.bulk.insert(db, table, columns, values))) return;
    }
    let parameters: unknown[] = [];
    let rows = 0;
    for (const write of writes) {
      rows += push(parameters, write);
      // A write's rows may overshoot the limit: send whole statements of `perStatement` rows.
      while (rows >= perStatement) {
        await this.shapes.insertRows(db, table, columns, perStatement, parameters.slice(0, perStatement * width));
        parameters = parameters.slice(perStatement * width);
        rows -= perStatement;
      }
    }
    await this.shapes.insertRows(db, table, columns, rows, parameters);
  }

  /** Deletes the links and timeline entries of records. */
  private async deleteDerived(db: Kysely<TouchlogTables>, tenant: string, recordIds: readonly string[]): Promise<void> {
    for (const chunk of chunks(recordIds, this.lookupSize)) {
      await db.deleteFrom('touchlog_links').where('tenant_id', '=', tenant).where('record_id', 'in', chunk).execute();
      await db.deleteFrom('touchlog_timeline').where('tenant_id', '=', tenant).where('record_id', 'in', chunk).execute();
    }
  }

  async updateRecords(tenant: string, updates: readonly RecordUpdate[]): Promise<string[]> {
    if (updates.length === 0) return [];
    return this.scope.run(tenant, 'updating records', async (db) => {
      const stale: string[] = [];
      // An id twice in one call is applied in order, each against the version the previous left.
      for (const chunk of distinctChunks(updates, this.rowsPer.records, (update) => update.row.id)) {
        const matched = new Set(await this.conditionalUpdate(db, tenant, chunk));
        const applied = chunk.filter((update) => matched.has(update.row.id));
        for (const update of chunk) if (!matched.has(update.row.id)) stale.push(update.row.id);
        if (applied.length === 0) continue;
        await this.deleteDerived(
          db,
          tenant,
          applied.map((update) => update.row.id),
        );
        await this.insertDerived(db, tenant, applied);
      }
      return stale;
    });
  }

  /**
   * One conditional `UPDATE ... FROM (VALUES ...)`: each row is replaced only where tenant, id,
   * collection and the expected version all match. Returns the ids it replaced.
   */
  private async conditionalUpdate(db: Kysely<TouchlogTables>, tenant: string, updates: readonly RecordUpdate[]): Promise<string[]> {
    const { castTypes } = this.dialect;
    const parameters: unknown[] = [];
    for (const update of updates) {
      const values = recordValues(tenant, update);
      parameters.push(values.id, update.expectedVersion);
      for (const column of UPDATED_COLUMNS) parameters.push(values[column]);
    }
    parameters.push(tenant);
    const result = await this.shapes.execute<{ id: string }>(db, `update:records:${updates.length}`, parameters, () => {
      const cast = (value: unknown, type: string) => sql`cast(${value} as ${sql.raw(type)})`;
      const perRow = 2 + UPDATED_COLUMNS.length;
      const rows = updates.map((_, row) => {
        const values = parameters.slice(row * perRow, (row + 1) * perRow);
        return sql`(${sql.join(
          values.map((value, i) => {
            const column = i === 0 ? 'id' : i === 1 ? 'expected_version' : UPDATED_COLUMNS[i - 2]!;
            return column === 'version' || column === 'expected_version' ? cast(value, castTypes.integer) : sql`${value}`;
          }),
        )})`;
      });
      const valueColumns = ['v_id', 'v_expected_version', ...UPDATED_COLUMNS.map((column) => `v_${column}`)];
      const assignments = UPDATED_COLUMNS.map((column) => sql`${sql.id(column)} = ${sql.ref(`v.v_${column}`)}`);
      return sql<{ id: string }>`
        with v (${sql.join(valueColumns.map((column) => sql.id(column)))}) as (values ${sql.join(rows)})
        update ${this.table(TABLES.records)} as r set ${sql.join(assignments)}
        from v
        where r.tenant_id = ${tenant} and r.id = v.v_id and r.collection = v.v_collection and r.version = v.v_expected_version
        returning id`.compile(db);
    });
    return result.rows.map((row) => row.id);
  }

  async deleteRecords(tenant: string, collection: Collection, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.scope.run(tenant, 'deleting records', async (db) => {
      let count = 0;
      for (const chunk of chunks(unique(ids), this.lookupSize)) {
        const deleted = await db
          .deleteFrom('touchlog_records')
          .where('tenant_id', '=', tenant)
          .where('collection', '=', collection)
          .where('id', 'in', chunk)
          .returning('id')
          .execute();
        count += deleted.length;
        await this.deleteDerived(
          db,
          tenant,
          deleted.map((row) => row.id),
        );
      }
      return count;
    });
  }

  async reassignRecords(tenant: string, selection: ReassignSelection, toCustomerId: string): Promise<number> {
    const homes = selection.homeCustomerIds === undefined ? undefined : unique(selection.homeCustomerIds);
    if (homes?.length === 0) return 0;
    return this.scope.run(tenant, 'moving records to another customer', async (db) => {
      let moved = 0;
      for (const chunk of homes === undefined ? [undefined] : chunks(homes, this.lookupSize)) {
        // Entries in the timeline table follow their records; move them first, while the selection still finds them.
        let entries = db.updateTable('touchlog_timeline').set({ customer_id: toCustomerId }).where('tenant_id', '=', tenant).where('customer_id', '=', selection.fromCustomerId);
        if (chunk) entries = entries.where('home_customer_id', 'in', chunk);
        await entries.execute();
        let records = db.updateTable('touchlog_records').set({ customer_id: toCustomerId }).where('tenant_id', '=', tenant).where('customer_id', '=', selection.fromCustomerId);
        if (chunk) records = records.where('home_customer_id', 'in', chunk);
        const result = await records.executeTakeFirst();
        moved += Number(result.numUpdatedRows);
      }
      return moved;
    });
  }

  async putIdentifiers(tenant: string, rows: readonly IdentifierRow[], options?: { replace?: boolean }): Promise<void> {
    if (rows.length === 0) return;
    await this.scope.run(tenant, 'writing identifiers', async (db) => {
      const replace = options?.replace === true;
      const values = (replace ? lastPerKey(rows, (row) => row.key) : rows).map((row) => ({ tenant_id: tenant, key: row.key, customer_id: row.customerId }));
      for (const chunk of chunks(values, this.rowsPer.identifiers)) {
        const insert = db.insertInto('touchlog_identifiers').values(chunk);
        await (replace
          ? insert.onConflict((conflict) => conflict.columns(['tenant_id', 'key']).doUpdateSet((eb) => ({ customer_id: eb.ref('excluded.customer_id') })))
          : insert
        ).execute();
      }
    });
  }

  async deleteIdentifiers(tenant: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.scope.run(tenant, 'deleting identifiers', async (db) => {
      for (const chunk of chunks(unique(keys), this.lookupSize)) {
        await db.deleteFrom('touchlog_identifiers').where('tenant_id', '=', tenant).where('key', 'in', chunk).execute();
      }
    });
  }

  async appendAudit(tenant: string, rows: readonly AuditRow[], head: AuditHeadRow): Promise<void> {
    await this.scope.run(tenant, 'appending to the audit trail', async (db) => {
      const values = (from: number, to: number) => {
        const out: unknown[] = [];
        for (let i = from; i < to; i++) out.push(tenant, rows[i]!.seq, rows[i]!.entityId, rows[i]!.entry);
        return out;
      };
      if (!(await this.bulkInserted(db, 'touchlog_audit', COLUMNS.audit, rows.length, () => values(0, rows.length)))) {
        for (let from = 0; from < rows.length; from += this.rowsPer.audit) {
          const to = Math.min(rows.length, from + this.rowsPer.audit);
          await this.shapes.insertRows(db, 'touchlog_audit', COLUMNS.audit, to - from, values(from, to));
        }
      }
      await db
        .insertInto('touchlog_audit_heads')
        .values({ tenant_id: tenant, seq: head.seq, hash: head.hash })
        .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), hash: eb.ref('excluded.hash') })))
        .execute();
    });
  }

  async putSubjectKeys(tenant: string, rows: readonly SubjectKeyRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.scope.run(tenant, 'writing data keys', async (db) => {
      const values = lastPerKey(rows, (row) => row.subjectId).map((row) => ({ tenant_id: tenant, subject_id: row.subjectId, key: row.key }));
      for (const chunk of chunks(values, this.rowsPer.subjectKeys)) {
        await db
          .insertInto('touchlog_subject_keys')
          .values(chunk)
          .onConflict((conflict) => conflict.columns(['tenant_id', 'subject_id']).doUpdateSet((eb) => ({ key: eb.ref('excluded.key') })))
          .execute();
      }
    });
  }

  async deleteSubjectKeys(tenant: string, subjectIds: readonly string[]): Promise<void> {
    if (subjectIds.length === 0) return;
    await this.scope.run(tenant, 'deleting data keys', async (db) => {
      for (const chunk of chunks(unique(subjectIds), this.lookupSize)) {
        await db.deleteFrom('touchlog_subject_keys').where('tenant_id', '=', tenant).where('subject_id', 'in', chunk).execute();
      }
    });
  }
}
