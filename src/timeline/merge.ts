import { ValidationError, type ValidationIssue } from '../errors/index.js';
import { DedupWindow, type MergeStats } from './dedup.js';
import { CONTENT_FREE_CHANNELS, fingerprintable, fingerprintContent, fingerprintScope } from './fingerprint.js';
import { MinHeap } from './heap.js';
import { InstantReader } from './instant.js';
import type { MergedTimelineItem, TimelineItem } from './item.js';
import { compareContent } from './resolve.js';

export type { MergeStats };

/**
 * A source of {@link mergeTimelines}: an array, any iterable, or an async iterable, sorted by instant, then id.
 *
 * @example
 * ```ts
 * // an array, an iterable, an async iterable:
 * const sources: TimelineSource[] = [crmItems, new Set(mailItems), storeStream];
 * for await (const item of mergeTimelines(sources)) render(item);
 * ```
 */
export type TimelineSource<R = unknown> = Iterable<TimelineItem<R>> | AsyncIterable<TimelineItem<R>>;

/**
 * The record type carried by the items of a source (`Interaction` for `itemFromInteraction`
 * items...). Sources of different record types merge into items whose `record` is their union.
 *
 * @example
 * ```ts
 * type R = RecordOf<TimelineItem<Interaction>[]>; // Interaction
 * ```
 */
export type RecordOf<S> = S extends Iterable<TimelineItem<infer R>> ? R : S extends AsyncIterable<TimelineItem<infer R>> ? R : never;

/**
 * Options of {@link mergeTimelines}.
 *
 * @example
 * ```ts
 * const options: MergeTimelinesOptions = { priority: ['erp', 'crm', 'mail'], window: 60_000, keyWindow: 3_600_000 };
 * const merged = [...mergeTimelines(sources, options)];
 * ```
 */
export interface MergeTimelinesOptions {
  /**
   * Systems from most to least trusted, e.g. `['erp', 'crm', 'mail']`. When duplicates disagree on a
   * field, the value of the most trusted system wins; systems not listed come after those listed.
   * Between equally trusted systems the most recently recorded (`recordedAt`, then `source.version`) wins.
   */
  readonly priority?: readonly string[];
  /**
   * How far apart, in milliseconds, two entries with the same fingerprint may be and still be the
   * same event, counted from the earliest entry of the group. Default 120 000 (2 minutes).
   */
  readonly window?: number;
  /**
   * How far apart, in milliseconds, two entries with the same source key (or id) or Message-ID may be and
   * still be recognised as one, counted from the earliest entry of the group. Default 3 600 000 (1 hour).
   */
  readonly keyWindow?: number;
  /**
   * The fingerprint layer: `false` switches it off; a function replaces {@link timelineFingerprint}
   * (return `undefined` for items that must not be matched by fingerprint).
   */
  readonly fingerprint?: false | ((item: TimelineItem<unknown>) => string | undefined);
  /** Channels that the default fingerprint compares without their text; {@link CONTENT_FREE_CHANNELS} by default. */
  readonly contentFreeChannels?: readonly string[];
}

/**
 * Default fingerprint window: 2 minutes.
 *
 * @example
 * ```ts
 * mergeTimelines(sources, { window: DEFAULT_MERGE_WINDOW / 2 }); // calls logged within a minute of each other
 * ```
 */
export const DEFAULT_MERGE_WINDOW = 120_000;
/**
 * Default window of the id, source-key and Message-ID layers: 1 hour.
 *
 * @example
 * ```ts
 * mergeTimelines(sources, { keyWindow: 4 * DEFAULT_KEY_WINDOW }); // a CRM that syncs BCC copies every few hours
 * ```
 */
export const DEFAULT_KEY_WINDOW = 3_600_000;

interface Cursor<R> {
  /** Arrays are read by index: no iterator result objects on the hot path. */
  readonly array: readonly TimelineItem<R>[] | undefined;
  readonly iterator: Iterator<TimelineItem<R>> | AsyncIterator<TimelineItem<R>> | undefined;
  readonly async: boolean;
  readonly index: number;
  position: number;
  item: TimelineItem<R>;
  ms: number;
  readonly instants: InstantReader;
}

