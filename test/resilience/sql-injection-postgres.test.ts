import { afterAll, it } from 'vitest';
import { postgresAdapter } from 'touchlog/postgres';
import { adminQuery, dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { checkSqlInjection } from './sql-injection.js';

const schema = freshSchema('inject');
afterAll(() => dropSchemas([schema]));

it('an SQL-injection corpus through every string filter and field leaves the PostgreSQL database unchanged', async () => {
  const adapter = postgresAdapter({ connectionString: postgresUrl(), schema });
  await checkSqlInjection(adapter, async () => {
    const tables = await adminQuery<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1 order by table_name', [schema]);
    const out: Record<string, string[]> = {};
    for (const { table_name } of tables.rows) {
      const rows = await adminQuery(`select row_to_json(t)::text as row from "${schema}"."${table_name}" t`);
      out[table_name] = rows.rows.map((r) => String(r['row'])).sort();
    }
    return out;
  });
  await adapter.close();
}, 120_000);
