/**
 * Long live-sync reads never hold the event loop: while the change feed, a reconciliation, a
 * restorable export and its restore run over a SQLite file (better-sqlite3 is synchronous), a
 * 10 ms timer keeps firing, never more than 100 ms late.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTouchlog, type Touchlog } from 'touchlog';
import { exportRestorable, restoreTenant } from 'touchlog/interop';
import { sqliteAdapter } from 'touchlog/sqlite';
import { sample } from 'touchlog/testing';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-sync-loop-'));
const RECORDS = 20_000;
let log: Touchlog;

beforeAll(async () => {
  const adapter = sqliteAdapter({ filename: join(dir, 'big.db'), synchronous: 'normal' });
  await adapter.migrate();
  log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:load' });
  const { record: customer } = await log.customers.record(sample.customer(1));
  for (let start = 0; start < RECORDS; start += 1000) {
    await log.interactions.recordMany(
      Array.from({ length: 1000 }, (_, i) => sample.interaction(customer.id, start + i, { summary: 'x'.repeat(400), source: { system: 'crm', externalId: `CASE-${start + i}`, version: 1 } })),
    );
  }
}, 300_000);

afterAll(async () => {
  await log?.adapter.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `work` with a 10 ms timer going; returns the worst lateness of the timer and the work's time. */
async function lateness(work: () => Promise<unknown>): Promise<{ late: number; ms: number }> {
  let last = performance.now();
  let late = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    late = Math.max(late, now - last - 10);
    last = now;
  }, 10);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { late, ms: performance.now() - start };
}

describe('live sync on a large SQLite file', () => {
  it('reads the whole change feed without holding the event loop', async () => {
    let count = 0;
    const { late, ms } = await lateness(async () => {
      for await (const _change of log.changes.stream()) count++;
    });
    expect(count).toBe(RECORDS + 1);
    expect(late, `timer up to ${late.toFixed(0)} ms late (${count} changes in ${ms.toFixed(0)} ms)`).toBeLessThan(100);
  }, 120_000);

  it('reconciles 60 000 unsorted ids without holding the event loop', async () => {
    const ids = Array.from({ length: 3 * RECORDS }, (_, i) => `CASE-${(i * 7919) % (3 * RECORDS)}`);
    let report;
    const { late, ms } = await lateness(async () => {
      report = await log.reconcile(ids, { system: 'crm', models: ['interaction'] });
    });
    expect(report).toMatchObject({ listed: 3 * RECORDS, matched: RECORDS, missing: 2 * RECORDS, extra: 0 });
    expect(late, `timer up to ${late.toFixed(0)} ms late (${ids.length} ids in ${ms.toFixed(0)} ms)`).toBeLessThan(100);
  }, 120_000);

  it('exports and restores the tenant without holding the event loop', async () => {
    const chunks: string[] = [];
    const exported = await lateness(async () => {
      for await (const line of exportRestorable(log)) chunks.push(line);
    });
    expect(exported.late, `export: timer up to ${exported.late.toFixed(0)} ms late (${exported.ms.toFixed(0)} ms)`).toBeLessThan(100);
    const target = sqliteAdapter({ filename: join(dir, 'copy.db'), synchronous: 'normal' });
    await target.migrate();
    const copy = createTouchlog({ adapter: target, tenant: 'acme', actor: 'ops:restore' });
    let report;
    const restored = await lateness(async () => {
      report = await restoreTenant(copy, Readable.from(chunks));
    });
    expect(report).toMatchObject({ outcome: 'restored', counts: { records: RECORDS + 1, audit: RECORDS + 1 } });
    expect(restored.late, `restore: timer up to ${restored.late.toFixed(0)} ms late (${restored.ms.toFixed(0)} ms)`).toBeLessThan(100);
    await target.close();
  }, 120_000);
});
