/**
 * Long reads on SQLite never hold the event loop: better-sqlite3 answers synchronously, so a loop
 * of reads that only awaits would keep timers, I/O and requests waiting until it ends. While a
 * whole timeline streams, a tenant exports and the audit trail verifies, a 10 ms timer must never
 * fire more than 100 ms late.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTouchlog, type Touchlog } from 'touchlog';
import { exportTenant } from 'touchlog/interop';
import { sqliteAdapter } from 'touchlog/sqlite';

const ENTRIES = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'touchlog-event-loop-'));
let log: Touchlog;
let customerId: string;

beforeAll(async () => {
  log = createTouchlog({ adapter: sqliteAdapter({ filename: join(dir, 'loop.db'), synchronous: 'normal' }), tenant: 'acme', actor: 'svc:test' });
  const { record } = await log.customers.record({ displayName: 'Big Customer' });
  customerId = record.id;
  function* items() {
    for (let i = 0; i < ENTRIES; i++) {
      yield {
        model: 'interaction' as const,
        data: {
          customer: { id: record.id },
          channel: 'email' as const,
          direction: 'inbound' as const,
          purpose: 'billing_query' as const,
          subject: `Question ${i} about an invoice`,
          summary: 'The customer asks why the freight line appears twice and whether a corrected invoice will follow.',
          occurredAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
          source: { system: 'crm', externalId: `CASE-${i}` },
        },
      };
    }
  }
  const report = await log.ingest(items(), { batchSize: 5_000 });
  expect(report.created).toBe(ENTRIES);
}, 120_000);

afterAll(async () => {
  await log?.adapter.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `work` with a 10 ms timer beside it; returns the longest any tick came late, in ms. */
async function longestTimerDelay(work: () => Promise<unknown>): Promise<{ delay: number; ticks: number }> {
  let expected = performance.now() + 10;
  let delay = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    delay = Math.max(delay, now - expected);
    expected = now + 10;
    ticks++;
  }, 10);
  try {
    await work();
    // A tick still waiting when the work ends counts too: no yield at all must fail.
    delay = Math.max(delay, performance.now() - expected);
  } finally {
    clearInterval(timer);
  }
  return { delay, ticks };
}

describe('long reads on SQLite yield to the event loop', () => {
  it(`while a timeline of ${ENTRIES.toLocaleString('en-US')} entries streams`, async () => {
    let count = 0;
    const { delay, ticks } = await longestTimerDelay(async () => {
      for await (const _entry of log.timeline.stream(customerId, { pageSize: 1000 })) count++;
    });
    expect(count).toBe(ENTRIES);
    expect(ticks).toBeGreaterThan(0);
    expect(delay).toBeLessThan(100);
  });

  it('while the tenant exports', async () => {
    let lines = 0;
    const { delay } = await longestTimerDelay(async () => {
      for await (const _line of exportTenant(log)) lines++;
    });
    expect(lines).toBeGreaterThan(ENTRIES);
    expect(delay).toBeLessThan(100);
  });

  it('while the audit trail and every record are verified', async () => {
    let verification: Awaited<ReturnType<Touchlog['audit']['verify']>> | undefined;
    const { delay } = await longestTimerDelay(async () => {
      verification = await log.audit.verify();
    });
    expect(verification).toMatchObject({ ok: true, records: { checked: ENTRIES + 1, unbound: 0 } });
    expect(delay).toBeLessThan(100);
  });
});
