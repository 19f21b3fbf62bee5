/**
 * Every public entry point that takes caller data, with arbitraries that mix random values,
 * adversarial ones (huge, deep, prototype keys, NaN, injection strings, impossible dates) and
 * near-valid records with one field broken. Shared by `npm test` (few runs) and `bench/fuzz.ts`
 * (10 000 runs per target).
 */
import fc from 'fast-check';
import {
  createTouchlog,
  isTouchlogError,
  moneyFromDecimal,
  ruleClassifier,
  toJSONSchema,
  validateCommunication,
  validateCustomer,
  validateFinancialRecord,
  validateFollowUp,
  validateInteraction,
  evaluateSla,
  sourceDigestOf,
  type StorageAdapter,
  type Touchlog,
} from 'touchlog';
import { restoreTenant } from 'touchlog/interop';
import { sample, steppingClock } from 'touchlog/testing';

export const INJECTION = [
  "'; DROP TABLE tl_records; --",
  "\" OR 1=1 --",
  "x' UNION SELECT * FROM tl_audit --",
  "%' OR '1'='1",
  '$where: 1',
  '{"$gt": ""}',
  '\\x00',
  "Robert'); DELETE FROM tl_identifiers;--",
];

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(...INJECTION),
  fc.constant('x'.repeat(1_100_000)),
  fc.constant('\u0000'),
  fc.constant('\ud800'),
  fc.constant('2026-02-30T00:00:00Z'),
  fc.constant('__proto__'),
);

let deep: Record<string, unknown> = {};
const deepRoot = deep;
for (let i = 0; i < 5_000; i++) deep = deep['d'] = {};

const hostileValue = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, 2 ** 53, -0, 1e308, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.constant(deepRoot) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')) },
  { weight: 1, arbitrary: fc.constant(new Date(Number.NaN)) },
);

/** A valid record with one field replaced by a hostile value (or a hostile extra field). */
const mutated = (base: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...Object.keys(base), 'extraField', '__proto__'), hostileValue).map(([key, value]) => {
    const copy: Record<string, unknown> = { ...base };
    Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  });

const recordLike = (base: Record<string, unknown>) => fc.oneof(hostileValue, mutated(base), mutated(base));

export interface FuzzContext {
  readonly log: Touchlog;
  readonly customerId: string;
  readonly interactionId: string;
}

export interface FuzzTarget {
  readonly name: string;
  readonly input: fc.Arbitrary<unknown>;
  /** Writes must leave nothing partial: targets that write say so and are checked against the audit head. */
  readonly writes: boolean;
  run(ctx: FuzzContext, input: unknown): unknown;
}

