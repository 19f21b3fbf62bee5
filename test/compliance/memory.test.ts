import { describe, expect, it } from 'vitest';
import { createTouchlog, LEGAL_HOLD_TAG } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, steppingClock } from 'touchlog/testing';
import { describeErasure } from './erasure.js';

describeErasure('memory', () => memoryAdapter());

describe('retention', () => {
  it('purges what is past retention in batches, keeps what is under legal hold, audits every removal', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:retention', clock: steppingClock('2026-06-01T00:00:00Z') });
    const { record: a } = await log.customers.record(sample.customer(1));
    const { record: b } = await log.customers.record(sample.customer(2));
    const old = (n: number, customerId: string, extra = {}) => sample.interaction(customerId, n, { occurredAt: `201${n % 10}-01-01T00:00:00Z`, ...extra });
    await log.interactions.recordMany([old(1, a.id), old(2, a.id), old(3, a.id, { tags: [LEGAL_HOLD_TAG] }), old(4, b.id), sample.interaction(a.id, 5, { occurredAt: '2026-01-01T00:00:00Z' })]);
    await log.communications.recordMany([sample.communication(a.id, 1, { sentAt: '2012-01-01T00:00:00Z' }), sample.communication(b.id, 2, { sentAt: '2012-01-01T00:00:00Z' })]);
    await log.finance.record(sample.invoice(a.id, 1, { issuedAt: '2011-01-01T00:00:00Z', dueAt: '2011-02-01T00:00:00Z' }));
    await log.retention.hold(b.id, { reason: 'litigation 2026-44' });

    const progress: number[] = [];
    const report = await log.retention.purge({
      asOf: '2026-06-01T00:00:00Z',
      policy: { interaction: { days: 5 * 365 }, communication: { days: 3 * 365 } },
      batchSize: 2,
      onProgress: (p) => progress.push(p.purged.interaction + p.purged.communication),
    });
    expect(report).toEqual({ purged: { interaction: 2, communication: 1, financialRecord: 0, followUp: 0 }, held: 3 });
    expect(progress.at(-1)).toBe(3);
    const left = (await log.interactions.list({ limit: 100 })).items.map((i) => i.subject);
    expect(left).toEqual(['Question 3 about INV-3', 'Question 4 about INV-4', 'Question 5 about INV-5']);
    expect((await log.finance.list()).items).toHaveLength(1);
    const purges = [];
    for await (const entry of log.audit.entries()) if (entry.action === 'purge') purges.push(entry);
    expect(purges).toHaveLength(3);
    expect(purges[0]).toMatchObject({ actor: 'svc:retention', changes: [], reason: expect.stringMatching(/^retention: interaction older than 1825 days/) });
    expect((await log.audit.verify()).ok).toBe(true);
    await log.retention.release(b.id, { reason: 'case closed' });
    const second = await log.retention.purge({ asOf: '2026-06-01T00:00:00Z', policy: { interaction: { days: 5 * 365 }, communication: { days: 3 * 365 } } });
    expect(second).toEqual({ purged: { interaction: 1, communication: 1, financialRecord: 0, followUp: 0 }, held: 1 });
  });

  it('refuses a malformed policy', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'x' });
    await expect(log.retention.purge({ asOf: new Date(), policy: { interaction: { days: 0 } } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(log.retention.purge({ asOf: new Date(), policy: { customer: { days: 5 } } as never })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('KYC', () => {
  it('lists customers whose KYC review is due, with their onboarding interactions', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'x', clock: steppingClock() });
    const due = (await log.customers.record(sample.customer(1, { kyc: { status: 'verified', reviewDueAt: '2026-02-01T00:00:00Z' } }))).record;
    await log.customers.record(sample.customer(2, { kyc: { status: 'verified', reviewDueAt: '2027-02-01T00:00:00Z' } }));
    await log.customers.record(sample.customer(3));
    const expired = (await log.customers.record(sample.customer(4, { kyc: { status: 'expired', reviewDueAt: '2025-12-01T00:00:00Z' } }))).record;
    await log.interactions.record(sample.interaction(due.id, 1, { purpose: 'onboarding', channel: 'portal' }));
    await log.interactions.record(sample.interaction(due.id, 2, { purpose: 'kyc', channel: 'email' }));
    await log.interactions.record(sample.interaction(due.id, 3, { purpose: 'billing_query' }));
    expect((await log.customers.kycDue({ asOf: '2026-03-01T00:00:00Z' })).items.map((c) => c.id)).toEqual([due.id, expired.id]);
    expect((await log.customers.list({ status: 'expired' })).items.map((c) => c.id)).toEqual([expired.id]);
    const onboarding = await log.interactions.list({ customerId: due.id, purpose: ['onboarding', 'kyc'] });
    expect(onboarding.items.map((i) => i.purpose)).toEqual(['onboarding', 'kyc']);
  });
});
