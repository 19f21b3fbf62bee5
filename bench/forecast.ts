/**
 * The tenant-wide cash-in forecast over a large tenant: memory must stay flat whatever the
 * number of invoices, because customers are read a chunk at a time and only a few numbers per
 * currency and period are kept.
 *
 * Two stores:
 * - `synthetic` (default): a read-only adapter that generates each customer's invoices, payments
 *   and disputes on demand from a seed (nothing is stored, so the heap measured is the forecast's
 *   own). It answers the same `listRecords` queries a SQL adapter does.
 * - `--sqlite <file>`: a real SQLite file, filled first with `log.ingest` (slow: about 2 700
 *   records/s on a small machine), then forecast.
 *
 * For each size the forecast runs its two passes (the tenant's behaviour, then every customer's
 * invoices) and the heap is sampled every 50 ms; the peak above the baseline is reported.
 *
 *   npm run bench:forecast [-- --invoices 1000000 --per-customer 20] [-- --sqlite /tmp/forecast.db --invoices 100000 [--reuse]]
 */
import { existsSync, rmSync } from 'node:fs';
import { createTouchlog, type IngestItem, type Keyset, type RecordQuery, type RecordRow, type StorageAdapter } from '../src/index.js';
import { sqliteAdapter } from '../src/adapters/sqlite/index.js';
import { seededRandom } from '../src/testing/index.js';
import { argNumber, printTable } from './util.js';

const invoices = argNumber('invoices', 1_000_000);
const perCustomer = argNumber('per-customer', 20);
const sqliteAt = process.argv.indexOf('--sqlite');
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const AS_OF = '2025-06-30';
const asOfMs = Date.parse(AS_OF) + DAY - 1;
const CREATED = '2024-01-01T00:00:00.000Z';
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const iso = (ms: number) => new Date(ms).toISOString();

/** One customer's financial records as input data (deterministic in its index). */
function customerRecords(index: number): Array<Record<string, unknown>> {
  const random = seededRandom(index + 1);
  const habit = random() < 0.5 ? -5 + random() * 10 : 5 + random() * 40;
  const out: Array<Record<string, unknown>> = [];
  for (let n = 0; n < perCustomer; n++) {
    const ref = `C${index}-${n}`;
    const issued = START + Math.floor((n * 540 * DAY) / perCustomer + random() * 10 * DAY);
    const due = issued + 30 * DAY;
    const amount = 10_000 + Math.floor(random() * 1_000_000);
    out.push({ type: 'invoice', ref, issuedAt: iso(issued), dueAt: iso(due), amount: usd(amount), status: 'open', links: [], tags: [] });
    const disputed = random() < 0.05;
    if (disputed) out.push({ type: 'dispute', ref: `${ref}-D`, invoiceRef: ref, openedAt: iso(issued + 5 * DAY), amount: usd(amount), status: 'open', links: [], tags: [] });
    const paid = due + Math.round((habit + (disputed ? 30 : 0) + (random() - 0.5) * 10) * DAY);
    if (paid <= asOfMs || random() < 0.5) {
      out.push({ type: 'payment', ref: `${ref}-P`, receivedAt: iso(Math.max(issued, paid)), amount: usd(amount), allocations: [{ invoiceRef: ref, amount: usd(amount) }], links: [], tags: [] });
    }
  }
  return out;
}

const atOf = (r: Record<string, unknown>) => String(r['issuedAt'] ?? r['receivedAt'] ?? r['openedAt']);

