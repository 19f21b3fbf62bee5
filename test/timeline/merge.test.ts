import { describe, expect, it } from 'vitest';
import {
  isTouchlogError,
  mergeTimelines,
  timelineFingerprint,
  ValidationError,
  type MergedTimelineItem,
  type MergeStats,
  type TimelineItem,
} from 'touchlog';
import { ACME, crm, erp, erpExport2, feeds, GLOBEX, mail, phone, PRIORITY } from './multi-source.js';

/** One line per merged item: what a reviewer needs to see, lineage included. */
function outline(items: readonly MergedTimelineItem[]) {
  return items.map((item) => [
    item.at,
    item.id,
    item.kind,
    `${item.source?.system}:${item.source?.externalId}`,
    item.subject ?? null,
    item.body ?? null,
    item.messageId ?? null,
    item.mergedFrom.map((c) => `${c.id} (${c.system}:${c.externalId})${c.matchedBy ? ` by ${c.matchedBy}` : ''}`),
  ]);
}

function drain<T, R>(generator: Generator<T, R, undefined>): { items: T[]; stats: R } {
  const items: T[] = [];
  for (;;) {
    const next = generator.next();
    if (next.done) return { items, stats: next.value };
    items.push(next.value);
  }
}

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

const merged = () => [...mergeTimelines(feeds, { priority: PRIORITY })];

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

function validationIssues(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
    return (error as ValidationError).issues.map((issue) => ({ code: issue.code, path: issue.path }));
  }
  throw new Error('expected a validation error');
}