const CID = '01JQ0000000000000000000001';

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  { name: 'validateCustomer', writes: false, input: recordLike(sample.customer(1) as never), run: (_c, i) => validateCustomer(i) },
  { name: 'validateInteraction', writes: false, input: recordLike(sample.interaction(CID) as never), run: (_c, i) => validateInteraction(i) },
  { name: 'validateCommunication', writes: false, input: recordLike(sample.communication(CID) as never), run: (_c, i) => validateCommunication(i) },
  { name: 'validateFinancialRecord', writes: false, input: recordLike(sample.invoice(CID) as never), run: (_c, i) => validateFinancialRecord(i) },
  { name: 'validateFollowUp', writes: false, input: recordLike(sample.followUp(CID) as never), run: (_c, i) => validateFollowUp(i) },
  { name: 'customers.record', writes: true, input: recordLike(sample.customer(2) as never), run: (c, i) => c.log.customers.record(i as never) },
  { name: 'interactions.record', writes: true, input: recordLike(sample.interaction(CID) as never), run: (c, i) => c.log.interactions.record(i as never) },
  { name: 'communications.record', writes: true, input: recordLike(sample.communication(CID) as never), run: (c, i) => c.log.communications.record(i as never) },
  { name: 'finance.record', writes: true, input: recordLike(sample.invoice(CID) as never), run: (c, i) => c.log.finance.record(i as never) },
  { name: 'followUps.record', writes: true, input: recordLike(sample.followUp(CID) as never), run: (c, i) => c.log.followUps.record(i as never) },
  {
    name: 'interactions.recordMany',
    writes: true,
    input: fc.array(recordLike(sample.interaction(CID) as never), { maxLength: 5 }).map((items) => [sample.interaction(CID), ...items]),
    run: (c, i) => c.log.interactions.recordMany(i as never),
  },
  {
    name: 'ingest',
    writes: true,
    input: fc.array(fc.oneof(hostileValue, fc.record({ model: fc.oneof(fc.constantFrom('interaction', 'customer', 'nope'), hostileString), data: recordLike(sample.interaction(CID) as never) })), { maxLength: 6 }),
    run: (c, i) => c.log.ingest(i as never, { batchSize: 2 }),
  },
  { name: 'interactions.update', writes: true, input: recordLike({ summary: 'x', priority: 'high', tags: ['a'] }), run: (c, i) => c.log.interactions.update(c.interactionId, i as never) },
  { name: 'interactions.transition', writes: true, input: fc.tuple(hostileValue, recordLike({ outcome: { code: 'resolved' }, reason: 'x' })), run: (c, i) => c.log.interactions.transition(c.interactionId, (i as unknown[])[0] as never, (i as unknown[])[1] as never) },
  { name: 'customers.update', writes: true, input: recordLike({ displayName: 'x', identifiers: [] }), run: (c, i) => c.log.customers.update(c.customerId, i as never) },
  { name: 'get by hostile id', writes: false, input: hostileValue, run: (c, i) => c.log.interactions.find(i as never) },
  { name: 'list filters', writes: false, input: recordLike({ customerId: CID, status: 'open', channel: ['email'], from: '2026-01-01T00:00:00Z', limit: 5, cursor: 'abc', order: 'asc' }), run: (c, i) => c.log.interactions.list(i as never) },
  { name: 'timeline options', writes: false, input: fc.tuple(fc.oneof(fc.constant(CID), hostileValue), recordLike({ kinds: ['interaction'], link: { kind: 'invoice', ref: 'INV-1' }, limit: 5 })), run: (c, i) => c.log.timeline((i as unknown[])[0] as never, (i as unknown[])[1] as never) },
  { name: 'linked', writes: false, input: recordLike({ kind: 'invoice', ref: 'INV-1' }), run: (c, i) => c.log.linked(i as never) },
  { name: 'customers.resolve', writes: false, input: recordLike({ type: 'email', value: 'ap1@customer.example' }), run: (c, i) => c.log.customers.resolve(i as never) },
  { name: 'audit.history', writes: false, input: hostileValue, run: (c, i) => c.log.audit.history(i as never) },
  { name: 'audit.verify', writes: false, input: recordLike({ against: { seq: 1, hash: 'abc' } }), run: (c, i) => c.log.audit.verify(i as never) },
  { name: 'finance.findByRef', writes: false, input: fc.tuple(hostileValue, hostileValue), run: (c, i) => c.log.finance.findByRef((i as unknown[])[0] as never, (i as unknown[])[1] as never) },
  { name: 'retention.purge', writes: true, input: recordLike({ asOf: '2026-01-01T00:00:00Z', policy: { interaction: { days: 10 } } }), run: (c, i) => c.log.retention.purge(i as never) },
  { name: 'customers.erase (options)', writes: true, input: hostileValue, run: (c, i) => c.log.customers.erase(c.customerId, { reason: i as never }) },
  { name: 'ruleClassifier', writes: false, input: fc.array(recordLike({ id: 'r', when: { keywords: ['a'] }, then: { purpose: 'dispute' } }), { maxLength: 3 }), run: (_c, i) => ruleClassifier(i as never) },
  { name: 'evaluateSla', writes: false, input: fc.array(recordLike({ id: 'p', firstResponseHours: 4 }), { maxLength: 3 }), run: (_c, i) => evaluateSla([], [], i as never, { asOf: new Date() }) },
  { name: 'toJSONSchema', writes: false, input: hostileValue, run: (_c, i) => toJSONSchema(i as never) },
  { name: 'changes', writes: false, input: recordLike({ after: 'YzEuMS5hYmNkZWZnaGlqa2xtbm9w', limit: 5 }), run: (c, i) => c.log.changes(i as never) },
  { name: 'changes.stream', writes: false, input: recordLike({ after: 'YzEuMS5hYmNkZWZnaGlqa2xtbm9w', pageSize: 5, pollInterval: 20 }), run: (c, i) => c.log.changes.stream(i as never).next() },
  {
    name: 'reconcile',
    writes: false,
    input: fc.tuple(fc.oneof(hostileValue, fc.array(fc.oneof(hostileString, recordLike({ externalId: 'CASE-1', version: 1, digest: 'abc' })), { maxLength: 5 })), recordLike({ system: 'crm', models: ['interaction'], from: '2026-01-01T00:00:00Z', sorted: true })),
    run: (c, i) => c.log.reconcile((i as unknown[])[0] as never, (i as unknown[])[1] as never),
  },
  { name: 'sourceDigestOf', writes: false, input: fc.tuple(hostileValue, recordLike(sample.interaction(CID) as never)), run: (_c, i) => sourceDigestOf((i as unknown[])[0] as never, (i as unknown[])[1]) },
  {
    name: 'restoreTenant',
    writes: true,
    input: fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.array(fc.oneof(hostileString, fc.json()), { maxLength: 4 }).map((lines) => new TextEncoder().encode(lines.join('\n')))),
    run: (c, i) => restoreTenant(c.log, (async function* () { yield i as Uint8Array; })()),
  },
];

