import { MinHeap } from './heap.js';
import { storedInstantMs } from './instant.js';
import type { DuplicateLayer, MergedTimelineItem, TimelineContribution, TimelineItem } from './item.js';
import { compareRecords, openerOf, recordOf, resolveGroup, type ResolveContext } from './resolve.js';

/**
 * The look-back window of {@link mergeTimelines}: the groups of duplicates that a later entry may
 * still join, and the indexes that find them. Internal.
 *
 * Entries arrive in (instant, id) order. Each one either joins a pending group (the first layer
 * that matches decides: same source key, or same id for entries without one; same Message-ID;
 * same fingerprint) or opens a new one. A group can be joined by key within `keyWindow` of its
 * first entry and by fingerprint within `window`; once the stream has moved past both (the
 * "horizon"), it is final and emitted.
 * Groups are emitted in the order they were opened, which is (instant, id) order, so nothing is
 * re-sorted.
 *
 * The indexes are generational: keys go into the current generation, which becomes the previous
 * one after two horizons and is dropped two horizons later; the previous one is searched only
 * during the first horizon of the current one (after that, nothing in it can be joined). A hit on
 * a group that is final or out of reach counts as a miss. Memory is therefore bounded by the
 * entries within four horizons of the current instant (plus one cursor per source), independent
 * of the length of the stream, and no key is ever deleted one by one (measured: cheaper than
 * deleting keys as groups are emitted, and the garbage dies young).
 *
 * Items that are themselves merge results are read as the contributor that opened them; their
 * other contributors' keys become searchable at the contributors' own instants ("activations"),
 * exactly as when those contributors were read the first time. That is what makes merging a
 * result again give the same result.
 */

const SEP = '\u001f';

export interface DedupSettings {
  /** Fingerprint matches only within this many milliseconds of a group's first entry. */
  readonly window: number;
  /** Id, source-key and Message-ID matches only within this many milliseconds of a group's first entry. */
  readonly keyWindow: number;
  /**
   * Index bucket of the fingerprint layer, from strings the item already has (no concatenation):
   * the customer for the default fingerprint. `undefined` when the item cannot be fingerprinted.
   */
  readonly bucketOf: (item: TimelineItem<unknown>) => string | undefined;
  /** The bucket of a fingerprint scope (for re-read contributors, which carry their fingerprint). */
  readonly bucketOfScope: (scope: string) => string;
  /** Cheap part of the fingerprint (customer, channel, direction), computed when two items share a bucket. */
  readonly scopeOf: (item: TimelineItem<unknown>) => string | undefined;
  /** Text part of the fingerprint (hashed), computed only when two items share a scope. */
  readonly contentOf: (item: TimelineItem<unknown>) => string;
  readonly rank: (system: string | undefined) => number;
}

/**
 * Counts of what a merge read, wrote and folded together.
 *
 * @example
 * ```ts
 * const merge = mergeTimelines(sources);
 * let step = merge.next();
 * while (!step.done) step = merge.next();
 * const stats: MergeStats = step.value; // { read, written, duplicates: { id, source, messageId, fingerprint }, maxPending }
 * ```
 */
export interface MergeStats {
  /** Entries read from all sources. */
  read: number;
  /** Merged entries written. */
  written: number;
  /** Entries folded into an earlier one, by the layer that matched. */
  duplicates: { id: number; source: number; messageId: number; fingerprint: number };
  /** Most groups waiting in the look-back window at once (the merge's working set, in entries). */
  maxPending: number;
}

/**
 * One entry in the window. The entry that opens a group is the group: it holds the other members,
 * and the systems that contributed.
 */
export class Entry<R> {
  matchedBy: DuplicateLayer | undefined = undefined;
  /** Fingerprint scope once computed (`null`: not yet). */
  scope: string | undefined | null = null;
  // Group state, used on the opening entry only.
  group: Entry<R>;
  seq = 0;
  others: Entry<R>[] | undefined = undefined;
  systems: string[] | undefined = undefined;
  final = false;
  // Next entry registered under the same key, one chain per index (see `ChainIndex`). An entry is
  // registered under its source key or, without one, under its id: one chain field serves both.
  keyNext: Entry<R> | undefined = undefined;
  messageNext: Entry<R> | undefined = undefined;
  scopeNext: Entry<R> | undefined = undefined;

  constructor(
    readonly item: TimelineItem<R>,
    readonly ms: number,
    readonly id: string,
    readonly system: string | undefined,
    readonly externalId: string | undefined,
    readonly kind: string,
    readonly messageId: string | undefined,
    readonly bucket: string | undefined,
    /** Fingerprint text: `undefined` until computed (re-read contributors carry theirs). */
    public content: string | undefined,
  ) {
    this.group = this;
  }
}

