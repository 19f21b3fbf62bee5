import type { AdapterReader, AdapterTransaction, StorageAdapter } from 'touchlog';

type ReaderOverrides = Partial<{ [K in keyof AdapterReader]: (inner: AdapterReader[K]) => AdapterReader[K] }>;
type TxOverrides = Partial<{
  [K in keyof AdapterTransaction]: (inner: AdapterTransaction[K], tx: AdapterTransaction) => AdapterTransaction[K];
}>;

/**
 * Wraps an adapter, replacing some methods — on the adapter itself (reads outside transactions)
 * and on its transaction handles. Used to build deliberately broken adapters (mutants) and
 * fault-injecting ones.
 */
export function wrapAdapter(
  inner: StorageAdapter,
  overrides: { reader?: ReaderOverrides; tx?: TxOverrides; transaction?: StorageAdapter['transaction'] } = {},
): StorageAdapter {
  const wrapTx = (tx: AdapterTransaction): AdapterTransaction => {
    const wrapped = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(txKeys) as (keyof AdapterTransaction)[]) {
      const method = (tx[key] as (...args: unknown[]) => unknown).bind(tx);
      const readerOverride = overrides.reader?.[key as keyof AdapterReader] as ((m: unknown) => unknown) | undefined;
      const txOverride = overrides.tx?.[key] as ((m: unknown, t: AdapterTransaction) => unknown) | undefined;
      wrapped[key] = txOverride ? txOverride(method, tx) : readerOverride ? readerOverride(method) : method;
    }
    return wrapped as unknown as AdapterTransaction;
  };
  const adapter: Record<string, unknown> = {
    name: `${inner.name} (wrapped)`,
    capabilities: inner.capabilities,
    migrate: () => inner.migrate(),
    close: () => inner.close(),
    transaction:
      overrides.transaction ?? (<T>(fn: (tx: AdapterTransaction) => Promise<T>) => inner.transaction((tx) => fn(wrapTx(tx)))),
  };
  for (const key of Object.keys(readerKeys) as (keyof AdapterReader)[]) {
    const method = (inner[key] as (...args: unknown[]) => unknown).bind(inner);
    const override = overrides.reader?.[key] as ((m: unknown) => unknown) | undefined;
    adapter[key] = override ? override(method) : method;
  }
  return adapter as unknown as StorageAdapter;
}

const readerKeys: Record<keyof AdapterReader, true> = {
  getRecords: true,
  getRecordsBySource: true,
  getMergeTargets: true,
  listRecords: true,
  listTimeline: true,
  listLinked: true,
  getIdentifiers: true,
  readAudit: true,
  readAuditByEntity: true,
  scanRecords: true,
  getAuditHead: true,
  getSubjectKeys: true,
  listRecordsBySource: true,
  scanIdentifiers: true,
  scanSubjectKeys: true,
};

const txKeys: Record<keyof AdapterTransaction, true> = {
  ...readerKeys,
  lockTenant: true,
  insertRecords: true,
  updateRecords: true,
  deleteRecords: true,
  reassignRecords: true,
  putIdentifiers: true,
  deleteIdentifiers: true,
  appendAudit: true,
  putSubjectKeys: true,
  deleteSubjectKeys: true,
};
