/**
 * Email import: `.eml` files and mbox mailboxes into communication records, threaded into
 * conversations and resolved to customers.
 */
import { createReadStream, rmSync } from 'node:fs';
import { chmod, lstat, mkdtemp, open, readdir, readFile, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isTouchlogError, NotFoundError, ValidationError } from '../../errors/index.js';
import type { CommunicationInput } from '../../models/communication.js';
import type { Touchlog } from '../../store/touchlog.js';
import { decodeUtf8, openInput, pathOf, splitLines, type ImportInput } from '../input.js';
import { runImport, type ImportOptions, type ImportPosition, type ImportReport, type ParsedRecord } from '../run-import.js';
import { splitMbox } from './mbox.js';
import { parseEmail, type EmailOptions } from './parse-email.js';

/** Options of {@link importMbox} and {@link importEml}. */
export interface EmailImportOptions extends EmailOptions, ImportOptions {
  /** Largest message accepted, in bytes; 50 MiB when not given. Larger ones are rejected. */
  readonly maxMessageBytes?: number;
  /**
   * Where the import keeps the parsed messages between reading and writing (they are read once
   * before they are stored): a private directory (0700, files 0600) created inside
   * this one and removed when the import ends. The operating system's temporary directory when not
   * given. Leftovers of imports that crashed are removed by the next import using the same
   * directory. See docs/compliance.md.
   */
  readonly spoolDirectory?: string;
}

/** Default largest message: 50 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

/** One raw message and where it was. */
interface RawMessage {
  readonly at: ImportPosition;
  readonly bytes: Uint8Array | undefined;
  readonly envelopeDate?: string | undefined;
  /**
   * Why `bytes` is missing: a stable error code, an issue code and a sentence (which the rejection
   * prefixes with where the message was, unless `located` says the sentence already does).
   */
  readonly failure?: { readonly code: string; readonly issue: string; readonly message: string; readonly located?: boolean };
}

const tooLarge = (max: number) => ({ code: 'VALIDATION_FAILED', issue: 'too_big', message: `the message is larger than ${max} bytes` });

type SpooledRecord = { at: ImportPosition; data: CommunicationInput & { source: { system: string; externalId: string } } } | { at: ImportPosition; rejection: Extract<ParsedRecord, { rejection: unknown }>['rejection'] };

/** What the spool directories are called: `mkdtemp` adds six characters. */
const SPOOL_PREFIX = 'touchlog-email-';
const SPOOL_NAME = /^touchlog-email-[A-Za-z0-9]{6}$/;
/** The files a spool directory holds; a directory with anything else is not ours to remove. */
const SPOOL_FILES = new Set(['owner.json', 'messages.ndjson']);
/** A spool whose owner cannot be checked (another host, no owner file) is left alone this long. */
const SPOOL_ORPHAN_AGE_MS = 24 * 60 * 60 * 1000;

/** Whether a process of this host is alive (one of another user counts as alive: not ours to judge). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes spool directories that earlier email imports left behind when they crashed (killed,
 * out of memory, power cut) — they hold message bodies and addresses. Only directories that are
 * certainly leftovers are removed: named like ours, a directory (not a link), owned by this user,
 * holding nothing but a spool's files, and either written by a process of this host that is no
 * longer running, or, when that cannot be told, untouched for a day. Best effort: a directory that
 * cannot be checked or removed is left as it is.
 */
async function removeStaleSpools(parent: string): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(parent)).filter((name) => SPOOL_NAME.test(name));
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const dir = join(parent, name);
    try {
      const info = await lstat(dir);
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
      const files = await readdir(dir);
      if (!files.every((file) => SPOOL_FILES.has(file))) continue;
      const owner = files.includes('owner.json')
        ? (JSON.parse(await readFile(join(dir, 'owner.json'), 'utf8')) as { pid?: unknown; host?: unknown })
        : undefined;
      const ownedHere = owner !== undefined && typeof owner.pid === 'number' && owner.host === hostname();
      const stale = ownedHere ? !processAlive(owner.pid as number) : Date.now() - info.mtimeMs > SPOOL_ORPHAN_AGE_MS;
      if (stale) await rm(dir, { recursive: true, force: true });
    } catch {
      // Being removed by another import, unreadable, not a spool after all: leave it.
    }
  }
}

