/**
 * The conformance suite must catch broken adapters: each mutant below is the memory adapter with
 * one deliberate bug, and the checks that guard against that bug must fail on it.
 */
import { describe, expect, it } from 'vitest';
import type { AdapterTransaction, RecordUpdate, StorageAdapter } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { CONFORMANCE_CHECKS, runConformanceCheck } from 'touchlog/testing';
import { wrapAdapter } from '../helpers/wrap-adapter.js';

const check = (name: string) => {
  const found = CONFORMANCE_CHECKS.find((c) => c.name === name);
  if (!found) throw new Error(`no check named ${name}`);
  return found;
};

const mutants: Array<{ bug: string; adapter: () => StorageAdapter; caughtBy: string[] }> = [
  {
    bug: 'ignores expectedVersion (unconditional writes)',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        tx: {
          updateRecords: (update, tx) => async (tenant, updates) => {
            const current = await tx.getRecords(tenant, updates[0]!.row.collection, updates.map((u) => u.row.id));
            const forced: RecordUpdate[] = updates.map((u) => ({ ...u, expectedVersion: current.find((c) => c.id === u.row.id)?.version ?? u.expectedVersion }));
            return update(tenant, forced);
          },
        },
      }),
    caughtBy: ['applies an update only at the expected version (conditional write)'],
  },
  {
    bug: 'leaks other tenants’ rows on reads',
    adapter: () => {
      const inner = memoryAdapter();
      const tenantsSeen: string[] = [];
      const anyTenant =
        <A extends unknown[], R extends unknown[]>(read: (tenant: string, ...args: A) => Promise<R>) =>
        async (tenant: string, ...args: A) => {
          if (!tenantsSeen.includes(tenant)) tenantsSeen.push(tenant);
          const all: unknown[] = [];
          for (const t of tenantsSeen) all.push(...(await read(t, ...args)));
          return all as R;
        };
      return wrapAdapter(inner, { reader: { getRecords: anyTenant, listRecords: anyTenant, listTimeline: anyTenant } });
    },
    caughtBy: ['no API reaches another tenant'],
  },
  {
    bug: 'does not roll back',
    adapter: () => {
      const inner = memoryAdapter();
      return wrapAdapter(inner, {
        transaction: async (fn) => {
          let failure: unknown;
          const result = await inner.transaction(async (tx: AdapterTransaction) => {
            try {
              return await fn(tx);
            } catch (error) {
              failure = error; // swallow: the transaction commits what was written so far
              return undefined as never;
            }
          });
          if (failure) throw failure;
          return result;
        },
      });
    },
    caughtBy: ['commits together and rolls back without a trace'],
  },
  {
    bug: 'breaks ties arbitrarily instead of by id',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        reader: { listRecords: (list) => async (tenant, query) => (await list(tenant, query)).reverse() },
      }),
    caughtBy: ['orders ties by id, ascending and descending'],
  },
  {
    bug: 'repeats the last item of a page on the next page',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        reader: {
          listRecords: (list) => async (tenant, query) => {
            if (!query.after) return list(tenant, query);
            const shifted = { ...query, after: { at: query.after.at, id: query.after.id.slice(0, -1) } };
            return list(tenant, shifted);
          },
        },
      }),
    caughtBy: ['pages neither skip nor repeat while records are inserted'],
  },
  {
    bug: 'returns audit entries out of order',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        reader: { readAudit: (read) => async (tenant, query) => (await read(tenant, query)).sort((a, b) => (a.seq % 2) - (b.seq % 2)) },
      }),
    caughtBy: ['audits every write in order, in the same transaction, and answers who changed what'],
  },
  {
    bug: 'mangles non-ASCII text',
    adapter: () => {
      const inner = memoryAdapter();
      return wrapAdapter(inner, {
        reader: {
          getRecords: (get) => async (tenant, collection, ids) =>
            (await get(tenant, collection, ids)).map((row) => ({ ...row, document: row.document.normalize('NFD') })),
        },
      });
    },
    caughtBy: ['round-trips Unicode, large bodies, nested metadata and extreme amounts exactly'],
  },
  {
    bug: 'drops links on update',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        tx: { updateRecords: (update) => (tenant, updates) => update(tenant, updates.map((u) => ({ ...u, links: [] }))) },
      }),
    caughtBy: ['finds everything about a financial document'],
  },
  {
    bug: 'ignores the source-key lookup (duplicates on re-delivery)',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        reader: { getRecordsBySource: () => async () => [] },
        tx: { insertRecords: (insert) => (tenant, writes) => insert(tenant, writes.map((w) => ({ ...w, row: { ...w.row, sourceSystem: null, sourceExternalId: null } }))) },
      }),
    caughtBy: ['never duplicates a source record; newer updates, older is stale, same version differing conflicts'],
  },
  {
    bug: 'orders source keys as JavaScript compares strings (UTF-16 units), not by their UTF-8 bytes',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        reader: {
          listRecordsBySource: (list) => async (tenant, query) => {
            const { afterExternalId, ...rest } = query;
            const all = (await list(tenant, { ...rest, limit: 100_000 })).sort((a, b) => (a.sourceExternalId! < b.sourceExternalId! ? -1 : 1));
            return all.filter((row) => afterExternalId === undefined || row.sourceExternalId! > afterExternalId).slice(0, query.limit);
          },
        },
      }),
    caughtBy: ['lists the records of one source system in external-id byte order, page by page'],
  },
  {
    bug: 'lets a reader past a change that is not visible yet (an audit row missing from a read)',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        reader: { readAudit: (read) => async (tenant, query) => (await read(tenant, query)).filter((row) => query.entityId !== undefined || row.seq !== 4) },
      }),
    caughtBy: ['feeds every committed change in commit order, resumable from any cursor'],
  },
  {
    bug: 'starts identifier scans from the beginning whatever afterKey says',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        reader: { scanIdentifiers: (scan) => (tenant, query) => scan(tenant, { limit: query.limit }) },
      }),
    caughtBy: ['scans identifiers and data keys in key order, page by page, within the tenant'],
  },
  {
    bug: 'loses links of records inserted in bulk',
    adapter: () =>
      wrapAdapter(memoryAdapter(), {
        tx: { insertRecords: (insert) => (tenant, writes) => insert(tenant, writes.length > 1 ? writes.map((w) => ({ ...w, links: [] })) : writes) },
      }),
    caughtBy: ['takes a restorable export into an empty tenant whole, writes nothing the second time, and refuses a tampered one'],
  },
  {
    bug: 'leaves data keys out of scans',
    adapter: () => wrapAdapter(memoryAdapter(), { reader: { scanSubjectKeys: () => async () => [] } }),
    caughtBy: ['scans identifiers and data keys in key order, page by page, within the tenant'],
  },
];

describe('the conformance suite catches broken adapters', () => {
  for (const mutant of mutants) {
    for (const name of mutant.caughtBy) {
      it(`${mutant.bug}: fails "${name}"`, async () => {
        await expect(runConformanceCheck(check(name), mutant.adapter())).rejects.toThrow();
      });
    }
  }

  it('passes the same checks on the intact memory adapter', async () => {
    for (const name of new Set(mutants.flatMap((m) => m.caughtBy))) {
      await runConformanceCheck(check(name), memoryAdapter());
    }
  });
});
