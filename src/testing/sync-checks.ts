/**
 * Conformance checks of live sync: the change feed, the source-ordered reads reconciliation
 * needs, and restorable exports. Part of {@link CONFORMANCE_CHECKS}, like every other group.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { memoryAdapter } from '../adapters/memory/memory-adapter.js';
import { exportRestorable, restoreTenant } from '../interop/restorable.js';
import type { Change } from '../store/changes.js';
import { createTouchlog } from '../store/touchlog.js';
import { sourceDigestOf, type ReconcileDifference } from '../store/reconcile.js';
import type { Touchlog } from '../store/touchlog.js';
import { rejectsWith, type ConformanceCheck } from './checks.js';
import { sample } from './fixtures.js';
import { steppingClock } from './harness.js';

/** Every change of a tenant's feed, read in pages of `limit`. */
async function readFeed(log: Touchlog, limit = 1000, after?: string): Promise<{ changes: Change[]; cursor: string }> {
  const changes: Change[] = [];
  let cursor = after;
  for (;;) {
    const page = await log.changes({ limit, ...(cursor !== undefined ? { after: cursor } : {}) });
    changes.push(...page.items);
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes, cursor };
  }
}

/** External ids whose byte order (UTF-8) differs from JavaScript's `<` order, and ASCII case. */
const EXTERNAL_IDS = ['a-1', 'B-2', 'a-10', 'é-3', '中-4', '\u{1F600}-5', '\uFFFD-6', 'a-2'];
const BYTE_ORDER = [...EXTERNAL_IDS].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

