import type { AuditChange } from '../models/audit-entry.js';
import { canonicalJson } from './canonical-json.js';
import type { Sealer, SealedBlock } from './seal.js';

/** Fields every record has that an audit change never lists: they change on every write. */
const BOOKKEEPING = new Set(['id', 'version', 'createdAt', 'updatedAt']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const same = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && canonicalJson(a) === canonicalJson(b));

const sortedKeys = (a: Record<string, unknown>, b: Record<string, unknown>) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

/** `true` when `path` is one of `personal` or inside one of them. */
export function isPersonalPath(path: string, personal: readonly string[]): boolean {
  return personal.some((p) => path === p || path.startsWith(`${p}.`));
}

/**
 * Field-level changes between two versions of a record, as dot paths (`outcome.code`). Nested
 * objects are compared field by field; arrays and personal fields are compared whole. A record
 * that is created has `before` undefined; one that is removed has `after` undefined.
 */
export function diffRecords(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  personal: readonly string[],
): AuditChange[] {
  const changes: AuditChange[] = [];
  // A field that holds personal sub-fields (kyc.note, outcome.note) is compared field by field even
  // when created or removed whole, so that those sub-fields get sealed.
  const hasPersonalBelow = (path: string) => personal.some((p) => p.startsWith(`${path}.`));
  const walk = (a: unknown, b: unknown, path: string) => {
    if (same(a, b)) return;
    const aObject = isObject(a);
    const bObject = isObject(b);
    const comparable = (aObject && bObject) || (hasPersonalBelow(path) && (aObject || a === undefined) && (bObject || b === undefined));
    if (comparable && !isPersonalPath(path, personal)) {
      const left = (aObject ? a : {}) as Record<string, unknown>;
      const right = (bObject ? b : {}) as Record<string, unknown>;
      for (const key of sortedKeys(left, right)) walk(left[key], right[key], `${path}.${key}`);
      return;
    }
    changes.push({ path, ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) });
  };
  // Sorted, so that the changes come out in the same order whatever order a backend returns keys in.
  for (const key of sortedKeys(before ?? {}, after ?? {})) {
    if (!BOOKKEEPING.has(key)) walk(before?.[key], after?.[key], key);
  }
  return changes;
}

/** A sealed value inside an audit change: the index of the value in the entry's sealed block. */
export interface SealedRef {
  readonly $sealed: number;
}

/**
 * Replaces the personal values in `changes` by references into one block sealed by `sealer`.
 * Returns the changes unchanged (and no block) when none is personal.
 */
export function sealChanges(
  changes: readonly AuditChange[],
  personal: readonly string[],
  sealer: Sealer,
): { changes: AuditChange[]; sealed?: SealedBlock } {
  const values: unknown[] = [];
  const ref = (value: unknown): SealedRef => ({ $sealed: values.push(value) - 1 });
  const out = changes.map((change) => {
    if (!isPersonalPath(change.path, personal)) return change;
    return {
      path: change.path,
      ...('before' in change ? { before: ref(change.before) } : {}),
      ...('after' in change ? { after: ref(change.after) } : {}),
    };
  });
  return values.length === 0 ? { changes: out } : { changes: out, sealed: sealer.seal(values) };
}

export const isSealedRef = (value: unknown): value is SealedRef =>
  isObject(value) && typeof value['$sealed'] === 'number' && Object.keys(value).length === 1;
