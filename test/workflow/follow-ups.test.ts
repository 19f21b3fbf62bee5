import { describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, steppingClock } from 'touchlog/testing';

describe('follow-ups', () => {
  it('are created, assigned, completed, cancelled and reopened, with due and overdue queues', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'agent:maria', clock: steppingClock('2026-03-10T00:00:00Z') });
    const { record: a } = await log.customers.record(sample.customer(1));
    const { record: b } = await log.customers.record(sample.customer(2));
    const call = (await log.interactions.record(sample.interaction(a.id, 1))).record;
    const [t1, t2, t3, t4] = (
      await log.followUps.recordMany([
        { interactionId: call.id, action: 'Send corrected invoice', dueAt: '2026-03-05T12:00:00Z' },
        sample.followUp(b.id, 1, { dueAt: '2026-03-08T12:00:00Z' }),
        sample.followUp(a.id, 2, { dueAt: '2026-03-12T12:00:00Z' }),
        sample.followUp(b.id, 3, { dueAt: '2026-03-06T12:00:00Z' }),
      ])
    ).map((r) => r.record);
    expect(t1!.customerId).toBe(a.id);
    const assigned = await log.followUps.assign(t2!.id, 'agent:omar');
    expect(assigned.assignee).toBe('agent:omar');
    await log.followUps.cancel(t4!.id, { note: 'customer paid' });
    const overdue = await log.followUps.due({ before: '2026-03-10T00:00:00Z' });
    expect(overdue.items.map((t) => t.id)).toEqual([t1!.id, t2!.id]);
    const streamed = [];
    for await (const task of log.followUps.streamDue({ before: '2026-03-13T00:00:00Z', customerId: a.id })) streamed.push(task.id);
    expect(streamed).toEqual([t1!.id, t3!.id]);
    const done = await log.followUps.complete(t1!.id, { note: 'sent INV-1-C' });
    expect(done).toMatchObject({ status: 'done', completedBy: 'agent:maria', note: 'sent INV-1-C' });
    await expect(log.followUps.cancel(t1!.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    const reopened = await log.followUps.reopen(t1!.id);
    expect(reopened.status).toBe('open');
    expect(reopened.completedAt).toBeUndefined();
    expect((await log.audit.history(t1!.id)).items.map((e) => e.action)).toEqual(['create', 'transition', 'transition']);
  });
});
