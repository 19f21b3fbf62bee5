/**
 * A database written by touchlog 0.0.0 (test/fixtures/legacy), opened by this version: it migrates
 * forward, reads back exactly what 0.0.0 read, its audit chain still verifies, re-delivering its
 * source records changes nothing, and new writes bind records to the trail. Run on SQLite (the
 * file itself) and PostgreSQL (its rows copied into a schema created by 0001_initial alone).
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createTouchlog, type StorageAdapter } from 'touchlog';
import { generateDemoDataset } from '../../src/demo/dataset.js';

export const LEGACY_FIXTURE = new URL('../fixtures/legacy/touchlog-0.0.0.sqlite', import.meta.url).pathname;

interface Expected {
  tenant: string;
  customers: Array<{ id: string; version: number; mergedInto: string | null; erased: boolean }>;
  timelines: Record<string, Array<{ entryId: string; at: string; kind: string; id: string; version: number }>>;
  linked: { ref: string; items: Array<{ model: string; id: string }> };
  history: { id: string; entries: Array<{ seq: number; action: string; version?: number }> };
  audit: { entries: number; head: { seq: number; hash: string } };
}

const expected = JSON.parse(readFileSync(new URL('../fixtures/legacy/expected.json', import.meta.url), 'utf8')) as Expected;

/** The same data set the fixture was built from (its generator is deterministic). */
const legacyItems = () => generateDemoDataset({ customers: 12, months: 1, seed: 7 }).items;

export function describeLegacyDatabase(open: () => Promise<StorageAdapter>): void {
  it('migrates forward and reads back what 0.0.0 stored, with the chain still valid', async () => {
    const adapter = await open();
    try {
      expect(await adapter.migrate()).toEqual({ applied: ['0002_bound_records'], current: '0002_bound_records' });
      const log = createTouchlog({ adapter, tenant: expected.tenant, actor: 'svc:upgrade' });
      for (const customer of expected.customers) {
        const stored = await log.customers.get(customer.id);
        expect([stored.version, stored.mergedInto ?? null, stored.erasedAt !== undefined]).toEqual([customer.version, customer.mergedInto, customer.erased]);
      }
      for (const [customerId, entries] of Object.entries(expected.timelines)) {
        const read = [];
        for await (const entry of log.timeline.stream(customerId, { pageSize: 7 })) read.push({ entryId: entry.id, at: entry.at, kind: entry.kind, id: entry.record.id, version: entry.record.version });
        expect(read).toEqual(entries);
        // Newest first, in pages, gives the same entries reversed.
        const backwards = [];
        for await (const entry of log.timeline.stream(customerId, { pageSize: 5, order: 'desc' })) backwards.push(entry.id);
        expect(backwards).toEqual(entries.map((entry) => entry.entryId).reverse());
      }
      const linked = (await log.linked({ kind: 'invoice', ref: expected.linked.ref }, { limit: 100 })).items.map((item) => ({ model: item.model, id: item.record.id }));
      expect(linked).toEqual(expected.linked.items);
      const history = (await log.audit.history(expected.history.id)).items.map((entry) => ({ seq: entry.seq, action: entry.action, version: entry.version }));
      expect(history).toEqual(expected.history.entries);
      const verification = await log.audit.verify({ against: expected.audit.head });
      expect(verification).toMatchObject({ ok: true, entries: expected.audit.entries, head: expected.audit.head });
      // Records written by 0.0.0 have no digest in the trail yet: counted, not failed.
      expect(verification.records!.unbound).toBe(verification.records!.checked);
    } finally {
      await adapter.close();
    }
  });

  it('recognises re-delivered source records and binds records on their next write', async () => {
    const adapter = await open();
    try {
      await adapter.migrate();
      const log = createTouchlog({ adapter, tenant: expected.tenant, actor: 'svc:upgrade' });
      const report = await log.ingest(legacyItems(), { batchSize: 50 });
      expect(report).toMatchObject({ created: 0, updated: 0, rejected: 0 });
      // Older revisions in the data set come back stale; everything else unchanged.
      expect(report.unchanged + report.stale).toBe(report.processed);
      expect(report.unchanged).toBeGreaterThan(report.stale);

      const [customerId] = Object.keys(expected.timelines);
      const entry = expected.timelines[customerId!]!.find((e) => e.kind === 'interaction')!;
      const before = (await log.audit.verify()).records!;
      const updated = await log.interactions.update(entry.id, { summary: 'Checked after the upgrade' });
      const { record: added } = await log.interactions.record({
        customer: { id: customerId },
        channel: 'phone',
        direction: 'outbound',
        purpose: 'payment_reminder',
        occurredAt: '2026-11-02T09:00:00Z',
      });
      const after = await log.audit.verify({ against: expected.audit.head });
      expect(after.ok).toBe(true);
      expect(after.records).toEqual({ checked: before.checked + 1, unbound: before.unbound - 1 });
      expect((await log.interactions.get(updated.id)).summary).toBe('Checked after the upgrade');
      const page = await log.timeline(customerId!, { from: '2026-11-02T00:00:00Z' });
      expect(page.items.map((item) => item.record.id)).toContain(added.id);
    } finally {
      await adapter.close();
    }
  });
}
