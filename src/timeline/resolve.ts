import type { Entry } from './dedup.js';
import type { MergedTimelineItem, TimelineContribution, TimelineItem } from './item.js';

/** What conflict resolution needs from the merge: source ranks and fingerprints. Internal. */
export interface ResolveContext {
  /** Rank of a system in the declared priority: 0 is the most trusted; unlisted systems share the last rank. */
  rank(system: string | undefined): number;
  /** The full fingerprint of a member (computed once, then cached on it). */
  fingerprint(entry: Entry<unknown>): string | undefined;
}

const cmp = (a: string | undefined, b: string | undefined): number => (a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1);

/** The contributor a merged item stands for when it is read again: the one that opened its group. */
export function openerOf(mergedFrom: readonly TimelineContribution[]): TimelineContribution {
  for (const contribution of mergedFrom) if (contribution.matchedBy === undefined) return contribution;
  let opener = mergedFrom[0]!;
  for (const contribution of mergedFrom) if (contribution.at < opener.at || (contribution.at === opener.at && contribution.id < opener.id)) opener = contribution;
  return opener;
}

/** System, external id and kind of the record an item stands for (for a merge result: its opener's). */
function recordOf(item: TimelineItem<unknown>): [string | undefined, string | undefined, string | undefined] {
  if (item.mergedFrom !== undefined && item.mergedFrom.length > 0) {
    const opener = openerOf(item.mergedFrom);
    return [opener.system, opener.externalId, opener.kind];
  }
  return [item.source?.system, item.source?.externalId, item.kind];
}

/** Orders records that tie on instant and id (see {@link compareContent}). */
export function compareRecords(
  a: readonly [string | undefined, string | undefined, string | undefined],
  b: readonly [string | undefined, string | undefined, string | undefined],
): number {
  return cmp(a[0], b[0]) || cmp(a[1], b[1]) || cmp(a[2], b[2]);
}

/**
 * Compares two items that tie on instant and id: by the record they stand for (system, external
 * id, kind), then by everything else they carry, so that the order in which the merge reads them
 * (and so its result) does not depend on the order of the sources.
 */
export function compareContent(a: TimelineItem<unknown>, b: TimelineItem<unknown>): number {
  return (
    compareRecords(recordOf(a), recordOf(b)) ||
    cmp(a.recordedAt, b.recordedAt) ||
    (a.source?.version ?? -1) - (b.source?.version ?? -1) ||
    cmp(a.customerId, b.customerId) ||
    cmp(a.channel, b.channel) ||
    cmp(a.direction, b.direction) ||
    cmp(a.messageId, b.messageId) ||
    cmp(a.subject, b.subject) ||
    cmp(a.body, b.body)
  );
}

/** The record position of an item (instant and id aside), as {@link compareRecords} orders it. */
export { recordOf };

/**
 * The conflict-resolution order of a group's members, most authoritative first: declared source
 * priority; then the most recently recorded (`recordedAt`, then the source's `version`); then the
 * earliest (instant, id); then the content itself, so that the order is total.
 */
function byAuthority(ctx: ResolveContext) {
  return (x: Entry<unknown>, y: Entry<unknown>): number => {
    const a = x.item;
    const b = y.item;
    const rank = ctx.rank(a.source?.system) - ctx.rank(b.source?.system);
    if (rank !== 0) return rank;
    if (a.recordedAt !== b.recordedAt) return a.recordedAt === undefined ? 1 : b.recordedAt === undefined ? -1 : a.recordedAt > b.recordedAt ? -1 : 1;
    const version = (b.source?.version ?? -1) - (a.source?.version ?? -1);
    if (version !== 0) return version;
    if (x.ms !== y.ms) return x.ms - y.ms;
    return cmp(a.id, b.id) || compareContent(a, b);
  };
}

type Field = 'customerId' | 'channel' | 'direction' | 'subject' | 'body' | 'messageId';

function pick<R>(ranked: readonly Entry<R>[], field: Field): string | undefined {
  for (const member of ranked) {
    const value = member.item[field];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function selfContribution(member: Entry<unknown>, fingerprint: string | undefined): TimelineContribution {
  const { item } = member;
  return {
    id: item.id,
    at: item.at,
    kind: item.kind,
    system: item.source?.system,
    externalId: item.source?.externalId,
    messageId: item.messageId,
    fingerprint,
    matchedBy: member.matchedBy,
  };
}

function byPosition(a: TimelineContribution, b: TimelineContribution): number {
  return cmp(a.at, b.at) || cmp(a.id, b.id) || cmp(a.system, b.system) || cmp(a.externalId, b.externalId) || cmp(a.kind, b.kind);
}

/** The same contributor: the same record (id, system, external id and kind; a missing field is ''). */
const sameRecord = (a: TimelineContribution, b: TimelineContribution): boolean =>
  a.id === b.id && (a.system ?? '') === (b.system ?? '') && (a.externalId ?? '') === (b.externalId ?? '') && (a.kind ?? '') === (b.kind ?? '');

/**
 * Sorts in place, stably. Groups of duplicates are small (two or three members): an insertion sort
 * costs less there than `Array.prototype.sort`, which allocates a work array per call.
 */
function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): void {
  if (items.length > 16) {
    items.sort(compare);
    return;
  }
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    let at = i;
    while (at > 0 && compare(items[at - 1]!, item) > 0) {
      items[at] = items[at - 1]!;
      at--;
    }
    items[at] = item;
  }
}

