/**
 * Threading as messages arrive, on SQLite files: what it costs a write, and that the cost does not
 * grow with the history. Fills a tenant with conversations of four emails (recordMany, batches of
 * 500) with threading on and off, then times single replies into a conversation at two tenant
 * sizes. Nothing here asserts a time.
 *
 *   npm run bench:threading [-- --small 1000 --large 20000 --replies 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTouchlog, type Touchlog } from '../src/index.js';
import { sqliteAdapter } from '../src/adapters/sqlite/index.js';
import { argNumber, median, printTable } from './util.js';

const small = argNumber('small', 1_000);
const large = argNumber('large', 20_000);
const replies = argNumber('replies', 200);
const dir = mkdtempSync(join(tmpdir(), 'touchlog-bench-threading-'));
let files = 0;

const message = (customerId: string, conversation: number, index: number) => ({
  customer: { id: customerId },
  channel: 'email' as const,
  direction: 'inbound' as const,
  sentAt: new Date(Date.UTC(2026, 0, 1) + conversation * 3_600_000 + index * 60_000).toISOString(),
  subject: `${index > 0 ? 'Re: ' : ''}Invoice INV-${conversation}`,
  messageId: `c${conversation}-${index}@acme.example`,
  ...(index > 0 ? { inReplyTo: `c${conversation}-${index - 1}@acme.example`, references: [`c${conversation}-0@acme.example`] } : {}),
  from: { address: 'ap@acme.example' },
  to: [{ address: 'billing@seller.example' }],
  body: 'Please find the remittance advice attached.',
  source: { system: 'mail', externalId: `c${conversation}-${index}@acme.example` },
});

async function filled(messages: number, threading: boolean): Promise<{ log: Touchlog; customerId: string; rate: number }> {
  const log = createTouchlog({ adapter: sqliteAdapter({ filename: join(dir, `t${files++}.db`) }), tenant: 'bench', actor: 'svc:bench', ...(threading ? {} : { threading: false }) });
  const { record } = await log.customers.record({ displayName: 'Acme', identifiers: [{ type: 'email', value: 'ap@acme.example' }] });
  const started = performance.now();
  let batch = [];
  for (let i = 0; i < messages; i++) {
    batch.push(message(record.id, Math.floor(i / 4), i % 4));
    if (batch.length === 500) {
      await log.communications.recordMany(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await log.communications.recordMany(batch);
  return { log, customerId: record.id, rate: messages / ((performance.now() - started) / 1000) };
}

/** Median latency of `replies` single replies, each to a different conversation (5th message). */
async function replyLatency(log: Touchlog, customerId: string, conversations: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < replies; r++) {
    const conversation = Math.floor((r * 7919) % conversations);
    const started = performance.now();
    await log.communications.record(message(customerId, conversation, 4 + Math.floor(r / conversations)));
    times.push(performance.now() - started);
  }
  return median(times);
}

try {
  const rows: Array<[string, string]> = [];
  const off = await filled(large, false);
  const on = await filled(large, true);
  rows.push([`recordMany, ${large.toLocaleString('en-US')} emails in batches of 500: threading off / on`, `${Math.round(off.rate).toLocaleString('en-US')} / ${Math.round(on.rate).toLocaleString('en-US')} messages/s (${(on.rate / off.rate).toFixed(2)})`]);
  const smallLog = await filled(small, true);
  const smallMs = await replyLatency(smallLog.log, smallLog.customerId, small / 4);
  const largeMs = await replyLatency(on.log, on.customerId, large / 4);
  const offMs = await replyLatency(off.log, off.customerId, large / 4);
  rows.push([`record() of a reply, tenant of ${small.toLocaleString('en-US')} messages: median`, `${smallMs.toFixed(3)} ms`]);
  rows.push([`record() of a reply, tenant of ${large.toLocaleString('en-US')} messages: median`, `${largeMs.toFixed(3)} ms (large / small ${(largeMs / smallMs).toFixed(2)}; flat = 1)`]);
  rows.push([`record() of a reply, ${large.toLocaleString('en-US')} messages, threading off: median`, `${offMs.toFixed(3)} ms`]);
  printTable('threading as messages arrive (SQLite, synchronous=FULL)', rows);
  for (const { log } of [off, on, smallLog]) await log.adapter.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
