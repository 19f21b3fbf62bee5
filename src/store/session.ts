import type { AdapterReader, AdapterTransaction, AuditHeadRow, AuditRow, RecordWrite, StorageAdapter } from '../adapters/contract.js';
import { isUniqueViolation } from '../adapters/contract.js';
import { encodeEntry, ENTRY_FORMAT, GENESIS_HASH, hashBody, type UnchainedEntry } from '../audit/chain.js';
import { diffRecords, isPersonalPath, sealChanges } from '../audit/diff.js';
import { newSubjectKey, Sealer } from '../audit/seal.js';
import { stateDigest } from '../audit/state.js';
import { IntegrityError, isTouchlogError, StorageError } from '../errors/index.js';
import type { AuditAction } from '../models/audit-entry.js';
import type { Classifier } from '../classification/rules.js';
import type { ThreadOptions } from '../timeline/thread.js';
import type { DedupeOptions } from './dedupe.js';
import type { ChangeEvent, EventBus } from './events.js';
import type { ModelSpec, StoredModels } from './model-specs.js';

/** What every part of the store shares: the adapter, the bound tenant and actor, clock and ids. */
export interface StoreContext {
  readonly adapter: StorageAdapter;
  readonly tenant: string;
  readonly actor: string;
  /** The current instant, in stored form. */
  now(): string;
  newId(): string;
  readonly events: EventBus;
  /** Classifies interactions and messages as they are recorded, when configured. */
  readonly classifier?: Classifier | undefined;
  /** Cross-source de-duplication of interactions and messages; on unless `false`. */
  readonly dedupe?: DedupeOptions | false | undefined;
  /** Threading of messages as they are recorded; off when `false`. */
  readonly threading: ThreadOptions | false;
}

/**
 * Runs an adapter read, turning anything unexpected it throws into a {@link StorageError} that
 * says what failed without repeating the driver's words.
 */
export async function guardStorage<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asStorageError(what, error);
  }
}

function asStorageError(what: string, error: unknown): unknown {
  if (isTouchlogError(error)) return error;
  if (isUniqueViolation(error)) {
    return new IntegrityError(`a record with the same ${error.constraint} kept being written concurrently; the write was abandoned`, { cause: error });
  }
  return new StorageError(`the storage backend failed while ${what}`, { cause: error });
}

/**
 * One write transaction of the store. Collects audit entries and change events while the work
 * runs; chains and appends the entries just before commit; events go out after commit.
 */
export class WriteSession {
  /** Audit rows of this transaction, chained as they were appended. */
  private readonly rows: AuditRow[] = [];
  private seq: number;
  private prevHash: string;
  private actorJson: string | undefined;
  readonly events: ChangeEvent[] = [];
  private readonly keys = new Map<string, string | null>();
  private readonly newKeys: Array<{ subjectId: string; key: string }> = [];
  /** One key stream per subject for this transaction. */
  private readonly sealers = new Map<string, Sealer>();
  /** Identifier keys resolved or created in this transaction → customer id. */
  readonly identifierCache = new Map<string, string>();

  constructor(
    readonly ctx: StoreContext,
    readonly tx: AdapterTransaction,
    head: AuditHeadRow | undefined,
  ) {
    this.seq = head?.seq ?? 0;
    this.prevHash = head?.hash ?? GENESIS_HASH;
  }

  get tenant(): string {
    return this.ctx.tenant;
  }

  /** Reads inside the transaction (sees its own writes). */
  get reader(): AdapterReader {
    return this.tx;
  }

