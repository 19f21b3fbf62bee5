import { beforeAll, describe, expect, it } from 'vitest';
import {
  createScoreApi,
  createTouchlog,
  createWorklistRanker,
  isTouchlogError,
  scoreCustomer,
  type CommunicationInput,
  type CustomerHistory,
  type FinancialRecordInput,
  type InteractionFacts,
  type InteractionInput,
  type MessageFacts,
  type RecordQuery,
  type ScoreApi,
  type Touchlog,
} from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { deterministicIds, seededRandom, steppingClock } from 'touchlog/testing';
import { wrapAdapter } from '../helpers/wrap-adapter.js';

const DAY = 86_400_000;
const asOf = '2026-06-30T12:00:00Z';
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
/** An instant written with a +02:00 offset, as a source system might send it. */
const at = (ms: number) => `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;

/** Inputs of one customer's history, and the same facts for the pure functions. */
function customerData(customerId: string, seed: number) {
  const random = seededRandom(seed);
  const financial: FinancialRecordInput[] = [];
  const interactions: InteractionInput[] = [];
  const messages: CommunicationInput[] = [];
  const lateness = Math.floor(random() * 80) - 10;
  const count = 4 + Math.floor(random() * 6);
  for (let n = 0; n < count; n++) {
    const ref = `${customerId.slice(-6)}-INV-${n}`;
    const issued = Date.UTC(2025, 9, 1) + n * 25 * DAY + Math.floor(random() * 5) * DAY;
    const amount = 50_000 + Math.floor(random() * 500_000);
    financial.push({ type: 'invoice', customer: { id: customerId }, ref, issuedAt: at(issued), dueAt: at(issued + 30 * DAY), amount: usd(amount), source: { system: 'erp', externalId: ref } });
    const paid = issued + (30 + lateness) * DAY + Math.floor(random() * 10) * DAY;
    if (random() < 0.8) {
      const part = random() < 0.3 ? Math.floor(amount / 3) : amount;
      financial.push({ type: 'payment', customer: { id: customerId }, ref: `${ref}-P`, receivedAt: at(paid), amount: usd(part), allocations: [{ invoiceRef: ref, amount: usd(part) }] });
    }
    if (n === 1) financial.push({ type: 'credit_note', customer: { id: customerId }, ref: `${ref}-CN`, issuedAt: at(issued + 10 * DAY), amount: usd(5_000), invoiceRef: ref });
    if (n === 2 && random() < 0.6) {
      financial.push({ type: 'dispute', customer: { id: customerId }, ref: `${ref}-D`, invoiceRef: ref, openedAt: at(issued + 12 * DAY), amount: usd(20_000), status: 'open' });
    }
    if (n === 3) {
      financial.push({ type: 'payment_promise', customer: { id: customerId }, promisedAt: at(issued + 35 * DAY), dueBy: at(issued + 45 * DAY), amount: usd(amount), invoiceRefs: [ref] });
    }
    const remindedAt = issued + 36 * DAY;
    messages.push({
      customer: { id: customerId }, channel: 'email', direction: 'outbound', sentAt: at(remindedAt), notificationType: 'payment_reminder',
      messageId: `<${ref}-r@seller.example>`, to: [{ address: 'ap@customer.example' }], links: [{ kind: 'invoice', ref }],
    });
    if (random() < 0.5) {
      messages.push({
        customer: { id: customerId }, channel: 'email', direction: 'inbound', sentAt: at(remindedAt + Math.floor(random() * 40) * 3_600_000),
        from: { address: 'ap@customer.example' }, inReplyTo: `<${ref}-r@seller.example>`, links: [],
      });
    }
    if (random() < 0.4) {
      const opened = issued + 5 * DAY;
      interactions.push({
        customer: { id: customerId }, channel: random() < 0.5 ? 'phone' : 'email', direction: 'inbound', purpose: 'billing_query',
        occurredAt: at(opened), durationSeconds: 60 + Math.floor(random() * 900), links: [{ kind: 'invoice', ref }],
        tags: random() < 0.2 ? ['escalated'] : [], priority: random() < 0.1 ? 'urgent' : 'normal',
      });
    }
  }
  return { financial, interactions, messages };
}

interface Seeded {
  log: Touchlog;
  score: ScoreApi;
  queries: RecordQuery[];
  customers: Array<{ id: string; history: CustomerHistory }>;
  mergedAway: string;
  emptyCustomer: string;
}

async function seed(): Promise<Seeded> {
  const queries: RecordQuery[] = [];
  const adapter = wrapAdapter(memoryAdapter(), {
    reader: {
      listRecords: (inner) => async (tenant, query) => {
        queries.push(query);
        return inner(tenant, query);
      },
    },
  });
  const clock = steppingClock('2026-07-01T00:00:00Z');
  const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:scoring-test', clock, ids: deterministicIds(7, clock) });
  const customers: Seeded['customers'] = [];
  for (let c = 0; c < 7; c++) {
    const { record } = await log.customers.record({ displayName: `Customer ${c}`, creditTerms: { netDays: 30, limit: usd(200_000 + c * 50_000) } });
    const data = customerData(record.id, c + 1);
    await log.finance.recordMany(data.financial);
    const interactions: InteractionFacts[] = [];
    for (const input of data.interactions) interactions.push((await log.interactions.record(input)).record);
    // A reply from us inside the first case, if there is one: ties messages to a stored interaction id.
    const firstCase = interactions[0];
    if (firstCase !== undefined) {
      data.messages.push({
        customer: { id: record.id }, channel: 'email', direction: 'outbound', sentAt: at(Date.parse(firstCase.occurredAt as string) + 3 * 3_600_000),
        interactionId: (firstCase as { id: string }).id, to: [{ address: 'ap@customer.example' }], links: [],
      });
    }
    for (const input of data.messages) await log.communications.record(input);
    // The pure functions get the inputs as they were sent (offsets and all), plus the stored interaction ids.
    const history: CustomerHistory = {
      invoices: data.financial.filter((r) => r.type === 'invoice') as never,
      payments: data.financial.filter((r) => r.type === 'payment') as never,
      creditNotes: data.financial.filter((r) => r.type === 'credit_note') as never,
      disputes: data.financial.filter((r) => r.type === 'dispute') as never,
      promises: data.financial.filter((r) => r.type === 'payment_promise') as never,
      interactions,
      communications: data.messages as unknown as MessageFacts[],
    };
    customers.push({ id: record.id, history });
  }
  // Customer 6 is merged into customer 5: its records move there.
  const mergedAway = customers[6]!.id;
  await log.customers.merge(mergedAway, { into: customers[5]!.id });
  const survivor = customers[5]!;
  const gone = customers.pop()!;
  survivor.history = Object.fromEntries(
    Object.entries(survivor.history).map(([key, list]) => [key, [...(list as unknown[]), ...((gone.history as Record<string, unknown[]>)[key] ?? [])]]),
  ) as CustomerHistory;
  const { record: empty } = await log.customers.record({ displayName: 'No history yet' });
  customers.push({ id: empty.id, history: {} });

  // Another tenant on the same adapter, owing a fortune: never part of acme's worklist.
  const other = createTouchlog({ adapter, tenant: 'other', actor: 'svc:scoring-test', clock });
  const { record: stranger } = await other.customers.record({ displayName: 'Stranger' });
  await other.finance.recordMany(customerData(stranger.id, 99).financial.map((r) => ({ ...r, amount: usd(999_999_999) })));

  return { log, score: createScoreApi(log), queries, customers, mergedAway, emptyCustomer: empty.id };
}

describe('createScoreApi on a memory store', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed();
  });

  it('scores a customer exactly as the pure functions score the same records', async () => {
    for (const { id, history } of s.customers) {
      const stored = await s.score.customer(id, { asOf });
      expect(stored).toEqual(scoreCustomer(history, { asOf }));
    }
  });

  it('gives payment behaviour, signals, risk and history of one customer', async () => {
    const { id, history } = s.customers[0]!;
    const pure = scoreCustomer(history, { asOf, lookbackDays: 200 });
    expect(await s.score.payment(id, { asOf, lookbackDays: 200 })).toEqual(pure.payment);
    expect(await s.score.signals(id, { asOf, lookbackDays: 200 })).toEqual(pure.signals);
    expect(await s.score.risk(id, { asOf, lookbackDays: 200 })).toEqual(pure.risk);
    const read = await s.score.history(id, { asOf, lookbackDays: 200 });
    expect(read.invoices.length).toBe(history.invoices!.length);
    expect(pure.payment.invoices.length).toBeGreaterThan(0);
  });

  it('scores a merged-away customer id as the customer it was merged into', async () => {
    const survivor = s.customers[5]!;
    expect(await s.score.risk(s.mergedAway, { asOf })).toEqual(scoreCustomer(survivor.history, { asOf }).risk);
  });

  it('says what is wrong with asOf: missing, or given but no real date', async () => {
    const issue = async (value: unknown) => {
      const error = await s.score.risk(s.emptyCustomer, { asOf: value as string }).catch((e: unknown) => e);
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
      return (error as { issues: Array<{ path: unknown[]; code: string; message: string }> }).issues[0];
    };
    expect(await issue(undefined)).toMatchObject({ path: ['asOf'], code: 'required', message: expect.stringMatching(/^is required/) });
    expect(await issue('2026-02-30')).toMatchObject({ path: ['asOf'], code: 'invalid_date', message: expect.stringMatching(/^"2026-02-30" is not a real date or instant/) });
    expect(await issue(new Date(Number.NaN))).toMatchObject({ code: 'invalid_date', message: expect.stringMatching(/^an invalid Date is not a real date/) });
  });

  it('says NOT_FOUND for an unknown customer, and has no risk score without history', async () => {
    await expect(s.score.risk('01JQ0000000000000000000000', { asOf })).rejects.toSatisfy((e) => isTouchlogError(e, 'NOT_FOUND'));
    expect(await s.score.risk(s.emptyCustomer, { asOf })).toMatchObject({ available: false, reason: 'insufficient_history' });
  });

  it('streams every customer of the tenant once, in chunks, with bounded reads', async () => {
    s.queries.length = 0;
    const seen: string[] = [];
    for await (const scored of s.score.stream({ asOf, customersPerChunk: 3, pageSize: 4 })) {
      seen.push(scored.customer.id);
      const expected = s.customers.find((c) => c.id === scored.customer.id)!;
      expect({ payment: scored.payment, signals: scored.signals, risk: scored.risk }).toEqual(scoreCustomer(expected.history, { asOf }));
    }
    expect(seen.sort()).toEqual(s.customers.map((c) => c.id).sort());
    expect(seen).not.toContain(s.mergedAway);
    // Every read is one page of at most 4 rows, for at most 3 customers.
    expect(s.queries.length).toBeGreaterThan(10);
    for (const query of s.queries) {
      expect(query.limit).toBeLessThanOrEqual(4);
      expect(query.filter.customerIds?.length ?? 0).toBeLessThanOrEqual(3);
    }
  });

  it('builds the tenant worklist in one streaming pass: the top N by overdue amount and risk', async () => {
    const worklist = await s.score.worklist({ asOf, limit: 3, customersPerChunk: 2 });
    expect(worklist.asOf).toBe('2026-06-30');
    expect(worklist.customersScored).toBe(s.customers.length);
    const ranker = createWorklistRanker({ limit: 100 });
    for (const { id, history } of s.customers) ranker.offer(id, scoreCustomer(history, { asOf }), undefined);
    const all = ranker.entries();
    expect(all.length).toBeGreaterThan(3);
    expect(worklist.entries.map((e) => e.customerId)).toEqual(all.slice(0, 3).map((e) => e.customerId));
    expect(worklist.entries.map((e) => e.priority)).toEqual(all.slice(0, 3).map((e) => e.priority));
    expect(worklist.entries[0]!.name).toMatch(/^Customer \d$/);
    for (let i = 1; i < worklist.entries.length; i++) expect(worklist.entries[i - 1]!.priority).toBeGreaterThanOrEqual(worklist.entries[i]!.priority);
  });

  it('reviews credit with the customer’s current limit from its credit terms', async () => {
    const { id, history } = s.customers[1]!;
    const review = await s.score.creditReview(id, { asOf, requestedLimit: usd(1_000_000) });
    expect(review.currentLimit).toEqual(usd(250_000));
    expect(review.reasons.map((r) => r.code)).toContain('large_increase');
    expect(review.risk).toEqual(scoreCustomer(history, { asOf }).risk);
    const eur = await s.score.creditReview(id, { asOf, requestedLimit: { amountMinor: 1_000, currency: 'EUR' } });
    expect(eur.currentLimit).toBeUndefined();
    expect(eur.reasons.map((r) => r.code)).toContain('no_sales_history');
  });
});
