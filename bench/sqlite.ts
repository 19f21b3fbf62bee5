/**
 * SQLite adapter: ingest throughput and timeline page latency, each against raw better-sqlite3
 * doing the same work in the same run.
 *
 *   npm run bench:sqlite [-- --records 100000 --batch 1000 --big 1000000 --small 1000 --pages 500]
 *
 * - ingest: `log.ingest` of realistic ~1 KB interactions (validation, ids, customer resolution,
 *   links, timeline entries and the audit chain included), against one prepared INSERT per row
 *   into the same records table inside one transaction.
 * - pages: 50-entry timeline pages at random positions of a customer with `--big` entries and
 *   one with `--small`, against the raw keyset query (same SQL shape, same file) plus JSON
 *   parsing of the documents. A page should cost the same for both customers.
 *
 * Ratios are printed; nothing here asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { monotonicFactory } from 'ulid';
import { createTouchlog, type IngestItem, type RecordWrite, type StorageAdapter, type Touchlog } from 'touchlog';
import { sqliteAdapter, sqliteSchemaSql } from 'touchlog/sqlite';
import { benchCustomer, benchInteraction, CUSTOMERS, START } from './data.js';
import { argNumber, median, percentile, printTable } from './util.js';

/** Sizes, from the command line. */
export function benchSizes() {
  return {
    records: argNumber('records', 100_000),
    batch: argNumber('batch', 1_000),
    big: argNumber('big', 1_000_000),
    small: argNumber('small', 1_000),
    pages: argNumber('pages', 500),
  };
}

export function* ingestItems(count: number): Generator<IngestItem> {
  for (let i = 0; i < count; i++) yield { model: 'interaction', data: benchInteraction(i) };
}

/** The row touchlog would store for interaction `i` (for the raw baseline and the bulk page setup). */
export function storedInteraction(id: string, customerId: string, i: number, at: string): RecordWrite {
  const { customer: _customer, ...input } = benchInteraction(i);
  const data = { id, version: 1, createdAt: at, updatedAt: at, customerId, ...input, occurredAt: at };
  return {
    row: {
      collection: 'interactions',
      id,
      version: 1,
      customerId,
      homeCustomerId: customerId,
      at,
      dueAt: null,
      kind: null,
      channel: input.channel ?? null,
      purpose: input.purpose ?? null,
      status: 'open',
      sourceSystem: 'crm',
      sourceExternalId: `${customerId}-${i}`,
      sourceHash: null,
      createdAt: at,
      updatedAt: at,
      data,
    },
    links: input.links.map(({ kind, ref }) => ({ kind, ref })),
    timeline: [{ entryId: `${id}:interaction`, at, kind: 'interaction', channel: input.channel ?? null, purpose: input.purpose ?? null, status: 'open' }],
  };
}

/** Gives `customerId` `count` timeline entries, written straight through the adapter in large transactions. */
export async function fillTimeline(adapter: StorageAdapter, tenant: string, customerId: string, count: number): Promise<{ first: number; last: number }> {
  const newId = monotonicFactory(Math.random); // ulid's default crypto source would dominate the setup time
  const perTransaction = 5_000;
  for (let done = 0; done < count; done += perTransaction) {
    const writes: RecordWrite[] = [];
    for (let i = done; i < Math.min(count, done + perTransaction); i++) {
      const time = START + i * 60_000;
      writes.push(storedInteraction(newId(time), customerId, i, new Date(time).toISOString()));
    }
    await adapter.transaction((tx) => tx.insertRecords(tenant, writes));
  }
  return { first: START, last: START + (count - 1) * 60_000 };
}

/** What one reader's pages cost: wall-clock latencies (ms) and this process's CPU time per page (µs). */
export interface PageCosts {
  readonly latencies: number[];
  readonly cpuMicros: number;
}

