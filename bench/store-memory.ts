/**
 * The store on the in-memory adapter: `interactions.recordMany` in batches of 1 000 (validation,
 * ids, identity resolution, de-duplication, links, the audit trail: everything on), against
 * validation alone of the same inputs, measured in the same process. Both loops build their
 * inputs the same way; rounds alternate.
 *
 *   npm run bench:store-memory [-- --records 100000 --rounds 3]
 *
 * Nothing here asserts a time.
 */
import { createTouchlog, interactionValidator } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { benchCustomer, CUSTOMERS, writePathInteraction } from './data.js';
import { startClock } from './sqlite.js';
import { argNumber, median, percentile, printTable } from './util.js';

const records = argNumber('records', 100_000);
const rounds = argNumber('rounds', 3);
const batch = 1_000;

/** Validation alone: records per second of wall-clock and CPU time. */
function validationOnly(): { rate: number; cpuRate: number } {
  const clock = startClock();
  for (let i = 0; i < records; i++) interactionValidator.parse(writePathInteraction(i));
  const { seconds, cpuSeconds } = clock();
  return { rate: records / seconds, cpuRate: records / cpuSeconds };
}

/** recordMany into a new memory adapter: records per second, and a timeline page's latency. */
async function store(): Promise<{ rate: number; cpuRate: number; pageMs: number[]; verified: boolean }> {
  const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'bench', actor: 'svc:bench' });
  await log.customers.recordMany(Array.from({ length: CUSTOMERS }, (_, n) => benchCustomer(n)));
  const clock = startClock();
  for (let offset = 0; offset < records; offset += batch) {
    await log.interactions.recordMany(Array.from({ length: Math.min(batch, records - offset) }, (_, i) => writePathInteraction(offset + i)));
  }
  const { seconds, cpuSeconds } = clock();
  const customer = await log.customers.resolve({ type: 'external', system: 'erp', value: 'C-1000' });
  const pageMs: number[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const started = performance.now();
    const result = await log.timeline(customer!.id, { limit: 50, ...(cursor ? { cursor } : {}) });
    pageMs.push(performance.now() - started);
    cursor = result.nextCursor;
  }
  return { rate: records / seconds, cpuRate: records / cpuSeconds, pageMs, verified: (await log.audit.verify()).ok };
}

const validation: Array<{ rate: number; cpuRate: number }> = [];
const stored: Array<Awaited<ReturnType<typeof store>>> = [];
for (let round = 0; round < rounds; round++) {
  console.log(`round ${round + 1} of ${rounds}: validation, then the store (${records.toLocaleString('en-US')} interactions)...`);
  validation.push(validationOnly());
  stored.push(await store());
}
const v = median(validation.map((r) => r.rate));
const s = median(stored.map((r) => r.rate));
const pages = stored.flatMap((r) => r.pageMs);
printTable(`store on memory: ${records.toLocaleString('en-US')} interactions in batches of ${batch}, ${CUSTOMERS} customers, median of ${rounds} rounds`, [
  ['validation only', `${Math.round(v).toLocaleString('en-US')} records/s`],
  ['recordMany (everything on)', `${Math.round(s).toLocaleString('en-US')} records/s`],
  ['ratio store / validation (bar >= 0.5, goal 0.7)', (s / v).toFixed(2)],
  ['the same in CPU time', (median(stored.map((r) => r.cpuRate)) / median(validation.map((r) => r.cpuRate))).toFixed(2)],
  ['timeline page of 50 (median / p99)', `${median(pages).toFixed(2)} ms / ${percentile(pages, 99).toFixed(2)} ms`],
  ['audit chain and records', stored.every((r) => r.verified) ? 'valid' : 'BROKEN'],
]);
