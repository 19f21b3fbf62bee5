/**
 * Differential test of the SQL adapters against the reference implementation: the same random
 * writes go to the memory, SQLite and PostgreSQL adapters, then hundreds of random reads (every
 * filter, both orders, keyset positions, ties on the instant) must return exactly the same rows
 * in exactly the same order from all three.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRow, Collection, Keyset, RecordFilter, RecordWrite, StorageAdapter } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { postgresAdapter } from 'touchlog/postgres';
import { sqliteAdapter } from 'touchlog/sqlite';
import { seededRandom } from 'touchlog/testing';
import { dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';

const SEED = 20260301;
const TENANT = 'diff';
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const maybe = (probability: number) => random() < probability;
const someOf = <T>(items: readonly T[], max = 3): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(items)))];

const COLLECTIONS: Collection[] = ['interactions', 'communications', 'financial', 'followUps'];
const CUSTOMERS = ['C1', 'C2', 'C3'];
const KINDS = ['invoice', 'payment', null];
const CHANNELS = ['email', 'phone', 'chat', null];
const PURPOSES = ['dispute', 'inquiry', null];
const STATUSES = ['open', 'closed', 'pending', null];
const SYSTEMS = ['crm', 'erp', null];
const REFS = ['INV-1', 'INV-2', 'INV-3', 'PAY-1'];
const ENTRY_KINDS = ['interaction', 'communication', 'invoice_issued', 'invoice_due'];
/** Few distinct instants, so that many rows tie on `at` and order by id. */
const INSTANTS = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i * 3)).toISOString());
const ids = Array.from({ length: 90 }, (_, i) => `01JQ${String(i * 7919 % 1000).padStart(4, '0')}${String(i).padStart(18, '0')}`);

function randomWrite(id: string, version = 1): RecordWrite {
  const customerId = pick(CUSTOMERS);
  const at = pick(INSTANTS);
  const system = pick(SYSTEMS);
  const row: RecordWrite['row'] = {
      collection: pick(COLLECTIONS),
      id,
      version,
      customerId,
      homeCustomerId: maybe(0.8) ? customerId : pick(CUSTOMERS),
      at,
      dueAt: maybe(0.5) ? pick(INSTANTS) : null,
      kind: pick(KINDS),
      channel: pick(CHANNELS),
      purpose: pick(PURPOSES),
      status: pick(STATUSES),
      sourceSystem: system,
      sourceExternalId: system === null ? null : `${id}-${version}`,
      sourceHash: system === null ? null : `h${version}`,
      createdAt: at,
      updatedAt: pick(INSTANTS),
      salt: maybe(0.5) ? `salt-${version}` : null,
      document: JSON.stringify({ id, version, note: `rev ${version} ü 🙂`, amount: { amountMinor: Math.floor(random() * 1e15), currency: 'USD' }, nested: [1, { deep: maybe(0.5) }] }),
  };
  return {
    row,
    links: maybe(0.7) ? someOf(REFS, 2).map((ref) => ({ kind: ref.startsWith('PAY') ? 'payment' : 'invoice', ref })) : [],
    // Entry ids are `recordId:kind`; the first entry is sometimes the record's own (the row's
    // instant, channel, purpose and status), which SQL adapters keep on the row.
    timeline: someOf(ENTRY_KINDS, 1 + Math.floor(random() * 2)).map((kind, n) => {
      const own = n === 0 && maybe(0.6);
      return {
        entryId: `${id}:${kind}`,
        at: n === 0 ? at : pick(INSTANTS),
        kind,
        channel: own ? row.channel : pick(CHANNELS),
        purpose: own ? row.purpose : pick(PURPOSES),
        status: own ? row.status : pick(STATUSES),
      };
    }),
  };
}

/** The writes every adapter receives, in the same transactions. */
const inserts = ids.map((id) => randomWrite(id));
const updates = ids.filter(() => maybe(0.3)).map((id) => ({ ...randomWrite(id, 2), expectedVersion: maybe(0.8) ? 1 : 9 }));
const updatedIds = new Set(updates.map((u) => u.row.id));
const deletions = ids.filter((id) => !updatedIds.has(id) && maybe(0.1));
const auditRows: AuditRow[] = Array.from({ length: 40 }, (_, i) => ({ seq: i + 1, entityId: pick(ids.slice(0, 5)), entry: JSON.stringify({ seq: i + 1, at: pick(INSTANTS) }) }));

async function load(adapter: StorageAdapter): Promise<unknown> {
  await adapter.migrate();
  await adapter.transaction((tx) => tx.insertRecords(TENANT, inserts.slice(0, 50)));
  await adapter.transaction((tx) => tx.insertRecords(TENANT, inserts.slice(50)));
  const stale = await adapter.transaction((tx) => tx.updateRecords(TENANT, updates));
  const deleted = await adapter.transaction(async (tx) =>
    Promise.all(COLLECTIONS.map((collection) => tx.deleteRecords(TENANT, collection, deletions))),
  );
  // No reassignRecords here: the memory adapter drops the links of the records it moves (it reads
  // them after removing the record), so it is no reference for that; sqlite.test.ts covers it.
  await adapter.transaction((tx) => tx.appendAudit(TENANT, auditRows, { seq: 40, hash: 'h40' }));
  return { stale, deleted };
}

