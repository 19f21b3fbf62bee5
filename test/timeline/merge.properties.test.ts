import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeTimelines, timelineFingerprint, type MergedTimelineItem, type MergeTimelinesOptions, type TimelineItem } from 'touchlog';

const RUNS = 300;
const START = Date.UTC(2026, 2, 1);
// Small value pools, so that the generated sources are full of duplicates of every kind, ties at
// the same instant and near-misses just outside the windows.
const options: MergeTimelinesOptions = { priority: ['erp', 'crm'], window: 120_000, keyWindow: 600_000 };

const item = fc
  .record({
    second: fc.integer({ min: 0, max: 1_800 }),
    id: fc.integer({ min: 0, max: 15 }),
    system: fc.option(fc.constantFrom('crm', 'mail', 'erp'), { nil: undefined }),
    externalId: fc.integer({ min: 0, max: 5 }),
    version: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    kind: fc.constantFrom('communication', 'interaction'),
    customerId: fc.option(fc.constantFrom('C1', 'C2'), { nil: undefined }),
    channel: fc.constantFrom('email', 'phone'),
    direction: fc.constantFrom('inbound', 'outbound'),
    subject: fc.option(fc.constantFrom('Invoice INV-1', 'RE: invoice  INV-1', 'Reminder'), { nil: undefined }),
    body: fc.option(fc.constantFrom('Please pay.', 'please pay. ', 'Thanks'), { nil: undefined }),
    messageId: fc.option(fc.constantFrom('m1@x', 'm2@x', 'm3@x'), { nil: undefined }),
    recordedAt: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  })
  .map(
    (r): TimelineItem => ({
      id: `e${r.id}`,
      at: new Date(START + r.second * 1000).toISOString(),
      kind: r.kind,
      source: r.system === undefined ? undefined : { system: r.system, externalId: `X${r.externalId}`, version: r.version },
      customerId: r.customerId,
      channel: r.channel,
      direction: r.direction,
      subject: r.subject,
      body: r.body,
      messageId: r.messageId,
      recordedAt: r.recordedAt === undefined ? undefined : new Date(START + r.recordedAt * 3_600_000).toISOString(),
    }),
  );

const byPosition = (a: TimelineItem, b: TimelineItem) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sources = fc.array(fc.array(item, { maxLength: 14 }).map((items) => items.sort(byPosition)), { minLength: 1, maxLength: 4 });

const merge = (input: readonly TimelineItem[][]) => [...mergeTimelines(input, options)];
/** A contributor is one record read once or more: id, system, external id and kind. */
const keyOf = (c: { id: string; system?: string | undefined; externalId?: string | undefined; kind?: string | undefined }) =>
  `${c.id}|${c.system ?? ''}|${c.externalId ?? ''}|${c.kind ?? ''}`;
const inputKey = (entry: TimelineItem) => keyOf({ id: entry.id, system: entry.source?.system, externalId: entry.source?.externalId, kind: entry.kind });
/** The input a contribution stands for: the first read of that record (a later read folds into it). */
const inputOf = (all: readonly TimelineItem[], c: { id: string; at: string; system?: string | undefined; externalId?: string | undefined; kind?: string | undefined }) =>
  all.find((entry) => inputKey(entry) === keyOf(c) && entry.at === c.at)!;

/** `true` if `a` and `b` could be taken for the same event by any layer (ignoring the windows). */
function related(a: TimelineItem, b: TimelineItem): boolean {
  if (a.source?.externalId !== undefined && b.source?.externalId !== undefined) {
    if (a.source.system === b.source.system && a.source.externalId === b.source.externalId && a.kind === b.kind) return true;
  }
  if (a.source === undefined && b.source === undefined && a.id === b.id) return true;
  if (a.messageId !== undefined && a.messageId === b.messageId) return true;
  const fa = timelineFingerprint(a);
  return fa !== undefined && fa === timelineFingerprint(b);
}

describe('property: mergeTimelines', () => {
  it('writes in (instant, id) order', () => {
    fc.assert(
      fc.property(sources, (input) => {
        const out = merge(input);
        for (let i = 1; i < out.length; i++) expect(byPosition(out[i - 1]!, out[i]!)).toBeLessThanOrEqual(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('does not depend on the order of the sources', () => {
    fc.assert(
      fc.property(sources, fc.nat(), (input, seed) => {
        const reversed = [...input].reverse();
        const rotated = input.map((_, i) => input[(i + seed) % input.length]!);
        const expected = merge(input);
        expect(merge(reversed)).toEqual(expected);
        expect(merge(rotated)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('is idempotent: merging a result alone, or with itself, changes nothing', () => {
    fc.assert(
      fc.property(sources, (input) => {
        const once = merge(input);
        expect(merge([once])).toEqual(once);
        expect(merge([once, once])).toEqual(once);
      }),
      { numRuns: RUNS },
    );
  });

  it('never loses an entry: every input is in exactly one lineage, and unrelated entries come out unchanged', () => {
    fc.assert(
      fc.property(sources, (input) => {
        const out = merge(input);
        const all = input.flat();
        const contributions = out.flatMap((merged) => merged.mergedFrom.map(keyOf));
        // Each output lists a contributor once; every input is somewhere.
        for (const merged of out) expect(new Set(merged.mergedFrom.map(keyOf)).size).toBe(merged.mergedFrom.length);
        expect(new Set(contributions)).toEqual(new Set(all.map(inputKey)));
        // An entry that no layer could relate to any other is written as it came.
        for (const entry of all) {
          if (all.some((other) => other !== entry && related(entry, other))) continue;
          const written = out.filter((merged) => merged.mergedFrom.some((c) => inputOf(all, c) === entry));
          expect(written).toHaveLength(1);
          const { mergedFrom, ...fields } = written[0]!;
          expect(mergedFrom).toHaveLength(1);
          expect(fields).toEqual({ ...entry, record: undefined });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('counts what it folds, and folds only related entries', () => {
    fc.assert(
      fc.property(sources, (input) => {
        const generator = mergeTimelines(input, options);
        const out: MergedTimelineItem[] = [];
        let next = generator.next();
        while (!next.done) {
          out.push(next.value);
          next = generator.next();
        }
        const stats = next.value;
        const all = input.flat();
        expect(stats.read).toBe(all.length);
        expect(stats.written).toBe(out.length);
        const { id, source, messageId, fingerprint } = stats.duplicates;
        expect(stats.read - stats.written).toBe(id + source + messageId + fingerprint);
        // Every folded contributor is related to another entry of its group by some layer. A group's
        // entries are all reads of its contributors' records within its horizon (a record read
        // twice is listed once).
        const horizon = Math.max(options.window!, options.keyWindow!);
        for (const merged of out) {
          const keys = new Set(merged.mergedFrom.map(keyOf));
          const first = Date.parse(merged.at);
          const members = all.filter((entry) => keys.has(inputKey(entry)) && Date.parse(entry.at) - first <= horizon && Date.parse(entry.at) >= first);
          merged.mergedFrom.forEach((c) => {
            if (c.matchedBy === undefined) return;
            const member = inputOf(all, c);
            expect(members.some((other) => other !== member && related(member, other))).toBe(true);
          });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same result from async iterables', async () => {
    async function* stream(items: readonly TimelineItem[]) {
      yield* items;
    }
    await fc.assert(
      fc.asyncProperty(sources, async (input) => {
        const out: MergedTimelineItem[] = [];
        for await (const merged of mergeTimelines(input.map(stream), options)) out.push(merged);
        expect(out).toEqual(merge(input));
      }),
      { numRuns: 100 },
    );
  });
});
