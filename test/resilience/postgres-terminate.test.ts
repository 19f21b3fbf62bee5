/**
 * A PostgreSQL connection terminated mid-transaction (`pg_terminate_backend`): the call fails with
 * a typed error, nothing of the transaction is written, and the pool recovers.
 */
import { afterAll, expect, it } from 'vitest';
import { createTouchlog, isTouchlogError } from 'touchlog';
import { postgresAdapter } from 'touchlog/postgres';
import { sample } from 'touchlog/testing';
import { wrapAdapter } from '../helpers/wrap-adapter.js';
import { adminQuery, dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';

const schema = freshSchema('terminate');
afterAll(() => dropSchemas([schema]));

it('a backend terminated mid-transaction gives a typed error, no partial write, and the pool recovers', async () => {
  const inner = postgresAdapter({ connectionString: postgresUrl(), schema, maxConnections: 2 });
  let armed = false;
  // Between the records' insert and the audit append, the session is idle in its transaction: kill it there.
  const adapter = wrapAdapter(inner, {
    tx: {
      appendAudit: (append) => async (tenant, rows, head) => {
        if (armed) {
          armed = false;
          await adminQuery(
            `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`,
          );
        }
        return append(tenant, rows, head);
      },
    },
  });
  const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:test' });
  await adapter.migrate();
  const { record: customer } = await log.customers.record(sample.customer(1));
  const head = await log.audit.head();

  armed = true;
  const failure = await log.interactions.recordMany(Array.from({ length: 50 }, (_, i) => sample.interaction(customer.id, i))).catch((error: unknown) => error);
  expect(isTouchlogError(failure, 'STORAGE_FAILURE'), String(failure)).toBe(true);
  expect((failure as Error).message).not.toMatch(/terminat|insert|select|touchlog_/i);
  expect((await log.interactions.list({ limit: 100 })).items).toHaveLength(0);
  expect(await log.audit.head()).toEqual(head);

  // The pool hands out a healthy connection again.
  const again = await log.interactions.recordMany(Array.from({ length: 50 }, (_, i) => sample.interaction(customer.id, i)));
  expect(again).toHaveLength(50);
  expect((await log.audit.verify()).ok).toBe(true);
  await adapter.close();
}, 60_000);
