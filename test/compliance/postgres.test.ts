import { afterAll } from 'vitest';
import { postgresAdapter } from 'touchlog/postgres';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { describeErasure } from './erasure.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describeErasure('postgres', () => {
  const schema = freshSchema('erase');
  schemas.push(schema);
  return postgresAdapter({ connectionString: postgresUrl(), schema });
});
