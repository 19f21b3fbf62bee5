/**
 * The durable change feed: every committed change of a tenant, in commit order, readable from a
 * cursor — after a crash, a restart or a deployment, a consumer resumes exactly where it stopped.
 *
 * The feed is the audit trail seen from outside. Every write appends its entries to the tenant's
 * chain under the tenant lock (`lockTenant`), which it holds until it commits, and numbers them
 * from the head it found there: the entries of a transaction get positions (`seq`) only once the
 * transaction before it has committed, so `seq` order is commit order and a position is never
 * filled in later. A reader that has seen position `n` has seen every change up to `n`; one that
 * reads `seq > n` gets the rest, never a change that committed earlier. Nothing is kept for the
 * feed that the trail does not already keep.
 *
 * A change says what happened to which record, in which version, when and by whom — and nothing
 * of the record's content: no field values, no audit reason (which a caller may have written
 * about the person). After an erasure, the feed holds nothing of the person's data because it
 * never held any.
 *
 * @module
 */
import type { AuditRow } from '../adapters/contract.js';
import { parseEntry } from '../audit/verify.js';
import { Yielder } from '../runtime/yielder.js';
import { IntegrityError, ValidationError } from '../errors/index.js';
import { AUDIT_ACTIONS, type AuditAction } from '../models/audit-entry.js';
import { pageLimit } from './cursor.js';
import { MODEL_SPECS, type StoredModels } from './model-specs.js';
import { optionsOf } from './options.js';
import { guardStorage, type StoreContext } from './session.js';

/** The models a change can be about. */
export type ChangeModel = keyof StoredModels;

/** One committed change of a record. */
export interface Change {
  readonly tenant: string;
  /** Position in the tenant's feed (and audit trail): from 1, no gaps, in commit order. */
  readonly seq: number;
  /** Where to resume after this change: pass it as `after`. Opaque. */
  readonly cursor: string;
  /** `create`, `update`, `transition`, `merge`, `unmerge`, `erase`, `purge` or `delete`. */
  readonly action: AuditAction;
  readonly model: ChangeModel;
  /** The record's id. */
  readonly id: string;
  /** The record's version after the change; absent when the change removed it (`purge`, `delete`). */
  readonly version?: number;
  /** When the change was made. */
  readonly at: string;
  /** Who made it, as given to `createTouchlog({ actor })` or `withActor()`. */
  readonly actor: string;
}

/**
 * A page of the feed. Unlike other pages, a feed never ends: `nextCursor` is always there, and
 * after the last change committed so far it is where to ask again later. `hasMore` says whether
 * more changes were already committed when the page was read.
 */
export interface ChangePage {
  readonly items: Change[];
  readonly nextCursor: string;
  readonly hasMore: boolean;
}

/** Options of `log.changes()`. */
export interface ChangesOptions {
  /** Start after this cursor (`nextCursor` of a page, or a change's `cursor`); from the first change when not given. */
  readonly after?: string;
  /** Changes per page, 1–1000; 50 when not given. */
  readonly limit?: number;
}

/** Options of `log.changes.stream()`. */
export interface ChangeStreamOptions {
  /** Start after this cursor; from the first change when not given. */
  readonly after?: string;
  /**
   * Keep waiting for new changes when caught up, instead of ending. Changes committed through
   * this instance are seen at once; those of other instances and processes within `pollInterval`.
   */
  readonly follow?: boolean;
  /** Ends the stream (without an error) after the change being delivered. */
  readonly signal?: AbortSignal;
  /** How long a following stream waits before looking for changes again, in ms (10–60 000); 1 000 when not given. */
  readonly pollInterval?: number;
  /** Changes read per page, 1–1000; 500 when not given. */
  readonly pageSize?: number;
}