/** Errors a target may throw other than touchlog's own: documented ones of plain helpers. */
const allowed = (target: FuzzTarget, error: unknown) => target.name === 'moneyFromDecimal' && error instanceof RangeError;

/** Runs one target for `runs` cases; rejects on the first case that throws a foreign error, hangs or writes partially. */
export async function fuzz(target: FuzzTarget, createAdapter: () => StorageAdapter, runs: number, seed = 42): Promise<void> {
  const adapter = createAdapter();
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'fuzz', actor: 'fuzz', clock: steppingClock() });
  const customerId = (await log.customers.record(sample.customer(1))).record.id;
  const interactionId = (await log.interactions.record(sample.interaction(customerId))).record.id;
  const ctx = { log, customerId, interactionId };
  await fc.assert(
    fc.asyncProperty(target.input, async (input) => {
      const headBefore = target.writes ? await log.audit.head() : undefined;
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        Promise.resolve()
          .then(() => target.run(ctx, input))
          .then(() => 'ok' as const, (error: unknown) => error),
        new Promise((resolve) => (timer = setTimeout(() => resolve(new Error('hang: no answer within 5 s')), 5_000))),
      ]);
      clearTimeout(timer);
      if (outcome !== 'ok' && !isTouchlogError(outcome) && !allowed(target, outcome)) {
        throw new Error(`${target.name} threw a foreign error: ${String((outcome as Error)?.stack ?? outcome)}`);
      }
      if (target.writes && outcome !== 'ok') {
        const headAfter = await log.audit.head();
        // A failed write appends nothing (ingest may commit earlier batches, which are whole).
        if (target.name !== 'ingest' && JSON.stringify(headAfter) !== JSON.stringify(headBefore)) throw new Error(`${target.name} failed but wrote audit entries`);
      }
      if (({} as Record<string, unknown>)['polluted'] !== undefined) throw new Error(`${target.name} polluted Object.prototype`);
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  await adapter.close();
}

export const moneyFuzz = fc.tuple(hostileString, hostileString);
export const runMoney = (input: [string, string]) => moneyFromDecimal(input[0], input[1]);
