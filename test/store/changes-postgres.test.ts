/**
 * The change feed under concurrent writers on PostgreSQL, each on its own connection pool (as
 * separate processes would be), one of them slow to commit: a reader polling all along never
 * sees a change commit behind its cursor — no gap, no repeat, nothing skipped.
 *
 * Why it holds: every writer takes the tenant's audit-head row lock (`lockTenant`) before it
 * numbers its entries and keeps it until it commits, so the entries of a transaction get their
 * `seq` only after the transaction before it committed. A reader that read up to `n` can only
 * ever find `n + 1` next. (A feed keyed on a sequence or a timestamp taken at write time would
 * not have that: a transaction numbered earlier can commit later.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTouchlog, type StorageAdapter } from 'touchlog';
import { postgresAdapter } from 'touchlog/postgres';
import { sample } from 'touchlog/testing';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';
import { wrapAdapter } from '../helpers/wrap-adapter.js';

const schema = freshSchema('feed');
const adapters: StorageAdapter[] = [];
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await dropSchemas([schema]);
});

const pool = () => {
  const adapter = postgresAdapter({ connectionString: postgresUrl(), schema, maxConnections: 3 });
  adapters.push(adapter);
  return adapter;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the change feed on PostgreSQL with concurrent writers', () => {
  it('never lets a reader skip a change that commits late', async () => {
    const tenant = 'acme';
    const setup = pool();
    await setup.migrate();
    const first = createTouchlog({ adapter: setup, tenant, actor: 'setup' });
    const { record: customer } = await first.customers.record(sample.customer(1));

    // Writer 0 holds its transaction open for a while after it appended its entries.
    const slow = wrapAdapter(pool(), {
      tx: {
        appendAudit: (append) => async (t, rows, head) => {
          await append(t, rows, head);
          await sleep(40);
        },
      },
    });
    const writers = [slow, pool(), pool(), pool()].map((adapter, i) => createTouchlog({ adapter, tenant, actor: `writer:${i}` }));
    const readerAdapter = pool();
    const reader = createTouchlog({ adapter: readerAdapter, tenant, actor: 'reader' });

    let writing = true;
    const seen: number[] = [];
    let polls = 0;
    const read = (async () => {
      let cursor: string | undefined;
      let last = 0;
      for (let quiet = 0; writing || quiet < 2; polls++) {
        // What the database shows committed right now, past what the reader has seen: always the next ones, never a gap.
        const visible = await readerAdapter.readAudit(tenant, { afterSeq: last, limit: 1000 });
        visible.forEach((row, i) => expect(row.seq, 'no gap in what is committed').toBe(last + 1 + i));
        const page = await reader.changes({ limit: 5, ...(cursor !== undefined ? { after: cursor } : {}) });
        for (const change of page.items) {
          expect(change.seq, 'every change once, in order').toBe(last + 1);
          last = change.seq;
          seen.push(change.seq);
        }
        cursor = page.nextCursor;
        if (!writing && !page.hasMore) quiet++;
        if (!page.hasMore) await sleep(2);
      }
    })();

    const writes = writers.map(async (log, w) => {
      for (let n = 0; n < 12; n++) {
        if (n % 4 === 3) await log.interactions.recordMany([sample.interaction(customer.id, w * 100 + n), sample.interaction(customer.id, w * 100 + n + 50)]);
        else await log.interactions.record(sample.interaction(customer.id, w * 100 + n));
      }
    });
    await Promise.all(writes);
    writing = false;
    await read;

    const head = (await reader.audit.head())!;
    expect(head.seq).toBe(1 + 4 * (9 + 3 * 2));
    expect(seen).toEqual(Array.from({ length: head.seq }, (_, i) => i + 1));
    expect(polls).toBeGreaterThan(20);
    expect((await reader.audit.verify()).ok).toBe(true);
    const actors = new Set((await reader.changes({ limit: 1000 })).items.map((c) => c.actor));
    expect(actors).toEqual(new Set(['setup', 'writer:0', 'writer:1', 'writer:2', 'writer:3']));
  }, 60_000);
});