/**
 * Entries by key, in two generations (see the module comment). Every entry that has the key is
 * registered: the map holds the latest one, which links to the one before (through the entry's
 * `keyNext`, `messageNext` or `scopeNext`, one field per index). A lookup takes the
 * earliest group that can still be joined, whichever entry registered the key: so whether a key is
 * found never depends on which entry got to it first, and knowing fewer keys can only ever find
 * fewer duplicates (what makes merging a result again give the same result).
 */
class ChainIndex<R> {
  current = new Map<string, Entry<R>>();
  previous = new Map<string, Entry<R>>();
  rotate(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

function hasSystem(group: Entry<unknown>, system: string): boolean {
  return group.system === system || (group.systems !== undefined && group.systems.includes(system));
}

export class DedupWindow<R> implements ResolveContext {
  private readonly ids = new ChainIndex<R>();
  private readonly sources = new ChainIndex<R>();
  private readonly messageIds = new ChainIndex<R>();
  private readonly scopes = new ChainIndex<R>();
  private rotatedAt = Number.NEGATIVE_INFINITY;
  /**
   * Groups in the order they were opened: `[head, finalHead)` are final and wait to be taken,
   * `[finalHead, length)` can still be joined.
   */
  private queue: Entry<R>[] = [];
  private head = 0;
  private finalHead = 0;
  private seq = 0;
  private readonly horizon: number;
  private readonly window: number;
  private readonly keyWindow: number;
  private readonly activations = new MinHeap<Entry<R>>(
    [],
    (a, b) => a.ms < b.ms || (a.ms === b.ms && (a.id < b.id || (a.id === b.id && compareRecords([a.system, a.externalId, a.kind || undefined], [b.system, b.externalId, b.kind || undefined]) < 0))),
  );
  readonly stats: MergeStats = { read: 0, written: 0, duplicates: { id: 0, source: 0, messageId: 0, fingerprint: 0 }, maxPending: 0 };

  constructor(private readonly settings: DedupSettings) {
    this.window = settings.window;
    this.keyWindow = settings.keyWindow;
    this.horizon = Math.max(settings.window, settings.keyWindow);
  }

  rank(system: string | undefined): number {
    return this.settings.rank(system);
  }

  fingerprint(entry: Entry<unknown>): string | undefined {
    const scope = this.scopeOf(entry);
    return scope === undefined ? undefined : scope + SEP + this.contentOf(entry);
  }

  private scopeOf(entry: Entry<unknown>): string | undefined {
    if (entry.scope === null) entry.scope = entry.bucket === undefined ? undefined : this.settings.scopeOf(entry.item);
    return entry.scope;
  }

  private contentOf(entry: Entry<unknown>): string {
    if (entry.content === undefined) entry.content = this.settings.contentOf(entry.item);
    return entry.content;
  }

  /** `true` when a merged entry is ready to be taken. */
  hasReady(): boolean {
    return this.head < this.finalHead;
  }

  /** The next merged entry, in (instant, id) order. */
  take(): MergedTimelineItem<R> {
    const group = this.queue[this.head]!;
    this.queue[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.finalHead -= this.head;
      this.head = 0;
    }
    this.stats.written++;
    return resolveGroup(group, this);
  }

  /**
   * Declares that `item`, at `ms`, is the next entry: activates the contributors of re-read merge
   * results that came before it (in the order the first merge read them) and finalises the groups
   * that it can no longer join.
   */
  advance(ms: number, item: TimelineItem<R>): void {
    const { activations } = this;
    while (activations.size > 0) {
      const next = activations.top();
      if (next.ms > ms) break;
      if (next.ms === ms && (next.id > item.id || (next.id === item.id && compareRecords([next.system, next.externalId, next.kind || undefined], recordOf(item)) > 0))) break;
      activations.pop();
      this.finaliseBefore(next.ms);
      if (!next.group.final) this.activate(next);
    }
    this.finaliseBefore(ms);
  }

  /** Finalises every group (the sources are exhausted). */
  finish(): void {
    while (this.finalHead < this.queue.length) this.queue[this.finalHead++]!.final = true;
  }

  /** Finalises the groups that no entry at `ms` or later can join. */
  private finaliseBefore(ms: number): void {
    const { queue, horizon } = this;
    let at = this.finalHead;
    while (at < queue.length && queue[at]!.ms + horizon < ms) queue[at++]!.final = true;
    this.finalHead = at;
  }

  /** Adds the next entry; `advance(ms, item)` must have been called first. */
  add(item: TimelineItem<R>, ms: number): void {
    this.stats.read++;
    const merged = item.mergedFrom !== undefined && item.mergedFrom.length > 0 ? item.mergedFrom : undefined;
    let entry: Entry<R>;
    if (merged === undefined) {
      const source = item.source;
      entry = new Entry<R>(item, ms, item.id, source?.system, source?.externalId, item.kind ?? '', item.messageId || undefined, this.settings.bucketOf(item), undefined);
    } else {
      // A merge result is looked up as the contributor that opened it.
      const opener = openerOf(merged);
      entry = this.contributorEntry(item, opener, ms);
      // Without a recorded fingerprint, a result that was alone in its group has its own.
      if (opener.fingerprint === undefined && merged.length === 1) {
        entry = new Entry<R>(item, ms, entry.id, entry.system, entry.externalId, entry.kind, entry.messageId, this.settings.bucketOf(item), undefined);
      }
    }

    this.rotate(ms);
    // The previous generation only holds groups opened before it ended (at `rotatedAt`): a layer
    // searches it only while such a group can still be within its reach.
    const keysInPrevious = ms - this.rotatedAt <= this.keyWindow;
    const scopesInPrevious = ms - this.rotatedAt <= this.window;
    const sourced = entry.system !== undefined && entry.externalId !== undefined;
    const keys = sourced ? this.sources : this.ids;
    const key = sourced ? entry.externalId! : entry.id;
    const keyHead = keys.current.get(key);
    const messageHead = entry.messageId !== undefined ? this.messageIds.current.get(entry.messageId) : undefined;
    const scopeHead = entry.bucket !== undefined ? this.scopes.current.get(entry.bucket) : undefined;

    // The same entry: the same source key, or (without one) the same id. Then the same
    // Message-ID; then the same fingerprint.
    let group: Entry<R> | undefined;
    let layer: DuplicateLayer | undefined;
    if (sourced) {
      group = this.bySource(keyHead, entry, undefined);
      if (keysInPrevious) group = this.bySource(keys.previous.get(key), entry, group);
      if (group !== undefined) layer = 'source';
    } else {
      group = this.byId(keyHead, ms, undefined);
      if (keysInPrevious) group = this.byId(keys.previous.get(key), ms, group);
      if (group !== undefined) layer = 'id';
    }
    if (group === undefined && entry.messageId !== undefined) {
      group = this.byMessageId(messageHead, ms, undefined);
      if (keysInPrevious) group = this.byMessageId(this.messageIds.previous.get(entry.messageId), ms, group);
      if (group !== undefined) layer = 'messageId';
    }
    if (group === undefined && entry.bucket !== undefined) {
      group = this.byFingerprint(scopeHead, entry, undefined);
      if (scopesInPrevious) group = this.byFingerprint(this.scopes.previous.get(entry.bucket), entry, group);
      if (group !== undefined) layer = 'fingerprint';
    }

    if (group !== undefined) {
      entry.group = group;
      entry.matchedBy = layer;
      this.stats.duplicates[layer!]++;
      (group.others ??= []).push(entry);
      if (entry.system !== undefined && !hasSystem(group, entry.system)) (group.systems ??= []).push(entry.system);
    } else {
      entry.seq = this.seq++;
      this.queue.push(entry);
      const pending = this.queue.length - this.head;
      if (pending > this.stats.maxPending) this.stats.maxPending = pending;
    }
    // Register the entry under each of its keys, in front of the chains looked up above.
    entry.keyNext = keyHead;
    keys.current.set(key, entry);
    if (entry.messageId !== undefined) {
      entry.messageNext = messageHead;
      this.messageIds.current.set(entry.messageId, entry);
    }
    if (entry.bucket !== undefined) {
      entry.scopeNext = scopeHead;
      this.scopes.current.set(entry.bucket, entry);
    }
    if (merged !== undefined && merged.length > 1) this.schedule(merged, entry.group, item);
  }

  /** The entry for a contributor of a merge result, carrying the contributor's keys and fingerprint. */
  private contributorEntry(item: TimelineItem<R>, contribution: TimelineContribution, ms: number): Entry<R> {
    const { fingerprint } = contribution;
    let scope: string | undefined;
    let content: string | undefined;
    if (fingerprint !== undefined && fingerprint !== '') {
      const cut = fingerprint.lastIndexOf(SEP);
      scope = cut < 0 ? fingerprint : fingerprint.slice(0, cut);
      content = cut < 0 ? '' : fingerprint.slice(cut + 1);
    }
    const entry = new Entry<R>(
      item,
      ms,
      contribution.id,
      contribution.system,
      contribution.externalId,
      contribution.kind ?? '',
      contribution.messageId || undefined,
      scope === undefined ? undefined : this.settings.bucketOfScope(scope),
      content,
    );
    entry.scope = scope;
    return entry;
  }

  /** `group` if it is still joinable by key at `ms` and opened before `best` (the earliest so far). */
  private earlier(group: Entry<R>, ms: number, best: Entry<R> | undefined): boolean {
    return !group.final && ms - group.ms <= this.keyWindow && (best === undefined || group.seq < best.seq);
  }

  /** The earliest joinable group in a source-key chain with the entry's system, kind and external id. */
  private bySource(head: Entry<R> | undefined, entry: Entry<R>, best: Entry<R> | undefined): Entry<R> | undefined {
    for (let at = head; at !== undefined; at = at.keyNext) {
      if (at.system === entry.system && at.kind === entry.kind && this.earlier(at.group, entry.ms, best)) best = at.group;
    }
    return best;
  }

  private byId(head: Entry<R> | undefined, ms: number, best: Entry<R> | undefined): Entry<R> | undefined {
    for (let at = head; at !== undefined; at = at.keyNext) if (this.earlier(at.group, ms, best)) best = at.group;
    return best;
  }

  private byMessageId(head: Entry<R> | undefined, ms: number, best: Entry<R> | undefined): Entry<R> | undefined {
    for (let at = head; at !== undefined; at = at.messageNext) if (this.earlier(at.group, ms, best)) best = at.group;
    return best;
  }

  /**
   * The earliest pending group (`best` so far, or one in the chain from `head`) with an entry of
   * the same fingerprint as `entry`, within the window, from a system that has not contributed to
   * it yet.
   */
  private byFingerprint(head: Entry<R> | undefined, entry: Entry<R>, best: Entry<R> | undefined): Entry<R> | undefined {
    for (let candidate = head; candidate !== undefined; candidate = candidate.scopeNext) {
      const group = candidate.group;
      if (group.final || entry.ms - group.ms > this.window) continue;
      if (best !== undefined && best.seq <= group.seq) continue;
      if (entry.system !== undefined && hasSystem(group, entry.system)) continue;
      if (this.scopeOf(candidate) !== this.scopeOf(entry)) continue;
      if (this.contentOf(candidate) === this.contentOf(entry)) best = group;
    }
    return best;
  }

  /**
   * Starts a new generation of the indexes once two horizons have passed since the last one. The
   * previous generation only holds groups opened before the current one started, so after the
   * first horizon of a generation nothing in it can be joined and it is not searched any more.
   */
  private rotate(ms: number): void {
    if (ms - this.rotatedAt <= 2 * this.horizon) return;
    this.rotatedAt = ms;
    this.ids.rotate();
    this.sources.rotate();
    this.messageIds.rotate();
    this.scopes.rotate();
  }

  /** Contributors of a merged item other than its opener become searchable at their own instants. */
  private schedule(merged: readonly TimelineContribution[], group: Entry<R>, item: TimelineItem<R>): void {
    const opener = openerOf(merged);
    for (const contribution of merged) {
      if (contribution === opener) continue;
      const ms = storedInstantMs(contribution.at);
      if (ms !== ms) continue;
      const entry = this.contributorEntry(item, contribution, ms);
      entry.group = group;
      this.activations.push(entry);
    }
  }

  /** Registers a contributor of a re-read merge result, as if it had just been read. */
  private activate(entry: Entry<R>): void {
    this.rotate(entry.ms);
    const group = entry.group;
    if (entry.system !== undefined && !hasSystem(group, entry.system)) (group.systems ??= []).push(entry.system);
    if (entry.system !== undefined && entry.externalId !== undefined) {
      entry.keyNext = this.sources.current.get(entry.externalId);
      this.sources.current.set(entry.externalId, entry);
    } else {
      entry.keyNext = this.ids.current.get(entry.id);
      this.ids.current.set(entry.id, entry);
    }
    if (entry.messageId !== undefined) {
      entry.messageNext = this.messageIds.current.get(entry.messageId);
      this.messageIds.current.set(entry.messageId, entry);
    }
    if (entry.bucket !== undefined) {
      entry.scopeNext = this.scopes.current.get(entry.bucket);
      this.scopes.current.set(entry.bucket, entry);
    }
  }
}
