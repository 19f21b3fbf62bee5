/**
 * Storage failing at any call: for every position of the fault, nothing partial is visible, the
 * error is typed, and running the operation again completes it.
 */
import { describe, expect, it } from 'vitest';
import { createTouchlog, isTouchlogError, type StorageAdapter, type Touchlog } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { faultInjectingAdapter, sample, steppingClock } from 'touchlog/testing';

const TENANT = 'acme';
const open = (adapter: StorageAdapter) => createTouchlog({ adapter, tenant: TENANT, actor: 'svc:faults', clock: steppingClock() });

/** Everything a reader can see, in a comparable form. */
async function snapshot(log: Touchlog) {
  const all = async <T>(stream: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of stream) out.push(item);
    return out;
  };
  return {
    customers: await all(log.customers.stream()),
    interactions: await all(log.interactions.stream()),
    communications: await all(log.communications.stream()),
    finance: await all(log.finance.stream()),
    head: await log.audit.head(),
  };
}

/**
 * Runs `operation` against an adapter that fails at call 1, 2, 3... until the operation needs fewer
 * calls than that; after each failure checks `afterFailure`, then retries on the healthy adapter.
 */
async function everyFault(
  seed: (log: Touchlog) => Promise<unknown>,
  operation: (log: Touchlog) => Promise<unknown>,
  afterFailure: (before: Awaited<ReturnType<typeof snapshot>>, after: Awaited<ReturnType<typeof snapshot>>) => void,
  afterRetry: (log: Touchlog) => Promise<void>,
) {
  let positions = 0;
  for (let n = 1; n < 10_000; n++) {
    const inner = memoryAdapter();
    const healthy = open(inner);
    await seed(healthy);
    const before = await snapshot(healthy);
    const faulty = faultInjectingAdapter(inner, { failAt: n });
    const outcome = await operation(open(faulty)).then(
      () => 'ok',
      (error: unknown) => error,
    );
    if (!faulty.fired) {
      expect(outcome).toBe('ok');
      break;
    }
    positions++;
    if (outcome !== 'ok') expect(isTouchlogError(outcome), String(outcome)).toBe(true);
    afterFailure(before, await snapshot(healthy));
    await operation(healthy);
    await afterRetry(healthy);
    expect((await healthy.audit.verify()).ok).toBe(true);
  }
  expect(positions).toBeGreaterThan(3);
}

describe('faults at every adapter call', () => {
  it('recordMany: all or nothing', async () => {
    let customerId = '';
    await everyFault(
      async (log) => (customerId = (await log.customers.record(sample.customer(1))).record.id),
      (log) => log.interactions.recordMany(Array.from({ length: 12 }, (_, i) => sample.interaction(customerId, i, { source: { system: 'crm', externalId: `C-${i}` } }))),
      (before, after) => expect(after).toEqual(before),
      async (log) => expect((await log.interactions.list({ limit: 100 })).items).toHaveLength(12),
    );
  });

  it('ingest: committed batches stay complete, the failing one leaves nothing, a re-run completes', async () => {
    const items = (customerEmail: string) =>
      Array.from({ length: 30 }, (_, i) => ({
        model: 'interaction' as const,
        data: { ...sample.interaction('x', i, { customer: { type: 'email', value: customerEmail } }), source: { system: 'crm', externalId: `I-${i}` } },
      }));
    await everyFault(
      (log) => log.customers.record(sample.customer(1)),
      (log) => log.ingest(items('ap1@customer.example'), { batchSize: 10 }),
      (_before, after) => {
        const stored = after.interactions.map((i) => Number(i.source!.externalId.slice(2))).sort((a, b) => a - b);
        expect(stored.length % 10).toBe(0); // whole batches only
        expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i)); // and the first ones
      },
      async (log) => {
        const again = await log.ingest(items('ap1@customer.example'), { batchSize: 10 });
        expect(again.created + again.unchanged).toBe(30);
        expect((await log.interactions.list({ limit: 100 })).items).toHaveLength(30);
      },
    );
  });

  it('customer merge: all or nothing', async () => {
    const ids: string[] = [];
    await everyFault(
      async (log) => {
        ids.length = 0;
        for (const n of [1, 2]) ids.push((await log.customers.record(sample.customer(n))).record.id);
        await log.interactions.record(sample.interaction(ids[1]!, 1));
        await log.finance.record(sample.invoice(ids[1]!, 1));
      },
      (log) => log.customers.merge(ids[1]!, { into: ids[0]! }),
      (before, after) => expect(after).toEqual(before),
      async (log) => {
        expect((await log.customers.get(ids[1]!)).mergedInto).toBe(ids[0]);
        expect((await log.timeline(ids[0]!)).items).toHaveLength(3);
      },
    );
  });

  it('erasure: all or nothing', async () => {
    let id = '';
    await everyFault(
      async (log) => {
        id = (await log.customers.record(sample.customer(1, { displayName: 'Hannelore Q' }))).record.id;
        await log.interactions.record(sample.interaction(id, 1, { summary: 'private words' }));
        await log.communications.record(sample.communication(id, 1));
      },
      (log) => log.customers.erase(id, { reason: 'request' }),
      (before, after) => {
        const erased = after.customers[0]!.displayName === 'Erased customer';
        if (!erased) expect(after).toEqual(before);
        else expect(JSON.stringify(after)).not.toContain('private words');
      },
      async (log) => {
        expect((await log.customers.get(id)).displayName).toBe('Erased customer');
        expect((await log.interactions.list()).items[0]!.summary).toBeUndefined();
      },
    );
  });

  it('a transition: all or nothing', async () => {
    let id = '';
    await everyFault(
      async (log) => {
        const customer = (await log.customers.record(sample.customer(1))).record;
        id = (await log.interactions.record(sample.interaction(customer.id, 1))).record.id;
      },
      (log) => log.interactions.transition(id, 'resolved', { outcome: { code: 'resolved' } }),
      (before, after) => expect(after).toEqual(before),
      async (log) => expect((await log.interactions.get(id)).status).toBe('resolved'),
    );
  });
});
