/**
 * Restorable exports: a whole tenant as NDJSON that `restoreTenant` brings back — into an empty
 * tenant of any adapter — with the same ids, versions, documents, timeline, links, merges,
 * erasures and audit chain (`audit.verify()` passes afterwards, and the head is the same).
 *
 * ```text
 * {"type":"header","format":"touchlog.restorable","version":1,"tenant":"acme","exportedAt":"…","head":{"seq":1042,"hash":"…"},"note":"…"}
 * {"type":"audit","seq":1,"entityId":"01J…","entry":"{\"v\":2,…}"}                 ← every audit entry, in seq order
 * {"type":"record","collection":"interactions","customerId":"01J…","homeCustomerId":"01J…","salt":"…","sourceHash":"…","document":"{\"id\":…}"}  ← id order
 * {"type":"identifier","key":"email:ap@acme.example","customerId":"01J…"}          ← key order
 * {"type":"subjectKey","subjectId":"01J…","key":"…"}                               ← subject order
 * {"type":"end","counts":{"audit":1042,"records":310,"identifiers":40,"subjectKeys":21},"sha256":"…"}
 * ```
 *
 * Documents and audit entries are JSON strings holding the exact stored text: the audit trail
 * commits to those bytes. The file holds the data keys that open the personal values sealed in
 * audit entries: it is key material — keep it like a database backup.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { AuditRow, Collection, IdentifierRow, SubjectKeyRow } from '../adapters/contract.js';
import { COLLECTIONS } from '../adapters/contract.js';
import { RestoreIntegrityError, ValidationError } from '../errors/index.js';
import { readSnapshot, restoreSnapshot, type RestoreReport, type SnapshotCounts, type SnapshotItem, type SnapshotRecord } from '../store/snapshot.js';
import type { Touchlog } from '../store/touchlog.js';
import { decodeUtf8, openInput, splitLines, type ImportInput } from './input.js';

/** The `format` of a restorable export's header line. */
export const RESTORABLE_FORMAT = 'touchlog.restorable';
/** The version of the format written now; `restoreTenant` reads this version. */
export const RESTORABLE_VERSION = 1;

/** Longest line `restoreTenant` reads: a record of the largest documents, escaped twice, fits. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

const NOTE = 'A restorable export of a touchlog tenant. It holds the data keys that open the personal values sealed in audit entries: keep it like a database backup. Restore it with restoreTenant() or touchlog restore.';

/** Options of {@link exportRestorable}. */
export interface RestorableExportOptions {
  /** Stops the export (the stream fails with `ABORTED`). */
  readonly signal?: AbortSignal;
  /** Called as the export advances (about every thousand lines) with the counts so far. */
  readonly onProgress?: (counts: SnapshotCounts) => void;
}

/** Options of {@link restoreTenant}. */
export interface RestoreTenantOptions {
  /** Stops the restore: nothing is restored (`ABORTED`). */
  readonly signal?: AbortSignal;
  /** Called as the restore advances with the counts so far. */
  readonly onProgress?: (counts: SnapshotCounts) => void;
}

/**
 * A bounded queue between a producer that runs inside a transaction and a consumer that pulls
 * lines at its own pace: the producer waits while it is full, and learns when the consumer stopped.
 */
class LineChannel {
  private readonly lines: string[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;
  private closed = false;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly capacity: number) {}

  /** Adds a line; waits while the queue is full. Throws once the consumer has stopped reading. */
  async push(line: string): Promise<void> {
    while (this.lines.length >= this.capacity && !this.closed) await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    if (this.closed) throw new ConsumerGone();
    this.lines.push(line);
    this.wakeConsumer?.();
  }

  end(failure?: { error: unknown }): void {
    this.done = true;
    this.failure = failure;
    this.wakeConsumer?.();
  }

  /** The consumer stopped: the producer's next push throws. */
  close(): void {
    this.closed = true;
    this.wakeProducer?.();
  }

