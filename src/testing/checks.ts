import assert from 'node:assert/strict';
import type { AdapterCapabilities, RecordWrite } from '../adapters/contract.js';
import { isTouchlogError, type ErrorCode } from '../errors/index.js';
import type { Interaction } from '../models/interaction.js';
import type { ConformanceHarness } from './harness.js';
import { sample } from './fixtures.js';
import { SYNC_CHECKS } from './sync-checks.js';

/** One behaviour every adapter must have. Checks assert with `node:assert`, so they run under any test runner. */
export interface ConformanceCheck {
  /** Capability group: `basic`, `idempotency`, `transactions`, `pagination`, `isolation`, `links`, `audit`, `payloads`, `persistence`, `sources`, `changes`, `restore`. */
  readonly group: string;
  readonly name: string;
  /** A capability the check needs; without it the check is skipped, and says why. */
  readonly needs?: keyof AdapterCapabilities;
  run(h: ConformanceHarness): Promise<void>;
}

/** Awaits `promise` and asserts it rejects with a touchlog error of `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isTouchlogError(error, code), `expected a ${code} error, got ${String((error as Error)?.message ?? error)}`);
    return error;
  }
  assert.fail(`expected a ${code} error, but it succeeded`);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A minimal row for direct adapter checks. */
function rawWrite(id: string, tenantCustomer: string, at: string): RecordWrite {
  return {
    row: {
      collection: 'interactions',
      id,
      version: 1,
      customerId: tenantCustomer,
      homeCustomerId: tenantCustomer,
      at,
      dueAt: null,
      kind: null,
      channel: 'email',
      purpose: 'inquiry',
      status: 'open',
      sourceSystem: null,
      sourceExternalId: null,
      sourceHash: null,
      createdAt: at,
      updatedAt: at,
      salt: null,
      document: JSON.stringify({ id, note: 'raw' }),
    },
    links: [{ kind: 'invoice', ref: `RAW-${id}` }],
    timeline: [{ entryId: `${id}:interaction`, at, kind: 'interaction', channel: 'email', purpose: 'inquiry', status: 'open' }],
  };
}

const ULIDS = ['01JQ0000000000000000000A01', '01JQ0000000000000000000A02', '01JQ0000000000000000000A03'];