describe('mergeTimelines on a multi-source customer history', () => {
  it('interleaves five feeds and folds every duplicate, with lineage', () => {
    expect(outline(merged())).toEqual([
      ['2026-03-01T07:00:00.000Z', 'erp:STMT-2026-02', 'communication', 'erp:STMT-2026-02', 'Statement of account', 'Please find your statement of account attached.', null, ['erp:STMT-2026-02 (erp:STMT-2026-02)']],
      // The same invoice in both ERP exports (same source key); the later export wins on recency.
      ['2026-03-02T00:00:00.000Z', 'erp2:INV-1042:issued', 'invoice_issued', 'erp:INV-1042', 'Invoice INV-1042 issued (corrected freight line)', null, null, ['erp2:INV-1042:issued (erp:INV-1042)', 'erp:INV-1042:issued (erp:INV-1042) by source']],
      // The invoice email: mail server + CRM BCC copy (same Message-ID). The CRM outranks the mail
      // server, but it has no body: the body comes from the next most trusted source that has one.
      ['2026-03-02T08:00:00.000Z', 'mail:5001', 'communication', 'crm:ACT-1', 'Invoice INV-1042', 'Please find attached invoice INV-1042 for EUR 18,500.00, due 31 March.', 'inv-1042@seller.example', ['mail:5001 (mail:MSG-5001)', 'crm:ACT-1 (crm:ACT-1) by messageId']],
      ['2026-03-03T09:12:00.000Z', 'mail:5002', 'communication', 'mail:MSG-5002', 'RE: Invoice INV-1042', 'We will check the freight line and come back to you.', 'CAF-7781@acme.example', ['mail:5002 (mail:MSG-5002)']],
      // The forward, logged by the mail server and (20 s later, FW: instead of Fwd:, other spacing) by the CRM.
      ['2026-03-03T09:30:00.000Z', 'mail:5003', 'communication', 'crm:ACT-2', 'FW: RE: Invoice INV-1042', 'Maria, can you look at the freight line?  See below.', 'fwd-1@seller.example', ['mail:5003 (mail:MSG-5003)', 'crm:ACT-2 (crm:ACT-2) by fingerprint']],
      // The same call from the phone system and the agent's log 40 s later.
      ['2026-03-04T10:00:00.000Z', 'phone:CALL-88812', 'interaction', 'crm:ACT-3', 'Promise to pay INV-1042', 'Customer will pay INV-1042 on Friday 6 March.', null, ['phone:CALL-88812 (phone:CALL-88812)', 'crm:ACT-3 (crm:ACT-3) by fingerprint']],
      // Another customer's call in between stays apart, and so does the next call of the same customer.
      ['2026-03-04T10:00:20.000Z', 'phone:CALL-88813', 'interaction', 'phone:CALL-88813', null, 'Inbound call from +1 212 555 0100, 1 min 3 s', null, ['phone:CALL-88813 (phone:CALL-88813)']],
      ['2026-03-04T15:30:00.000Z', 'phone:CALL-88990', 'interaction', 'phone:CALL-88990', null, 'Inbound call from +49 30 1234567, 0 min 40 s', null, ['phone:CALL-88990 (phone:CALL-88990)']],
      // One dispute record, two events: the kind is part of the source key.
      ['2026-03-05T09:00:00.000Z', 'erp:DSP-77:opened', 'dispute_opened', 'erp:DSP-77', 'Dispute DSP-77 on INV-1042 opened', null, null, ['erp:DSP-77:opened (erp:DSP-77)']],
      ['2026-03-05T09:20:00.000Z', 'erp:DSP-77:resolved', 'dispute_resolved', 'erp:DSP-77', 'Dispute DSP-77 on INV-1042 resolved', null, null, ['erp:DSP-77:resolved (erp:DSP-77)']],
      // The reminder from the ERP and the CRM's email sync: the ERP is the most trusted.
      ['2026-03-10T06:00:00.000Z', 'erp:DUN-1042-1', 'communication', 'erp:DUN-1042-1', 'Payment reminder: INV-1042', 'Invoice INV-1042 over EUR 18,500.00 is now overdue.', null, ['erp:DUN-1042-1 (erp:DUN-1042-1)', 'crm:ACT-4 (crm:ACT-4) by fingerprint']],
      ['2026-03-31T00:00:00.000Z', 'erp:INV-1042:due', 'invoice_due', 'erp:INV-1042', 'Invoice INV-1042 due', null, null, ['erp:INV-1042:due (erp:INV-1042)']],
      // Same subject and text as the statement of 1 March, a month later: a different email.
      ['2026-03-31T07:00:00.000Z', 'mail:5004', 'communication', 'mail:MSG-5004', 'Statement of account', 'Please find your statement of account attached.', 'stmt-2026-03@seller.example', ['mail:5004 (mail:MSG-5004)']],
    ]);
  });

  it('gives every field of a merged call, fingerprints in the lineage included', () => {
    const call = merged().find((item) => item.id === 'phone:CALL-88812');
    const fingerprint = timelineFingerprint(phone[0]!);
    expect(fingerprint).toBe(`${ACME}\u001fphone\u001finbound\u001f`);
    expect(timelineFingerprint(crm[2]!)).toBe(fingerprint);
    expect(call).toEqual({
      id: 'phone:CALL-88812',
      at: '2026-03-04T10:00:00.000Z',
      kind: 'interaction',
      source: { system: 'crm', externalId: 'ACT-3' },
      customerId: ACME,
      channel: 'phone',
      direction: 'inbound',
      subject: 'Promise to pay INV-1042',
      body: 'Customer will pay INV-1042 on Friday 6 March.',
      messageId: undefined,
      recordedAt: '2026-03-04T10:05:00.000Z',
      record: undefined,
      mergedFrom: [
        { id: 'phone:CALL-88812', at: '2026-03-04T10:00:00.000Z', kind: 'interaction', system: 'phone', externalId: 'CALL-88812', messageId: undefined, fingerprint, matchedBy: undefined },
        { id: 'crm:ACT-3', at: '2026-03-04T10:00:40.000Z', kind: 'interaction', system: 'crm', externalId: 'ACT-3', messageId: undefined, fingerprint, matchedBy: 'fingerprint' },
      ],
    });
  });

  it('reports what it read, wrote and folded', () => {
    const { items, stats } = drain(mergeTimelines(feeds, { priority: PRIORITY }));
    expect(items).toHaveLength(13);
    expect(stats).toEqual<MergeStats>({ read: 18, written: 13, duplicates: { id: 0, source: 1, messageId: 1, fingerprint: 3 }, maxPending: stats.maxPending });
    expect(stats.maxPending).toBeGreaterThan(0);
    expect(stats.maxPending).toBeLessThanOrEqual(4);
  });

  it('does not depend on the order of the sources', () => {
    const expected = merged();
    for (const order of permutations(feeds)) expect([...mergeTimelines(order, { priority: PRIORITY })]).toEqual(expected);
  });

  it('gives the same result from async iterables (and mixed sources), as an AsyncGenerator', async () => {
    const stream = mergeTimelines([slowly(mail), crm, slowly(phone), erp, slowly(erpExport2)], { priority: PRIORITY });
    expect(Symbol.asyncIterator in stream).toBe(true);
    const items: MergedTimelineItem[] = [];
    let next = await stream.next();
    while (!next.done) {
      items.push(next.value);
      next = await stream.next();
    }
    expect(items).toEqual(merged());
    expect(next.value.written).toBe(13);
  });

  it('accepts any iterable, and is lazy: nothing is read before the first item is asked for', () => {
    let reads = 0;
    function* counted(items: readonly TimelineItem[]) {
      for (const item of items) {
        reads++;
        yield item;
      }
    }
    const stream = mergeTimelines([counted(mail), new Set(crm), counted(phone), erp, erpExport2], { priority: PRIORITY });
    expect(reads).toBe(0);
    expect([...stream]).toEqual(merged());
    expect(reads).toBe(mail.length + phone.length);
  });

  it('is idempotent: merging the result again, alone or with itself, changes nothing', () => {
    const once = merged();
    expect([...mergeTimelines([once], { priority: PRIORITY })]).toEqual(once);
    expect([...mergeTimelines([once, once], { priority: PRIORITY })]).toEqual(once);
    expect([...mergeTimelines([once, mail, crm], { priority: PRIORITY })]).toEqual(once);
  });

  it('resolves conflicts by declared priority, then by recency, field by field', () => {
    const byId = (items: MergedTimelineItem[], id: string) => items.find((item) => item.id === id)!;
    // Phone first: the phone system's source and text win; it has no subject, so the CRM's fills in.
    const phoneFirst = [...mergeTimelines(feeds, { priority: ['phone', 'mail', 'crm', 'erp'] })];
    expect(byId(phoneFirst, 'phone:CALL-88812')).toMatchObject({
      source: { system: 'phone', externalId: 'CALL-88812' },
      subject: 'Promise to pay INV-1042',
      body: 'Inbound call from +49 30 1234567, 4 min 12 s',
    });
    expect(byId(phoneFirst, 'mail:5003')).toMatchObject({ source: { system: 'mail' }, subject: 'Fwd: RE: Invoice INV-1042' });
    // No priority: the most recently recorded wins (the CRM logged the call and the BCC copy later).
    const byRecency = [...mergeTimelines(feeds)];
    expect(byId(byRecency, 'phone:CALL-88812').source).toEqual({ system: 'crm', externalId: 'ACT-3' });
    expect(byId(byRecency, 'mail:5001').source).toEqual({ system: 'crm', externalId: 'ACT-1' });
    // recordedAt of a merged item is the latest of its contributors.
    expect(byId(byRecency, 'mail:5001').recordedAt).toBe('2026-03-02T08:01:00.000Z');
    // Within one system, the higher source version wins when nothing was recorded.
    const v1 = { id: 'a', at: '2026-03-02T00:00:00.000Z', source: { system: 'erp', externalId: 'INV-9', version: 1 }, subject: 'v1' };
    const v3 = { ...v1, id: 'b', source: { ...v1.source, version: 3 }, subject: 'v3' };
    const v2 = { ...v1, id: 'c', source: { ...v1.source, version: 2 }, subject: 'v2' };
    const [only] = [...mergeTimelines([[v1], [v3], [v2]])];
    expect(only).toMatchObject({ id: 'a', subject: 'v3', source: { version: 3 } });
    expect(only!.mergedFrom.map((c) => [c.id, c.matchedBy])).toEqual([['a', undefined], ['b', 'source'], ['c', 'source']]);
  });

  it('keeps entries apart outside the windows, and honours the layer options', () => {
    const count = (options: Parameters<typeof mergeTimelines>[1]) => [...mergeTimelines(feeds, { priority: PRIORITY, ...options })].length;
    expect(count({})).toBe(13);
    // 30 s: the call (40 s apart) splits; the reminder (30 s, inclusive) and the forward (20 s) stay merged.
    const narrow = [...mergeTimelines(feeds, { priority: PRIORITY, window: 30_000 })];
    expect(narrow.map((item) => item.mergedFrom.length)).toEqual([1, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1]);
    // Keys within 1 s only: the CRM's BCC copy (2 s later) is not recognised (its text differs, too).
    expect(count({ keyWindow: 1_000 })).toBe(14);
    expect(count({ fingerprint: false })).toBe(16);
    // Calls compared with their text: the phone system's note and the agent's differ.
    expect(count({ contentFreeChannels: [] })).toBe(14);
    // A custom fingerprint: any two phone entries of a customer in the window are one call.
    const perCall = (item: TimelineItem) => (item.channel === 'phone' && item.customerId ? `${item.customerId}/call` : undefined);
    const custom = [...mergeTimelines(feeds, { priority: PRIORITY, fingerprint: perCall })];
    expect(custom).toHaveLength(15);
    expect(custom.find((item) => item.id === 'phone:CALL-88812')!.mergedFrom.map((c) => c.fingerprint)).toEqual([`${ACME}/call\u001f`, `${ACME}/call\u001f`]);
  });

  it('never folds two entries of one system by fingerprint: they are two events', () => {
    const reminder = { id: 'r1', at: '2026-03-10T06:00:00.000Z', source: { system: 'erp', externalId: 'DUN-1' }, customerId: ACME, channel: 'email', direction: 'outbound', subject: 'Reminder', body: 'Please pay.' };
    const sentTwice = { ...reminder, id: 'r2', at: '2026-03-10T06:00:10.000Z', source: { system: 'erp', externalId: 'DUN-2' } };
    expect([...mergeTimelines([[reminder, sentTwice]])]).toHaveLength(2);
    const logged = { ...sentTwice, id: 'c1', source: { system: 'crm', externalId: 'A-1' } };
    expect([...mergeTimelines([[reminder, sentTwice], [logged]])].map((item) => item.mergedFrom.map((c) => c.id))).toEqual([['r1', 'c1'], ['r2']]);
  });

  it('recognises the same entry by id when it has no source key', () => {
    const note = { id: 'note-1', at: '2026-03-10T06:00:00.000Z', customerId: ACME, subject: 'Called back' };
    const [only, ...rest] = [...mergeTimelines([[note], [{ ...note, subject: 'Called back (edited)', recordedAt: '2026-03-11T00:00:00.000Z' }]])];
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ id: 'note-1', subject: 'Called back (edited)' });
    expect(only!.mergedFrom.map((c) => c.matchedBy)).toEqual([undefined]);
    // With a source key, the id alone does not make two records the same.
    const a = { ...note, source: { system: 'crm', externalId: '1' } };
    const b = { ...note, source: { system: 'erp', externalId: '1' } };
    expect([...mergeTimelines([[a], [b]])]).toHaveLength(2);
  });

  it('lists every contributor in the lineage, whatever characters their ids and systems hold', () => {
    // Joined with a separator, the keys of these two records were equal ('a␟crm␟␟␟'), and the
    // second one was missing from the lineage of the group they share (by Message-ID).
    const first = { id: 'a', at: '2026-03-10T06:00:00.000Z', source: { system: 'crm\u001f' }, messageId: 'm-1@x.example' };
    const second = { id: 'a\u001fcrm', at: '2026-03-10T06:00:01.000Z', messageId: 'm-1@x.example' };
    const [only, ...rest] = [...mergeTimelines([[first], [second]])];
    expect(rest).toEqual([]);
    expect(only!.mergedFrom.map((c) => [c.id, c.system, c.matchedBy])).toEqual([['a', 'crm\u001f', undefined], ['a\u001fcrm', undefined, 'messageId']]);
    // A record read twice is still one contributor, in a small group and in a large one.
    for (const records of [2, 20]) {
      const ids = Array.from({ length: records }, (_, i) => `b\u001f${i}`);
      const reads = [...ids, ...ids].map((id, i) => [{ ...second, id, recordedAt: `2026-03-10T07:00:${String(i).padStart(2, '0')}.000Z` }]);
      const [merged, ...others] = [...mergeTimelines([[first], ...reads])];
      expect(others).toEqual([]);
      expect(merged!.mergedFrom.map((c) => c.id)).toEqual(['a', ...ids.sort()]);
    }
  });

  it('reports a source that is not sorted, with where it happened', () => {
    const late = { ...mail[1]! };
    const early = { ...mail[0]! };
    const issues = validationIssues(() => [...mergeTimelines([crm, [late, early]])]);
    expect(issues).toEqual([{ code: 'unsorted', path: ['sources', 1, 1] }]);
    // Same instant: ordered by id.
    const sameInstant = [{ id: 'b', at: '2026-03-01T00:00:00.000Z' }, { id: 'a', at: '2026-03-01T00:00:00.000Z' }];
    expect(validationIssues(() => [...mergeTimelines([sameInstant])])).toEqual([{ code: 'unsorted', path: ['sources', 0, 1] }]);
  });

  it('reports an unsorted async source through the async generator', async () => {
    const stream = mergeTimelines([slowly([mail[2]!, mail[0]!])]);
    await expect(stream.next()).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ code: 'unsorted', path: ['sources', 0, 1] }] });
  });

  it('rejects malformed entries and options with paths', () => {
    expect(validationIssues(() => [...mergeTimelines([[{ id: 'x', at: '2026-03-01T00:00:00Z' }]])])).toEqual([{ code: 'invalid_date', path: ['sources', 0, 0, 'at'] }]);
    expect(validationIssues(() => [...mergeTimelines([[{ id: 'x', at: '2026-02-30T00:00:00.000Z' }]])])).toEqual([{ code: 'invalid_date', path: ['sources', 0, 0, 'at'] }]);
    expect(validationIssues(() => [...mergeTimelines([mail, [{ id: '', at: '2026-03-01T00:00:00.000Z' }]])])).toEqual([{ code: 'invalid_type', path: ['sources', 1, 0, 'id'] }]);
    expect(validationIssues(() => [...mergeTimelines([[null as unknown as TimelineItem]])])).toEqual([{ code: 'invalid_type', path: ['sources', 0, 0] }]);
    expect(
      validationIssues(() =>
        mergeTimelines([mail, 42 as unknown as TimelineItem[]], { window: -1, keyWindow: Number.NaN, priority: 'erp' as unknown as string[], fingerprint: 'yes' as never }),
      ),
    ).toEqual([
      { code: 'invalid_type', path: ['sources', 1] },
      { code: 'invalid_type', path: ['options', 'window'] },
      { code: 'invalid_type', path: ['options', 'keyWindow'] },
      { code: 'invalid_type', path: ['options', 'priority'] },
      { code: 'invalid_type', path: ['options', 'fingerprint'] },
    ]);
  });

  it('lets every source go when the consumer stops early', async () => {
    const closed: string[] = [];
    function* feed(name: string, items: readonly TimelineItem[]) {
      try {
        yield* items;
      } finally {
        closed.push(name);
      }
    }
    for (const _ of mergeTimelines([feed('mail', mail), feed('crm', crm), feed('phone', phone)])) break;
    expect(closed.sort()).toEqual(['crm', 'mail', 'phone']);

    closed.length = 0;
    async function* asyncFeed(name: string, items: readonly TimelineItem[]) {
      try {
        yield* items;
      } finally {
        closed.push(name);
      }
    }
    for await (const _ of mergeTimelines([asyncFeed('mail', mail), asyncFeed('erp', erp)])) break;
    expect(closed.sort()).toEqual(['erp', 'mail']);
  });

  it('holds only the look-back window in memory, whatever the length of the stream', () => {
    function* calls(system: string, count: number, offset: number) {
      for (let i = 0; i < count; i++) {
        yield { id: `${system}-${i}`, at: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + offset).toISOString(), source: { system, externalId: String(i) }, customerId: i % 2 ? ACME : GLOBEX, channel: 'phone', direction: 'inbound' };
      }
    }
    const pendingAt = (count: number) => drain(mergeTimelines([calls('phone', count, 0), calls('crm', count, 40_000)])).stats;
    const small = pendingAt(1_000);
    const large = pendingAt(20_000);
    expect(small.written).toBe(1_000);
    expect(large.written).toBe(20_000);
    expect(large.duplicates.fingerprint).toBe(20_000);
    // One call a minute, a one-hour key window: about 60 groups wait, for 1 000 or 20 000 calls.
    expect(large.maxPending).toBe(small.maxPending);
    expect(large.maxPending).toBeLessThanOrEqual(62);
  });
});
