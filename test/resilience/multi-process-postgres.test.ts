import { afterAll, it } from 'vitest';
import { postgresAdapter } from 'touchlog/postgres';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { checkMultiProcess } from './multi-process.js';

const schema = freshSchema('race');
afterAll(() => dropSchemas([schema]));

it('three processes on one PostgreSQL schema: no lost update, no duplicate, one valid chain', async () => {
  const url = postgresUrl();
  await checkMultiProcess(
    () => postgresAdapter({ connectionString: url, schema }),
    (worker, rounds, ids) => ['postgres', url, schema, String(worker), String(rounds), ids.join(',')],
  );
}, 180_000);