/**
 * Reads `pages` timeline pages at random positions with each reader. The readers take turns on
 * the same positions, so that both see the same caches and the same machine load. CPU time per
 * page is reported too: on a busy machine it moves much less than wall-clock time.
 */
export async function pageLatencies(
  pages: number,
  range: { first: number; last: number },
  readers: Record<string, (from: string) => Promise<number> | number>,
): Promise<Record<string, PageCosts>> {
  const latencies: Record<string, number[]> = Object.fromEntries(Object.keys(readers).map((name) => [name, []]));
  const cpu: Record<string, number> = Object.fromEntries(Object.keys(readers).map((name) => [name, 0]));
  const warmUp = 50; // the first pages warm caches and the JIT
  for (let i = 0; i < pages + warmUp; i++) {
    const from = new Date(range.first + Math.floor(Math.random() * (range.last - range.first))).toISOString();
    const order = i % 2 === 0 ? Object.entries(readers) : Object.entries(readers).reverse();
    for (const [name, read] of order) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const entries = await read(from);
      const elapsed = performance.now() - started;
      const cpuUsed = process.cpuUsage(cpuBefore);
      if (entries === 0) throw new Error('a page came back empty');
      if (i >= warmUp) {
        latencies[name]!.push(elapsed);
        cpu[name]! += cpuUsed.user + cpuUsed.system;
      }
    }
  }
  return Object.fromEntries(Object.keys(readers).map((name) => [name, { latencies: latencies[name]!, cpuMicros: cpu[name]! / pages }]));
}

export const ms = (value: number) => `${value.toFixed(3)} ms`;

