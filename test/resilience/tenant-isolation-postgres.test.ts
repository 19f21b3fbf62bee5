import { afterAll, it } from 'vitest';
import { postgresAdapter } from 'touchlog/postgres';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { checkTenantIsolation } from './tenant-isolation.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

it('random operations by two tenants never show either the other’s data (PostgreSQL)', async () => {
  await checkTenantIsolation(() => {
    const schema = freshSchema('iso');
    schemas.push(schema);
    return postgresAdapter({ connectionString: postgresUrl(), schema });
  }, 6);
}, 180_000);
