import type { AdapterReader, AdapterTransaction, StorageAdapter } from '../adapters/contract.js';
import { StorageError } from '../errors/index.js';

/** Options of {@link faultInjectingAdapter}. */
export interface FaultOptions {
  /** Fail the Nth adapter call (1-based), counting calls on the adapter and on its transactions. */
  readonly failAt: number;
  /** Count only calls to these methods (all when not given). */
  readonly methods?: readonly string[];
}

/** An adapter that fails on purpose, and tells how many calls it saw. */
export interface FaultInjectingAdapter extends StorageAdapter {
  /** Calls counted so far. */
  readonly calls: number;
  /** Whether the fault was injected. */
  readonly fired: boolean;
}

const READER_METHODS = [
  'getRecords',
  'getRecordsBySource',
  'getMergeTargets',
  'listRecords',
  'listTimeline',
  'listLinked',
  'getIdentifiers',
  'readAudit',
  'readAuditByEntity',
  'scanRecords',
  'getAuditHead',
  'getSubjectKeys',
  'listRecordsBySource',
  'scanIdentifiers',
  'scanSubjectKeys',
] as const satisfies ReadonlyArray<keyof AdapterReader>;

const WRITE_METHODS = [
  'lockTenant',
  'insertRecords',
  'updateRecords',
  'deleteRecords',
  'reassignRecords',
  'putIdentifiers',
  'deleteIdentifiers',
  'appendAudit',
  'putSubjectKeys',
  'deleteSubjectKeys',
] as const satisfies ReadonlyArray<keyof AdapterTransaction>;

/**
 * Wraps an adapter so that its Nth call throws a retryable `StorageError`, as a lost connection or
 * a full disk would. Use it to prove that an operation leaves nothing partial behind when storage
 * fails at any point, and that retrying completes it.
 *
 * @example
 * ```ts
 * for (let n = 1; ; n++) {
 *   const faulty = faultInjectingAdapter(inner, { failAt: n });
 *   await createTouchlog({ adapter: faulty, tenant, actor }).interactions.recordMany(batch).catch(() => {});
 *   // ...assert nothing of the batch is visible through `inner`...
 *   if (!faulty.fired) break; // the operation needed fewer than n calls
 * }
 * ```
 */
export function faultInjectingAdapter(inner: StorageAdapter, options: FaultOptions): FaultInjectingAdapter {
  let calls = 0;
  let fired = false;
  const counted = (method: string) => options.methods === undefined || options.methods.includes(method);
  const guard = <F extends (...args: never[]) => unknown>(method: string, fn: F): F =>
    ((...args: never[]) => {
      if (counted(method) && ++calls === options.failAt) {
        fired = true;
        return Promise.reject(new StorageError(`injected fault at call ${calls} (${method})`, { retryable: true }));
      }
      return fn(...args);
    }) as F;

  const wrapTransaction = (tx: AdapterTransaction): AdapterTransaction => {
    const wrapped: Record<string, unknown> = {};
    for (const method of [...READER_METHODS, ...WRITE_METHODS]) {
      wrapped[method] = guard(method, (tx[method] as (...args: never[]) => unknown).bind(tx));
    }
    return wrapped as unknown as AdapterTransaction;
  };

  const adapter: Record<string, unknown> = {
    name: `${inner.name} (faults)`,
    capabilities: inner.capabilities,
    migrate: () => inner.migrate(),
    close: () => inner.close(),
    transaction: guard('transaction', <T>(fn: (tx: AdapterTransaction) => Promise<T>) => inner.transaction((tx) => fn(wrapTransaction(tx)))),
  };
  if (inner.scrub) adapter['scrub'] = guard('scrub', inner.scrub.bind(inner));
  for (const method of READER_METHODS) adapter[method] = guard(method, (inner[method] as (...args: never[]) => unknown).bind(inner));
  Object.defineProperties(adapter, {
    calls: { get: () => calls, enumerable: true },
    fired: { get: () => fired, enumerable: true },
  });
  return adapter as unknown as FaultInjectingAdapter;
}