export const SYNC_CHECKS: readonly ConformanceCheck[] = [
  // --------------------------------------------------------------------------------------- sources
  {
    group: 'sources',
    name: 'lists the records of one source system in external-id byte order, page by page',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1, { source: { system: 'crm', externalId: 'a-1' } }));
      let n = 0;
      for (const externalId of EXTERNAL_IDS) await log.interactions.record(sample.interaction(customer.id, ++n, { source: { system: 'crm', externalId } }));
      await log.interactions.record(sample.interaction(customer.id, ++n, { source: { system: 'phone', externalId: 'a-3' } }));
      await log.communications.record(sample.communication(customer.id, ++n, { source: { system: 'crm', externalId: 'a-4' } }));
      await h.log().interactions.record(sample.interaction(customer.id, 99, { customer: { type: 'email', value: 'x@y.example' }, source: { system: 'crm', externalId: 'a-0' } }), { createMissingCustomers: true });

      const seen: string[] = [];
      for (let after: string | undefined, pages = 0; ; pages++) {
        assert.ok(pages < 100, 'the scan ends: each page starts after the last one');
        const page = await h.adapter.listRecordsBySource(log.tenant, { collection: 'interactions', system: 'crm', limit: 3, ...(after !== undefined ? { afterExternalId: after } : {}) });
        for (const row of page) {
          assert.equal(row.collection, 'interactions');
          assert.equal(row.sourceSystem, 'crm');
          seen.push(row.sourceExternalId!);
        }
        if (page.length < 3) break;
        after = page[page.length - 1]!.sourceExternalId!;
      }
      assert.deepEqual(seen, BYTE_ORDER, 'external ids in the byte order of their UTF-8 encoding, nothing of other systems, collections or tenants');
      const [first] = await h.adapter.listRecordsBySource(log.tenant, { collection: 'interactions', system: 'crm', limit: 1, afterExternalId: 'a-10' });
      assert.equal(first?.sourceExternalId, BYTE_ORDER[BYTE_ORDER.indexOf('a-10') + 1], 'starts strictly after afterExternalId');
      const [row] = await h.adapter.listRecordsBySource(log.tenant, { collection: 'interactions', system: 'crm', limit: 1, afterExternalId: 'a-1' });
      assert.equal(row?.document, (await h.adapter.getRecords(log.tenant, 'interactions', [row!.id]))[0]?.document, 'whole rows, documents as stored');
      assert.deepEqual(await h.adapter.listRecordsBySource(log.tenant, { collection: 'customers', system: 'crm', limit: 10 }).then((rows) => rows.map((r) => r.id)), [customer.id]);
      assert.deepEqual(await h.adapter.listRecordsBySource(log.tenant, { collection: 'followUps', system: 'crm', limit: 10 }), []);
    },
  },
  {
    group: 'sources',
    name: 'scans identifiers and data keys in key order, page by page, within the tenant',
    async run(h) {
      const log = h.log();
      const customers = [];
      for (let n = 1; n <= 4; n++) customers.push((await log.customers.record(sample.customer(n))).record);
      // Data keys are made when personal values are first sealed: by an update of a personal field.
      for (const customer of customers) await log.customers.update(customer.id, { displayName: `Renamed ${customer.displayName}` });
      await h.log().customers.record(sample.customer(9));
      const keys: string[] = [];
      for (let after: string | undefined, pages = 0; ; pages++) {
        assert.ok(pages < 100, 'the scan ends: each page starts after the last one');
        const page = await h.adapter.scanIdentifiers(log.tenant, { limit: 3, ...(after !== undefined ? { afterKey: after } : {}) });
        keys.push(...page.map((row) => row.key));
        for (const row of page) assert.ok(customers.some((c) => c.id === row.customerId), 'names a customer of the tenant');
        if (page.length < 3) break;
        after = page[page.length - 1]!.key;
      }
      const expected = customers.flatMap((_, i) => [`email:ap${i + 1}@customer.example`, `external:erp:C-${1001 + i}`]).sort();
      assert.deepEqual(keys, expected);
      const subjects: string[] = [];
      for (let after: string | undefined, pages = 0; ; pages++) {
        assert.ok(pages < 100, 'the scan ends: each page starts after the last one');
        const page = await h.adapter.scanSubjectKeys(log.tenant, { limit: 2, ...(after !== undefined ? { afterSubjectId: after } : {}) });
        subjects.push(...page.map((row) => row.subjectId));
        for (const row of page) assert.ok(row.key.length > 0);
        if (page.length < 2) break;
        after = page[page.length - 1]!.subjectId;
      }
      assert.deepEqual(subjects, customers.map((c) => c.id).sort());
      assert.deepEqual(await h.adapter.scanSubjectKeys(h.newTenant(), { limit: 10 }), []);
      assert.deepEqual(await h.adapter.scanIdentifiers(h.newTenant(), { limit: 10 }), []);
    },
  },

  {
    group: 'sources',
    name: 'reconciles a source list: missing, extra in the window, newer, older, other content, erased, repeated',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1, { source: { system: 'crm', externalId: 'contact-1' } }));
      const { record: gone } = await log.customers.record(sample.customer(2, { source: { system: 'crm', externalId: 'contact-2' } }));
      const call = (id: string, n: number, version: number, occurredAt = `2026-03-${String(n).padStart(2, '0')}T10:00:00Z`) =>
        sample.interaction(customer.id, n, { occurredAt, source: { system: 'crm', externalId: id, version } });
      const stored = await log.interactions.recordMany([call('case-1', 1, 1), call('case-2', 2, 2), call('case-3', 3, 1), call('case-4', 4, 1), call('case-old', 5, 1, '2025-01-01T00:00:00Z'), call('case-6', 6, 1)]);
      const byId = new Map(stored.map((r) => [r.record.source!.externalId, r.record.id]));
      const erasedCall = (await log.interactions.record(sample.interaction(gone.id, 7, { source: { system: 'crm', externalId: 'case-7' } }))).record;
      await log.interactions.record(sample.interaction(customer.id, 8, { source: { system: 'phone', externalId: 'case-9' } })); // another system
      await log.customers.erase(gone.id, { reason: 'request' });

      const changed = call('case-4', 4, 1);
      const source = [
        'case-1',
        { externalId: 'case-2', version: 3 },            // newer at the source
        { externalId: 'case-3', version: 0 },            // older at the source
        { externalId: 'case-4', version: 1, digest: sourceDigestOf('interaction', { ...changed, summary: 'edited at the source' }) },
        { externalId: 'case-6', version: 1, digest: sourceDigestOf('interaction', call('case-6', 6, 1)) },
        'case-7',                                        // erased here
        'case-8',                                        // missing here
        'case-8',                                        // listed twice
        'contact-1',
      ];
      const report = await log.reconcile([...source].reverse(), { system: 'crm', models: ['interaction', 'customer'], from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' });
      const shown = report.differences.map((d: ReconcileDifference) => [d.kind, d.externalId, 'reason' in d ? d.reason : 'id' in d ? d.id : undefined]);
      assert.deepEqual(shown, [
        ['differs', 'case-2', 'source_newer'],
        ['differs', 'case-3', 'source_older'],
        ['differs', 'case-4', 'content'],
        ['erased', 'case-7', erasedCall.id],
        ['missing', 'case-8', undefined],
        ['duplicate', 'case-8', undefined],
      ]);
      assert.deepEqual(
        { listed: report.listed, stored: report.stored, matched: report.matched, missing: report.missing, extra: report.extra, differs: report.differs, erased: report.erased, duplicate: report.duplicate, inSync: report.inSync },
        { listed: 9, stored: 6, matched: 3, missing: 1, extra: 0, differs: 3, erased: 1, duplicate: 1, inSync: false },
        'case-old is outside the window and not listed: not reported; the erased customer is not "extra"',
      );
      const unwindowed = await log.reconcile(['case-1', 'case-2', 'case-3', 'case-4', 'case-6', 'case-7'], { system: 'crm', models: ['interaction'], sorted: true });
      assert.deepEqual(unwindowed.differences.map((d) => [d.kind, d.externalId, 'id' in d ? d.id : undefined]), [
        ['erased', 'case-7', erasedCall.id],
        ['extra', 'case-old', byId.get('case-old')],
      ]);
      assert.equal(unwindowed.inSync, false);
      const all = await log.reconcile(['case-1', 'case-2', 'case-3', 'case-4', 'case-6', 'case-old', 'contact-1'], { system: 'crm', sorted: true });
      assert.equal(all.inSync, true, 'versions alone: nothing to report');
      await rejectsWith(log.reconcile(['case-2', 'case-1'], { system: 'crm', sorted: true }), 'VALIDATION_FAILED');
      await rejectsWith(log.reconcile([{ externalId: '' }], { system: 'crm' }), 'VALIDATION_FAILED');
      await rejectsWith(log.reconcile([], { system: 'CRM!' }), 'VALIDATION_FAILED');
    },
  },

  // --------------------------------------------------------------------------------------- changes
  {
    group: 'changes',
    name: 'feeds every committed change in commit order, resumable from any cursor',
    async run(h) {
      const log = h.log(undefined, { actor: 'svc:sync' });
      const { record: a } = await log.customers.record(sample.customer(1));
      const { record: b } = await log.customers.record(sample.customer(2));
      const { record: call } = await log.interactions.record(sample.interaction(a.id, 1, { occurredAt: '2010-01-01T00:00:00Z' }));
      await log.interactions.update(call.id, { summary: 'noted' });
      await log.withActor('user:omar').interactions.transition(call.id, 'resolved');
      await rejectsWith(log.interactions.transition(call.id, 'open', { expectedVersion: 1 }), 'VERSION_CONFLICT');
      await log.customers.merge(b.id, { into: a.id });
      await log.retention.purge({ asOf: '2026-01-01T00:00:00Z', policy: { interaction: { days: 365 } } });

      const { changes } = await readFeed(log);
      assert.deepEqual(
        changes.map((c) => [c.seq, c.action, c.model, c.id, c.version, c.actor]),
        [
          [1, 'create', 'customer', a.id, 1, 'svc:sync'],
          [2, 'create', 'customer', b.id, 1, 'svc:sync'],
          [3, 'create', 'interaction', call.id, 1, 'svc:sync'],
          [4, 'update', 'interaction', call.id, 2, 'svc:sync'],
          [5, 'transition', 'interaction', call.id, 3, 'user:omar'],
          [6, 'merge', 'customer', b.id, 2, 'svc:sync'],
          [7, 'merge', 'customer', a.id, 2, 'svc:sync'],
          [8, 'purge', 'interaction', call.id, undefined, 'svc:sync'],
        ],
        'one change per audit entry; nothing for the rejected transition',
      );
      const entries = [];
      for await (const entry of log.audit.entries()) entries.push(entry);
      assert.deepEqual(changes.map((c) => c.at), entries.map((e) => e.at));
      assert.ok(changes.every((c) => c.tenant === log.tenant));
      assert.ok(!('version' in changes[7]!), 'a removal has no version');

      // Pages of any size give the same changes; each change's cursor resumes right after it.
      assert.deepEqual((await readFeed(log, 3)).changes, changes);
      assert.deepEqual((await log.changes({ after: changes[4]!.cursor, limit: 2 })).items, changes.slice(5, 7));
      const streamed = [];
      for await (const change of log.changes.stream({ after: changes[1]!.cursor, pageSize: 2 })) streamed.push(change);
      assert.deepEqual(streamed, changes.slice(2));

      // At the end: an empty page that says where to ask again; the next change appears there.
      const end = await log.changes({ after: changes[7]!.cursor });
      assert.deepEqual(end.items, []);
      assert.equal(end.hasMore, false);
      assert.equal(end.nextCursor, changes[7]!.cursor);
      assert.equal(await log.changes.latestCursor(), changes[7]!.cursor);
      await log.customers.update(a.id, { segment: 'enterprise' });
      assert.deepEqual((await log.changes({ after: end.nextCursor })).items.map((c) => [c.seq, c.action, c.id]), [[9, 'update', a.id]]);
      assert.deepEqual((await log.changes({ limit: 2 })).items, changes.slice(0, 2), 'without a cursor: from the first change');
      assert.equal((await log.changes({ limit: 2 })).hasMore, true);
    },
  },
  {
    group: 'changes',
    name: 'refuses garbage cursors and cursors of another feed',
    async run(h) {
      const log = h.log();
      const other = h.log();
      await log.customers.record(sample.customer(1));
      await log.customers.record(sample.customer(2));
      await other.customers.record(sample.customer(1));
      const [first] = (await log.changes()).items;
      for (const garbage of ['', 'garbage', 'YzEuMS4', Buffer.from('c1.-1.x').toString('base64url'), Buffer.from('c1.1.short').toString('base64url'), 'x'.repeat(200), 42, {}]) {
        await rejectsWith(log.changes({ after: garbage as string }), 'VALIDATION_FAILED');
      }
      // A cursor of another tenant, at a position the other feed has: its entry there is another.
      const error = (await rejectsWith(other.changes({ after: first!.cursor }), 'VALIDATION_FAILED')) as Error;
      assert.match(error.message, /another tenant/);
      // A cursor beyond the end of a feed.
      const [, second] = (await log.changes()).items;
      await rejectsWith(other.changes({ after: second!.cursor }), 'VALIDATION_FAILED');
      await rejectsWith(log.changes({ limit: 0 }), 'VALIDATION_FAILED');
      await rejectsWith(log.changes.stream({ pollInterval: 1 }).next(), 'VALIDATION_FAILED');
      await rejectsWith(log.changes.stream({ follow: 'yes' as never }).next(), 'VALIDATION_FAILED');
    },
  },
  {
    group: 'changes',
    name: 'a reader polling during concurrent writers sees every change once, in order, none skipped',
    async run(h) {
      const tenant = h.newTenant();
      const writers = [h.log(tenant, { actor: 'writer:1' }), h.log(tenant, { actor: 'writer:2' }), h.log(tenant, { actor: 'writer:3' })];
      const reader = h.log(tenant, { actor: 'reader' });
      const { record: customer } = await writers[0]!.customers.record(sample.customer(1));
      let writing = true;
      const seen: number[] = [];
      const read = (async () => {
        let cursor: string | undefined;
        for (let quiet = 0; writing || quiet < 2; ) {
          const page = await reader.changes({ limit: 4, ...(cursor !== undefined ? { after: cursor } : {}) });
          seen.push(...page.items.map((c) => c.seq));
          cursor = page.nextCursor;
          if (!writing && !page.hasMore) quiet++;
          if (!page.hasMore) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 3 === 0
            ? writers[i % 3]!.interactions.recordMany([sample.interaction(customer.id, i * 2 + 1), sample.interaction(customer.id, i * 2 + 2)])
            : writers[i % 3]!.interactions.record(sample.interaction(customer.id, i * 2 + 1)),
        ),
      );
      writing = false;
      await read;
      const head = (await reader.audit.head())!;
      assert.equal(head.seq, 1 + 10 * 2 + 20);
      assert.deepEqual(seen, Array.from({ length: head.seq }, (_, i) => i + 1), 'every change once, in order');
    },
  },
  {
    group: 'changes',
    name: 'a following stream delivers new changes as they commit and ends when aborted',
    async run(h) {
      const tenant = h.newTenant();
      const log = h.log(tenant);
      const elsewhere = h.log(tenant, { actor: 'another instance' });
      const { record: customer } = await log.customers.record(sample.customer(1));
      const start = await log.changes.latestCursor();
      const stop = new AbortController();
      const received: Change[] = [];
      const following = (async () => {
        for await (const change of log.changes.stream({ after: start, follow: true, signal: stop.signal, pollInterval: 20 })) {
          received.push(change);
          if (received.length === 2) stop.abort();
        }
      })();
      const waitFor = async (count: number) => {
        for (let i = 0; i < 500 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await new Promise((resolve) => setTimeout(resolve, 30));
      const { record: call } = await log.interactions.record(sample.interaction(customer.id, 1));
      await waitFor(1);
      assert.deepEqual(received.map((c) => c.id), [call.id], "this instance's commit arrives");
      await elsewhere.customers.update(customer.id, { segment: 'smb' });
      await following; // the second change (polled: another instance wrote it) aborts the stream
      assert.deepEqual(received.map((c) => [c.action, c.id]), [['create', call.id], ['update', customer.id]]);
      const again = [];
      const aborted = new AbortController();
      aborted.abort();
      for await (const change of log.changes.stream({ follow: true, signal: aborted.signal })) again.push(change);
      assert.deepEqual(again, [], 'an aborted signal ends the stream at once');
    },
  },
  {
    group: 'changes',
    name: 'the feed holds no personal data, also after an erasure',
    async run(h) {
      const log = h.log();
      const name = 'Philippa Zanzibar-Quennell';
      const email = 'philippa.zq@quennell-home.example';
      const { record: customer } = await log.customers.record({ displayName: name, identifiers: [{ type: 'email', value: email }], source: { system: 'crm', externalId: `contact:${email}` } });
      const { record: call } = await log.interactions.record(
        sample.interaction(customer.id, 1, { subject: `Call with ${name}`, summary: `${name} will pay on Friday`, participants: [{ role: 'customer', name, address: email }], source: { system: 'phone', externalId: `call-${email}` } }),
      );
      await log.interactions.update(call.id, { summary: `${name} paid` });
      await log.customers.erase(customer.id, { reason: `request by ${name} (${email})` });
      const { changes } = await readFeed(log);
      assert.deepEqual(changes.slice(-2).map((c) => [c.action, c.id]).sort(), [['erase', call.id], ['erase', customer.id]].sort(), 'the erasure itself is in the feed');
      const text = JSON.stringify(changes);
      for (const value of [name, email, 'Zanzibar', 'quennell-home', 'Friday']) assert.ok(!text.includes(value), `${value} is not in the feed`);
      for (const change of changes) {
        assert.deepEqual(Object.keys(change).sort(), ['action', 'actor', 'at', 'cursor', 'id', 'model', 'seq', 'tenant', 'version'].filter((key) => key !== 'version' || 'version' in change));
      }
    },
  },

  // --------------------------------------------------------------------------------------- restore
  {
    group: 'restore',
    name: 'takes a restorable export into an empty tenant whole, writes nothing the second time, and refuses a tampered one',
    async run(h) {
      const tenant = h.newTenant();
      const original = createTouchlog({ adapter: memoryAdapter(), tenant, actor: 'svc:origin', clock: steppingClock() });
      const { record: a } = await original.customers.record(sample.customer(1, { source: { system: 'crm', externalId: 'A-1' } }));
      const { record: b } = await original.customers.record(sample.customer(2));
      const { record: call } = await original.interactions.record(sample.interaction(a.id, 1, { summary: 'Promised to pay on the 9th' }));
      await original.interactions.update(call.id, { summary: 'Paid on the 9th' });
      await original.communications.record(sample.communication(b.id, 2));
      await original.finance.record(sample.invoice(b.id, 3));
      await original.followUps.record(sample.followUp(a.id, 4));
      await original.customers.merge(b.id, { into: a.id });
      const { record: c } = await original.customers.record(sample.customer(3, { source: { system: 'crm', externalId: 'C-3' } }));
      await original.interactions.record(sample.interaction(c.id, 5, { source: { system: 'crm', externalId: 'CASE-5' } }));
      await original.customers.erase(c.id, { reason: 'request' });
      let text = '';
      for await (const line of exportRestorable(original)) text += line;
      const input = (value: string) => (async function* () {
        yield value;
      })();

      const copy = h.log(tenant);
      const report = await restoreTenant(copy, input(text));
      assert.equal(report.outcome, 'restored');
      assert.deepEqual(await copy.audit.head(), await original.audit.head());
      const verification = await copy.audit.verify();
      assert.equal(verification.ok, true, verification.problem?.message);
      assert.deepEqual((await copy.timeline(a.id, { limit: 100 })).items, (await original.timeline(a.id, { limit: 100 })).items);
      assert.deepEqual(await copy.audit.history(call.id), await original.audit.history(call.id), 'sealed values read back with the restored data keys');
      assert.deepEqual((await copy.linked({ kind: 'invoice', ref: 'INV-3' })).items, (await original.linked({ kind: 'invoice', ref: 'INV-3' })).items);
      assert.equal((await copy.customers.resolve({ type: 'external', system: 'erp', value: 'C-1001' }))?.id, a.id);
      assert.equal((await restoreTenant(copy, input(text))).outcome, 'unchanged');

      const tampered = h.log(h.newTenant());
      const forged = text.replace(new RegExp(`"tenant":"${tenant}"`), `"tenant":"${tampered.tenant}"`);
      await rejectsWith(restoreTenant(tampered, input(forged)), 'INTEGRITY_VIOLATION'); // entries are hashed with their tenant
      assert.equal(await h.adapter.getAuditHead(tampered.tenant), undefined, 'nothing restored');
      assert.deepEqual(await h.adapter.scanRecords(tampered.tenant, { limit: 1 }), []);
      await rejectsWith(restoreTenant(h.log(h.newTenant()), input(text)), 'TENANT_MISMATCH');
    },
  },
];