function openCursor<R>(source: TimelineSource<R>, index: number): Cursor<R> {
  if (Array.isArray(source)) return { array: source, iterator: undefined, async: false, index, position: -1, item: undefined as never, ms: 0, instants: new InstantReader() };
  const async = !(Symbol.iterator in source);
  const iterator = async ? (source as AsyncIterable<TimelineItem<R>>)[Symbol.asyncIterator]() : (source as Iterable<TimelineItem<R>>)[Symbol.iterator]();
  return { array: undefined, iterator, async, index, position: -1, item: undefined as never, ms: 0, instants: new InstantReader() };
}

/** Moves a synchronous cursor to its next entry; `false` when the source is exhausted. */
function nextSync<R>(cursor: Cursor<R>): boolean {
  const { array } = cursor;
  if (array !== undefined) {
    const at = cursor.position + 1;
    if (at >= array.length) return false;
    accept(cursor, array[at], at === 0);
    return true;
  }
  const next = (cursor.iterator as Iterator<TimelineItem<R>>).next();
  if (next.done) return false;
  accept(cursor, next.value, cursor.position < 0);
  return true;
}

/**
 * Moves an async cursor to the entry its iterator just gave; `false` when the source is exhausted.
 * The caller awaits `iterator.next()` itself: one await per entry, not two (an async helper
 * around it would cost a promise and an await of its own for every entry).
 */
function acceptNext<R>(cursor: Cursor<R>, next: IteratorResult<TimelineItem<R>>): boolean {
  if (next.done) return false;
  accept(cursor, next.value, cursor.position < 0);
  return true;
}

const asyncIterator = <R>(cursor: Cursor<R>) => cursor.iterator as AsyncIterator<TimelineItem<R>>;

const less = (a: Cursor<unknown>, b: Cursor<unknown>): boolean => {
  if (a.ms !== b.ms) return a.ms < b.ms;
  const x = a.item.id;
  const y = b.item.id;
  if (x !== y) return x < y;
  const content = compareContent(a.item, b.item);
  return content !== 0 ? content < 0 : a.index < b.index;
};

function fail(issue: ValidationIssue): never {
  throw new ValidationError('timeline merge', [issue]);
}

/** Checks the next entry of a source and moves the cursor to it. */
function accept<R>(cursor: Cursor<R>, value: unknown, first: boolean): void {
  const position = cursor.position + 1;
  const item = value as TimelineItem<R>;
  if (typeof value !== 'object' || value === null) fail({ code: 'invalid_type', path: ['sources', cursor.index, position], message: 'must be a timeline item object' });
  const id = item.id;
  if (typeof id !== 'string' || id === '') fail({ code: 'invalid_type', path: ['sources', cursor.index, position, 'id'], message: 'must be a non-empty string' });
  const ms = cursor.instants.read(item.at);
  if (ms !== ms) fail({ code: 'invalid_date', path: ['sources', cursor.index, position, 'at'], message: 'must be a stored UTC instant such as 2026-03-01T09:30:00.000Z' });
  if (!first && (ms < cursor.ms || (ms === cursor.ms && id < cursor.item.id))) {
    fail({
      code: 'unsorted',
      path: ['sources', cursor.index, position],
      message: `entry "${id}" at ${item.at} comes after "${cursor.item.id}" at ${cursor.item.at}: each source must be sorted by instant, then id`,
    });
  }
  cursor.position = position;
  cursor.item = item;
  cursor.ms = ms;
}

function checkOptions(sources: unknown, options: MergeTimelinesOptions): void {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(sources)) {
    issues.push({ code: 'invalid_type', path: ['sources'], message: 'must be an array of sources' });
  } else {
    sources.forEach((source: unknown, index) => {
      const ok = typeof source === 'object' && source !== null && (Symbol.iterator in source || Symbol.asyncIterator in source);
      if (!ok) issues.push({ code: 'invalid_type', path: ['sources', index], message: 'must be an array, an iterable or an async iterable' });
    });
  }
  for (const name of ['window', 'keyWindow'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      issues.push({ code: 'invalid_type', path: ['options', name], message: 'must be a number of milliseconds, 0 or more' });
    }
  }
  for (const name of ['priority', 'contentFreeChannels'] as const) {
    const value = options[name];
    if (value !== undefined && !(Array.isArray(value) && value.every((entry) => typeof entry === 'string'))) {
      issues.push({ code: 'invalid_type', path: ['options', name], message: 'must be an array of system or channel names' });
    }
  }
  const { fingerprint } = options;
  if (fingerprint !== undefined && fingerprint !== false && typeof fingerprint !== 'function') {
    issues.push({ code: 'invalid_type', path: ['options', 'fingerprint'], message: 'must be false or a function' });
  }
  if (issues.length > 0) throw new ValidationError('timeline merge', issues);
}