export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  // ---------------------------------------------------------------------------------------- basic
  {
    group: 'basic',
    name: 'records, gets and finds every model',
    async run(h) {
      const log = h.log();
      const { record: customer, outcome } = await log.customers.record(sample.customer(1));
      assert.equal(outcome, 'created');
      assert.equal(customer.version, 1);
      assert.deepEqual(await log.customers.get(customer.id), customer);
      const interaction = (await log.interactions.record(sample.interaction(customer.id))).record;
      const message = (await log.communications.record(sample.communication(customer.id))).record;
      const invoice = (await log.finance.record(sample.invoice(customer.id))).record;
      const followUp = (await log.followUps.record(sample.followUp(customer.id))).record;
      assert.deepEqual(await log.interactions.get(interaction.id), interaction);
      assert.deepEqual(await log.communications.get(message.id), message);
      assert.deepEqual(await log.finance.get(invoice.id), invoice);
      assert.deepEqual(await log.followUps.get(followUp.id), followUp);
      assert.equal(interaction.customerId, customer.id);
      assert.equal(await log.interactions.find(message.id), undefined, 'ids of one model are not found in another');
      await rejectsWith(log.interactions.get('01JQ0000000000000000000000'), 'NOT_FOUND');
      assert.equal(await log.interactions.find('01JQ0000000000000000000000'), undefined);
      assert.deepEqual(await log.finance.getBySource({ system: 'erp', externalId: 'INV-1' }), invoice);
      assert.deepEqual(await log.finance.findByRef('invoice', 'INV-1'), invoice);
    },
  },
  {
    group: 'basic',
    name: 'resolves customers by any identifier',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(7));
      const byEmail = await log.interactions.record(sample.interaction(customer.id, 1, { customer: { type: 'email', value: 'AP7@Customer.Example' } }));
      const byErp = await log.interactions.record(sample.interaction(customer.id, 2, { customer: { type: 'external', system: 'erp', value: 'C-1007' } }));
      assert.equal(byEmail.record.customerId, customer.id);
      assert.equal(byErp.record.customerId, customer.id);
      assert.equal((await log.customers.resolve({ type: 'email', value: 'ap7@customer.example' }))?.id, customer.id);
      await rejectsWith(log.interactions.record(sample.interaction(customer.id, 3, { customer: { type: 'email', value: 'nobody@x.example' } })), 'NOT_FOUND');
      const created = await log.interactions.record(sample.interaction(customer.id, 4, { customer: { type: 'email', value: 'new@x.example' } }), {
        createMissingCustomers: true,
      });
      assert.notEqual(created.record.customerId, customer.id);
      await rejectsWith(log.customers.record(sample.customer(8, { identifiers: [{ type: 'email', value: 'ap7@customer.example' }] })), 'IDENTIFIER_CONFLICT');
    },
  },
  {
    group: 'basic',
    name: 'updates with expectedVersion and refuses stale versions',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const { record } = await log.interactions.record(sample.interaction(customer.id));
      const updated = await log.interactions.update(record.id, { summary: 'first change' }, { expectedVersion: 1 });
      assert.equal(updated.version, 2);
      assert.equal(updated.summary, 'first change');
      await rejectsWith(log.interactions.update(record.id, { summary: 'lost update' }, { expectedVersion: 1 }), 'VERSION_CONFLICT');
      const stored = await log.interactions.get(record.id);
      assert.equal(stored.version, 2);
      assert.equal(stored.summary, 'first change');
      await rejectsWith(log.interactions.update('01JQ0000000000000000000000', { summary: 'x' }), 'NOT_FOUND');
    },
  },
  {
    group: 'basic',
    name: 'lets exactly one of concurrent updates at the same version win',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const { record } = await log.interactions.record(sample.interaction(customer.id));
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => log.interactions.update(record.id, { summary: `writer ${i}` }, { expectedVersion: 1 })),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      assert.equal(won.length, 1, 'exactly one writer wins');
      for (const a of lost) assert.ok(isTouchlogError((a as PromiseRejectedResult).reason, 'VERSION_CONFLICT'));
      const stored = await log.interactions.get(record.id);
      assert.equal(stored.version, 2);
      assert.equal(stored.summary, (won[0] as PromiseFulfilledResult<Interaction>).value.summary);
    },
  },
  {
    group: 'basic',
    name: 'applies an update only at the expected version (conditional write)',
    async run(h) {
      const tenant = h.newTenant();
      const at = '2026-01-01T00:00:00.000Z';
      await h.adapter.transaction((tx) => tx.insertRecords(tenant, [rawWrite(ULIDS[0]!, ULIDS[2]!, at)]));
      const next = rawWrite(ULIDS[0]!, ULIDS[2]!, at);
      const v2 = { ...next, row: { ...next.row, version: 2, status: 'pending', document: JSON.stringify({ id: ULIDS[0], note: 'v2' }) } };
      const v3 = { ...next, row: { ...next.row, version: 3, status: 'resolved', document: JSON.stringify({ id: ULIDS[0], note: 'v3' }) } };
      const staleIds = await h.adapter.transaction((tx) => tx.updateRecords(tenant, [{ ...v2, expectedVersion: 7 }]));
      assert.deepEqual(staleIds, [ULIDS[0]], 'a wrong expected version is reported');
      assert.equal((await h.adapter.getRecords(tenant, 'interactions', [ULIDS[0]!]))[0]?.version, 1, 'and nothing is written');
      assert.deepEqual(await h.adapter.transaction((tx) => tx.updateRecords(tenant, [{ ...v2, expectedVersion: 1 }])), []);
      assert.deepEqual(await h.adapter.transaction((tx) => tx.updateRecords(tenant, [{ ...v3, expectedVersion: 1 }])), [ULIDS[0]]);
      const [row] = await h.adapter.getRecords(tenant, 'interactions', [ULIDS[0]!]);
      assert.equal(row?.version, 2);
      assert.equal(row?.document, JSON.stringify({ id: ULIDS[0], note: 'v2' }), 'the document comes back byte for byte');
      assert.deepEqual(await h.adapter.transaction((tx) => tx.updateRecords(h.newTenant(), [{ ...v3, expectedVersion: 2 }])), [ULIDS[0]], 'another tenant cannot update it');
    },
  },
  {
    group: 'basic',
    name: 'enforces the status state machine',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const { record } = await log.interactions.record(sample.interaction(customer.id));
      await rejectsWith(log.interactions.transition(record.id, 'closed'), 'INVALID_TRANSITION');
      const resolved = await log.interactions.transition(record.id, 'resolved', { outcome: { code: 'credit_issued', note: 'CN-1' } });
      assert.equal(resolved.status, 'resolved');
      assert.equal(resolved.outcome?.code, 'credit_issued');
      assert.equal(resolved.outcome?.resolvedBy, 'conformance');
      assert.equal((await log.interactions.transition(record.id, 'closed')).status, 'closed');
      const reopened = await log.interactions.transition(record.id, 'open');
      assert.equal(reopened.outcome, undefined);
      const { record: task } = await log.followUps.record(sample.followUp(customer.id));
      assert.equal((await log.followUps.complete(task.id)).status, 'done');
      await rejectsWith(log.followUps.cancel(task.id), 'INVALID_TRANSITION');
    },
  },
  {
    group: 'basic',
    name: 'filters lists on every indexed field',
    async run(h) {
      const log = h.log();
      const { record: a } = await log.customers.record(sample.customer(1));
      const { record: b } = await log.customers.record(sample.customer(2));
      await log.interactions.recordMany([
        sample.interaction(a.id, 1, { channel: 'phone', purpose: 'dispute' }),
        sample.interaction(a.id, 2, { channel: 'email', purpose: 'dispute', status: 'pending' }),
        sample.interaction(b.id, 3, { channel: 'phone', purpose: 'inquiry' }),
        sample.interaction(a.id, 4, { channel: 'chat', purpose: 'inquiry', source: { system: 'chat', externalId: 'c-4' } }),
      ]);
      const subjects = async (filter: Parameters<typeof log.interactions.list>[0]) =>
        (await log.interactions.list(filter)).items.map((i) => i.subject);
      assert.deepEqual(await subjects({ customerId: a.id }), ['Question 1 about INV-1', 'Question 2 about INV-2', 'Question 4 about INV-4']);
      assert.deepEqual(await subjects({ channel: 'phone' }), ['Question 1 about INV-1', 'Question 3 about INV-3']);
      assert.deepEqual(await subjects({ channel: ['phone', 'chat'], purpose: 'inquiry' }), ['Question 3 about INV-3', 'Question 4 about INV-4']);
      assert.deepEqual(await subjects({ status: 'pending' }), ['Question 2 about INV-2']);
      assert.deepEqual(await subjects({ sourceSystem: 'chat' }), ['Question 4 about INV-4']);
      assert.deepEqual(await subjects({ from: '2026-01-01T00:02:00Z', to: '2026-01-01T00:04:00Z' }), ['Question 2 about INV-2', 'Question 3 about INV-3']);
      assert.deepEqual(await subjects({ customerId: a.id, order: 'desc', limit: 2 }), ['Question 4 about INV-4', 'Question 2 about INV-2']);
      const due = await log.finance.recordMany([sample.invoice(a.id, 1), sample.invoice(a.id, 40)]);
      assert.deepEqual((await log.finance.list({ dueBefore: '2026-02-15T00:00:00Z' })).items.map((r) => r.id), [due[0]!.record.id]);
    },
  },

  // ----------------------------------------------------------------------------------- idempotency
  {
    group: 'idempotency',
    name: 'never duplicates a source record; newer updates, older is stale, same version differing conflicts',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const v1 = sample.interaction(customer.id, 1, { source: { system: 'crm', externalId: 'CASE-1', version: 1 } });
      const first = await log.interactions.record(v1);
      assert.equal(first.outcome, 'created');
      const again = await log.interactions.record(v1);
      assert.equal(again.outcome, 'unchanged');
      assert.deepEqual(again.record, first.record);
      const v2 = await log.interactions.record({ ...v1, summary: 'more detail', source: { system: 'crm', externalId: 'CASE-1', version: 2 } });
      assert.equal(v2.outcome, 'updated');
      assert.equal(v2.record.id, first.record.id);
      assert.equal(v2.record.version, 2);
      const stale = await log.interactions.record({ ...v1, summary: 'old', source: { system: 'crm', externalId: 'CASE-1', version: 1 } });
      assert.equal(stale.outcome, 'stale');
      assert.equal(stale.record.summary, 'more detail');
      await rejectsWith(log.interactions.record({ ...v1, summary: 'different', source: { system: 'crm', externalId: 'CASE-1', version: 2 } }), 'SOURCE_CONFLICT');
      assert.equal((await log.interactions.list({ customerId: customer.id })).items.length, 1);
      const history = await log.audit.history(first.record.id);
      assert.deepEqual(history.items.map((e) => e.action), ['create', 'update']);
    },
  },
  {
    group: 'idempotency',
    name: 'concurrent recordings of one source record store it once',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const input = sample.interaction(customer.id, 1, { source: { system: 'crm', externalId: 'CASE-9', version: 3 } });
      const results = await Promise.all(Array.from({ length: 6 }, () => log.interactions.record(input)));
      assert.deepEqual(results.map((r) => r.outcome).sort(), ['created', 'unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
      assert.equal(new Set(results.map((r) => r.record.id)).size, 1);
      assert.equal((await log.interactions.list({ customerId: customer.id })).items.length, 1);
    },
  },
  {
    group: 'idempotency',
    name: 'an empty batch changes nothing',
    async run(h) {
      const log = h.log();
      await log.customers.record(sample.customer(1));
      const head = await log.audit.head();
      assert.deepEqual(await log.interactions.recordMany([]), []);
      const report = await log.ingest([]);
      assert.equal(report.processed, 0);
      assert.deepEqual(await log.audit.head(), head);
    },
  },
  {
    group: 'idempotency',
    name: 'ingest streams batches, reports rejections with reasons and is idempotent on re-run',
    async run(h) {
      const log = h.log();
      const items = function* () {
        yield { model: 'customer' as const, data: sample.customer(1, { source: { system: 'crm', externalId: 'ACC-1' } }) };
        for (let n = 1; n <= 30; n++) {
          yield {
            model: 'interaction' as const,
            data: { ...sample.interaction('unused', n, { customer: { type: 'email', value: 'ap1@customer.example' } }), source: { system: 'crm', externalId: `CASE-${n}` } },
          };
        }
        yield { model: 'interaction' as const, data: { channel: 'fax' } };
        yield { model: 'interaction' as const, data: sample.interaction('unused', 99, { customer: { type: 'email', value: 'ghost@x.example' } }) };
      };
      const progress: number[] = [];
      const first = await log.ingest(items(), { batchSize: 8, onProgress: (p) => progress.push(p.processed) });
      assert.equal(first.created, 31);
      assert.equal(first.rejected, 2);
      assert.deepEqual(first.rejections.map((r) => [r.index, r.code]), [[31, 'VALIDATION_FAILED'], [32, 'NOT_FOUND']]);
      assert.ok(first.rejections[0]!.issues!.some((issue) => issue.path[0] === 'channel'));
      assert.deepEqual(progress, [8, 16, 24, 32, 33]);
      const second = await log.ingest(items(), { batchSize: 8 });
      assert.equal(second.created, 0);
      assert.equal(second.unchanged, 31);
      assert.equal((await log.interactions.list({ limit: 1000 })).items.length, 30);
    },
  },

  // ---------------------------------------------------------------------------------- transactions
  {
    group: 'transactions',
    name: 'commits together and rolls back without a trace',
    async run(h) {
      const tenant = h.newTenant();
      const at = '2026-01-01T00:00:00.000Z';
      const boom = new Error('rollback please');
      let outsideRead: Promise<unknown> | undefined;
      await assert.rejects(
        h.adapter.transaction(async (tx) => {
          await tx.insertRecords(tenant, [rawWrite(ULIDS[0]!, ULIDS[2]!, at)]);
          assert.equal((await tx.getRecords(tenant, 'interactions', [ULIDS[0]!])).length, 1, 'a transaction sees its own writes');
          outsideRead = h.adapter.getRecords(tenant, 'interactions', [ULIDS[0]!]);
          throw boom;
        }),
        (error) => error === boom,
      );
      assert.deepEqual(await outsideRead, [], 'nobody outside saw the uncommitted write');
      assert.deepEqual(await h.adapter.getRecords(tenant, 'interactions', [ULIDS[0]!]), []);
      assert.deepEqual(await h.adapter.listTimeline(tenant, { customerId: ULIDS[2]!, order: 'asc', limit: 10 }), []);
      assert.deepEqual(await h.adapter.listLinked(tenant, { kind: 'invoice', ref: `RAW-${ULIDS[0]}`, order: 'asc', limit: 10 }), []);
      await h.adapter.transaction(async (tx) => {
        await tx.insertRecords(tenant, [rawWrite(ULIDS[1]!, ULIDS[2]!, at)]);
      });
      assert.equal((await h.adapter.getRecords(tenant, 'interactions', [ULIDS[1]!])).length, 1);
      assert.equal((await h.adapter.listTimeline(tenant, { customerId: ULIDS[2]!, order: 'asc', limit: 10 })).length, 1);
    },
  },
  {
    group: 'transactions',
    name: 'rejects a whole batch when one item is invalid, listing every problem, writing nothing',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const head = await log.audit.head();
      const events: unknown[] = [];
      log.subscribe((event) => events.push(event));
      const error = (await rejectsWith(
        log.interactions.recordMany([
          sample.interaction(customer.id, 1),
          { ...sample.interaction(customer.id, 2), channel: 'fax' as never },
          sample.interaction(customer.id, 3),
          { ...sample.interaction(customer.id, 4), occurredAt: 'tomorrow' },
        ]),
        'VALIDATION_FAILED',
      )) as { issues: Array<{ path: Array<string | number> }> };
      assert.deepEqual(error.issues.map((i) => i.path.slice(0, 2)), [[1, 'channel'], [3, 'occurredAt']]);
      await rejectsWith(
        log.interactions.recordMany([sample.interaction(customer.id, 5), sample.interaction(customer.id, 6, { customer: { type: 'email', value: 'nobody@x.example' } })]),
        'NOT_FOUND',
      );
      assert.equal((await log.interactions.list()).items.length, 0);
      assert.deepEqual(await log.audit.head(), head);
      assert.equal(events.length, 0, 'no change event for a rolled-back batch');
    },
  },

  // ------------------------------------------------------------------------------------ pagination
  {
    group: 'pagination',
    name: 'pages neither skip nor repeat while records are inserted',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      await log.interactions.recordMany(Array.from({ length: 25 }, (_, i) => sample.interaction(customer.id, i * 2 + 2)));
      const seen: string[] = [];
      let cursor: string | undefined;
      let round = 0;
      do {
        const page = await log.interactions.list({ customerId: customer.id, limit: 4, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        // Inserted behind and ahead of the cursor between pages.
        await log.interactions.record(sample.interaction(customer.id, round * 2 + 1));
        await log.interactions.record(sample.interaction(customer.id, 200 + round));
        round++;
      } while (cursor && round < 100);
      assert.equal(new Set(seen).size, seen.length, 'no entry repeated');
      const all = (await log.interactions.list({ customerId: customer.id, limit: 1000 })).items;
      const original = all.filter((i) => Number(i.subject!.split(' ')[1]) % 2 === 0 && Number(i.subject!.split(' ')[1]) <= 50);
      for (const interaction of original) assert.ok(seen.includes(interaction.id), 'no entry skipped');
      const streamed = await collect(log.interactions.stream({ customerId: customer.id, pageSize: 7 }));
      assert.deepEqual(streamed.map((i) => i.id), all.map((i) => i.id));
    },
  },
  {
    group: 'pagination',
    name: 'orders ties by id, ascending and descending',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const same = new Date('2026-02-02T10:00:00Z');
      const created = await log.interactions.recordMany(Array.from({ length: 9 }, (_, i) => sample.interaction(customer.id, i, { occurredAt: same })));
      const ids = created.map((r) => r.record.id).sort();
      const asc: string[] = [];
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await log.interactions.list({ customerId: customer.id, limit: 2, ...(cursor ? { cursor } : {}) });
        asc.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      }
      assert.deepEqual(asc, ids);
      const desc = (await log.interactions.list({ customerId: customer.id, order: 'desc', limit: 100 })).items.map((i) => i.id);
      assert.deepEqual(desc, [...ids].reverse());
      const timeline = await collect(log.timeline.stream(customer.id, { pageSize: 2 }));
      assert.deepEqual(timeline.map((e) => e.record.id), ids);
    },
  },
  {
    group: 'pagination',
    name: 'merges every kind of record into one timeline in time order',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      await log.finance.record(sample.invoice(customer.id, 1, { issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z' }));
      await log.communications.record(sample.communication(customer.id, 1, { sentAt: '2026-03-01T08:00:00Z' }));
      await log.interactions.record(sample.interaction(customer.id, 1, { occurredAt: '2026-03-10T09:00:00Z', purpose: 'dispute' }));
      await log.finance.record({ type: 'payment', customer: { id: customer.id }, ref: 'PAY-1', receivedAt: '2026-04-02T00:00:00Z', amount: { amountMinor: 100_001, currency: 'USD' }, allocations: [{ invoiceRef: 'INV-1', amount: { amountMinor: 100_001, currency: 'USD' } }] });
      await log.followUps.record(sample.followUp(customer.id, 1, { dueAt: '2026-03-15T00:00:00Z' }));
      const kinds = (await log.timeline(customer.id)).items.map((e) => `${e.at.slice(0, 10)} ${e.kind}`);
      assert.deepEqual(kinds, [
        '2026-03-01 invoice_issued',
        '2026-03-01 communication',
        '2026-03-10 interaction',
        '2026-03-15 follow_up_due',
        '2026-03-31 invoice_due',
        '2026-04-02 payment_received',
      ]);
      const filtered = (await log.timeline(customer.id, { kinds: ['interaction', 'payment_received'], order: 'desc' })).items.map((e) => e.kind);
      assert.deepEqual(filtered, ['payment_received', 'interaction']);
      const ranged = (await log.timeline(customer.id, { from: '2026-03-02T00:00:00Z', to: '2026-04-01T00:00:00Z' })).items.map((e) => e.kind);
      assert.deepEqual(ranged, ['interaction', 'follow_up_due', 'invoice_due']);
      const purposes = (await log.timeline(customer.id, { purposes: ['dispute'] })).items.map((e) => e.kind);
      assert.deepEqual(purposes, ['interaction']);
      const aboutInvoice = (await log.timeline(customer.id, { link: { kind: 'invoice', ref: 'INV-1' } })).items.map((e) => e.kind);
      assert.deepEqual(aboutInvoice, ['invoice_issued', 'communication', 'interaction', 'invoice_due', 'payment_received']);
    },
  },

  // -------------------------------------------------------------------------------------- identity
  {
    group: 'identity',
    name: 'merges customers (records, timeline, identifiers) and unmerges them',
    async run(h) {
      const log = h.log();
      const { record: a } = await log.customers.record(sample.customer(1));
      const { record: b } = await log.customers.record(sample.customer(2));
      const { record: c } = await log.customers.record(sample.customer(3));
      const onA = (await log.interactions.record(sample.interaction(a.id, 1))).record;
      const onB = (await log.interactions.record(sample.interaction(b.id, 2))).record;
      const onC = (await log.finance.record(sample.invoice(c.id, 3))).record;
      await log.customers.merge(c.id, { into: b.id });
      const merged = await log.customers.merge(b.id, { into: a.id });
      assert.equal(merged.moved, 4, 'B, C and their records moved');
      const targets = await h.adapter.getMergeTargets(log.tenant, [a.id, b.id, c.id, ULIDS[0]!]);
      assert.deepEqual(
        targets.map((t) => [t.id, t.customerId]).sort(),
        [[a.id, a.id], [b.id, a.id], [c.id, a.id]].sort(),
        'merge targets: every merged customer names the customer its records belong to now; unknown ids are left out',
      );
      for (const id of [onB.id, onA.id]) assert.equal((await log.interactions.get(id)).customerId, a.id);
      assert.equal((await log.finance.get(onC.id)).customerId, a.id);
      assert.deepEqual((await log.timeline(a.id)).items.map((e) => e.record.id), [onA.id, onB.id, onC.id, onC.id]);
      assert.equal((await log.customers.resolve({ type: 'email', value: 'ap3@customer.example' }))?.id, a.id);
      assert.equal((await log.interactions.list({ customerId: c.id })).items.length, 2, 'a merged id lists the combined history');
      assert.deepEqual((await log.linked({ kind: 'invoice', ref: 'INV-2' })).items.map((i) => i.record.id), [onB.id], 'moved records keep their links');
      const back = await log.customers.unmerge(b.id);
      assert.equal(back.moved, 4);
      assert.equal((await log.interactions.get(onA.id)).customerId, a.id);
      assert.equal((await log.interactions.get(onB.id)).customerId, b.id);
      assert.equal((await log.finance.get(onC.id)).customerId, b.id, 'C is still merged into B');
      assert.deepEqual((await log.timeline(a.id)).items.map((e) => e.record.id), [onA.id]);
      assert.deepEqual((await log.timeline(b.id)).items.map((e) => e.record.id), [onB.id, onC.id, onC.id]);
      assert.deepEqual((await log.linked({ kind: 'invoice', ref: 'INV-3' })).items.map((i) => i.record.id), [onC.id], 'and keep them when moved back');
      assert.equal((await log.customers.get(a.id)).identifiers.length, 2);
      assert.equal((await h.adapter.getMergeTargets(log.tenant, [b.id]))[0]?.customerId, b.id, 'an unmerged customer is its own target');
      assert.equal((await log.audit.verify()).ok, true);
    },
  },
  {
    group: 'basic',
    name: 'scans every record of a tenant in id order, across collections, page by page',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const ids: string[] = [customer.id];
      for (let n = 1; n <= 4; n++) ids.push((await log.interactions.record(sample.interaction(customer.id, n))).record.id);
      ids.push((await log.finance.record(sample.invoice(customer.id, 9))).record.id);
      ids.push((await log.followUps.record({ customer: { id: customer.id }, action: 'Call back', dueAt: '2026-02-01T00:00:00Z' })).record.id);
      await h.log().customers.record(sample.customer(2)); // another tenant's record is never seen
      const scanned: string[] = [];
      for (let afterId: string | undefined; ; ) {
        const page = await h.adapter.scanRecords(log.tenant, { limit: 3, ...(afterId !== undefined ? { afterId } : {}) });
        scanned.push(...page.map((row) => row.id));
        if (page.length < 3) break;
        afterId = page[page.length - 1]!.id;
      }
      assert.deepEqual(scanned, [...ids].sort());
      const [row] = await h.adapter.scanRecords(log.tenant, { limit: 1, afterId: ids[2]! });
      assert.equal(row?.id, [...ids].sort().find((id) => id > ids[2]!), 'starts strictly after afterId');
    },
  },

  // ------------------------------------------------------------------------------------- isolation
  {
    group: 'isolation',
    name: 'no API reaches another tenant',
    async run(h) {
      const a = h.log();
      const b = h.log();
      const { record: ca } = await a.customers.record(sample.customer(1, { source: { system: 'crm', externalId: 'ACC-1' } }));
      const { record: ia } = await a.interactions.record(sample.interaction(ca.id, 1, { source: { system: 'crm', externalId: 'CASE-1' } }));
      await a.finance.record(sample.invoice(ca.id, 1));
      // The same source keys and identifiers live independently in the other tenant.
      const { record: cb } = await b.customers.record(sample.customer(1, { source: { system: 'crm', externalId: 'ACC-1' } }));
      assert.notEqual(cb.id, ca.id);
      await rejectsWith(b.customers.get(ca.id), 'NOT_FOUND');
      await rejectsWith(b.interactions.get(ia.id), 'NOT_FOUND');
      assert.equal(await b.interactions.getBySource({ system: 'crm', externalId: 'CASE-1' }), undefined);
      assert.deepEqual((await b.interactions.list({ limit: 1000 })).items, []);
      assert.deepEqual((await b.timeline(ca.id)).items, []);
      assert.deepEqual((await b.linked({ kind: 'invoice', ref: 'INV-1' })).items, []);
      assert.equal(await b.finance.findByRef('invoice', 'INV-1'), undefined);
      assert.equal((await b.customers.resolve({ type: 'email', value: 'ap1@customer.example' }))?.id, cb.id);
      assert.deepEqual((await b.audit.history(ia.id)).items, []);
      await rejectsWith(b.interactions.update(ia.id, { summary: 'hijack' }), 'NOT_FOUND');
      await rejectsWith(b.interactions.transition(ia.id, 'cancelled'), 'NOT_FOUND');
      await rejectsWith(b.interactions.record(sample.interaction(ca.id, 2)), 'NOT_FOUND');
      assert.equal((await b.audit.verify()).entries, 1);
      assert.equal((await a.audit.verify()).entries, 3);
      assert.equal((await a.interactions.get(ia.id)).summary, undefined);
    },
  },

  // ----------------------------------------------------------------------------------------- links
  {
    group: 'links',
    name: 'finds everything about a financial document',
    async run(h) {
      const log = h.log();
      const { record: customer } = await log.customers.record(sample.customer(1));
      const invoice = (await log.finance.record(sample.invoice(customer.id, 1042, { issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z' }))).record;
      const mail = (await log.communications.record(sample.communication(customer.id, 1042, { sentAt: '2026-03-01T09:00:00Z' }))).record;
      const call = (await log.interactions.record(sample.interaction(customer.id, 1042, { occurredAt: '2026-03-05T09:00:00Z', channel: 'phone' }))).record;
      const other = (await log.interactions.record(sample.interaction(customer.id, 7))).record;
      const payment = (
        await log.finance.record({ type: 'payment', customer: { id: customer.id }, ref: 'PAY-9', receivedAt: '2026-03-30T00:00:00Z', amount: { amountMinor: 200_000, currency: 'USD' }, allocations: [{ invoiceRef: 'INV-1042', amount: { amountMinor: 101_042, currency: 'USD' } }] })
      ).record;
      const about = (await log.linked({ kind: 'invoice', ref: 'INV-1042' })).items.map((item) => item.record.id);
      assert.deepEqual(about, [invoice.id, mail.id, call.id, payment.id]);
      assert.ok(!about.includes(other.id));
      assert.deepEqual((await log.interactions.linkedTo({ kind: 'invoice', ref: 'INV-1042' })).items.map((i) => i.id), [call.id]);
      assert.deepEqual((await log.linked({ kind: 'invoice', ref: 'INV-1042' }, { models: ['communication'] })).items.map((i) => i.record.id), [mail.id]);
      await log.interactions.update(call.id, { links: [{ kind: 'invoice', ref: 'INV-7' }] });
      assert.deepEqual((await log.interactions.linkedTo({ kind: 'invoice', ref: 'INV-1042' })).items, []);
      assert.deepEqual((await log.interactions.linkedTo({ kind: 'invoice', ref: 'INV-7' })).items.map((i) => i.id).sort(), [call.id, other.id].sort());
    },
  },

  // ----------------------------------------------------------------------------------------- audit
  {
    group: 'audit',
    name: 'audits every write in order, in the same transaction, and answers who changed what',
    async run(h) {
      const log = h.log(undefined, { actor: 'user:maria' });
      const { record: customer } = await log.customers.record(sample.customer(1));
      const { record } = await log.interactions.record(sample.interaction(customer.id));
      await log.interactions.update(record.id, { priority: 'high', subject: 'Second question about INV-1' }, { expectedVersion: 1 });
      await log.withActor('user:omar').interactions.transition(record.id, 'resolved', { outcome: { code: 'resolved' }, reason: 'customer confirmed' });
      const history = (await log.audit.history(record.id)).items;
      assert.deepEqual(history.map((e) => [e.action, e.actor, e.version]), [
        ['create', 'user:maria', 1],
        ['update', 'user:maria', 2],
        ['transition', 'user:omar', 3],
      ]);
      assert.deepEqual(history[0]!.changes, [], 'a creation lists no fields: its state is the record');
      assert.ok(history.every((e) => typeof e.state === 'string' && e.state.length > 0), 'every entry keeps the digest of the state it wrote');
      assert.deepEqual(history[1]!.changes, [
        { path: 'priority', before: 'normal', after: 'high' },
        { path: 'subject', before: 'Question 1 about INV-1', after: 'Second question about INV-1' },
      ], 'personal values read back while the key exists');
      assert.deepEqual(history[2]!.changes.find((c) => c.path === 'status'), { path: 'status', before: 'open', after: 'resolved' });
      assert.equal(history[2]!.reason, 'customer confirmed');
      const rows = await h.adapter.readAudit(log.tenant, { limit: 100 });
      assert.deepEqual(rows.map((r) => r.seq), [1, 2, 3, 4]);
      assert.ok(!JSON.stringify(rows).includes('Question 1 about INV-1'), 'personal values are sealed at rest');
      assert.deepEqual((await h.adapter.readAudit(log.tenant, { limit: 2, afterSeq: 1 })).map((r) => r.seq), [2, 3]);
      assert.deepEqual((await h.adapter.readAudit(log.tenant, { limit: 2, order: 'desc' })).map((r) => r.seq), [4, 3]);
      const byEntity = await h.adapter.readAuditByEntity(log.tenant, { limit: 100 });
      assert.deepEqual(byEntity.map((r) => [r.entityId, r.seq]), [[customer.id, 1], [record.id, 2], [record.id, 3], [record.id, 4]].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : Number(a[1]) - Number(b[1]))), 'entries by entity, then seq');
      assert.deepEqual((await h.adapter.readAuditByEntity(log.tenant, { limit: 2, after: { entityId: record.id, seq: 2 } })).map((r) => r.seq), [3, 4]);
      const verification = await log.audit.verify({ against: (await log.audit.head())! });
      assert.equal(verification.ok, true);
      assert.equal(verification.entries, 4);
      assert.deepEqual(verification.records, { checked: 2, unbound: 0 });
    },
  },
  {
    group: 'audit',
    name: 'keeps one valid chain under concurrent writers',
    async run(h) {
      const tenant = h.newTenant();
      const writers = [h.log(tenant, { actor: 'writer:1' }), h.log(tenant, { actor: 'writer:2' }), h.log(tenant, { actor: 'writer:3' })];
      const { record: customer } = await writers[0]!.customers.record(sample.customer(1));
      await Promise.all(
        Array.from({ length: 24 }, (_, i) => writers[i % 3]!.interactions.record(sample.interaction(customer.id, i + 1))),
      );
      const verification = await writers[1]!.audit.verify();
      assert.equal(verification.ok, true, verification.problem?.message);
      assert.equal(verification.entries, 25);
      assert.deepEqual((await h.adapter.readAudit(tenant, { limit: 100 })).map((r) => r.seq), Array.from({ length: 25 }, (_, i) => i + 1));
    },
  },
  {
    group: 'audit',
    name: 'delivers committed changes to subscribers',
    async run(h) {
      const log = h.log();
      const events: Array<[string, string, number | undefined]> = [];
      log.subscribe((event) => events.push([event.action, event.model, event.version]));
      const { record: customer } = await log.customers.record(sample.customer(1));
      const { record } = await log.interactions.record(sample.interaction(customer.id));
      await log.interactions.transition(record.id, 'pending');
      await rejectsWith(log.interactions.transition(record.id, 'closed'), 'INVALID_TRANSITION');
      assert.deepEqual(events, [
        ['create', 'customer', 1],
        ['create', 'interaction', 1],
        ['transition', 'interaction', 2],
      ]);
    },
  },

  // -------------------------------------------------------------------------------------- payloads
  {
    group: 'payloads',
    name: 'round-trips Unicode, large bodies, nested metadata and extreme amounts exactly',
    async run(h) {
      const log = h.log();
      const name = 'Åsa Öberg — שלום — 東京 — e\u0301 — 👩🏽‍💼 — \u202Eevil';
      const { record: customer } = await log.customers.record(sample.customer(1, { displayName: name, attributes: { nested: { deeper: { list: [1, 'two', null, true, { k: 'ü' }] } }, quote: `"';--` } }));
      assert.equal((await log.customers.get(customer.id)).displayName, name);
      assert.deepEqual((await log.customers.get(customer.id)).attributes, customer.attributes);
      const body = `${'Zeile ünd 行 🙂\n'.repeat(60_000)}end`;
      const { record: message } = await log.communications.record(sample.communication(customer.id, 1, { body, subject: name }));
      const stored = await log.communications.get(message.id);
      assert.equal(stored.body, body);
      assert.equal(stored.subject, name);
      const { record: invoice } = await log.finance.record(sample.invoice(customer.id, 1, { amount: { amountMinor: Number.MAX_SAFE_INTEGER, currency: 'USD' } }));
      const back = await log.finance.get(invoice.id);
      assert.equal(back.type === 'invoice' && back.amount.amountMinor, Number.MAX_SAFE_INTEGER);
      assert.equal(typeof back.createdAt, 'string');
      assert.equal(back.createdAt, invoice.createdAt);
    },
  },

  // ----------------------------------------------------------------------------------- persistence
  {
    group: 'persistence',
    name: 'keeps everything across close and reopen',
    needs: 'persistent',
    async run(h) {
      const tenant = h.newTenant();
      const log = h.log(tenant);
      const { record: customer } = await log.customers.record(sample.customer(1));
      const { record } = await log.interactions.record(sample.interaction(customer.id));
      const head = await log.audit.head();
      const other = await h.reopen!();
      try {
        const again = h.log(tenant, { adapter: other });
        assert.deepEqual(await again.interactions.get(record.id), record);
        assert.deepEqual(await again.audit.head(), head);
        assert.equal((await again.audit.verify({ against: head! })).ok, true);
      } finally {
        await other.close();
      }
    },
  },

  // Live sync: the change feed, source-ordered reads, restorable exports (src/testing/sync-checks.ts).
  ...SYNC_CHECKS,
];
