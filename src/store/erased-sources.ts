/**
 * Erased records and the sources that deliver them again. Erasure replaces a record's source key
 * by a pseudonym (`erased:<HMAC>`, see compliance/pseudonyms.ts) keyed by a secret of the tenant,
 * so that the original key — a Message-ID with the person's domain, a CRM key — is no longer
 * stored. A later delivery of that record arrives with the original key; here it is turned into
 * the pseudonym and looked up, and the record is reported `unchanged` instead of being stored
 * again: an erased person is never brought back by a re-import or a sync.
 */
import type { AdapterReader, AdapterTransaction, Collection, RecordRow } from '../adapters/contract.js';
import { createPseudonymiser, newPseudonymSecret, type Pseudonymiser } from '../compliance/pseudonyms.js';
import type { TouchlogError } from '../errors/index.js';
import { MODEL_SPECS, recordFromRow, type StoredModels } from './model-specs.js';
import type { WriteSession } from './session.js';
import { writeRecords, type RecordResult, type ValidInputs, type WritableModel, type WriteOptions } from './write-records.js';

/**
 * The subject id the tenant's pseudonym secret is kept under, with the customers' data keys (it is
 * no ULID, so no customer has it). Erasure destroys the customer's data keys, never this one.
 */
export const PSEUDONYM_SECRET_SUBJECT = 'touchlog:erasure-pseudonyms';

/** Models whose erasure pseudonymises the source key (financial records keep their document keys). */
const PSEUDONYMISED: ReadonlySet<WritableModel> = new Set(['customer', 'interaction', 'communication', 'followUp']);

/**
 * The tenant's pseudonymiser; `undefined` while the tenant has none (nothing was ever erased).
 * Read every time (one point read): another process may have written it since.
 */
export async function tenantPseudonymiser(reader: AdapterReader, tenant: string): Promise<Pseudonymiser | undefined> {
  const [row] = await reader.getSubjectKeys(tenant, [PSEUDONYM_SECRET_SUBJECT]);
  return row ? createPseudonymiser(row.key) : undefined;
}

/** The tenant's pseudonymiser, its secret written in `tx` first when the tenant has none. */
export async function ensureTenantPseudonymiser(tx: AdapterTransaction, tenant: string): Promise<Pseudonymiser> {
  const existing = await tenantPseudonymiser(tx, tenant);
  if (existing) return existing;
  const key = newPseudonymSecret();
  await tx.putSubjectKeys(tenant, [{ subjectId: PSEUDONYM_SECRET_SUBJECT, key }]);
  return createPseudonymiser(key);
}

/**
 * The stored record an erased record's source key now names, for a lookup by the original key
 * (`getBySource`); `undefined` when there is none or nothing was ever erased.
 */
export async function erasedRecordBySource(reader: AdapterReader, tenant: string, collection: Collection, source: { system: string; externalId: string }): Promise<RecordRow | undefined> {
  if (collection === 'financial') return undefined;
  const pseudonyms = await tenantPseudonymiser(reader, tenant);
  if (!pseudonyms) return undefined;
  const [row] = await reader.getRecordsBySource(tenant, collection, [{ system: source.system, externalId: pseudonyms.sourceKey(source.system, source.externalId) }]);
  return row;
}

const sourceOf = (input: unknown) => (input as { source?: { system: string; externalId: string } }).source;

/**
 * The stored erased records that inputs of `model` are deliveries of, by input index. One query
 * for the batch, and none at all while the tenant has never erased anyone.
 */
export async function erasedRecordsFor(
  session: WriteSession,
  model: WritableModel,
  inputs: readonly unknown[],
): Promise<Map<number, RecordRow>> {
  const found = new Map<number, RecordRow>();
  if (!PSEUDONYMISED.has(model) || !inputs.some((input) => sourceOf(input) !== undefined)) return found;
  const { tx, tenant } = session;
  const pseudonyms = await tenantPseudonymiser(tx, tenant);
  if (!pseudonyms) return found;
  const keys = new Map<string, number[]>();
  inputs.forEach((input, index) => {
    const source = sourceOf(input);
    if (!source) return;
    const key = `${source.system}\u0000${pseudonyms.sourceKey(source.system, source.externalId)}`;
    keys.set(key, [...(keys.get(key) ?? []), index]);
  });
  const collection: Collection = MODEL_SPECS[model].collection;
  const lookups = [...keys.keys()].map((key) => {
    const [system, externalId] = key.split('\u0000') as [string, string];
    return { system, externalId };
  });
  for (const row of await tx.getRecordsBySource(tenant, collection, lookups)) {
    for (const index of keys.get(`${row.sourceSystem}\u0000${row.sourceExternalId}`) ?? []) found.set(index, row);
  }
  return found;
}

/**
 * {@link writeRecords}, except that an input delivering a record that was erased is not written:
 * its result is `unchanged`, with the erased record, whatever its source version.
 */
export async function writeRecordsUnlessErased<M extends WritableModel>(
  session: WriteSession,
  model: M,
  inputs: readonly ValidInputs[M][],
  options: WriteOptions,
): Promise<Array<RecordResult<StoredModels[M]> | TouchlogError>> {
  const erased = await erasedRecordsFor(session, model, inputs);
  if (erased.size === 0) return writeRecords(session, model, inputs, options);
  const rest = inputs.map((input, index) => ({ input, index })).filter(({ index }) => !erased.has(index));
  const classifications = options.classifications;
  const written =
    rest.length === 0
      ? []
      : await writeRecords(
          session,
          model,
          rest.map(({ input }) => input),
          { ...options, classifications: classifications === undefined ? undefined : rest.map(({ index }) => classifications[index]) },
        );
  const results: Array<RecordResult<StoredModels[M]> | TouchlogError> = [];
  let next = 0;
  for (let index = 0; index < inputs.length; index++) {
    const row = erased.get(index);
    results.push(row ? { outcome: 'unchanged', record: recordFromRow<StoredModels[M]>(row) } : written[next++]!);
  }
  return results;
}
