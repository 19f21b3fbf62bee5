import { afterAll } from 'vitest';
import { postgresAdapter } from 'touchlog/postgres';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { describeSeedScenarios } from './seed-scenarios.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describeSeedScenarios('postgres', () => {
  const schema = freshSchema('scenario');
  schemas.push(schema);
  return postgresAdapter({ connectionString: postgresUrl(), schema });
});
