/**
 * The SQLite write path and timeline reads, each as a ratio to raw better-sqlite3 doing the same
 * job the way a user would write it by hand, measured in the same process:
 *
 *   npm run bench:sqlite [-- --records 50000 --batch 1000 --rounds 3 --big 1000000 --small 1000 --pages 300 --singles 300 --verify 1 --only ingest,record,pages]
 *
 * The raw baseline is one table holding what an interaction is (tenant, id, customer, channel,
 * direction, purpose, subject, summary, instant, source key, links as JSON, version, timestamps)
 * with a unique source key and a timeline index, written with one prepared INSERT per row.
 *
 * - ingest: `interactions.recordMany` in batches of `--batch` into a new file (validation, ids,
 *   identity resolution, cross-source de-duplication, links, the audit trail: everything on),
 *   against the raw INSERTs in one transaction, `synchronous=FULL`. Also: bytes on disk per
 *   interaction, both files checkpointed.
 * - record: one `interactions.record()` against one raw INSERT in its own transaction, same
 *   durability; p50 latency.
 * - pages: 50-entry timeline pages walked with the cursor from random positions, for a customer
 *   with `--big` interactions and one with `--small`, against the raw keyset query plus parsing
 *   of the links JSON. Then a full `audit.verify()` of that file (chain and every record), timed.
 *
 * Rounds alternate raw and touchlog on fresh files; medians are reported. Nothing here asserts a time.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { monotonicFactory } from 'ulid';
import { createTouchlog, type Touchlog } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';
import { benchCustomer, CUSTOMERS, START, writePathInteraction } from './data.js';
import { argList, argNumber, median, percentile, printTable } from './util.js';

/** Sizes, from the command line. */
export function benchSizes() {
  return {
    records: argNumber('records', 50_000),
    batch: argNumber('batch', 1_000),
    rounds: argNumber('rounds', 3),
    big: argNumber('big', 1_000_000),
    small: argNumber('small', 1_000),
    pages: argNumber('pages', 300),
    singles: argNumber('singles', 300),
    /** Time a full `audit.verify()` of the pages file; `--verify 0` skips it. */
    verify: argNumber('verify', 1) !== 0,
  };
}

/** The table a user would write for interactions by hand. */
export const RAW_SCHEMA = `
  create table interactions (
    tenant_id text not null, id text not null, customer_id text not null,
    channel text not null, direction text not null, purpose text not null,
    subject text, summary text, occurred_at text not null,
    source_system text, source_external_id text, links text not null,
    version integer not null, created_at text not null, updated_at text not null,
    primary key (tenant_id, id),
    unique (tenant_id, source_system, source_external_id)
  );
  create index interactions_timeline on interactions (tenant_id, customer_id, occurred_at, id)`;

export const RAW_COLUMNS = [
  'tenant_id',
  'id',
  'customer_id',
  'channel',
  'direction',
  'purpose',
  'subject',
  'summary',
  'occurred_at',
  'source_system',
  'source_external_id',
  'links',
  'version',
  'created_at',
  'updated_at',
] as const;

/** The raw row of interaction `i`, in {@link RAW_COLUMNS} order. */
export function rawValues(id: string, customerId: string, i: number, now: string): unknown[] {
  const item = writePathInteraction(i);
  return ['bench', id, customerId, item.channel, item.direction, item.purpose, item.subject, item.summary, item.occurredAt, item.source.system, item.source.externalId, JSON.stringify(item.links), 1, now, now];
}

/** Raw ids as a user would make them: monotonic ULIDs (from a cheap random source, which flatters the baseline). */
export const rawIds = () => monotonicFactory(Math.random);

