import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { postgresAdapter } from 'touchlog/postgres';
import { postgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { MIGRATIONS } from '../../src/adapters/sql/migrations.js';
import { schemaSql } from '../../src/adapters/sql/schema-sql.js';
import { TENANT_TABLES } from '../../src/adapters/sql/tables.js';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { describeLegacyDatabase, LEGACY_FIXTURE } from './legacy-database.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

/**
 * A PostgreSQL schema as touchlog 0.0.0 left it: created by migration 0001 alone (documents in
 * `jsonb`), holding the rows of the legacy SQLite fixture.
 */
async function legacySchema(): Promise<string> {
  const schema = freshSchema('legacy');
  schemas.push(schema);
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  const source = new Database(LEGACY_FIXTURE, { readonly: true });
  try {
    await client.query(schemaSql(postgresDialect(schema), MIGRATIONS.slice(0, 1)));
    for (const table of TENANT_TABLES) {
      const rows = source.prepare(`select * from ${table}`).all() as Array<Record<string, unknown>>;
      for (const row of rows) {
        const columns = Object.keys(row);
        await client.query(`insert into "${schema}".${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => row[c]));
      }
    }
  } finally {
    source.close();
    await client.end();
  }
  return schema;
}

describe('a PostgreSQL schema from touchlog 0.0.0', () => {
  describeLegacyDatabase(async () => postgresAdapter({ connectionString: postgresUrl(), schema: await legacySchema() }));
});