/** A read-only adapter generating `customers` customers' records on demand. */
function syntheticAdapter(customers: number): StorageAdapter {
  const id = (i: number) => `C${String(i).padStart(9, '0')}`;
  // The document both as an object (`data`) and as JSON text (`document`, `salt`), whichever the
  // store's row format reads.
  const row = (collection: 'customers' | 'financial', rid: string, customerId: string, at: string, data: Record<string, unknown>): RecordRow =>
    ({
      collection, id: rid, version: 1, customerId, homeCustomerId: customerId, at, dueAt: null, kind: (data['type'] as string) ?? null, channel: null, purpose: null,
      status: null, sourceSystem: null, sourceExternalId: null, sourceHash: null, createdAt: CREATED, updatedAt: CREATED, data, document: JSON.stringify(data), salt: null,
    }) as unknown as RecordRow;
  let cacheKey = '';
  let cached: RecordRow[] = [];
  /** Index of the first row after the keyset (rows are sorted by (at, id)). */
  const after = (rows: RecordRow[], keyset: Keyset | undefined) => {
    if (keyset === undefined) return 0;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const r = rows[mid]!;
      if (r.at < keyset.at || (r.at === keyset.at && r.id <= keyset.id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const adapter = {
    name: 'synthetic',
    capabilities: {},
    migrate: async () => {},
    close: async () => {},
    transaction: async () => {
      throw new Error('read-only');
    },
    async listRecords(_tenant: string, query: RecordQuery): Promise<RecordRow[]> {
      if (query.collection === 'customers') {
        const start = query.after === undefined ? 0 : Number(query.after.id.slice(1)) + 1;
        const rows: RecordRow[] = [];
        for (let i = start; i < Math.min(customers, start + query.limit); i++) {
          const cid = id(i);
          rows.push(row('customers', cid, cid, CREATED, { id: cid, displayName: `Customer ${i}`, identifiers: [], version: 1, createdAt: CREATED, updatedAt: CREATED }));
        }
        return rows;
      }
      if (query.collection !== 'financial') return [];
      const ids = query.filter.customerIds ?? [];
      const key = ids.join(',');
      if (key !== cacheKey) {
        cacheKey = key;
        cached = ids.flatMap((cid) => customerRecords(Number(cid.slice(1))).map((data, k) => row('financial', `${cid}-${String(k).padStart(4, '0')}`, cid, atOf(data), { ...data, id: `${cid}-${k}`, customerId: cid })));
        cached.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
      }
      const from = after(cached, query.after);
      return cached.slice(from, from + query.limit);
    },
    async getRecords() {
      return [];
    },
  };
  return adapter as unknown as StorageAdapter;
}

async function sqliteStore(file: string, customers: number): Promise<StorageAdapter> {
  if (process.argv.includes('--reuse') && existsSync(file)) {
    const adapter = sqliteAdapter({ filename: file, synchronous: 'normal' });
    await adapter.migrate();
    console.log(`reusing ${file}`);
    return adapter;
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  const adapter = sqliteAdapter({ filename: file, synchronous: 'normal' });
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'bench', actor: 'bench:forecast' });
  const started = performance.now();
  async function* items(): AsyncGenerator<IngestItem> {
    for (let i = 0; i < customers; i++) {
      const customer = { type: 'external' as const, system: 'erp', value: `C${i}` };
      yield { model: 'customer', data: { displayName: `Customer ${i}`, identifiers: [customer] } };
      for (const data of customerRecords(i)) {
        const { links: _l, tags: _t, ...input } = data;
        yield { model: 'financialRecord', data: { ...input, customer } };
      }
    }
  }
  const report = await log.ingest(items(), { batchSize: 1000 });
  console.log(`ingested ${report.created.toLocaleString('en-US')} records in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return adapter;
}

async function measure(adapter: StorageAdapter, label: string, size: number) {
  const log = createTouchlog({ adapter, tenant: 'bench', actor: 'bench:forecast' });
  globalThis.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
  const started = performance.now();
  const cash = await log.forecast.cash({ asOf: AS_OF, weeks: 13 });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const usd = cash.byCurrency['USD'];
  return {
    label,
    size,
    seconds,
    peakMiB: (peak - baseline) / 1024 / 1024,
    line: `${cash.customers.toLocaleString('en-US')} customers, ${cash.invoices.toLocaleString('en-US')} open invoices, open $${((usd?.openMinor ?? 0) / 100).toLocaleString('en-US')}, next week $${((usd?.periods[0]!.expectedMinor ?? 0) / 100).toLocaleString('en-US')}`,
  };
}

const results = [];
if (sqliteAt !== -1) {
  const customers = Math.ceil(invoices / perCustomer);
  results.push(await measure(await sqliteStore(process.argv[sqliteAt + 1]!, customers), `SQLite, ${invoices.toLocaleString('en-US')} invoices`, invoices));
} else {
  for (const size of [invoices / 10, invoices]) {
    results.push(await measure(syntheticAdapter(Math.ceil(size / perCustomer)), `synthetic, ${size.toLocaleString('en-US')} invoices`, size));
  }
}
printTable(`tenant cash-in forecast, 13 weeks (node ${process.version}, ${process.platform} ${process.arch})`, results.flatMap((r) => [
  [r.label, `${r.seconds.toFixed(1)} s (${((r.seconds * 1e6) / r.size).toFixed(0)} µs an invoice, both passes), heap peak +${r.peakMiB.toFixed(0)} MiB`] as const,
  ['', r.line] as const,
]));