/** `log.changes`: the tenant's durable feed of committed changes. */
export interface ChangesApi {
  /**
   * One page of changes after `after`, in commit order.
   *
   * @example
   * ```ts
   * let cursor = await loadCursor();                    // undefined the first time: from the start
   * const page = await log.changes({ after: cursor, limit: 100 });
   * for (const change of page.items) await deliver(change); // e.g. a webhook
   * await saveCursor(page.nextCursor);                  // resume here after a crash or a restart
   * ```
   * @throws {ValidationError} `VALIDATION_FAILED` when `after` is no cursor of this tenant's feed
   */
  (options?: ChangesOptions): Promise<ChangePage>;
  /**
   * Every change after `after`, in commit order, one page in memory at a time; with `follow`, it
   * keeps waiting for new ones until `signal` aborts.
   *
   * @example
   * ```ts
   * const stop = new AbortController();
   * for await (const change of log.changes.stream({ after: await loadCursor(), follow: true, signal: stop.signal })) {
   *   await deliver(change);
   *   await saveCursor(change.cursor);
   * }
   * ```
   */
  stream(options?: ChangeStreamOptions): AsyncGenerator<Change>;
  /**
   * The cursor after the last change committed so far: a consumer starting now passes it as
   * `after` to receive only what happens from here on.
   */
  latestCursor(): Promise<string>;
}

/** A position in the feed: the seq of the last change seen and the start of its hash (0 and '' before the first). */
interface Position {
  readonly seq: number;
  readonly hash: string;
}

const CURSOR_VERSION = 'c1';
const HASH_PREFIX = 16;
const START: Position = { seq: 0, hash: '' };

/** The cursor of a position: `c1.<seq>.<start of the entry's hash>`, base64url. */
function encodePosition(position: Position): string {
  return Buffer.from(`${CURSOR_VERSION}.${position.seq}.${position.hash}`, 'utf8').toString('base64url');
}

const badCursor = (message: string) =>
  new ValidationError('change feed request', [{ code: 'invalid_cursor', path: ['after'], message }]);

/** Reads a cursor given by a caller. */
function decodePosition(cursor: unknown): Position {
  if (cursor === undefined) return START;
  if (typeof cursor === 'string' && cursor.length > 0 && cursor.length <= 128 && /^[A-Za-z0-9_-]+$/.test(cursor)) {
    const match = /^c1\.(0|[1-9]\d{0,15})\.([A-Za-z0-9_-]*)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (match) {
      const seq = Number(match[1]);
      const hash = match[2]!;
      if (Number.isSafeInteger(seq) && (seq === 0 ? hash === '' : hash.length === HASH_PREFIX)) return { seq, hash };
    }
  }
  throw badCursor('is not a cursor of the change feed (pass nextCursor of a page, or the cursor of a change)');
}

/** The model of each audited entity type. */
const MODEL_OF_ENTITY = new Map<string, ChangeModel>(Object.values(MODEL_SPECS).map((spec) => [spec.entityType, spec.model]));
const ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** The change an audit row records; only ids, the action, version, instant and actor are taken from it. */
function toChange(tenant: string, row: AuditRow): { change: Change; position: Position } {
  const entry = parseEntry(row.entry);
  const model = entry ? MODEL_OF_ENTITY.get(entry.entity?.type) : undefined;
  if (
    !entry ||
    entry.seq !== row.seq ||
    model === undefined ||
    typeof entry.entity.id !== 'string' ||
    !ACTIONS.has(entry.action) ||
    typeof entry.at !== 'string' ||
    typeof entry.actor !== 'string' ||
    typeof entry.hash !== 'string'
  ) {
    throw new IntegrityError(`audit entry ${row.seq} cannot be read as a change; run audit.verify() to see what is wrong with the trail`);
  }
  const position = { seq: row.seq, hash: entry.hash.slice(0, HASH_PREFIX) };
  const change: Change = {
    tenant,
    seq: row.seq,
    cursor: encodePosition(position),
    action: entry.action,
    model,
    id: entry.entity.id,
    ...(typeof entry.version === 'number' ? { version: entry.version } : {}),
    at: entry.at,
    actor: entry.actor,
  };
  return { change, position };
}

function checkNumber(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError('change feed request', [{ code: 'invalid_value', path: [name], message: `must be an integer from ${min} to ${max}` }]);
  }
  return value;
}