  /** Loads the data keys of these subjects into the session (one query for a whole batch). */
  async loadKeys(subjectIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(subjectIds)].filter((id) => !this.keys.has(id));
    if (missing.length === 0) return;
    const rows = await this.tx.getSubjectKeys(this.tenant, missing);
    for (const id of missing) this.keys.set(id, null);
    for (const row of rows) this.keys.set(row.subjectId, row.key);
  }

  /** Records that a subject created in this transaction has no key yet (saves a lookup). */
  noKeyYet(subjectId: string): void {
    if (!this.keys.has(subjectId)) this.keys.set(subjectId, null);
  }

  /** The data key of a subject, created when it has none yet. */
  private async keyOf(subjectId: string): Promise<string> {
    if (!this.keys.has(subjectId)) await this.loadKeys([subjectId]);
    let key = this.keys.get(subjectId);
    if (!key) {
      key = newSubjectKey();
      this.keys.set(subjectId, key);
      this.newKeys.push({ subjectId, key });
    }
    return key;
  }

  private async sealerOf(subjectId: string): Promise<Sealer> {
    let sealer = this.sealers.get(subjectId);
    if (!sealer) {
      sealer = new Sealer(await this.keyOf(subjectId));
      this.sealers.set(subjectId, sealer);
    }
    return sealer;
  }

  /**
   * Destroys the data keys of these subjects, in this transaction: personal values sealed with them
   * (including by entries of this very transaction) can no longer be read.
   */
  async destroyKeys(subjectIds: readonly string[]): Promise<void> {
    await this.tx.deleteSubjectKeys(this.tenant, subjectIds);
    for (const id of subjectIds) {
      this.keys.set(id, null);
      this.sealers.delete(id);
    }
    // A key created earlier in this transaction must not be written at flush either.
    for (let i = this.newKeys.length - 1; i >= 0; i--) if (subjectIds.includes(this.newKeys[i]!.subjectId)) this.newKeys.splice(i, 1);
  }

  /**
   * Audits a write of a record: the digest of the state written (`write`, as stored) and, for a
   * change, the field-level before/after, personal values sealed with the data key of the
   * customer the record was recorded for. A creation lists no fields: its state is the record.
   */
  async audit<M extends keyof StoredModels>(
    spec: ModelSpec<M>,
    action: AuditAction,
    subjectId: string,
    before: StoredModels[M] | undefined,
    after: StoredModels[M],
    write: RecordWrite,
    reason?: string,
  ): Promise<void> {
    const { row } = write;
    const state = stateDigest(row.salt!, row.homeCustomerId, row.document);
    const entity = { type: spec.entityType, id: after.id };
    const event = { model: spec.model, id: after.id, version: after.version, action };
    if (before === undefined && reason === undefined) {
      this.appendCreation(spec.entityType, after.id, after.version, state, after.updatedAt, event);
      return;
    }
    const changes = before === undefined ? [] : diffRecords(before as Record<string, unknown>, after as Record<string, unknown>, spec.personal);
    const sealed = changes.some((change) => isPersonalPath(change.path, spec.personal))
      ? sealChanges(changes, spec.personal, await this.sealerOf(subjectId))
      : { changes };
    this.appendEntry(
      {
        at: this.ctx.now(),
        actor: this.ctx.actor,
        action,
        entity,
        version: after.version,
        state,
        changes: sealed.changes,
        ...(reason !== undefined ? { reason } : {}),
        ...(sealed.sealed !== undefined ? { sealed: { subject: subjectId, ...sealed.sealed } } : {}),
      },
      event,
    );
  }

  /** Appends an entry to the chain (record writes go through {@link audit}; purges come here directly). */
  appendEntry(entry: UnchainedEntry, event?: Pick<ChangeEvent, 'model' | 'id' | 'version' | 'action'>): void {
    const { text, hash } = encodeEntry(this.tenant, entry, ++this.seq, this.prevHash);
    this.prevHash = hash;
    this.rows.push({ seq: this.seq, entityId: entry.entity.id, entry: text });
    if (event && this.ctx.events.listening) this.events.push({ ...event, tenant: this.tenant, at: entry.at, actor: this.ctx.actor });
  }

  /**
   * The entry of a creation, the most frequent by far, at the instant the record was written: its
   * text is written out directly, as
   * {@link encodeEntry} would encode it (every value but the actor is an id, an instant, an enum
   * or a digest, none of which JSON escapes), and it lists no fields.
   */
  private appendCreation(type: string, id: string, version: number, state: string, at: string, event: Pick<ChangeEvent, 'model' | 'id' | 'version' | 'action'>): void {
    this.actorJson ??= JSON.stringify(this.ctx.actor);
    const body = `{"v":${ENTRY_FORMAT},"at":"${at}","actor":${this.actorJson},"action":"create","entity":{"type":"${type}","id":"${id}"},"version":${version},"state":"${state}","seq":${++this.seq},"prevHash":"${this.prevHash}"}`;
    const hash = hashBody(this.tenant, body);
    this.prevHash = hash;
    this.rows.push({ seq: this.seq, entityId: id, entry: `${body.slice(0, -1)},"hash":"${hash}"}` });
    if (this.ctx.events.listening) this.events.push({ ...event, tenant: this.tenant, at, actor: this.ctx.actor });
  }

  /** Writes the transaction's entries and new data keys, and moves the audit head. */
  async flush(): Promise<void> {
    if (this.newKeys.length > 0) await this.tx.putSubjectKeys(this.tenant, this.newKeys);
    if (this.rows.length === 0) return;
    await this.tx.appendAudit(this.tenant, this.rows, { seq: this.seq, hash: this.prevHash });
  }
}

/** How often a write is retried when a concurrent writer took the same source key or identifier first. */
const UNIQUE_RETRIES = 3;

/**
 * Runs `work` in one write transaction: locks the tenant's audit chain, runs the work, appends
 * its audit entries, commits, then publishes its change events.
 *
 * A unique violation means another writer (maybe another process) committed the same source key
 * or identifier between our read and our write: the whole transaction is run again, and this time
 * sees that record.
 */
export async function runWrite<T>(ctx: StoreContext, work: (session: WriteSession) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { result, events } = await ctx.adapter.transaction(async (tx) => {
        const head = await tx.lockTenant(ctx.tenant);
        const session = new WriteSession(ctx, tx, head);
        const result = await work(session);
        await session.flush();
        return { result, events: session.events };
      });
      ctx.events.emit(events);
      return result;
    } catch (error) {
      if (isUniqueViolation(error) && attempt < UNIQUE_RETRIES) continue;
      throw asStorageError('writing', error);
    }
  }
}
