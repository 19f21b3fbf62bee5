import type { RecordRow, RecordUpdate, RecordWrite } from '../adapters/contract.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { sha256 } from '../audit/sha256.js';
import { newSalt } from '../audit/state.js';
import {
  IdentifierConflictError,
  isTouchlogError,
  SourceConflictError,
  VersionConflictError,
  type TouchlogError,
} from '../errors/index.js';
import type { CommunicationRecord, ValidCommunicationInput } from '../models/communication.js';
import type { Customer, ValidCustomerInput } from '../models/customer.js';
import type { FinancialRecord, ValidFinancialRecordInput } from '../models/financial-record.js';
import type { FollowUp, ValidFollowUpInput } from '../models/follow-up.js';
import { identifierKey } from '../models/identifiers.js';
import type { Interaction, ValidInteractionInput } from '../models/interaction.js';
import { MODEL_SPECS, recordFromRow, type ModelSpec, type StoredModels } from './model-specs.js';
import type { ThreadOptions } from '../timeline/thread.js';
import { isThreadable, ThreadClosure, threadIdNotDecided, threadKeyLinks, type IncomingMessage } from './threading.js';
import type { Classification } from '../classification/rules.js';
import { applyClassification } from './classify.js';
import { DuplicateFinder, foldCopy, type DedupableRecord } from './dedupe.js';
import { CustomerResolver, type CustomerAssignment, type CustomerClue, type ResolveOptions } from './resolve.js';
import type { WriteSession } from './session.js';
import { assertTransition, DISPUTE_TRANSITIONS, FOLLOW_UP_TRANSITIONS, INTERACTION_TRANSITIONS } from './state-machines.js';

/** What happened to one recorded item. */
export type RecordOutcome = 'created' | 'updated' | 'unchanged' | 'stale';

/**
 * The result of recording one item: the stored record and what happened. `unchanged` means the
 * same source record was already stored with the same content; `stale` means a newer revision of
 * it is stored, so this one was ignored (the stored record is returned).
 */
export interface RecordResult<T> {
  readonly outcome: RecordOutcome;
  readonly record: T;
}

/** Valid (normalised) input per model. */
export interface ValidInputs {
  customer: ValidCustomerInput;
  interaction: ValidInteractionInput;
  communication: ValidCommunicationInput;
  financialRecord: ValidFinancialRecordInput;
  followUp: ValidFollowUpInput;
}

export type WritableModel = keyof ValidInputs;

