/**
 * Soak: ingest many records (1M by default) into SQLite (or PostgreSQL with --pg <url>) while
 * another loop reads timeline pages, and report throughput and memory over time. Memory must stay
 * flat: ingest streams in batches and nothing caches without bound.
 *
 *   npm run bench:soak [-- --records 1000000 --customers 2000 --db /tmp/soak.db | --pg postgres://...]
 */
import { rmSync } from 'node:fs';
import { createTouchlog, type IngestItem, type StorageAdapter } from '../src/index.js';
import { postgresAdapter } from '../src/adapters/postgres/index.js';
import { sqliteAdapter } from '../src/adapters/sqlite/index.js';
import { argNumber, median, percentile, printTable } from './util.js';

const records = argNumber('records', 1_000_000);
const customers = argNumber('customers', 2_000);
const pgIndex = process.argv.indexOf('--pg');
const dbIndex = process.argv.indexOf('--db');
const file = dbIndex === -1 ? '/tmp/touchlog-soak.db' : process.argv[dbIndex + 1]!;
let adapter: StorageAdapter;
if (pgIndex !== -1) {
  adapter = postgresAdapter({ connectionString: process.argv[pgIndex + 1]!, schema: `soak_${Date.now()}` });
} else {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  adapter = sqliteAdapter({ filename: file, synchronous: 'normal' });
}
await adapter.migrate();
const log = createTouchlog({ adapter, tenant: 'soak', actor: 'bench:soak' });

const ids: string[] = [];
for (let offset = 0; offset < customers; offset += 1000) {
  const batch = await log.customers.recordMany(
    Array.from({ length: Math.min(1000, customers - offset) }, (_, i) => ({ displayName: `Customer ${offset + i}`, identifiers: [{ type: 'external' as const, system: 'erp', value: `C-${offset + i}` }] })),
  );
  ids.push(...batch.map((r) => r.record.id));
}

async function* items(): AsyncGenerator<IngestItem> {
  for (let i = 0; i < records; i++) {
    yield {
      model: 'interaction',
      data: {
        customer: { id: ids[i % customers]! },
        channel: i % 3 === 0 ? 'phone' : 'email',
        direction: 'inbound',
        purpose: 'billing_query',
        subject: `Question ${i} about INV-${i}`,
        summary: 'Customer asks why the freight line appears twice on the invoice.',
        occurredAt: new Date(Date.UTC(2024, 0, 1) + i * 30_000).toISOString(),
        links: [{ kind: 'invoice', ref: `INV-${i}` }],
        source: { system: 'soak', externalId: `S-${i}` },
      },
    };
  }
}

interface Window {
  seconds: number;
  processed: number;
  rate: number;
  heapMb: number;
  rssMb: number;
  readP50: number;
  readP99: number;
}
const windows: Window[] = [];
let reads: number[] = [];
let done = false;
let peakRss = 0;

// Readers: timeline pages of random customers, all the time.
const reader = (async () => {
  let n = 0;
  while (!done) {
    const t = performance.now();
    await log.timeline(ids[(n++ * 7919) % customers]!, { limit: 50, order: 'desc' });
    reads.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
  }
})();

const started = performance.now();
let lastAt = started;
let lastProcessed = 0;
const report = await log.ingest(items(), {
  batchSize: 1000,
  onProgress: (p) => {
    const now = performance.now();
    if (now - lastAt < 10_000 && p.processed < records) return;
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    windows.push({
      seconds: (now - started) / 1000,
      processed: p.processed,
      rate: ((p.processed - lastProcessed) / (now - lastAt)) * 1000,
      heapMb: memory.heapUsed / 2 ** 20,
      rssMb: memory.rss / 2 ** 20,
      readP50: reads.length ? median(reads) : 0,
      readP99: reads.length ? percentile(reads, 99) : 0,
    });
    const w = windows[windows.length - 1]!;
    console.log(
      `${w.seconds.toFixed(0).padStart(5)} s  ${w.processed.toLocaleString('en-US').padStart(10)} records  ${Math.round(w.rate).toLocaleString('en-US').padStart(7)}/s  ` +
        `heap ${w.heapMb.toFixed(0)} MB  rss ${w.rssMb.toFixed(0)} MB  timeline page p50 ${w.readP50.toFixed(2)} ms p99 ${w.readP99.toFixed(2)} ms`,
    );
    lastAt = now;
    lastProcessed = p.processed;
    reads = [];
  },
});
done = true;
await reader;
const quarter = Math.max(1, Math.floor(windows.length / 4));
const early = median(windows.slice(0, quarter).map((w) => w.heapMb));
const late = median(windows.slice(-quarter).map((w) => w.heapMb));
printTable(`soak: ${records.toLocaleString('en-US')} interactions for ${customers} customers on ${adapter.name}`, [
  ['ingested', `${report.created.toLocaleString('en-US')} created, ${report.rejected} rejected in ${((performance.now() - started) / 1000).toFixed(0)} s`],
  ['throughput', `${Math.round((report.processed / (performance.now() - started)) * 1000).toLocaleString('en-US')} records/s overall`],
  ['heap, first vs last quarter (median)', `${early.toFixed(0)} MB → ${late.toFixed(0)} MB (${late <= early * 1.5 + 32 ? 'flat' : 'GROWING'})`],
  ['peak RSS', `${(peakRss / 2 ** 20).toFixed(0)} MB`],
  ['audit chain', (await log.audit.verify()).ok ? 'valid' : 'BROKEN'],
]);
await adapter.close();