/**
 * Spool directories of imports in progress, removed if the process exits before they end
 * (`process.exit()`, a second Ctrl-C in the CLI): one `exit` listener for all of them.
 */
const liveSpools = new Set<string>();
let exitHookInstalled = false;
function trackSpool(dir: string): void {
  if (!exitHookInstalled) {
    process.on('exit', () => {
      for (const live of liveSpools) rmSync(live, { recursive: true, force: true });
    });
    exitHookInstalled = true;
  }
  liveSpools.add(dir);
}

/** A spool directory that cannot be used, as the error of the option that named it. */
function spoolDirectoryError(parent: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'is not writable' : undefined;
  if (why === undefined) return error;
  return new ValidationError('email import options', [
    { code: 'unusable_directory', path: ['spoolDirectory'], message: `the directory ${parent} ${why}: the import keeps the messages it reads there until they are stored` },
  ]);
}

/**
 * Spool of parsed records on disk, between reading and writing: message bodies
 * and addresses, so it is private — a directory only its user can enter (0700) holding files only
 * its user can read (0600) — and removed when the import ends, however it ends. If the process
 * dies, the next email import that uses the same directory removes it (see removeStaleSpools).
 */
class Spool {
  private handle: FileHandle | undefined;
  private buffered: string[] = [];
  private size = 0;
  readonly path: string;

  private constructor(readonly dir: string) {
    this.path = join(dir, 'messages.ndjson');
  }

  static async create(parent: string): Promise<Spool> {
    await removeStaleSpools(parent);
    let dir: string;
    try {
      dir = await mkdtemp(join(parent, SPOOL_PREFIX));
    } catch (error) {
      throw spoolDirectoryError(parent, error);
    }
    const spool = new Spool(dir);
    trackSpool(dir);
    try {
      await chmod(spool.dir, 0o700); // mkdtemp's mode already, whatever the umask: make sure
      await writeFile(join(spool.dir, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }), { mode: 0o600, flag: 'wx' });
      spool.handle = await open(spool.path, 'wx', 0o600);
    } catch (error) {
      await spool.remove();
      throw error;
    }
    return spool;
  }

  async write(record: SpooledRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.buffered.push(line);
    this.size += line.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffered.length === 0) return;
    await this.handle!.write(this.buffered.join(''));
    this.buffered = [];
    this.size = 0;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }

  async *read(): AsyncGenerator<SpooledRecord> {
    let first = true;
    for await (const line of splitLines(createReadStream(this.path, { highWaterMark: 256 * 1024 }), Number.MAX_SAFE_INTEGER)) {
      const text = decodeUtf8(line.bytes!, first);
      first = false;
      if (text) yield JSON.parse(text) as SpooledRecord;
    }
  }

  async remove(): Promise<void> {
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
    await rm(this.dir, { recursive: true, force: true });
    liveSpools.delete(this.dir);
  }
}

function rejectionOf(error: unknown, location: string): Extract<ParsedRecord, { rejection: unknown }>['rejection'] {
  if (isTouchlogError(error)) {
    return {
      model: 'communication',
      code: error.code,
      message: `${location}: ${error instanceof ValidationError ? error.issues.map((issue) => issue.message).join('; ') : error.message}`,
      ...(error instanceof ValidationError ? { issues: error.issues } : {}),
    };
  }
  throw error;
}

const describe = (at: ImportPosition) =>
  at.file !== undefined ? `${at.file}` : at.line !== undefined ? `message at line ${at.line}` : `message ${at.index + 1}`;