/** The page table: latency per reader and customer, and the ratios the targets are about. */
export function pageRows(results: Record<string, PageCosts>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [name, costs] of Object.entries(results)) {
    rows.push([`${name}: median / p99 (CPU here per page)`, `${ms(median(costs.latencies))} / ${ms(percentile(costs.latencies, 99))} (${Math.round(costs.cpuMicros)} µs)`]);
  }
  const ratio = (a: string, b: string) => (median(results[a]!.latencies) / median(results[b]!.latencies)).toFixed(2);
  const cpuRatio = (a: string, b: string) => (results[a]!.cpuMicros / results[b]!.cpuMicros).toFixed(2);
  rows.push(['touchlog / raw, big (target <= 2): latency, CPU', `${ratio('touchlog big', 'raw big')}, ${cpuRatio('touchlog big', 'raw big')}`]);
  rows.push(['touchlog / raw, small: latency, CPU', `${ratio('touchlog small', 'raw small')}, ${cpuRatio('touchlog small', 'raw small')}`]);
  rows.push(['big / small, touchlog (flat = about 1): latency, CPU', `${ratio('touchlog big', 'touchlog small')}, ${cpuRatio('touchlog big', 'touchlog small')}`]);
  rows.push(['big / small, raw: latency, CPU', `${ratio('raw big', 'raw small')}, ${cpuRatio('raw big', 'raw small')}`]);
  return rows;
}
export const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} records/s`;

export async function ingestThroughput(log: Touchlog, records: number, batch: number): Promise<number> {
  const started = performance.now();
  const report = await log.ingest(ingestItems(records), { batchSize: batch });
  const seconds = (performance.now() - started) / 1000;
  if (report.created !== records) throw new Error(`ingest created ${report.created} of ${records} (${report.rejections[0]?.message ?? 'no rejection'})`);
  return records / seconds;
}

/** Column names of the tables the raw baselines write, in the order {@link rawRows} gives values. */
export const RAW_COLUMNS = {
  touchlog_records: ['tenant_id', 'id', 'collection', 'version', 'customer_id', 'home_customer_id', 'at', 'due_at', 'kind', 'channel', 'purpose', 'status', 'source_system', 'source_external_id', 'source_hash', 'created_at', 'updated_at', 'data'],
  touchlog_links: ['tenant_id', 'record_id', 'kind', 'ref', 'at', 'collection'],
  touchlog_timeline: ['tenant_id', 'record_id', 'entry_id', 'customer_id', 'home_customer_id', 'at', 'kind', 'channel', 'purpose', 'status', 'collection'],
  touchlog_audit: ['tenant_id', 'seq', 'entity_id', 'entry'],
} as const;

export type RawTable = keyof typeof RAW_COLUMNS;

/** The records-table values of interaction `i`, in {@link RAW_COLUMNS} order. */
export function rawRecordValues(row: RecordWrite['row'], i: number): unknown[] {
  return ['bench', row.id, row.collection, row.version, row.customerId, row.homeCustomerId, row.at, row.dueAt, row.kind, row.channel, row.purpose, row.status, row.sourceSystem, `CASE-${i}`, row.sourceHash, row.createdAt, row.updatedAt, JSON.stringify(row.data)];
}
export const RAW_TABLES = Object.keys(RAW_COLUMNS) as RawTable[];

/**
 * Column values of the rows touchlog writes for interaction `i` (stored as `id`), for `tables`
 * only (a baseline does no work for tables it does not write): the record, its links, its
 * timeline entries and an audit row listing every field (no hashing, no sealing). Both SQL
 * benchmarks' raw baselines write these, so "the same rows" means the same in both.
 */
export function rawRows(id: string, customerId: string, i: number, tables: readonly RawTable[]): Partial<Record<RawTable, unknown[][]>> {
  const at = new Date(START + i * 60_000).toISOString();
  const { row, links, timeline } = storedInteraction(id, customerId, i, at);
  const build: Record<RawTable, () => unknown[][]> = {
    touchlog_records: () => [rawRecordValues(row, i)],
    touchlog_links: () => links.map((link) => ['bench', row.id, link.kind, link.ref, row.at, row.collection]),
    touchlog_timeline: () => timeline.map((entry) => ['bench', row.id, entry.entryId, row.customerId, row.homeCustomerId, entry.at, entry.kind, entry.channel, entry.purpose, entry.status, row.collection]),
    touchlog_audit: () => {
      const changes = Object.entries(row.data).map(([path, after]) => ({ path, after }));
      return [['bench', i + 1, row.id, JSON.stringify({ at: row.createdAt, actor: 'svc:bench', action: 'create', entity: { type: 'interaction', id: row.id }, changes })]];
    },
  };
  const out: Partial<Record<RawTable, unknown[][]>> = {};
  for (const table of tables) out[table] = build[table]();
  return out;
}

/** A raw database with touchlog's schema and the adapter's durability settings (WAL, synchronous FULL). */
function rawDatabase(filename: string) {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(sqliteSchemaSql());
  return db;
}

/** A prepared single-row INSERT into `table`, binding {@link RAW_COLUMNS} in order. */
function rawInsert(db: Database.Database, table: RawTable) {
  return db.prepare(`insert into ${table} (${RAW_COLUMNS[table].join(', ')}) values (${RAW_COLUMNS[table].map(() => '?').join(', ')})`);
}

/** Raw better-sqlite3: one prepared INSERT per row of the records table, all in one transaction (the baseline). */
function rawIngest(filename: string, records: number): number {
  const db = rawDatabase(filename);
  const newId = monotonicFactory(Math.random);
  const customers = Array.from({ length: CUSTOMERS }, () => newId());
  const insert = rawInsert(db, 'touchlog_records');
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < records; i++) {
      const { row } = storedInteraction(newId(), customers[i % CUSTOMERS]!, i, new Date(START + i * 60_000).toISOString());
      insert.run(rawRecordValues(row, i));
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return records / seconds;
}

/**
 * Raw better-sqlite3 writing {@link rawRows} for each interaction, committed once per batch like
 * `ingest`. Against this, the ratio isolates what touchlog's own code costs from what its data
 * model and per-batch durability cost.
 */
function rawIngestSameRows(filename: string, records: number, batch: number): number {
  const db = rawDatabase(filename);
  const newId = monotonicFactory(Math.random);
  const customers = Array.from({ length: CUSTOMERS }, () => newId());
  const inserts = RAW_TABLES.map((table) => [table, rawInsert(db, table)] as const);
  const writeBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const rows = rawRows(newId(), customers[i % CUSTOMERS]!, i, RAW_TABLES);
      for (const [table, insert] of inserts) for (const values of rows[table]!) insert.run(values);
    }
  });
  const started = performance.now();
  for (let from = 0; from < records; from += batch) writeBatch(from, Math.min(records, from + batch));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return records / seconds;
}

/** The raw keyset page: the same query shape as the adapter's, prepared once, documents parsed. */
function rawPageReader(filename: string, tenant: string) {
  const db = new Database(filename, { readonly: true });
  const page = db.prepare(
    `select r.*, t.entry_id, t.at as entry_at, t.kind as entry_kind from touchlog_timeline t
       join touchlog_records r on r.tenant_id = t.tenant_id and r.id = t.record_id
      where t.tenant_id = ? and t.customer_id = ? and t.at >= ? order by t.at, t.entry_id limit 51`,
  );
  return {
    read(customerId: string, from: string): number {
      const rows = page.all(tenant, customerId, from) as Array<{ data: string }>;
      for (const row of rows) row.data = JSON.parse(row.data);
      return rows.length;
    },
    close: () => db.close(),
  };
}

async function main(): Promise<void> {
  const sizes = benchSizes();
  const dir = mkdtempSync(join(tmpdir(), 'touchlog-bench-sqlite-'));
  try {
    // ---- ingest
    const filename = join(dir, 'touchlog.db');
    const adapter = sqliteAdapter({ filename });
    await adapter.migrate();
    const log = createTouchlog({ adapter, tenant: 'bench', actor: 'svc:bench' });
    await log.customers.recordMany(Array.from({ length: CUSTOMERS }, (_, n) => benchCustomer(n)));
    console.log(`ingesting ${sizes.records} interactions through touchlog...`);
    const touchlogRate = await ingestThroughput(log, sizes.records, sizes.batch);
    console.log('inserting the same rows with raw better-sqlite3...');
    const rawRate = rawIngest(join(dir, 'raw.db'), sizes.records);
    console.log('writing the same rows touchlog writes with raw better-sqlite3, batch by batch...');
    const sameRowsRate = rawIngestSameRows(join(dir, 'raw-same-rows.db'), sizes.records, sizes.batch);
    printTable(`sqlite ingest: ${sizes.records} interactions, batches of ${sizes.batch}, synchronous=FULL`, [
      ['touchlog ingest (validation, ids, links, timeline, audit)', rate(touchlogRate)],
      ['raw better-sqlite3: records-table INSERT only, one transaction', rate(rawRate)],
      ['raw better-sqlite3: record + link + timeline + audit rows, commit per batch', rate(sameRowsRate)],
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
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(`  (${setupSeconds.toFixed(1)} s: ${rate((sizes.big + sizes.small) / setupSeconds)} through the adapter alone, with links and timeline entries)`);

    const raw = rawPageReader(filename, 'bench');
    const rows: Array<[string, string]> = [];
    const results: Record<string, PageCosts> = {};
    for (const [label, customer, range] of [
      ['big', big.id, bigRange],
      ['small', small.id, smallRange],
    ] as const) {
      const measured = await pageLatencies(sizes.pages, range, {
        touchlog: async (from) => (await log.timeline(customer, { from, limit: 50 })).items.length,
        raw: (from) => raw.read(customer, from),
      });
      results[`touchlog ${label}`] = measured['touchlog']!;
      results[`raw ${label}`] = measured['raw']!;
    }
    raw.close();
    rows.push(...pageRows(results));
    printTable(`sqlite timeline pages of 50: ${sizes.big} vs ${sizes.small} entries, ${sizes.pages} pages each at random positions`, rows);
    await adapter.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
