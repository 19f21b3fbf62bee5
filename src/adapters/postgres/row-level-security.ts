import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SchemaStatement } from '../sql/migrations.js';
import type { TenantContext } from '../sql/query-scope.js';
import { TENANT_TABLES } from '../sql/tables.js';

/** The setting the policies read; set per transaction, so it never outlives one. */
export const TENANT_SETTING = 'touchlog.tenant';

/** Name of the policy on every tenant table. */
export const POLICY_NAME = 'touchlog_tenant_isolation';

/** Sets the tenant the rest of the transaction acts for. */
export const setTenant: TenantContext = async (db, tenant) => {
  await sql`select set_config(${TENANT_SETTING}, ${tenant}, true)`.execute(db);
};

/**
 * Row-level security as defence in depth: on every tenant table, a policy that only shows and
 * only accepts rows of the tenant set for the transaction, forced on the table owner too. Without
 * a tenant set, a session sees nothing. Idempotent; superusers and roles with BYPASSRLS are
 * exempt, as always in PostgreSQL.
 */
export function rowLevelSecurityStatements(db: Kysely<any>, schema: string | undefined): SchemaStatement[] {
  const statement = (raw: RawBuilder<unknown>): SchemaStatement => ({ compile: () => raw.compile(db), execute: () => raw.execute(db) });
  const tenantMatches = sql`tenant_id = current_setting(${sql.lit(TENANT_SETTING)}, true)`;
  return TENANT_TABLES.flatMap((name) => {
    const table = schema === undefined ? sql.id(name) : sql.id(schema, name);
    return [
      statement(sql`alter table ${table} enable row level security`),
      statement(sql`alter table ${table} force row level security`),
      statement(sql`drop policy if exists ${sql.id(POLICY_NAME)} on ${table}`),
      statement(sql`create policy ${sql.id(POLICY_NAME)} on ${table} using (${tenantMatches}) with check (${tenantMatches})`),
    ];
  });
}