interface Base {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** How each model turns valid input into a stored record. */
interface Builder<M extends WritableModel> {
  clue(input: ValidInputs[M]): CustomerClue | undefined;
  build(input: ValidInputs[M], base: Base, customerId: string, existing: StoredModels[M] | undefined, now: string): StoredModels[M];
  /** Checks a status change made by a newer source revision. */
  checkStatus?(existing: StoredModels[M], next: StoredModels[M]): void;
}

/**
 * A new record: the bookkeeping fields, the customer it belongs to (unless it is a customer), then
 * the input's fields but those left `out` (the input-only `customer` reference...). Built as one
 * literal and filled in place: an object made by spreading (`{ ...base }`) makes every property
 * added to it afterwards, and its JSON encoding, several times slower (measured: 24 µs against 4).
 */
function recordOf<T>(base: Base, customerId: string | undefined, input: object, out: ReadonlySet<string> = INPUT_ONLY): T {
  const record: Record<string, unknown> =
    customerId === undefined
      ? { id: base.id, version: base.version, createdAt: base.createdAt, updatedAt: base.updatedAt }
      : { id: base.id, version: base.version, createdAt: base.createdAt, updatedAt: base.updatedAt, customerId };
  const from = input as Record<string, unknown>;
  for (const key in from) if (!out.has(key)) record[key] = from[key];
  return record as T;
}

const INPUT_ONLY: ReadonlySet<string> = new Set(['customer']);
const NOTHING: ReadonlySet<string> = new Set();
const MESSAGE_INPUT_ONLY: ReadonlySet<string> = new Set(['customer', 'deliveryStatus']);

const BUILDERS: { [M in WritableModel]: Builder<M> } = {
  customer: {
    clue: () => undefined,
    build: (input, base, _customerId, existing) => {
      const record = recordOf<Customer>(base, undefined, input, NOTHING);
      if (existing?.mergedInto !== undefined) record.mergedInto = existing.mergedInto;
      if (existing?.erasedAt !== undefined) record.erasedAt = existing.erasedAt;
      return record;
    },
  },
  interaction: {
    clue: (input) => ({ customer: input.customer }),
    build: (input, base, customerId) => recordOf<Interaction>(base, customerId, input),
    checkStatus: (existing, next) => assertTransition(INTERACTION_TRANSITIONS, 'interaction', existing.id, existing.status, next.status),
  },
  communication: {
    clue: (input) => ({
      ...(input.customer ? { customer: input.customer } : {}),
      ...(input.interactionId !== undefined ? { interactionId: input.interactionId } : {}),
      addresses: input.direction === 'inbound' ? (input.from ? [input.from] : []) : input.direction === 'outbound' ? [...input.to, ...input.cc] : [],
    }),
    build: (input, base, customerId, existing, now) => {
      const { deliveryStatus } = input;
      const record = recordOf<CommunicationRecord & { delivery: CommunicationRecord['delivery'] }>(base, customerId, input, MESSAGE_INPUT_ONLY);
      const history = existing?.delivery.history ?? [];
      record.delivery =
        existing && existing.delivery.status === deliveryStatus
          ? existing.delivery
          : { status: deliveryStatus, history: [...history, { status: deliveryStatus, at: existing ? now : input.sentAt }] };
      if (input.threadId === undefined && existing?.threadId !== undefined) record.threadId = existing.threadId;
      return record;
    },
  },
  financialRecord: {
    clue: (input) => ({ customer: input.customer }),
    build: (input, base, customerId) => recordOf<FinancialRecord>(base, customerId, input),
    checkStatus: (existing, next) => {
      if (existing.type === 'dispute' && next.type === 'dispute') {
        assertTransition(DISPUTE_TRANSITIONS, 'dispute', existing.id, existing.status, next.status);
      }
    },
  },
  followUp: {
    clue: (input) => (input.customer ? { customer: input.customer } : { interactionId: input.interactionId! }),
    build: (input, base, customerId) => recordOf<FollowUp>(base, customerId, input),
    checkStatus: (existing, next) => assertTransition(FOLLOW_UP_TRANSITIONS, 'follow-up', existing.id, existing.status, next.status),
  },
};

/** The adapter row and derived writes of a stored record. */
export function toWrite<M extends WritableModel>(
  spec: ModelSpec<M>,
  record: StoredModels[M],
  assignment: CustomerAssignment,
  sourceHash: string | null,
  /** The store's threading: a message's thread keys are written with it (see `threading.ts`). */
  threading: ThreadOptions | false,
  /** The record's JSON, when the caller has it already. */
  document: string = JSON.stringify(record),
): RecordWrite {
  const source = (record as { source?: { system: string; externalId: string } }).source;
  const facets = spec.facets(record);
  const row: RecordRow = {
    collection: spec.collection,
    id: record.id,
    version: record.version,
    customerId: assignment.customerId,
    homeCustomerId: assignment.homeCustomerId,
    at: facets.at,
    dueAt: facets.dueAt,
    kind: facets.kind,
    channel: facets.channel,
    purpose: facets.purpose,
    status: facets.status,
    sourceSystem: source?.system ?? null,
    sourceExternalId: source?.externalId ?? null,
    sourceHash,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    salt: newSalt(),
    document,
  };
  // A message's thread keys; a copy (below) keeps them, since threading reads copies too.
  const threadKeys = spec.collection === 'communications' ? threadKeyLinks(record as CommunicationRecord, threading) : [];
  // A copy of an event another record stands for stays off the timeline and out of link lookups.
  if ((record as { duplicateOf?: string }).duplicateOf !== undefined) return { row, links: threadKeys, timeline: [] };
  const links = spec.links(record);
  return { row, links: threadKeys.length === 0 ? links : [...links, ...threadKeys], timeline: spec.timeline(record) };
}

/**
 * Digest of a source payload, to tell a re-delivery from a changed record at the same source
 * version: SHA-256 over the validated input as JSON. Validation gives every field in the model's
 * order, and the free-form maps (`metadata`, `attributes`) are encoded with their keys sorted, so
 * the same content always gives the same digest, however the source ordered it. Reordering a
 * model's fields would change every digest (test/store/source-digest.test.ts pins them).
 *
 * `threadId` is left out: it is assigned by threading, which can change when other messages of
 * the conversation arrive without the message having changed.
 */
export function sourceDigest(input: object): string {
  return sourcePayload(input).digest;
}

/** The digest of a source payload, and the payload's JSON when it is exactly `JSON.stringify(input)`. */
function sourcePayload(input: object): { digest: string; inputJson: string | undefined } {
  const { threadId, metadata, attributes } = input as { threadId?: unknown; metadata?: unknown; attributes?: unknown };
  if (threadId === undefined && metadata === undefined && attributes === undefined) {
    const inputJson = JSON.stringify(input);
    return { digest: sha256(inputJson, 'base64url'), inputJson };
  }
  const copy: Record<string, unknown> = { ...input };
  delete copy['threadId'];
  if (metadata !== undefined) copy['metadata'] = sortedDeep(metadata);
  if (attributes !== undefined) copy['attributes'] = sortedDeep(attributes);
  return { digest: sha256(JSON.stringify(copy), 'base64url'), inputJson: undefined };
}

/**
 * The JSON of a new record built by {@link recordOf} from `input`, made from the input's JSON
 * (already encoded for its digest) instead of encoding the record again: the bookkeeping fields
 * and customer id (ULIDs and ISO instants, which need no escaping), then the input's members but
 * its leading `customer` reference. `undefined` when the input's JSON does not have that shape.
 */
function documentFromInput(record: Base & { customerId?: string }, input: { customer?: unknown }, inputJson: string): string | undefined {
  let rest: string;
  if (input.customer === undefined) rest = inputJson.slice(1);
  else {
    const prefix = `{"customer":${JSON.stringify(input.customer)},`;
    if (!inputJson.startsWith(prefix)) return undefined;
    rest = inputJson.slice(prefix.length);
  }
  if (rest.length < 2) return undefined;
  const owner = record.customerId === undefined ? '' : `"customerId":"${record.customerId}",`;
  return `{"id":"${record.id}","version":${record.version},"createdAt":"${record.createdAt}","updatedAt":"${record.updatedAt}",${owner}${rest}`;
}

/** Models whose new records are exactly {@link recordOf} of their input (messages add a delivery history). */
const PLAIN_BUILDS: ReadonlySet<WritableModel> = new Set(['customer', 'interaction', 'financialRecord', 'followUp']);

/** A JSON value with every object's keys in sorted order. */
function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedDeep((value as Record<string, unknown>)[key]);
  return out;
}