function createWindow<R>(options: MergeTimelinesOptions): DedupWindow<R> {
  const priority = new Map<string, number>();
  (options.priority ?? []).forEach((system, index) => {
    if (!priority.has(system)) priority.set(system, index);
  });
  const last = priority.size;
  const contentFree = options.contentFreeChannels ?? CONTENT_FREE_CHANNELS;
  const custom = options.fingerprint;
  const scopeOf = custom === false ? () => undefined : custom ?? ((item: TimelineItem<unknown>) => fingerprintScope(item, contentFree));
  return new DedupWindow<R>({
    window: options.window ?? DEFAULT_MERGE_WINDOW,
    keyWindow: options.keyWindow ?? DEFAULT_KEY_WINDOW,
    // The default fingerprint is bucketed by customer (a string the item already has); a custom
    // one by its own value.
    bucketOf: custom === undefined ? (item) => (fingerprintable(item, contentFree) ? item.customerId : undefined) : scopeOf,
    bucketOfScope: custom === undefined ? (scope) => scope.slice(0, Math.max(0, scope.indexOf('\u001f'))) : (scope) => scope,
    scopeOf,
    contentOf: custom === undefined ? (item) => fingerprintContent(item, contentFree) : () => '',
    rank: (system) => (system === undefined ? last : priority.get(system) ?? last),
  });
}

function* mergeSync<R>(sources: readonly Iterable<TimelineItem<R>>[], window: DedupWindow<R>): Generator<MergedTimelineItem<R>, MergeStats, undefined> {
  const opened: Cursor<R>[] = [];
  let heap: MinHeap<Cursor<R>> | undefined;
  try {
    const cursors: Cursor<R>[] = [];
    for (let index = 0; index < sources.length; index++) {
      const cursor = openCursor(sources[index]!, index);
      opened.push(cursor);
      if (nextSync(cursor)) cursors.push(cursor);
    }
    heap = new MinHeap(cursors, less);
    while (heap.size > 0) {
      const cursor = heap.top();
      const { item, ms } = cursor;
      window.advance(ms, item);
      while (window.hasReady()) yield window.take();
      window.add(item, ms);
      if (nextSync(cursor)) heap.topChanged();
      else heap.pop();
    }
    window.finish();
    while (window.hasReady()) yield window.take();
    return window.stats;
  } finally {
    // Stopped early (break, error): let every unfinished source release what it holds.
    for (const cursor of heap?.items ?? opened) (cursor.iterator as Iterator<unknown> | undefined)?.return?.();
  }
}

async function* mergeAsync<R>(sources: readonly TimelineSource<R>[], window: DedupWindow<R>): AsyncGenerator<MergedTimelineItem<R>, MergeStats, undefined> {
  const opened: Cursor<R>[] = [];
  let heap: MinHeap<Cursor<R>> | undefined;
  try {
    const cursors: Cursor<R>[] = [];
    for (let index = 0; index < sources.length; index++) {
      const cursor = openCursor(sources[index]!, index);
      opened.push(cursor);
      if (cursor.async ? acceptNext(cursor, await asyncIterator(cursor).next()) : nextSync(cursor)) cursors.push(cursor);
    }
    heap = new MinHeap(cursors, less);
    while (heap.size > 0) {
      const cursor = heap.top();
      const { item, ms } = cursor;
      window.advance(ms, item);
      while (window.hasReady()) yield window.take();
      window.add(item, ms);
      if (cursor.async ? acceptNext(cursor, await asyncIterator(cursor).next()) : nextSync(cursor)) heap.topChanged();
      else heap.pop();
    }
    window.finish();
    while (window.hasReady()) yield window.take();
    return window.stats;
  } finally {
    for (const cursor of heap?.items ?? opened) await cursor.iterator?.return?.();
  }
}