/**
 * The email pipeline. Reading parses every message (one in memory at a time) into a spool file;
 * writing streams the spool through `log.ingest`, which threads the messages as they are stored.
 */
async function importMessages(
  log: Touchlog,
  messages: AsyncIterable<RawMessage>,
  meter: { bytesRead(): number; readonly bytesTotal: number | undefined },
  options: EmailImportOptions,
): Promise<ImportReport> {
  const spool = await Spool.create(resolve(options.spoolDirectory ?? tmpdir()));
  try {
    let read = 0;
    let lastReport = 0;
    for await (const message of messages) {
      read++;
      let record: SpooledRecord;
      if (message.bytes === undefined) {
        const failure = message.failure ?? { code: 'VALIDATION_FAILED', issue: 'unreadable_input', message: 'the message cannot be read' };
        record = {
          at: message.at,
          rejection: {
            model: 'communication',
            code: failure.code,
            message: failure.located ? failure.message : `${describe(message.at)}: ${failure.message}`,
            issues: [{ code: failure.issue, path: [], message: failure.message }],
          },
        };
      } else {
        try {
          const { input } = await parseEmail(message.bytes, { ...options, ...(message.envelopeDate ? { fallbackDate: message.envelopeDate } : {}) });
          record = { at: message.at, data: input };
        } catch (error) {
          record = { at: message.at, rejection: rejectionOf(error, describe(message.at)) };
        }
      }
      await spool.write(record);
      const now = Date.now();
      if (options.onProgress && now - lastReport >= 100) {
        lastReport = now;
        options.onProgress({ phase: 'reading', read, bytesRead: meter.bytesRead(), bytesTotal: meter.bytesTotal, processed: 0, created: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0, batches: 0 });
      }
      if (options.signal?.aborted) break;
    }
    await spool.close();
    options.onProgress?.({ phase: 'reading', read, bytesRead: meter.bytesRead(), bytesTotal: meter.bytesTotal, processed: 0, created: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0, batches: 0 });

    async function* records(): AsyncGenerator<ParsedRecord> {
      for await (const record of spool.read()) {
        if ('rejection' in record) yield record;
        else yield { at: record.at, item: { model: 'communication', data: record.data } };
      }
    }
    return await runImport(log, records(), meter, options);
  } finally {
    await spool.remove();
  }
}

function checkOptions(options: EmailImportOptions): void {
  const max = options.maxMessageBytes;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw new ValidationError('email import options', [{ code: 'invalid_value', path: ['maxMessageBytes'], message: 'must be a positive integer' }]);
  }
  if (options.spoolDirectory !== undefined && (typeof options.spoolDirectory !== 'string' || options.spoolDirectory === '')) {
    throw new ValidationError('email import options', [{ code: 'invalid_type', path: ['spoolDirectory'], message: 'must be the path of a directory' }]);
  }
  if (options.ourDomains !== undefined && !(Array.isArray(options.ourDomains) && options.ourDomains.every((d) => typeof d === 'string'))) {
    throw new ValidationError('email import options', [{ code: 'invalid_type', path: ['ourDomains'], message: 'must be a list of domain names' }]);
  }
}

/**
 * Imports an mbox mailbox: every message becomes a communication record (see {@link parseEmail}),
 * threaded by the store as it is recorded (`threadId`; see the `threading` option of
 * `createTouchlog`), its customer resolved by the store from the
 * other party's addresses (or created with `createMissingCustomers`). Idempotent: the source key
 * is the mail system and the Message-ID, so importing the same mailbox again changes nothing.
 * Rejections name the line of the message's envelope.
 *
 * @example
 * ```ts
 * import { importMbox } from 'touchlog/interop';
 *
 * const report = await importMbox(log, 'ar-inbox.mbox', { ourDomains: ['seller.example'], createMissingCustomers: true });
 * ```
 */