export const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} records/s`;
export const ms = (value: number) => `${value.toFixed(3)} ms`;
const bytes = (value: number) => `${Math.round(value).toLocaleString('en-US')} B`;

/** A raw connection with the adapter's durability (WAL, synchronous FULL); creates the table unless told it exists. */
function openRaw(filename: string, create = true) {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  if (create) db.exec(RAW_SCHEMA);
  const insert = db.prepare(`insert into interactions (${RAW_COLUMNS.join(', ')}) values (${RAW_COLUMNS.map(() => '?').join(', ')})`);
  return { db, insert };
}

/** The size of a database file with everything checkpointed into it. */
function fileSize(filename: string): number {
  const db = new Database(filename);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return statSync(filename).size;
}

/** One ingest: records per second of wall-clock time and of this process's CPU time, and bytes per record. */
export interface IngestRun {
  readonly rate: number;
  readonly cpuRate: number;
  readonly bytes: number;
}

/**
 * Wall-clock and CPU time from now. CPU time (this process, user and system) moves much less than
 * wall-clock time on a machine other work is loading; both are reported.
 */
export function startClock(): () => { seconds: number; cpuSeconds: number } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}

/** Raw better-sqlite3: the issue's baseline, every row in one transaction. Returns records/s and bytes per row. */
function rawIngest(dir: string, round: number, records: number): IngestRun {
  const filename = join(dir, `raw-${round}.db`);
  openRaw(filename).db.close();
  const empty = fileSize(filename);
  const { db, insert } = openRaw(filename, false);
  const newId = rawIds();
  const customers = Array.from({ length: CUSTOMERS }, () => newId());
  const now = new Date().toISOString();
  const clock = startClock();
  db.transaction(() => {
    for (let i = 0; i < records; i++) insert.run(rawValues(newId(), customers[i % CUSTOMERS]!, i, now));
  })();
  const { seconds, cpuSeconds } = clock();
  db.close();
  return { rate: records / seconds, cpuRate: records / cpuSeconds, bytes: (fileSize(filename) - empty) / records };
}

/** A touchlog instance on a new SQLite file, with the bench's customers. */
async function touchlogOn(filename: string): Promise<Touchlog> {
  const adapter = sqliteAdapter({ filename });
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'bench', actor: 'svc:bench' });
  await log.customers.recordMany(Array.from({ length: CUSTOMERS }, (_, n) => benchCustomer(n)));
  return log;
}

export async function recordInBatches(log: Touchlog, first: number, count: number, batch: number, item: (i: number) => unknown = writePathInteraction): Promise<void> {
  for (let from = first; from < first + count; from += batch) {
    const size = Math.min(batch, first + count - from);
    const results = await log.interactions.recordMany(Array.from({ length: size }, (_, k) => item(from + k)));
    if (results.length !== size || results.some((r) => r.outcome !== 'created')) throw new Error('the bench expected every item to be created');
  }
}

/** touchlog: `recordMany` in batches. Returns records/s and bytes per interaction. */
async function touchlogIngest(dir: string, round: number, records: number, batch: number): Promise<IngestRun> {
  const filename = join(dir, `touchlog-${round}.db`);
  const log = await touchlogOn(filename);
  await log.adapter.close();
  const empty = fileSize(filename);
  const reopened = createTouchlog({ adapter: sqliteAdapter({ filename }), tenant: 'bench', actor: 'svc:bench' });
  const clock = startClock();
  await recordInBatches(reopened, 0, records, batch);
  const { seconds, cpuSeconds } = clock();
  await reopened.adapter.close();
  return { rate: records / seconds, cpuRate: records / cpuSeconds, bytes: (fileSize(filename) - empty) / records };
}

/** One record at a time: touchlog's `record()` and a raw INSERT in its own `BEGIN IMMEDIATE` transaction, interleaved. */
async function singleWrites(dir: string, count: number): Promise<{ touchlog: number[]; raw: number[] }> {
  const log = await touchlogOn(join(dir, 'single-touchlog.db'));
  const { db, insert } = openRaw(join(dir, 'single-raw.db'));
  const one = db.transaction((values: unknown[]) => insert.run(values)).immediate;
  const newId = rawIds();
  const customers = Array.from({ length: CUSTOMERS }, () => newId());
  const now = new Date().toISOString();
  const touchlog: number[] = [];
  const raw: number[] = [];
  const warmUp = 30;
  for (let i = 0; i < count + warmUp; i++) {
    let started = performance.now();
    one(rawValues(newId(), customers[i % CUSTOMERS]!, i, now));
    const rawTime = performance.now() - started;
    started = performance.now();
    await log.interactions.record(writePathInteraction(i));
    const touchlogTime = performance.now() - started;
    if (i >= warmUp) {
      raw.push(rawTime);
      touchlog.push(touchlogTime);
    }
  }
  db.close();
  await log.adapter.close();
  return { touchlog, raw };
}

/** Latencies of timeline pages walked with the cursor: `walks` random starts, `length` pages from each. */
export async function walkPages(
  walks: number,
  length: number,
  range: { first: number; last: number; step: number },
  readers: Record<string, (from: string, pages: number, onPage: (ms: number, cpuMs: number) => void) => Promise<void>>,
): Promise<{ latencies: Record<string, number[]>; cpu: Record<string, number[]> }> {
  const latencies: Record<string, number[]> = Object.fromEntries(Object.keys(readers).map((name) => [name, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(readers).map((name) => [name, []]));
  const warmUp = 10;
  // Starts that leave room for the whole walk (pages of 50, `step` ms between entries).
  const span = range.last - range.first - (length * 50 + 1) * range.step;
  for (let walk = 0; walk < walks + warmUp; walk++) {
    const from = new Date(range.first + Math.floor(Math.random() * span)).toISOString();
    const order = walk % 2 === 0 ? Object.entries(readers) : Object.entries(readers).reverse();
    for (const [name, read] of order) {
      await read(from, length, (ms, cpuMs) => {
        if (walk < warmUp) return;
        latencies[name]!.push(ms);
        cpu[name]!.push(cpuMs);
      });
    }
  }
  return { latencies, cpu };
}

/** Times one page read: wall-clock and this process's CPU time, in ms. */
export async function timed<T>(read: () => Promise<T> | T, onPage: (ms: number, cpuMs: number) => void): Promise<T> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await read();
  const used = process.cpuUsage(cpu);
  onPage(performance.now() - started, (used.user + used.system) / 1000);
  return result;
}

async function pages(dir: string, sizes: ReturnType<typeof benchSizes>): Promise<Array<[string, string]>> {
  const filename = join(dir, 'pages-touchlog.db');
  const log = await touchlogOn(filename);
  const raw = openRaw(join(dir, 'pages-raw.db'));
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
    raw.db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const values = rawValues(newId(), rawCustomer, i, now);
        values[10] = `${label}-${i}`;
        raw.insert.run(values);
      }
    })();
    const page = raw.db.prepare(
      `select * from interactions where tenant_id = ? and customer_id = ? and (occurred_at, id) > (?, ?) order by occurred_at, id limit 50`,
    );
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
          const found = await timed(() => {
            const rows = page.all('bench', rawCustomer, after[0], after[1]) as Array<{ links: string; occurred_at: string; id: string }>;
            for (const row of rows) (row as { links: unknown }).links = JSON.parse(row.links);
            return rows;
          }, onPage);
          if (found.length !== 50) throw new Error('a raw page came back short');
          after = [found[49]!.occurred_at, found[49]!.id];
        }
      },
    });
    for (const [name, values] of Object.entries(latencies)) {
      results[`${name} ${label}`] = median(values);
      results[`${name} ${label} cpu`] = median(cpu[name]!);
      rows.push([`${name}, ${label} (${count.toLocaleString('en-US')} entries): median / p99 (CPU median)`, `${ms(median(values))} / ${ms(percentile(values, 99))} (${ms(median(cpu[name]!))})`]);
    }
  }
  raw.db.close();
  if (sizes.verify) {
    // The nightly check, on the file just written (both customers, every record bound to its entry).
    console.log('  verifying the audit chain and every record of the pages file...');
    const started = performance.now();
    const verification = await log.audit.verify();
    const seconds = (performance.now() - started) / 1000;
    if (!verification.ok) throw new Error(`verify found a problem: ${verification.problem?.kind}`);
    const checked = verification.records?.checked ?? 0;
    rows.push([
      `audit.verify(): ${verification.entries.toLocaleString('en-US')} entries and ${checked.toLocaleString('en-US')} records`,
      `${seconds.toFixed(1)} s (${rate(checked / seconds)})`,
    ]);
  }
  await log.adapter.close();
  const ratio = (a: string, b: string) => `${(results[a]! / results[b]!).toFixed(2)} (CPU ${(results[`${a} cpu`]! / results[`${b} cpu`]!).toFixed(2)})`;
  rows.push(['touchlog / raw, small (bar <= 1.5, goal 1.2)', ratio('touchlog small', 'raw small')]);
  rows.push(['touchlog / raw, big (bar <= 1.5, goal 1.2)', ratio('touchlog big', 'raw big')]);
  rows.push(['touchlog big / small (flat = 1)', ratio('touchlog big', 'touchlog small')]);
  return rows;
}

async function main(): Promise<void> {
  const sizes = benchSizes();
  const only = argList('only', ['ingest', 'record', 'pages']);
  const dir = mkdtempSync(join(tmpdir(), 'touchlog-bench-sqlite-'));
  try {
    if (only.includes('ingest')) {
      const raw: IngestRun[] = [];
      const touchlog: IngestRun[] = [];
      for (let round = 0; round < sizes.rounds; round++) {
        console.log(`ingest round ${round + 1} of ${sizes.rounds}: raw, then touchlog (${sizes.records.toLocaleString('en-US')} interactions)...`);
        raw.push(rawIngest(dir, round, sizes.records));
        touchlog.push(await touchlogIngest(dir, round, sizes.records, sizes.batch));
      }
      const rawRate = median(raw.map((r) => r.rate));
      const touchlogRate = median(touchlog.map((r) => r.rate));
      const rawBytes = median(raw.map((r) => r.bytes));
      const touchlogBytes = median(touchlog.map((r) => r.bytes));
      printTable(`sqlite ingest: ${sizes.records.toLocaleString('en-US')} interactions, median of ${sizes.rounds} rounds, synchronous=FULL`, [
        [`touchlog interactions.recordMany, batches of ${sizes.batch} (everything on)`, rate(touchlogRate)],
        ['raw better-sqlite3, one table, one transaction', rate(rawRate)],
        ['ratio touchlog / raw (bar >= 0.3, goal 0.5)', (touchlogRate / rawRate).toFixed(2)],
        ['rounds, touchlog / raw', touchlog.map((t, i) => (t.rate / raw[i]!.rate).toFixed(2)).join(', ')],
        ['the same in CPU time (steadier on a loaded machine)', `${(median(touchlog.map((t) => t.cpuRate)) / median(raw.map((r) => r.cpuRate))).toFixed(2)} (${rate(median(touchlog.map((t) => t.cpuRate)))} / ${rate(median(raw.map((r) => r.cpuRate)))})`],
        ['bytes on disk per interaction: touchlog / raw', `${bytes(touchlogBytes)} / ${bytes(rawBytes)}`],
        ['ratio of bytes (bar <= 3, goal 2)', (touchlogBytes / rawBytes).toFixed(2)],
      ]);
    }
    if (only.includes('record')) {
      console.log(`\none record at a time, ${sizes.singles} each, interleaved...`);
      const { touchlog, raw } = await singleWrites(dir, sizes.singles);
      printTable('sqlite single writes: one interaction per transaction, synchronous=FULL', [
        ['touchlog interactions.record(): p50 / p99', `${ms(median(touchlog))} / ${ms(percentile(touchlog, 99))}`],
        ['raw INSERT in BEGIN IMMEDIATE ... COMMIT: p50 / p99', `${ms(median(raw))} / ${ms(percentile(raw, 99))}`],
        ['ratio of p50 (bar <= 3, goal 2)', (median(touchlog) / median(raw)).toFixed(2)],
      ]);
    }
    if (only.includes('pages')) {
      console.log('\ntimeline pages...');
      printTable(`sqlite timeline pages of 50 walked with the cursor, ${sizes.pages} pages per customer`, await pages(dir, sizes));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