  async *drain(): AsyncGenerator<string> {
    for (;;) {
      while (this.lines.length > 0) {
        const line = this.lines.shift()!;
        this.wakeProducer?.();
        yield line;
      }
      if (this.done) {
        if (this.failure) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      this.wakeConsumer = undefined;
    }
  }
}

/** Thrown into the producer when the consumer of an export stopped reading. */
class ConsumerGone extends Error {}

/**
 * The whole tenant as restorable NDJSON lines (each ending in `\n`), streaming: the header, the
 * audit trail, the records, the identifiers, the data keys and an end line with the counts and a
 * SHA-256 of every line before it. The tenant's writers wait while it is read, so the export is
 * one consistent state (on SQLite, the database's writers).
 *
 * The export holds data keys: treat it as key material, like a database backup.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * import { Readable } from 'node:stream';
 * import { exportRestorable } from 'touchlog/interop';
 *
 * await pipeline(Readable.from(exportRestorable(log)), createWriteStream('acme.restorable.ndjson', { mode: 0o600 }));
 * ```
 */
export async function* exportRestorable(log: Touchlog, options: RestorableExportOptions = {}): AsyncGenerator<string> {
  const channel = new LineChannel(512);
  const hash = createHash('sha256');
  const counts = { audit: 0, records: 0, identifiers: 0, subjectKeys: 0 };
  let lines = 0;
  const emit = async (value: object) => {
    const line = `${JSON.stringify(value)}\n`;
    hash.update(line);
    await channel.push(line);
    if (++lines % 1000 === 0) options.onProgress?.({ ...counts });
  };
  const producer = readSnapshot(
    log.adapter,
    log.tenant,
    {
      header: (header) =>
        emit({
          type: 'header',
          format: RESTORABLE_FORMAT,
          version: RESTORABLE_VERSION,
          tenant: header.tenant,
          exportedAt: new Date().toISOString(),
          head: header.head ?? null,
          note: NOTE,
        }),
      audit: (row) => {
        counts.audit++;
        return emit({ type: 'audit', seq: row.seq, entityId: row.entityId, entry: row.entry });
      },
      record: (record) => {
        counts.records++;
        return emit({ type: 'record', ...record });
      },
      identifier: (row) => {
        counts.identifiers++;
        return emit({ type: 'identifier', key: row.key, customerId: row.customerId });
      },
      subjectKey: (row) => {
        counts.subjectKeys++;
        return emit({ type: 'subjectKey', subjectId: row.subjectId, key: row.key });
      },
    },
    options.signal,
  ).then(
    async (read) => {
      await channel.push(`${JSON.stringify({ type: 'end', counts: read, sha256: hash.digest('hex') })}\n`);
      options.onProgress?.({ ...counts });
      channel.end();
    },
    (error: unknown) => channel.end({ error }),
  );
  try {
    yield* channel.drain();
  } finally {
    channel.close();
    await producer.catch(() => {});
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max = 1024): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;
const isNullableText = (value: unknown) => value === null || isText(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const SECTIONS = ['header', 'audit', 'record', 'identifier', 'subjectKey', 'end'] as const;
type Section = (typeof SECTIONS)[number];
const FIELDS: Record<Section, readonly string[]> = {
  header: ['type', 'format', 'version', 'tenant', 'exportedAt', 'head', 'note'],
  audit: ['type', 'seq', 'entityId', 'entry'],
  record: ['type', 'collection', 'customerId', 'homeCustomerId', 'salt', 'sourceHash', 'document'],
  identifier: ['type', 'key', 'customerId'],
  subjectKey: ['type', 'subjectId', 'key'],
  end: ['type', 'counts', 'sha256'],
};

/**
 * Reads a restorable export into snapshot items, checking each line's form, the order of the
 * sections, and — at the end line — the checksum of every line before it. Streaming: one line
 * in memory at a time. `restoreTenant` reads exports this way; use it to inspect one.
 *
 * @example
 * ```ts
 * for await (const item of readRestorable('acme.restorable.ndjson')) {
 *   if (item.type === 'header') console.log(item.tenant, item.head);
 *   if (item.type === 'end') console.log(item.counts); // { audit, records, identifiers, subjectKeys }
 * }
 * ```
 */
export async function* readRestorable(input: ImportInput): AsyncGenerator<SnapshotItem> {
  const opened = await openInput(input);
  const hash = createHash('sha256');
  let section = -1;
  let ended = false;
  let lastLine = 0;
  const bad = (line: number, message: string) => new ValidationError('restorable export', [{ code: 'invalid_value', path: ['line', line], message }]);
  for await (const raw of splitLines(opened.chunks, MAX_LINE_BYTES)) {
    const n = raw.number;
    lastLine = n;
    if (raw.bytes === undefined) throw bad(n, `is longer than ${MAX_LINE_BYTES} bytes`);
    const text = decodeUtf8(raw.bytes, false);
    if (text === undefined) throw bad(n, 'is not valid UTF-8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw bad(n, n === 1 ? 'is not JSON: this is not a restorable export (touchlog export --restorable writes them)' : 'is not JSON');
    }
    if (!isObject(value) || !(SECTIONS as readonly string[]).includes(value['type'] as string)) {
      throw bad(n, n === 1 ? 'is not the header of a restorable export (touchlog export --restorable writes them)' : 'is not a line of a restorable export (its "type" is none of header, audit, record, identifier, subjectKey, end)');
    }
    const type = value['type'] as Section;
    if (ended) throw bad(n, 'comes after the last line of the export');
    const at = SECTIONS.indexOf(type);
    if (n === 1 ? type !== 'header' : at < section || type === 'header') {
      throw bad(n, n === 1 ? 'is not the header of a restorable export (touchlog export --restorable writes them)' : `is ${/^[aeiu]/.test(type) ? 'an' : 'a'} ${type} line out of its section: the sections are header, audit, record, identifier, subjectKey, end, in this order`);
    }
    section = at;
    for (const key of Object.keys(value)) if (!FIELDS[type].includes(key)) throw bad(n, `has a field "${key}" that a ${type} line does not have`);
    if (type === 'end') {
      const counts = value['counts'];
      if (!isObject(counts) || !['audit', 'records', 'identifiers', 'subjectKeys'].every((name) => isCount(counts[name])) || typeof value['sha256'] !== 'string') {
        throw bad(n, 'is not the end line of an export ({ counts: { audit, records, identifiers, subjectKeys }, sha256 })');
      }
      if (value['sha256'] !== hash.digest('hex')) {
        throw new RestoreIntegrityError('the export was changed after it was written: the checksum of its lines is not the one its last line records', { line: n });
      }
      ended = true;
      yield { type: 'end', line: n, counts: counts as unknown as SnapshotCounts };
      continue;
    }
    hash.update(raw.bytes);
    hash.update('\n');
    switch (type) {
      case 'header': {
        if (value['format'] !== RESTORABLE_FORMAT) throw bad(n, 'is not the header of a restorable export (touchlog export --restorable writes them)');
        if (value['version'] !== RESTORABLE_VERSION) {
          throw bad(n, `is an export of format version ${JSON.stringify(value['version'])}; this touchlog reads version ${RESTORABLE_VERSION} (restore it with the touchlog that wrote it, or a newer one)`);
        }
        const head = value['head'];
        if (!isText(value['tenant'], 128) || !(head === null || (isObject(head) && isCount(head['seq']) && head['seq'] > 0 && isText(head['hash'], 128)))) {
          throw bad(n, 'is a header without a valid tenant and head');
        }
        yield { type: 'header', line: n, tenant: value['tenant'], head: head === null ? undefined : { seq: head['seq'] as number, hash: head['hash'] as string } };
        break;
      }
      case 'audit': {
        if (!isCount(value['seq']) || !isText(value['entityId'], 64) || typeof value['entry'] !== 'string') throw bad(n, 'is not an audit line ({ seq, entityId, entry })');
        yield { type: 'audit', line: n, row: { seq: value['seq'], entityId: value['entityId'], entry: value['entry'] } satisfies AuditRow };
        break;
      }
      case 'record': {
        if (
          !COLLECTIONS.includes(value['collection'] as Collection) ||
          !isText(value['customerId'], 64) ||
          !isText(value['homeCustomerId'], 64) ||
          !isNullableText(value['salt']) ||
          !isNullableText(value['sourceHash']) ||
          typeof value['document'] !== 'string'
        ) {
          throw bad(n, 'is not a record line ({ collection, customerId, homeCustomerId, salt, sourceHash, document })');
        }
        const record: SnapshotRecord = {
          collection: value['collection'] as Collection,
          customerId: value['customerId'],
          homeCustomerId: value['homeCustomerId'],
          salt: value['salt'] as string | null,
          sourceHash: value['sourceHash'] as string | null,
          document: value['document'],
        };
        yield { type: 'record', line: n, record };
        break;
      }
      case 'identifier': {
        if (!isText(value['key'], 2048) || !isText(value['customerId'], 64)) throw bad(n, 'is not an identifier line ({ key, customerId })');
        yield { type: 'identifier', line: n, row: { key: value['key'], customerId: value['customerId'] } satisfies IdentifierRow };
        break;
      }
      case 'subjectKey': {
        const key = value['key'];
        if (!isText(value['subjectId'], 128) || !isText(key, 256) || Buffer.from(key, 'base64').length !== 32) throw bad(n, 'is not a data key line ({ subjectId, key: 32 bytes in base64 })');
        yield { type: 'subjectKey', line: n, row: { subjectId: value['subjectId'], key } satisfies SubjectKeyRow };
        break;
      }
    }
  }
  if (section === -1) throw bad(1, 'is missing: the input is empty, not a restorable export');
  if (!ended) throw new RestoreIntegrityError('the export ends before its last line: it was cut short (copy it again, or export again)', { line: lastLine });
}

/**
 * Restores a restorable export into this instance's tenant, which must have the export's tenant
 * name (audit entries are hashed with it):
 *
 * - an **empty** tenant receives everything, in one transaction, checked as it goes (the chain
 *   up to the export's head, every record against the entry that last wrote it, where records
 *   are filed, identifiers, counts and checksum): anything wrong, and nothing is restored;
 * - a tenant that already holds **exactly** the export (a restore run twice) is left as it is:
 *   `outcome: 'unchanged'`, nothing written;
 * - any other tenant is refused with `TENANT_NOT_EMPTY`: a restore never merges into existing data.
 *
 * @example
 * ```ts
 * import { restoreTenant } from 'touchlog/interop';
 *
 * const target = createTouchlog({ adapter: postgresAdapter({ connectionString }), tenant: 'acme', actor: 'ops:restore' });
 * const report = await restoreTenant(target, 'acme.restorable.ndjson'); // { outcome: 'restored', head, counts, ... }
 * ```
 * @throws {RestoreIntegrityError} `INTEGRITY_VIOLATION` naming the first entry, record or line that does not hold together
 * @throws {TenantNotEmptyError} `TENANT_NOT_EMPTY` when the tenant holds other data
 * @throws {TenantMismatchError} `TENANT_MISMATCH` when the export is of another tenant
 * @throws {ValidationError} `VALIDATION_FAILED` when the input is not a restorable export (naming the line)
 */
export async function restoreTenant(log: Touchlog, input: ImportInput, options: RestoreTenantOptions = {}): Promise<RestoreReport> {
  return restoreSnapshot(log.adapter, log.tenant, readRestorable(input), { ...options, threading: log.threading });
}

export type { RestoreReport, SnapshotCounts, SnapshotItem, SnapshotRecord } from '../store/snapshot.js';
