/**
 * Live sync on SQLite files: reading the change feed, reconciling a million source ids against
 * the store (unsorted, so sorted on disk first; and already sorted), a restorable export and its
 * restore into a second file. Prints rates and how far the heap grew during each step (flat memory:
 * it does not grow with the number of ids or records — compare two sizes).
 *
 *   npm run bench:sync [-- --records 200000 --ids 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createTouchlog } from '../src/index.js';
import { exportRestorable, restoreTenant } from '../src/interop/index.js';
import { sqliteAdapter } from '../src/adapters/sqlite/index.js';
import { sample, steppingClock } from '../src/testing/index.js';
import { argNumber, printTable } from './util.js';

const records = argNumber('records', 200_000);
const ids = argNumber('ids', 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'touchlog-bench-sync-'));

const rate = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString('en')}/s (${count.toLocaleString('en')} in ${(ms / 1000).toFixed(1)} s)`;

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Runs `work`, sampling the heap every 50 ms; returns the time and the largest heap seen above
 * the heap at the start (after a collection, when run with --expose-gc as `npm run bench:sync` does).
 */
async function measure(work: () => Promise<void>): Promise<{ ms: number; heapMb: number }> {
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let heap = base;
  const timer = setInterval(() => (heap = Math.max(heap, process.memoryUsage().heapUsed)), 50);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { ms: performance.now() - start, heapMb: (heap - base) / 1024 / 1024 };
}

try {
  const adapter = sqliteAdapter({ filename: join(dir, 'source.db'), synchronous: 'normal' });
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'bench', actor: 'bench', clock: steppingClock('2026-01-01T00:00:00Z') });
  const customers: string[] = [];
  for (let c = 0; c < 100; c++) customers.push((await log.customers.record(sample.customer(c))).record.id);
  const fill = await measure(async () => {
    for (let start = 0; start < records; start += 1000) {
      await log.interactions.recordMany(
        Array.from({ length: Math.min(1000, records - start) }, (_, i) =>
          sample.interaction(customers[(start + i) % 100]!, start + i, { source: { system: 'crm', externalId: `CASE-${String(start + i).padStart(8, '0')}`, version: 1 } }),
        ),
      );
    }
  });

  let changes = 0;
  const feed = await measure(async () => {
    for await (const _change of log.changes.stream()) changes++;
  });

  // The source holds every id from 0 to `ids`: the stored ones match, the rest are missing here.
  const sourceIds = function* (order: 'sorted' | 'shuffled') {
    for (let i = 0; i < ids; i++) {
      const n = order === 'sorted' ? i : (i * 7_919) % ids; // 7 919 is prime: a permutation when it does not divide `ids`
      yield `CASE-${String(n).padStart(8, '0')}`;
    }
  };
  let sortedReport;
  const sorted = await measure(async () => {
    sortedReport = await log.reconcile(sourceIds('sorted'), { system: 'crm', models: ['interaction'], sorted: true, maxDifferences: 0 });
  });
  let shuffledReport;
  const shuffled = await measure(async () => {
    shuffledReport = await log.reconcile(sourceIds('shuffled'), { system: 'crm', models: ['interaction'], maxDifferences: 0 });
  });

  const file = join(dir, 'export.ndjson');
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  const exported = await measure(() => pipeline(Readable.from(exportRestorable(log)), createWriteStream(file)));
  const target = sqliteAdapter({ filename: join(dir, 'copy.db'), synchronous: 'normal' });
  await target.migrate();
  const copy = createTouchlog({ adapter: target, tenant: 'bench', actor: 'bench' });
  let restoreReport;
  const restored = await measure(async () => {
    restoreReport = await restoreTenant(copy, file);
  });
  const verified = await measure(async () => {
    if (!(await copy.audit.verify()).ok) throw new Error('the restored tenant does not verify');
  });

  printTable(`Live sync on SQLite (${records.toLocaleString('en')} stored records, ${ids.toLocaleString('en')} source ids)`, [
    ['store the records (recordMany)', `${rate(records, fill.ms)}`],
    ['read the change feed', `${rate(changes, feed.ms)}, heap +${feed.heapMb.toFixed(0)} MB`],
    ['reconcile, ids already sorted', `${rate(ids, sorted.ms)} ids, heap +${sorted.heapMb.toFixed(0)} MB`],
    ['reconcile, ids unsorted (disk sort)', `${rate(ids, shuffled.ms)} ids, heap +${shuffled.heapMb.toFixed(0)} MB`],
    ['restorable export to a file', `${rate(records + 100, exported.ms)} records, heap +${exported.heapMb.toFixed(0)} MB`],
    ['restore into an empty file', `${rate(records + 100, restored.ms)} records, heap +${restored.heapMb.toFixed(0)} MB`],
    ['audit.verify() of the copy', `${rate(records + 100, verified.ms)} records`],
  ]);
  console.log(JSON.stringify({ sorted: sortedReport, shuffled: shuffledReport, restored: restoreReport }));
  await target.close();
  await adapter.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
