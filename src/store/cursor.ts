import { ValidationError } from '../errors/index.js';
import type { Keyset } from '../adapters/contract.js';
import { Yielder } from '../runtime/yielder.js';

/**
 * Opaque page cursors. A cursor is the keyset position of the last item of a page; the next page
 * starts strictly after it, so entries inserted meanwhile are neither skipped nor repeated.
 */
export function encodeCursor(position: Keyset): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (typeof cursor !== 'string' || cursor.length > 1024) throw new Error('bad');
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('page request', [
    { code: 'invalid_cursor', path: ['cursor'], message: 'is not a cursor returned by a previous page of this list' },
  ]);
}

/** A page of results and the cursor of the next page (absent on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** Paging options every list takes. */
export interface PageOptions {
  /** Items per page, 1–1000; 50 when not given. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** `asc` (oldest first, the default) or `desc`. */
  readonly order?: 'asc' | 'desc';
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError('page request', [
      { code: 'too_big', path: ['limit'], message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` },
    ]);
  }
  return limit;
}

export function pageOrder(order: unknown): 'asc' | 'desc' {
  if (order === undefined || order === 'asc' || order === 'desc') return order ?? 'asc';
  throw new ValidationError('page request', [{ code: 'invalid_value', path: ['order'], message: 'must be "asc" or "desc"' }]);
}

/**
 * Fetches one page: asks for one item more than the limit to know whether there is a next page.
 */
export async function fetchPage<R, T>(
  limit: number,
  fetch: (limit: number) => Promise<R[]>,
  position: (row: R) => Keyset,
  map: (row: R) => T,
): Promise<Page<T>> {
  const rows = await fetch(limit + 1);
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const items = pageRows.map(map);
  return more ? { items, nextCursor: encodeCursor(position(pageRows[pageRows.length - 1]!)) } : { items };
}

/**
 * Streams every item by following pages; holds one page in memory at a time, and lets the event
 * loop run between pages (see {@link Yielder}), whatever the consumer does with each item.
 */
export async function* streamPages<R, T>(
  pageSize: number,
  start: Keyset | undefined,
  fetch: (after: Keyset | undefined, limit: number) => Promise<R[]>,
  position: (row: R) => Keyset,
  map: (row: R) => T,
): AsyncGenerator<T> {
  const yielder = new Yielder();
  let after = start;
  for (;;) {
    const rows = await fetch(after, pageSize);
    for (const row of rows) yield map(row);
    if (rows.length < pageSize) return;
    after = position(rows[rows.length - 1]!);
    await yielder.maybeYield();
  }
}