/** The digest touchlog 0.0.x stored (canonical JSON of the input), which rows written then still hold. */
function legacySourceDigest(input: object): string {
  const { threadId: _threadId, ...payload } = input as { threadId?: unknown };
  return sha256(canonicalJson(payload), 'base64url');
}

/** `true` when the stored digest is this payload's, in either format. */
function sameSource(stored: string | null, digest: string, input: object): boolean {
  return stored === digest || (stored !== null && stored === legacySourceDigest(input));
}

const sourceMapKey = (system: string, externalId: string) => `${system}\u0000${externalId}`;

/** Options of a write of records. */
export interface WriteOptions extends ResolveOptions {
  /** Classifications of the inputs (same order), computed before the transaction; see `classifyInputs`. */
  readonly classifications?: ReadonlyArray<Classification | undefined> | undefined;
  /**
   * `atomic`: the first failing item fails the whole call (nothing is written).
   * `lenient`: failing items are returned as errors and the others are written (ingest).
   */
  readonly mode: 'atomic' | 'lenient';
}

/** A record kept in the transaction: what is written when the batch flushes. */
interface Pending {
  write: RecordWrite;
  kind: 'insert' | 'update';
  expectedVersion: number;
}

/**
 * Records a batch of valid inputs of one model inside a write session: resolves customers,
 * applies source-key idempotency (create / update / unchanged / stale / conflict), audits, and
 * writes everything with one insert and one update call. Returns one result or error per input,
 * in order.
 */
