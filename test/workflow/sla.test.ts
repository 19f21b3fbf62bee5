import { describe, expect, it } from 'vitest';
import { createTouchlog, evaluateSla, summariseSla, type SlaCase, type SlaPolicy } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, steppingClock } from 'touchlog/testing';

const policies: SlaPolicy[] = [
  { id: 'disputes', match: { purposes: ['dispute'] }, firstResponseHours: 4, resolutionDays: 10 },
  { id: 'default', firstResponseHours: 24 },
];

const caseOf = (id: string, purpose: SlaCase['purpose'], occurredAt: string, resolvedAt?: string): SlaCase => ({
  id,
  customerId: 'C',
  channel: 'email',
  direction: 'inbound',
  purpose,
  priority: 'normal',
  occurredAt,
  ...(resolvedAt ? { outcome: { resolvedAt } } : {}),
});

describe('evaluateSla', () => {
  const cases = [
    caseOf('d1', 'dispute', '2026-03-02T09:00:00.000Z', '2026-03-05T09:00:00.000Z'), // answered in 3 h, resolved in 3 days
    caseOf('d2', 'dispute', '2026-03-02T09:00:00.000Z', '2026-03-20T09:00:00.000Z'), // answered in 5 h, resolved in 18 days
    caseOf('d3', 'dispute', '2026-03-09T09:00:00.000Z'), // unanswered, unresolved, still within both deadlines
    caseOf('q1', 'inquiry', '2026-03-01T09:00:00.000Z'), // unanswered after 24 h: breached
    { ...caseOf('o1', 'inquiry', '2026-03-01T09:00:00.000Z'), direction: 'outbound' as const }, // not covered
  ];
  const replies = [
    { interactionId: 'd1', direction: 'outbound' as const, sentAt: '2026-03-02T12:00:00.000Z' },
    { interactionId: 'd2', direction: 'outbound' as const, sentAt: '2026-03-02T14:00:00.000Z' },
    { interactionId: 'd2', direction: 'outbound' as const, sentAt: '2026-03-02T10:00:00.000Z' }, // earlier, but listed second
    { interactionId: 'd1', direction: 'inbound' as const, sentAt: '2026-03-02T09:30:00.000Z' }, // the customer, not us
  ];

  it('reports each deadline as met, breached or pending, by the first policy that matches', () => {
    const results = evaluateSla(cases, replies, policies, { asOf: '2026-03-10T09:00:00Z' });
    expect(results).toEqual([
      {
        interactionId: 'd1',
        customerId: 'C',
        policy: 'disputes',
        firstResponse: { due: '2026-03-02T13:00:00.000Z', at: '2026-03-02T12:00:00.000Z', elapsedMinutes: 180, status: 'met' },
        resolution: { due: '2026-03-12T09:00:00.000Z', at: '2026-03-05T09:00:00.000Z', elapsedMinutes: 4320, status: 'met' },
      },
      {
        interactionId: 'd2',
        customerId: 'C',
        policy: 'disputes',
        firstResponse: { due: '2026-03-02T13:00:00.000Z', at: '2026-03-02T10:00:00.000Z', elapsedMinutes: 60, status: 'met' },
        resolution: { due: '2026-03-12T09:00:00.000Z', at: '2026-03-20T09:00:00.000Z', elapsedMinutes: 25920, status: 'breached' },
      },
      {
        interactionId: 'd3',
        customerId: 'C',
        policy: 'disputes',
        firstResponse: { due: '2026-03-09T13:00:00.000Z', elapsedMinutes: 1440, status: 'breached' },
        resolution: { due: '2026-03-19T09:00:00.000Z', elapsedMinutes: 1440, status: 'pending' },
      },
      {
        interactionId: 'q1',
        customerId: 'C',
        policy: 'default',
        firstResponse: { due: '2026-03-02T09:00:00.000Z', elapsedMinutes: 12960, status: 'breached' },
      },
    ]);
  });

  it('aggregates per policy', () => {
    const summary = summariseSla(evaluateSla(cases, replies, policies, { asOf: '2026-03-10T09:00:00Z' }));
    expect(summary).toEqual([
      { policy: 'disputes', interactions: 3, firstResponse: { met: 2, breached: 1, pending: 0, breachRate: 1 / 3 }, resolution: { met: 1, breached: 1, pending: 1, breachRate: 0.5 } },
      { policy: 'default', interactions: 1, firstResponse: { met: 0, breached: 1, pending: 0, breachRate: 1 }, resolution: { met: 0, breached: 0, pending: 0, breachRate: undefined } },
    ]);
  });

  it('refuses malformed policies', () => {
    expect(() => evaluateSla([], [], [{ id: '', firstResponseHours: -1 }], { asOf: new Date() })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('log.sla over the store', () => {
  it('streams verdicts and summarises a tenant', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:test', clock: steppingClock() });
    const { record: customer } = await log.customers.record(sample.customer(1));
    const dispute = (await log.interactions.record(sample.interaction(customer.id, 1, { purpose: 'dispute', occurredAt: '2026-03-02T09:00:00Z' }))).record;
    await log.interactions.record(sample.interaction(customer.id, 2, { purpose: 'inquiry', occurredAt: '2026-03-03T09:00:00Z' }));
    await log.communications.record(sample.communication(customer.id, 1, { interactionId: dispute.id, sentAt: '2026-03-02T10:30:00Z' }));
    const results = [];
    for await (const result of log.sla.stream({ policies, asOf: '2026-03-05T00:00:00Z' })) results.push(result);
    expect(results.map((r) => [r.policy, r.firstResponse?.status, r.resolution?.status])).toEqual([
      ['disputes', 'met', 'pending'],
      ['default', 'breached', undefined],
    ]);
    expect(await log.sla.summary({ policies, asOf: '2026-03-05T00:00:00Z', customerId: customer.id })).toEqual([
      { policy: 'disputes', interactions: 1, firstResponse: { met: 1, breached: 0, pending: 0, breachRate: 0 }, resolution: { met: 0, breached: 0, pending: 1, breachRate: undefined } },
      { policy: 'default', interactions: 1, firstResponse: { met: 0, breached: 1, pending: 0, breachRate: 1 }, resolution: { met: 0, breached: 0, pending: 0, breachRate: undefined } },
    ]);
  });
});
