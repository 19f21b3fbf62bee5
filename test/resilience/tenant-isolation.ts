/**
 * Tenant isolation as a property: random operations by two tenants sharing one adapter never let
 * either observe the other's data through any API. Shared by the memory, SQLite and PostgreSQL runs.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { createTouchlog, isTouchlogError, type StorageAdapter, type Touchlog } from 'touchlog';
import { sample, steppingClock } from 'touchlog/testing';

type Op =
  | { kind: 'customer'; tenant: 0 | 1; n: number }
  | { kind: 'interaction'; tenant: 0 | 1; customer: number; n: number; sameKey: boolean }
  | { kind: 'invoice'; tenant: 0 | 1; customer: number; n: number }
  | { kind: 'update'; tenant: 0 | 1; record: number }
  | { kind: 'merge'; tenant: 0 | 1; a: number; b: number }
  | { kind: 'ingest'; tenant: 0 | 1; customer: number; n: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('customer' as const), tenant: fc.constantFrom(0 as const, 1 as const), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('interaction' as const), tenant: fc.constantFrom(0 as const, 1 as const), customer: fc.nat(), n: fc.integer({ min: 1, max: 40 }), sameKey: fc.boolean() }),
  fc.record({ kind: fc.constant('invoice' as const), tenant: fc.constantFrom(0 as const, 1 as const), customer: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('update' as const), tenant: fc.constantFrom(0 as const, 1 as const), record: fc.nat() }),
  fc.record({ kind: fc.constant('merge' as const), tenant: fc.constantFrom(0 as const, 1 as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('ingest' as const), tenant: fc.constantFrom(0 as const, 1 as const), customer: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
);

async function all<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

/** Everything a tenant can read about itself and about ids it might guess. */
async function observe(log: Touchlog, foreignIds: readonly string[], foreignCustomers: readonly string[]): Promise<string> {
  const seen: unknown[] = [
    await all(log.customers.stream()),
    await all(log.interactions.stream()),
    await all(log.communications.stream()),
    await all(log.finance.stream()),
    await all(log.followUps.stream()),
    await all(log.audit.entries()),
    await log.audit.verify(),
  ];
  for (const id of foreignCustomers.slice(0, 4)) {
    seen.push((await log.timeline(id)).items, await log.customers.find(id), await log.customers.resolve({ id }));
  }
  for (let n = 1; n <= 8; n++) seen.push((await log.linked({ kind: 'invoice', ref: `INV-${n}` })).items);
  for (const id of foreignIds.slice(0, 6)) {
    seen.push(await log.interactions.find(id), (await log.audit.history(id)).items);
    const update = await log.interactions.update(id, { summary: 'probe' }).catch((e: unknown) => e);
    expect(isTouchlogError(update, 'NOT_FOUND')).toBe(true);
  }
  return JSON.stringify(seen);
}

export async function checkTenantIsolation(createAdapter: () => Promise<StorageAdapter> | StorageAdapter, runs: number): Promise<void> {
  let round = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 18 }), async (ops) => {
      const adapter = await createAdapter();
      await adapter.migrate();
      round++;
      const logs = [0, 1].map((t) => createTouchlog({ adapter, tenant: `iso${round}-t${t}`, actor: `actor-${t}`, clock: steppingClock() }));
      const customers: string[][] = [[], []];
      const records: string[][] = [[], []];
      for (const step of ops) {
        const log = logs[step.tenant]!;
        const mine = customers[step.tenant]!;
        const pickCustomer = (i: number) => mine[i % Math.max(1, mine.length)];
        try {
          switch (step.kind) {
            case 'customer':
              mine.push((await log.customers.record(sample.customer(step.n, { source: { system: 'crm', externalId: `ACC-${step.n}` } }))).record.id);
              break;
            case 'interaction': {
              const customer = pickCustomer(step.customer);
              if (!customer) break;
              const source = { system: 'crm', externalId: step.sameKey ? 'SHARED-KEY' : `CASE-${step.n}` };
              records[step.tenant]!.push((await log.interactions.record(sample.interaction(customer, step.n, { source }))).record.id);
              break;
            }
            case 'invoice': {
              const customer = pickCustomer(step.customer);
              if (customer) records[step.tenant]!.push((await log.finance.record(sample.invoice(customer, step.n))).record.id);
              break;
            }
            case 'update': {
              const interactions = records[step.tenant]!;
              const id = interactions[step.record % Math.max(1, interactions.length)];
              if (id && (await log.interactions.find(id))) await log.interactions.update(id, { summary: `changed ${step.record}` });
              break;
            }
            case 'merge': {
              const a = pickCustomer(step.a);
              const b = pickCustomer(step.b);
              if (a && b && a !== b) await log.customers.merge(b, { into: a });
              break;
            }
            case 'ingest':
              await log.ingest([{ model: 'interaction', data: sample.interaction('x', step.n, { customer: { type: 'email', value: `ap${step.n}@customer.example` }, source: { system: 'mail', externalId: `M-${step.n}` } }) }]);
              break;
          }
        } catch (error) {
          // Domain refusals (a merge of an already merged customer, a source conflict) are fine; anything else is not.
          if (!isTouchlogError(error)) throw error;
        }
      }
      for (const [self, other] of [[0, 1], [1, 0]] as const) {
        const foreignIds = [...records[other]!, ...customers[other]!];
        const view = await observe(logs[self]!, foreignIds, customers[other]!);
        for (const id of foreignIds) expect(view.includes(id), `tenant ${self} saw ${id} of tenant ${other}`).toBe(false);
        expect(view.includes(`actor-${other}`), `tenant ${self} saw the other tenant's actor`).toBe(false);
      }
      await adapter.close();
    }),
    { numRuns: runs },
  );
}