export async function writeRecords<M extends WritableModel>(
  session: WriteSession,
  model: M,
  inputs: readonly ValidInputs[M][],
  options: WriteOptions,
): Promise<Array<RecordResult<StoredModels[M]> | TouchlogError>> {
  const spec = MODEL_SPECS[model] as unknown as ModelSpec<M>;
  const builder = BUILDERS[model] as unknown as Builder<M>;
  const { tx, tenant } = session;
  const now = session.ctx.now();
  const threading = session.ctx.threading;
  const results: Array<RecordResult<StoredModels[M]> | TouchlogError> = [];
  if (inputs.length === 0) return results;

  const resolver = new CustomerResolver(session, async (identifier, displayName) => {
    const [created] = await writeRecords(session, 'customer', [{ displayName, identifiers: [identifier], tags: [] }], { ...options, mode: 'atomic' });
    const result = created as RecordResult<Customer>;
    resolver.remember(result.record.id);
    return result.record;
  });
  const clues = inputs.map((input) => builder.clue(input));
  await resolver.prefetch(clues.filter((clue) => clue !== undefined));

  // Existing records with the same source keys, fetched in one query.
  const sourceKeys = inputs
    .map((input) => (input as { source?: { system: string; externalId: string } }).source)
    .filter((source) => source !== undefined);
  const bySource = new Map<string, RecordRow>();
  if (sourceKeys.length > 0) {
    for (const row of await tx.getRecordsBySource(tenant, spec.collection, sourceKeys)) {
      bySource.set(sourceMapKey(row.sourceSystem!, row.sourceExternalId!), row);
    }
  }

  const pending = new Map<string, Pending>();
  const identifierRows: Array<{ key: string; customerId: string }> = [];
  const dedupe = session.ctx.dedupe;
  const finder =
    dedupe !== false && (spec.collection === 'interactions' || spec.collection === 'communications')
      ? new DuplicateFinder(session, spec.collection, dedupe ?? {})
      : undefined;
  // Reads planned for the whole batch rather than item by item: the data keys of the customers it
  // names, and the records near its items that cross-source de-duplication compares them with.
  await session.loadKeys(resolver.loadedCustomerIds());
  if (finder) {
    const wanted: Array<{ customerId: string; at: string }> = [];
    inputs.forEach((input, index) => {
      const source = (input as { source?: { system: string; externalId: string } }).source;
      if (source && bySource.has(sourceMapKey(source.system, source.externalId))) return;
      const customerId = resolver.peek(clues[index]!);
      const at = (input as { occurredAt?: string; sentAt?: string }).occurredAt ?? (input as { sentAt?: string }).sentAt;
      if (customerId !== undefined && at !== undefined) wanted.push({ customerId, at });
    });
    await finder.prefetch(wanted);
  }

  /** Writes a new version of a record already stored or pending in this batch (dedupe folding). */
  const rewrite = async (before: StoredModels[M], next: StoredModels[M], assignment: CustomerAssignment, row: RecordRow | undefined, reason: string) => {
    const known = pending.get(before.id);
    const version = (known?.write.row.version ?? row!.version) + 1;
    const record = { ...next, version, updatedAt: now } as StoredModels[M];
    const write = toWrite(spec, record, assignment, known?.write.row.sourceHash ?? row?.sourceHash ?? null, threading);
    pending.set(before.id, { write, kind: known?.kind ?? 'update', expectedVersion: known?.expectedVersion ?? row!.version });
    finder?.remember(record as unknown as DedupableRecord, write.row);
    await session.audit(spec, 'update', assignment.homeCustomerId, before, record, write, reason);
    return record;
  };

  const threads = model === 'communication' && threading !== false ? await planThreads(session, inputs as readonly ValidCommunicationInput[], bySource, threading) : undefined;
  if (threads) {
    for (const { row, record, threadId } of threads.rethreads) {
      await rewrite(record as unknown as StoredModels[M], { ...record, threadId } as unknown as StoredModels[M], { customerId: row.customerId, homeCustomerId: row.homeCustomerId }, row, 'threaded again: a message of its conversation arrived');
    }
  }

  for (let index = 0; index < inputs.length; index++) {
    const raw = inputs[index]!;
    try {
      const source = (raw as { source?: { system: string; externalId: string; version?: number } }).source;
      // The digest covers what the source sent, before classification, so a change of rules never
      // turns a re-delivery into a conflict.
      const payload = source ? sourcePayload(raw) : undefined;
      const digest = payload ? payload.digest : null;
      const classified = applyClassification(session.ctx.classifier?.name ?? '', model, raw, options.classifications?.[index]);
      const threadError = threads?.errors.get(index);
      if (threadError) throw threadError;
      const threadId = threads?.threadIds.get(index);
      const input = threadId === undefined ? classified.input : ({ ...classified.input, threadId } as ValidInputs[M]);
      const existing = source ? bySource.get(sourceMapKey(source.system, source.externalId)) : undefined;

      if (existing) {
        const stored = recordFromRow<StoredModels[M]>(existing);
        const storedVersion = (stored as { source?: { version?: number } }).source?.version ?? 0;
        const incomingVersion = source!.version ?? 0;
        if (incomingVersion < storedVersion) {
          results.push({ outcome: 'stale', record: stored });
          continue;
        }
        if (incomingVersion === storedVersion) {
          if (sameSource(existing.sourceHash, digest!, raw)) {
            results.push({ outcome: 'unchanged', record: stored });
            continue;
          }
          throw new SourceConflictError(spec.label, source!.system, source!.externalId, incomingVersion);
        }
        const assignment =
          model === 'customer'
            ? { customerId: existing.customerId, homeCustomerId: existing.id }
            : await resolver.resolve(clues[index]!, options);
        const base: Base = { id: existing.id, version: existing.version + 1, createdAt: stored.createdAt, updatedAt: now };
        const next = withNote(builder.build(input, base, assignment.customerId, stored, now), classified.note);
        builder.checkStatus?.(stored, next);
        if (model === 'customer') {
          identifierRows.push(...(await identifierChanges(session, stored as Customer, next as Customer)));
        }
        const write = toWrite(spec, next, assignment, digest, threading);
        const previous = pending.get(existing.id);
        pending.set(existing.id, {
          write,
          kind: previous?.kind ?? 'update',
          expectedVersion: previous?.expectedVersion ?? existing.version,
        });
        bySource.set(sourceMapKey(source!.system, source!.externalId), write.row);
        await session.audit(spec, 'update', assignment.homeCustomerId, stored, next, write);
        results.push({ outcome: 'updated', record: next });
        continue;
      }

      const id = threads?.ids.get(index) ?? session.ctx.newId();
      if (model === 'customer') session.noKeyYet(id);
      const assignment =
        model === 'customer'
          ? { customerId: id, homeCustomerId: id }
          : await resolver.resolve(clues[index]!, options, displayNameOf(input));
      const built = builder.build(input, { id, version: 1, createdAt: now, updatedAt: now }, assignment.customerId, undefined, now);
      let record = withNote(built, classified.note);
      if (model === 'customer') {
        identifierRows.push(...(await identifierChanges(session, undefined, record as Customer)));
      }
      const copyOf = finder ? await finder.find(record as unknown as DedupableRecord) : undefined;
      if (finder && copyOf) {
        const canonical = copyOf.canonical.record as unknown as StoredModels[M];
        const canonicalRow = copyOf.canonical.row ?? pending.get(canonical.id)!.write.row;
        const canonicalAssignment = { customerId: canonicalRow.customerId, homeCustomerId: canonicalRow.homeCustomerId };
        const from = (record as { source?: { system: string } }).source?.system ?? 'another system';
        if (finder.outranks(record as unknown as DedupableRecord, canonical as unknown as DedupableRecord)) {
          // The more trusted system's copy takes the place on the timeline.
          record = foldCopy(record as unknown as DedupableRecord, canonical as unknown as DedupableRecord, copyOf.matchedBy) as unknown as StoredModels[M];
          const { mergedFrom: _lineage, ...demoted } = canonical as unknown as DedupableRecord;
          await rewrite(canonical, { ...demoted, duplicateOf: id } as unknown as StoredModels[M], canonicalAssignment, copyOf.canonical.row, `a copy from ${from}, a more trusted system, stands for this event now`);
        } else {
          record = { ...record, duplicateOf: canonical.id } as StoredModels[M];
          await rewrite(canonical, foldCopy(canonical as unknown as DedupableRecord, record as unknown as DedupableRecord, copyOf.matchedBy) as unknown as StoredModels[M], canonicalAssignment, copyOf.canonical.row, `the copy from ${from} folded in`);
        }
      }
      // The input's JSON serves as the record's when nothing changed the record since it was built.
      const reuse = record === built && classified.note === undefined && payload?.inputJson !== undefined && PLAIN_BUILDS.has(model);
      const document = reuse ? documentFromInput(record as Base, raw as { customer?: unknown }, payload.inputJson!) : undefined;
      const write = toWrite(spec, record, assignment, digest, threading, document);
      finder?.remember(record as unknown as DedupableRecord, write.row);
      pending.set(id, { write, kind: 'insert', expectedVersion: 0 });
      if (source) bySource.set(sourceMapKey(source.system, source.externalId), write.row);
      await session.audit(spec, 'create', assignment.homeCustomerId, undefined, record, write);
      results.push({ outcome: 'created', record });
    } catch (error) {
      if (options.mode === 'atomic' || !isItemError(error)) throw error;
      results.push(error);
    }
  }

  if (threads) {
    // Messages threaded with the batch but not stored (failed, or a re-delivery): thread again without them.
    const kept = threads.incoming.filter((message) => pending.has(message.id));
    if (kept.length < threads.incoming.length) {
      const { threadIds } = threads.closure.thread(kept);
      for (const [id, threadId] of threadIds) {
        const known = pending.get(id);
        const stored = known === undefined ? threads.closure.storedRow(id) : undefined;
        const row = known?.write.row ?? stored;
        if (row === undefined) continue; // a message that was not stored
        const current = recordFromRow<CommunicationRecord>(row);
        if (current.threadId === threadId) continue;
        const assignment = { customerId: row.customerId, homeCustomerId: row.homeCustomerId };
        await rewrite(current as unknown as StoredModels[M], { ...current, threadId } as unknown as StoredModels[M], assignment, stored, 'threaded again: a message of its batch was not stored');
      }
    }
  }

  const inserts: RecordWrite[] = [];
  const updates: RecordUpdate[] = [];
  for (const item of pending.values()) {
    if (item.kind === 'insert') inserts.push(item.write);
    else updates.push({ ...item.write, expectedVersion: item.expectedVersion });
  }
  if (inserts.length > 0) await tx.insertRecords(tenant, inserts);
  if (updates.length > 0) {
    const stale = await tx.updateRecords(tenant, updates);
    if (stale.length > 0) throw new VersionConflictError(spec.label, stale[0]!, updates.find((u) => u.row.id === stale[0])!.expectedVersion);
  }
  if (identifierRows.length > 0) await tx.putIdentifiers(tenant, identifierRows);
  return results;
}