export function createChangesApi(ctx: StoreContext): ChangesApi {
  const { adapter, tenant } = ctx;

  /**
   * The changes after `position`, at most `limit`, and whether there are more. Reads the entry at
   * the position too, to check that the cursor belongs to this tenant's chain: a cursor of another
   * tenant, or of a database that was replaced since, is refused rather than followed.
   */
  async function readAfter(position: Position, limit: number): Promise<{ changes: Change[]; last: Position; hasMore: boolean }> {
    const anchored = position.seq > 0;
    const rows = await guardStorage('reading the change feed', () =>
      adapter.readAudit(tenant, { limit: limit + (anchored ? 2 : 1), ...(anchored ? { afterSeq: position.seq - 1 } : {}) }),
    );
    let start = 0;
    if (anchored) {
      const anchor = rows[0];
      if (!anchor || anchor.seq !== position.seq) {
        throw badCursor(`is at change ${position.seq}, which this tenant's feed does not have: it comes from another tenant or another database`);
      }
      if (toChange(tenant, anchor).position.hash !== position.hash) {
        throw badCursor(`is at change ${position.seq} of another feed: it comes from another tenant, or the database was replaced since`);
      }
      start = 1;
    }
    const changes: Change[] = [];
    let last = position;
    for (let i = start; i < rows.length && changes.length < limit; i++) {
      const { change, position: next } = toChange(tenant, rows[i]!);
      if (change.seq !== last.seq + 1) {
        throw new IntegrityError(`the audit trail has no entry ${last.seq + 1} before entry ${change.seq}; run audit.verify()`);
      }
      changes.push(change);
      last = next;
    }
    return { changes, last, hasMore: rows.length - start > limit };
  }

  const changes = (async (options?: ChangesOptions) => {
    options = optionsOf(options, 'change feed request');
    const limit = pageLimit(options.limit);
    const page = await readAfter(decodePosition(options.after), limit);
    return { items: page.changes, nextCursor: encodePosition(page.last), hasMore: page.hasMore };
  }) as ChangesApi;

  changes.stream = async function* stream(options) {
    options = optionsOf(options, 'change feed request');
    const pageSize = checkNumber(options.pageSize, 'pageSize', 1, 1000, 500);
    const pollInterval = checkNumber(options.pollInterval, 'pollInterval', 10, 60_000, 1_000);
    const { follow = false, signal } = options;
    if (typeof follow !== 'boolean') {
      throw new ValidationError('change feed request', [{ code: 'invalid_type', path: ['follow'], message: 'must be true or false' }]);
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new ValidationError('change feed request', [{ code: 'invalid_type', path: ['signal'], message: 'must be an AbortSignal' }]);
    }
    let position = decodePosition(options.after);
    const yielder = new Yielder();
    // This instance's commits wake a following stream at once; `dirty` covers a commit that lands
    // between a read and the wait.
    let dirty = false;
    let wake: (() => void) | undefined;
    const unsubscribe = follow
      ? ctx.events.subscribe(() => {
          dirty = true;
          wake?.();
        })
      : undefined;
    try {
      for (;;) {
        if (signal?.aborted) return;
        dirty = false;
        const page = await readAfter(position, pageSize);
        for (const change of page.changes) {
          yield change;
          if (signal?.aborted) return;
          await yielder.maybeYield();
        }
        position = page.last;
        if (page.hasMore || dirty) continue;
        if (!follow || signal?.aborted) return;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, pollInterval);
          signal?.addEventListener('abort', done, { once: true });
          wake = done;
        });
      }
    } finally {
      unsubscribe?.();
    }
  };

  changes.latestCursor = async () => {
    const head = await guardStorage('reading the change feed', () => adapter.getAuditHead(tenant));
    if (!head) return encodePosition(START);
    const [row] = await guardStorage('reading the change feed', () => adapter.readAudit(tenant, { afterSeq: head.seq - 1, limit: 1 }));
    if (!row || row.seq !== head.seq) throw new IntegrityError(`the audit trail has no entry ${head.seq}, its head; run audit.verify()`);
    return toChange(tenant, row).change.cursor;
  };

  return changes;
}