/** Whether `mergedFrom` already lists the contributor: a scan while it is short, a set of keys beyond. */
class Contributors {
  readonly list: TimelineContribution[] = [];
  private keys: Set<string> | undefined;

  has(contribution: TimelineContribution): boolean {
    if (this.keys !== undefined) return this.keys.has(contributorKey(contribution));
    for (const listed of this.list) if (sameRecord(listed, contribution)) return true;
    return false;
  }

  add(contribution: TimelineContribution): void {
    this.list.push(contribution);
    if (this.keys !== undefined) this.keys.add(contributorKey(contribution));
    else if (this.list.length > 16) this.keys = new Set(this.list.map(contributorKey));
  }
}

/** {@link sameRecord} as a string (JSON, so that no field's content can run into the next one). */
const contributorKey = (c: TimelineContribution) => JSON.stringify([c.id, c.system ?? '', c.externalId ?? '', c.kind ?? '']);

/**
 * The one item a group of duplicates becomes. `id` and `at` are those of the entry that opened the
 * group (the earliest), so the output order never changes after the fact. `source`, `kind` and
 * `record` come together from the most authoritative member; `customerId`, `channel`, `direction`,
 * `subject`, `body` and `messageId` each from the most authoritative member that has a value;
 * `recordedAt` is the latest. `mergedFrom` lists every contributor once (by id, system, external id
 * and kind; the same record read twice is one contributor).
 */
export function resolveGroup<R>(group: Entry<R>, ctx: ResolveContext): MergedTimelineItem<R> {
  if (group.others === undefined) {
    const member = group;
    const { item } = member;
    return {
      id: item.id,
      at: item.at,
      kind: item.kind,
      source: item.source,
      customerId: item.customerId,
      channel: item.channel,
      direction: item.direction,
      subject: item.subject,
      body: item.body,
      messageId: item.messageId,
      recordedAt: item.recordedAt,
      record: item.record,
      mergedFrom: item.mergedFrom ?? [selfContribution(member, undefined)],
    };
  }
  const members = [group, ...group.others];
  const ranked = members.slice();
  sortSmall(ranked, byAuthority(ctx));
  const primary = ranked[0]!.item;
  const opener = members[0]!.item;
  let recordedAt: string | undefined;
  for (const member of members) {
    const at = member.item.recordedAt;
    if (at !== undefined && (recordedAt === undefined || at > recordedAt)) recordedAt = at;
  }
  // Every contributor once. A member that is itself a merge result brings its lineage as it is;
  // a raw member is recorded with its fingerprint ('' for none), so that merging the result again
  // compares the same fingerprints.
  const contributors = new Contributors();
  const mergedFrom = contributors.list;
  const loneMembers: { index: number; member: Entry<R> }[] = [];
  for (const member of members) {
    const contributions = member.item.mergedFrom ?? [selfContribution(member, ctx.fingerprint(member as Entry<unknown>) ?? '')];
    for (const contribution of contributions) {
      if (contributors.has(contribution)) continue;
      if (contribution.fingerprint === undefined && member.item.mergedFrom?.length === 1) loneMembers.push({ index: mergedFrom.length, member });
      contributors.add(contribution.matchedBy === undefined && member.matchedBy !== undefined ? { ...contribution, matchedBy: member.matchedBy } : contribution);
    }
  }
  // A result that was alone in its group has its contributor's fields, so its fingerprint is its
  // own: recorded now that it has company.
  if (mergedFrom.length > 1) {
    for (const { index, member } of loneMembers) mergedFrom[index] = { ...mergedFrom[index]!, fingerprint: ctx.fingerprint(member as Entry<unknown>) ?? '' };
  }
  sortSmall(mergedFrom, byPosition);
  return {
    id: opener.id,
    at: opener.at,
    kind: primary.kind,
    source: primary.source,
    customerId: pick(ranked, 'customerId'),
    channel: pick(ranked, 'channel'),
    direction: pick(ranked, 'direction'),
    subject: pick(ranked, 'subject'),
    body: pick(ranked, 'body'),
    messageId: pick(ranked, 'messageId'),
    recordedAt,
    record: primary.record,
    mergedFrom,
  };
}