/** The threading of a batch of messages, decided before any of them is built (each is audited once, as written). */
interface ThreadPlan {
  readonly closure: ThreadClosure;
  /** The batch's messages that threading decides, with the record ids they will have. */
  readonly incoming: readonly IncomingMessage[];
  /** Record id of each new message, by input index (allocated here, because a thread id may be one). */
  readonly ids: ReadonlyMap<number, string>;
  /** Thread id of each threaded message, by input index. */
  readonly threadIds: ReadonlyMap<number, string>;
  /** Inputs whose own `threadId` is not the one threading gives them. */
  readonly errors: ReadonlyMap<number, TouchlogError>;
  /** Stored messages that move to another thread. */
  readonly rethreads: ReturnType<ThreadClosure['thread']>['rethreads'];
}

async function planThreads(
  session: WriteSession,
  inputs: readonly ValidCommunicationInput[],
  bySource: ReadonlyMap<string, RecordRow>,
  threading: ThreadOptions,
): Promise<ThreadPlan> {
  const closure = new ThreadClosure(session.tx, session.tenant, threading);
  const incoming: IncomingMessage[] = [];
  const indexOf = new Map<string, number>();
  const ids = new Map<number, string>();
  const replaced: CommunicationRecord[] = [];
  inputs.forEach((input, index) => {
    if (!isThreadable(input, threading)) return;
    const existing = input.source ? bySource.get(sourceMapKey(input.source.system, input.source.externalId)) : undefined;
    let id: string;
    if (existing) {
      const stored = recordFromRow<CommunicationRecord>(existing);
      // Unchanged, stale or conflicting: the stored message stays as it is (and is read as stored).
      if ((input.source!.version ?? 0) <= (stored.source?.version ?? 0)) return;
      id = existing.id;
      replaced.push(stored);
    } else {
      id = session.ctx.newId();
      ids.set(index, id);
    }
    indexOf.set(id, index);
    const { messageId, inReplyTo, references, subject, from, to, cc, sentAt } = input;
    incoming.push({ id, messageId, inReplyTo, references, subject, from, to, cc, sentAt });
  });
  const threadIds = new Map<number, string>();
  const errors = new Map<number, TouchlogError>();
  if (incoming.length === 0) return { closure, incoming, ids, threadIds, errors, rethreads: [] };
  await closure.extend([...incoming, ...replaced]);
  const threaded = closure.thread(incoming);
  for (const [id, index] of indexOf) {
    const threadId = threaded.threadIds.get(id)!;
    const given = inputs[index]!.threadId;
    if (given !== undefined && given !== threadId) {
      errors.set(index, threadIdNotDecided('communication', threadId));
    } else threadIds.set(index, threadId);
  }
  return { closure, incoming, ids, threadIds, errors, rethreads: threaded.rethreads };
}