/**
 * Merges timelines from several systems into one, in (instant, id) order, folding duplicates
 * together. Each source must already be sorted by instant, then id (as the store's timeline and
 * most exports are); an entry out of order is reported with a {@link ValidationError} (issue code
 * `unsorted`, path `['sources', source, position]`).
 *
 * **Lazy, one API for both worlds.** When every source is a synchronous iterable (arrays included)
 * the result is a `Generator`; when any source is an async iterable it is an `AsyncGenerator`. The
 * generator's return value is a {@link MergeStats}. Spread it for an array (`[...mergeTimelines(...)]`).
 *
 * **Cost.** O(n log k) time for n entries from k sources (a binary heap over the sources' heads);
 * memory O(k) plus the look-back window: the entries within a few multiples of
 * max(`window`, `keyWindow`) of the current instant (at most four, see the indexes in
 * `dedup.ts`), independent of n. An entry is written once the stream has moved that far past it.
 *
 * **De-duplication, in layers**; an entry joins the group of the first layer that matches, within
 * reach of the group's earliest entry (the earliest such group, if several):
 * 1. the same entry: the same source key — `source.system`, `source.externalId` and `kind` — or,
 *    for entries without one, the same `id`; within `keyWindow`;
 * 2. the same RFC 5322 `messageId` (a message seen by the CRM's BCC copy and by the mail server), within `keyWindow`;
 * 3. the same fingerprint ({@link timelineFingerprint}: customer, channel, direction, normalised
 *    subject and text) from a system that has not contributed to the group yet, within `window`
 *    (the same call logged by the phone system and by the agent 40 seconds apart).
 *
 * **Lineage and conflicts.** A merged item has the `id` and `at` of the group's earliest entry;
 * `source`, `kind` and `record` of its most authoritative member; every other field from the most
 * authoritative member that has it. Authority is the declared `priority` of systems, then recency
 * (`recordedAt`, then `source.version`). `mergedFrom` lists every contributor with its system,
 * external id and the layer that matched it.
 *
 * Merging is independent of the order of the sources and idempotent: merging a result again
 * (alone, or with itself) gives the same result.
 *
 * @example
 * ```ts
 * const crm = [{ id: 'crm-1', at: '2026-03-02T09:00:40.000Z', source: { system: 'crm', externalId: 'ACT-1' },
 *                customerId: 'C1', channel: 'phone', direction: 'inbound', subject: 'Promise to pay INV-1042' }];
 * const phone = [{ id: 'pbx-1', at: '2026-03-02T09:00:00.000Z', source: { system: 'phone', externalId: 'CALL-9' },
 *                  customerId: 'C1', channel: 'phone', direction: 'inbound' }];
 * const [call] = [...mergeTimelines([crm, phone], { priority: ['crm', 'phone'] })];
 * call.at;         // '2026-03-02T09:00:00.000Z' (the earliest)
 * call.subject;    // 'Promise to pay INV-1042' (from the CRM)
 * call.mergedFrom; // [{ system: 'phone', externalId: 'CALL-9', ... }, { system: 'crm', externalId: 'ACT-1', matchedBy: 'fingerprint', ... }]
 *
 * for await (const item of mergeTimelines([storeStream, importedStream])) render(item); // streaming form
 * ```
 */
export function mergeTimelines<S extends readonly Iterable<TimelineItem<unknown>>[]>(
  sources: S,
  options?: MergeTimelinesOptions,
): Generator<MergedTimelineItem<RecordOf<S[number]>>, MergeStats, undefined>;
export function mergeTimelines<S extends readonly TimelineSource<unknown>[]>(
  sources: S,
  options?: MergeTimelinesOptions,
): AsyncGenerator<MergedTimelineItem<RecordOf<S[number]>>, MergeStats, undefined>;
export function mergeTimelines(
  sources: readonly TimelineSource<unknown>[],
  options: MergeTimelinesOptions = {},
): Generator<MergedTimelineItem<unknown>, MergeStats, undefined> | AsyncGenerator<MergedTimelineItem<unknown>, MergeStats, undefined> {
  checkOptions(sources, options);
  const window = createWindow<unknown>(options);
  const allSync = sources.every((source) => Symbol.iterator in source);
  return allSync ? mergeSync(sources as readonly Iterable<TimelineItem<unknown>>[], window) : mergeAsync(sources, window);
}
