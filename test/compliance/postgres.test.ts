import { afterAll } from 'vitest';
import { postgresAdapter } from 'touchlog/postgres';
import { adminQuery, dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { describeErasure } from './erasure.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

/** Every row of every table in a schema, as JSON text: what a search of the database would see. */
async function everyRow(schema: string): Promise<string> {
  const tables = await adminQuery<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
  let text = '';
  for (const { table_name } of tables.rows) {
    const rows = await adminQuery<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${table_name}" t`);
    for (const { row } of rows.rows) text += `${row}\n`;
  }
  return text;
}

let current = '';
describeErasure(
  'postgres',
  () => {
    current = freshSchema('erase');
    schemas.push(current);
    return postgresAdapter({ connectionString: postgresUrl(), schema: current });
  },
  { rawStorage: () => everyRow(current) },
);
