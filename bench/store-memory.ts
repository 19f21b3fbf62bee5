/**
 * The store on the in-memory adapter: recordMany of interactions in batches of 1 000 (validation,
 * ids, audit included) and timeline page reads, with the ratio to validation alone measured in the
 * same run.
 *
 *   npm run bench:store-memory [-- --records 100000]
 */
import { createTouchlog, interactionValidator } from '../src/index.js';
import { memoryAdapter } from '../src/adapters/memory/index.js';
import { sample, steppingClock } from '../src/testing/index.js';
import { argNumber, median, percentile, printTable } from './util.js';

const records = argNumber('records', 100_000);
const batch = 1_000;
const customers = 100;

const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'bench', actor: 'bench', clock: steppingClock('2026-01-01T00:00:00Z') });
const ids: string[] = [];
for (let c = 0; c < customers; c++) ids.push((await log.customers.record(sample.customer(c))).record.id);

const input = (i: number) => ({
  ...sample.interaction(ids[i % customers]!, i, { summary: 'Customer asks why the freight line appears twice on the invoice.' }),
  occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  source: { system: 'crm', externalId: `CASE-${i}` },
});

// Validation alone, on the same inputs.
const validationStart = performance.now();
for (let i = 0; i < records; i++) interactionValidator.parse(input(i));
const validationRate = records / ((performance.now() - validationStart) / 1000);

const started = performance.now();
for (let offset = 0; offset < records; offset += batch) {
  await log.interactions.recordMany(Array.from({ length: Math.min(batch, records - offset) }, (_, i) => input(offset + i)));
}
const storeRate = records / ((performance.now() - started) / 1000);

// Timeline pages of one customer: the first page and pages deep into the history.
const pageTimes: number[] = [];
let cursor: string | undefined;
for (let page = 0; page < 200; page++) {
  const t = performance.now();
  const result = await log.timeline(ids[0]!, { limit: 50, ...(cursor ? { cursor } : {}) });
  pageTimes.push(performance.now() - t);
  cursor = result.nextCursor ?? undefined;
  if (!cursor) cursor = undefined;
}

printTable(`store on memory: ${records.toLocaleString('en-US')} interactions in batches of ${batch}, ${customers} customers`, [
  ['validation only', `${Math.round(validationRate).toLocaleString('en-US')} records/s`],
  ['recordMany (validation, ids, links, timeline, audit)', `${Math.round(storeRate).toLocaleString('en-US')} records/s`],
  ['ratio store / validation', `${(storeRate / validationRate).toFixed(3)}x`],
  ['timeline page of 50 (median / p99)', `${median(pageTimes).toFixed(2)} ms / ${percentile(pageTimes, 99).toFixed(2)} ms`],
  ['audit chain', (await log.audit.verify()).ok ? 'valid' : 'BROKEN'],
]);