export async function importMbox(log: Touchlog, input: ImportInput, options: EmailImportOptions = {}): Promise<ImportReport> {
  checkOptions(options);
  const opened = await openInput(input);
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const name = typeof input === 'string' ? input : input instanceof URL ? input.pathname : 'the input';
  async function* messages(): AsyncGenerator<RawMessage> {
    let index = 0;
    let found = 0;
    let before: RawMessage | undefined;
    for await (const message of splitMbox(opened.chunks, max)) {
      const at = { index: index++, line: message.line };
      if (message.problem === 'no_envelope') {
        const lines = message.lines ?? 0;
        // Held until a message follows: without one, the input is no mbox at all.
        before = {
          at,
          bytes: undefined,
          failure: {
            code: 'VALIDATION_FAILED',
            issue: 'no_envelope',
            located: true,
            message: `${lines === 1 ? `line ${message.line}` : `${lines} lines from line ${message.line}`} before the first envelope line ("From <sender> <date>") ${lines === 1 ? 'belongs' : 'belong'} to no message`,
          },
        };
        continue;
      }
      if (before) yield before;
      before = undefined;
      found++;
      yield {
        at,
        bytes: message.bytes,
        envelopeDate: message.envelopeDate,
        ...(message.problem === 'too_large' ? { failure: tooLarge(max) } : {}),
      };
    }
    if (found === 0 && before) {
      throw new ValidationError('mbox', [
        {
          code: 'not_mbox',
          path: [],
          message:
            `${name} is not an mbox: none of its lines is an envelope line ("From <sender> <date>") starting a message. ` +
            'One message is imported as .eml (--format eml on the command line, importEml in code)',
        },
      ]);
    }
  }
  return importMessages(log, messages(), opened, options);
}

/** `.eml` files of a directory, sorted by name (not recursive). */
async function emlFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.eml$/i.test(entry.name))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/**
 * Imports `.eml` messages: a file, a directory (its `*.eml` files, sorted by name), a list of
 * files, or one message as a stream. All of them are threaded together. Otherwise as
 * {@link importMbox}; rejections name the file.
 *
 * @throws {NotFoundError} `NOT_FOUND` (entity `file`) when a file or directory does not exist
 */
export async function importEml(log: Touchlog, input: ImportInput | readonly string[], options: EmailImportOptions = {}): Promise<ImportReport> {
  checkOptions(options);
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  let files: string[] | undefined;
  if (Array.isArray(input)) files = input.map((file) => resolve(String(file)));
  else {
    const path = pathOf(input as ImportInput);
    if (path !== undefined) {
      const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new NotFoundError('file', path, `file ${path} was not found`);
        throw error;
      });
      files = info.isDirectory() ? await emlFilesIn(path) : [path];
    }
  }
  let bytesRead = 0;
  let bytesTotal: number | undefined;
  async function* readOne(source: ImportInput, at: ImportPosition): AsyncGenerator<RawMessage> {
    const opened = await openInput(source);
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of opened.chunks) {
      bytesRead += chunk.byteLength;
      size += chunk.byteLength;
      if (size <= max) parts.push(chunk);
    }
    yield size > max ? { at, bytes: undefined, failure: tooLarge(max) } : { at, bytes: Buffer.concat(parts) };
  }
  async function* messages(): AsyncGenerator<RawMessage> {
    if (files === undefined) {
      yield* readOne(input as ImportInput, { index: 0 });
      return;
    }
    let index = 0;
    for (const file of files) {
      try {
        yield* readOne(file, { index, file });
      } catch (error) {
        if (!isTouchlogError(error)) throw error;
        yield { at: { index, file }, bytes: undefined, failure: { code: error.code, issue: error.code === 'NOT_FOUND' ? 'not_found' : 'unreadable_input', message: error.message } };
      }
      index++;
    }
  }
  if (files !== undefined) {
    bytesTotal = 0;
    for (const file of files) bytesTotal += (await stat(file).catch(() => ({ size: 0 }))).size;
  }
  const meter = { bytesRead: () => bytesRead, bytesTotal };
  return importMessages(log, messages(), meter, options);
}