/** The record with the classifier's reasons kept on it, when the classifier changed anything. */
function withNote<T>(record: T, note: unknown): T {
  if (note !== undefined) (record as { classification?: unknown }).classification = note;
  return record;
}

/** Codes that are about one item; anything else (storage, integrity) fails the whole batch. */
const ITEM_ERRORS = new Set(['VALIDATION_FAILED', 'NOT_FOUND', 'SOURCE_CONFLICT', 'IDENTIFIER_CONFLICT', 'INVALID_TRANSITION']);

function isItemError(error: unknown): error is TouchlogError {
  return isTouchlogError(error) && ITEM_ERRORS.has(error.code);
}

/** A name for a customer created from a record's identifier: the customer participant's name, if any. */
function displayNameOf(input: unknown): string | undefined {
  const participants = (input as { participants?: Array<{ role: string; name?: string }> }).participants;
  return participants?.find((p) => p.role === 'customer' && p.name)?.name;
}

/**
 * Identifier rows to write for a customer whose identifiers go from `before` to `after`: checks
 * that new ones belong to nobody else, deletes dropped ones, and records the new ones in the
 * session so that later items of the batch resolve to this customer.
 */
export async function identifierChanges(
  session: WriteSession,
  before: Customer | undefined,
  after: Customer,
): Promise<Array<{ key: string; customerId: string }>> {
  const oldKeys = new Set((before?.identifiers ?? []).map(identifierKey));
  const newKeys = [...new Set(after.identifiers.map(identifierKey))];
  const added = newKeys.filter((key) => !oldKeys.has(key));
  const removed = [...oldKeys].filter((key) => !newKeys.includes(key));
  if (added.length > 0) {
    const unknown = added.filter((key) => !session.identifierCache.has(key));
    if (unknown.length > 0) {
      for (const row of await session.tx.getIdentifiers(session.tenant, unknown)) session.identifierCache.set(row.key, row.customerId);
    }
    for (const key of added) {
      const owner = session.identifierCache.get(key);
      if (owner !== undefined && owner !== after.id) throw new IdentifierConflictError(key, owner);
    }
  }
  if (removed.length > 0) {
    const owned = (await session.tx.getIdentifiers(session.tenant, removed)).filter((row) => row.customerId === after.id);
    if (owned.length > 0) await session.tx.deleteIdentifiers(session.tenant, owned.map((row) => row.key));
    for (const row of owned) session.identifierCache.delete(row.key);
  }
  for (const key of added) session.identifierCache.set(key, after.id);
  return added.map((key) => ({ key, customerId: after.id }));
}