function randomAfter(): Keyset | undefined {
  return maybe(0.5) ? { at: pick(INSTANTS), id: maybe(0.7) ? pick(ids) : `${pick(ids)}:a` } : undefined;
}

function randomFilter(): RecordFilter {
  const filter: Record<string, unknown> = {};
  const lists: Array<[keyof RecordFilter, readonly unknown[]]> = [
    ['ids', ids],
    ['customerIds', CUSTOMERS],
    ['homeCustomerIds', CUSTOMERS],
    ['kinds', KINDS.filter(Boolean)],
    ['channels', CHANNELS.filter(Boolean)],
    ['purposes', PURPOSES.filter(Boolean)],
    ['statuses', STATUSES.filter(Boolean)],
    ['sourceSystems', SYSTEMS.filter(Boolean)],
  ];
  for (const [name, values] of lists) if (maybe(0.25)) filter[name] = maybe(0.05) ? [] : someOf(values, name === 'ids' ? 20 : 2);
  for (const name of ['from', 'to', 'dueBefore', 'updatedBefore']) if (maybe(0.25)) filter[name] = pick(INSTANTS);
  return filter as RecordFilter;
}

const queries = Array.from({ length: 400 }, (_, i) => {
  const order = pick(['asc', 'desc'] as const);
  const limit = 1 + Math.floor(random() * 25);
  const after = randomAfter();
  switch (i % 5) {
    case 0:
    case 1:
      return { method: 'listRecords' as const, query: { collection: pick(COLLECTIONS), filter: randomFilter(), order, limit, ...(after ? { after } : {}) } };
    case 2: {
      const f = randomFilter();
      const link = maybe(0.3) ? { kind: 'invoice', ref: pick(REFS) } : undefined;
      return {
        method: 'listTimeline' as const,
        query: {
          customerId: pick(CUSTOMERS),
          ...(maybe(0.3) ? { kinds: someOf(ENTRY_KINDS, 2) } : {}),
          ...(f.channels ? { channels: f.channels } : {}),
          ...(f.purposes ? { purposes: f.purposes } : {}),
          ...(f.statuses ? { statuses: f.statuses } : {}),
          ...(f.from ? { from: f.from } : {}),
          ...(f.to ? { to: f.to } : {}),
          ...(link ? { link } : {}),
          order,
          limit,
          ...(after ? { after } : {}),
        },
      };
    }
    case 3:
      return {
        method: 'listLinked' as const,
        query: { kind: pick(['invoice', 'payment']), ref: pick(REFS), ...(maybe(0.4) ? { collections: someOf(COLLECTIONS, 2) } : {}), order, limit, ...(after ? { after } : {}) },
      };
    default:
      return {
        method: 'readAudit' as const,
        query: { limit, ...(maybe(0.5) ? { order } : {}), ...(maybe(0.5) ? { afterSeq: Math.floor(random() * 40) } : {}), ...(maybe(0.4) ? { entityId: pick(ids.slice(0, 6)) } : {}) },
      };
  }
});

async function answers(adapter: StorageAdapter): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const { method, query } of queries) out.push(await (adapter[method] as (tenant: string, q: unknown) => Promise<unknown>)(TENANT, query));
  out.push(await adapter.getRecords(TENANT, 'interactions', ids).then((rows) => rows.sort((a, b) => (a.id < b.id ? -1 : 1))));
  out.push(await adapter.getAuditHead(TENANT));
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'touchlog-diff-'));
const schema = freshSchema('differential');
const adapters: Record<string, StorageAdapter> = {};
let expected: { load: unknown; answers: unknown[] };

beforeAll(async () => {
  adapters['memory'] = memoryAdapter();
  adapters['sqlite'] = sqliteAdapter({ filename: join(dir, 'diff.db') });
  adapters['postgres'] = postgresAdapter({ connectionString: postgresUrl(), schema });
  expected = { load: await load(adapters['memory']), answers: await answers(adapters['memory']) };
});

afterAll(async () => {
  await Promise.all(Object.values(adapters).map((adapter) => adapter.close()));
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas([schema]);
});

describe('SQL adapters against the memory adapter', () => {
  it('the reference run is not trivial', () => {
    const pages = expected.answers.slice(0, queries.length) as unknown[][];
    expect(pages.filter((page) => page.length > 0).length).toBeGreaterThan(queries.length / 2);
    expect(pages.filter((page) => page.length > 1).length).toBeGreaterThan(queries.length / 4);
  });

  it.each(['sqlite', 'postgres'])('%s answers every random read exactly as the memory adapter does', async (name) => {
    const adapter = adapters[name]!;
    expect(await load(adapter)).toEqual(expected.load);
    const actual = await answers(adapter);
    for (let i = 0; i < queries.length; i++) {
      expect(actual[i], `${queries[i]!.method} ${JSON.stringify(queries[i]!.query)} (seed ${SEED})`).toEqual(expected.answers[i]);
    }
    expect(actual.slice(queries.length)).toEqual(expected.answers.slice(queries.length));
  });
});
