import type { AdapterReader, Keyset, RecordRow } from '../adapters/contract.js';
import { ValidationError } from '../errors/index.js';
import type { CommunicationRecord } from '../models/communication.js';
import { threadConversations, type ThreadableMessage, type ThreadOptions } from '../timeline/thread.js';
import { threadKeysOf } from '../timeline/thread-keys.js';
import { recordFromRow } from './model-specs.js';

/**
 * Threading as messages arrive. Every stored message with something to thread by (a Message-ID,
 * References / In-Reply-To, a subject) carries its thread keys ({@link threadKeysOf}) as link rows
 * of the reserved kind {@link THREAD_KEY_LINK}, so that adapters store, move, restore and delete
 * them with the record and no adapter needs to know about threading.
 *
 * A write reads, through those keys, the stored messages its messages can interact with, closed
 * under two rules: whole reference components (messages sharing a Message-ID among their own and
 * their ancestors' ids), and, for every subject key some message may join by, every message with
 * that subject key. Reference components never touch each other, and the subject step compares
 * only conversations whose first message has the same subject key, so such a set threads exactly
 * as it would within the whole history: `threadConversations` runs on it alone and gives every
 * message the thread id that threading everything at once would give. The write reads that set
 * (a conversation, and the messages sharing a subject with a reply that names no parent), not the
 * customer's or the tenant's history.
 */

/** Link kind of thread keys; financial link kinds are a closed list, so it cannot collide with one. */
export const THREAD_KEY_LINK = 'touchlog.thread';

/** The link rows of a message's thread keys (none for a message with nothing to thread by). */
export function threadKeyLinks(message: CommunicationRecord, threading: ThreadOptions | false): Array<{ kind: string; ref: string }> {
  if (threading === false) return [];
  return threadKeysOf(message, threading).map((ref) => ({
    kind: THREAD_KEY_LINK,
    ref,
  }));
}

/** `true` when threading decides the message's thread id: it has something to thread by. */
export function isThreadable(message: Pick<ThreadableMessage, 'messageId' | 'inReplyTo' | 'references' | 'subject'>, threading: ThreadOptions): boolean {
  return threadKeysOf(message, threading).length > 0;
}

/** A message of the write being threaded: its record id (known before it is stored) and its fields. */
export type IncomingMessage = ThreadableMessage;

/** The error of a message given a `threadId` that is not the one threading decides. */
export function threadIdNotDecided(subject: string, threadId: string | undefined): ValidationError {
  return new ValidationError(subject, [
    { code: 'invalid_value', path: ['threadId'], message: `is decided by threading (here "${threadId}"): leave it out, or create the store with threading: false to set thread ids yourself` },
  ]);
}

/** A stored message whose thread id changes because of the write. */
export interface Rethread {
  readonly row: RecordRow;
  readonly record: CommunicationRecord;
  readonly threadId: string;
}

const PAGE = 500;

/**
 * The stored messages a write can change the threading of, and the threading of them together
 * with the incoming ones. Reads through the tenant's thread keys; see the module comment.
 */
export class ThreadClosure {
  /** Stored messages read so far, by record id. */
  private readonly stored = new Map<string, { row: RecordRow; record: CommunicationRecord }>();
  private readonly seenKeys = new Set<string>();
  /** Subject keys (hashes) some message in the set may join by. */
  private readonly joinable = new Set<string>();

  constructor(private readonly reader: AdapterReader, private readonly tenant: string, private readonly options: ThreadOptions) {}

  /**
   * Reads everything reachable from these messages' keys (the incoming messages, and the stored
   * versions of those they replace, whose old keys may reach conversations they leave).
   */
  async extend(messages: ReadonlyArray<Pick<ThreadableMessage, 'messageId' | 'inReplyTo' | 'references' | 'subject'>>): Promise<void> {
    const queue: string[] = [];
    const enqueue = (message: Pick<ThreadableMessage, 'messageId' | 'inReplyTo' | 'references' | 'subject'>) => {
      for (const key of threadKeysOf(message, this.options)) {
        if (key.startsWith('e:')) this.joinable.add(key.slice(2));
        else if (!this.seenKeys.has(key)) queue.push(key);
      }
    };
    for (const message of messages) enqueue(message);
    while (queue.length > 0) {
      const key = queue.pop()!;
      if (this.seenKeys.has(key)) continue;
      this.seenKeys.add(key);
      if (key.startsWith('s:')) {
        const hashed = key.slice(2);
        // A subject nobody may join by links no conversation to another: nothing to read. Every
        // message that may join by it has an `e:` key row, and incoming ones are in `joinable`
        // before the first lookup, so one read settles it.
        if (!this.joinable.has(hashed)) {
          const [any] = await this.reader.listLinked(this.tenant, { kind: THREAD_KEY_LINK, ref: `e:${hashed}`, collections: ['communications'], order: 'asc', limit: 1 });
          if (any === undefined) continue;
          this.joinable.add(hashed);
        }
      }
      for await (const row of this.rowsOf(key)) {
        if (this.stored.has(row.id)) continue;
        const record = recordFromRow<CommunicationRecord>(row);
        this.stored.set(row.id, { row, record });
        enqueue(record);
      }
    }
  }

  private async *rowsOf(ref: string): AsyncGenerator<RecordRow> {
    let after: Keyset | undefined;
    for (;;) {
      const rows = await this.reader.listLinked(this.tenant, {
        kind: THREAD_KEY_LINK,
        ref,
        collections: ['communications'],
        order: 'asc',
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      yield* rows;
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }

  /**
   * Threads the stored messages read with the incoming ones (which replace stored messages with
   * the same id), leaving out the stored messages `without` (no longer threaded). Returns the thread id of every incoming message, and the stored messages whose
   * thread id is not the one stored.
   */
  thread(incoming: readonly IncomingMessage[], without: readonly string[] = []): { threadIds: ReadonlyMap<string, string>; rethreads: Rethread[] } {
    const replaced = new Set([...incoming.map((message) => message.id), ...without]);
    const messages: ThreadableMessage[] = [...incoming];
    for (const [id, { record }] of this.stored) if (!replaced.has(id)) messages.push(record);
    const { threadIds } = threadConversations(messages, this.options);
    const rethreads: Rethread[] = [];
    for (const [id, { row, record }] of this.stored) {
      if (replaced.has(id)) continue;
      const threadId = threadIds.get(id)!;
      if (record.threadId !== threadId) rethreads.push({ row, record, threadId });
    }
    return { threadIds, rethreads };
  }

  /** The stored row of a message read, if it was. */
  storedRow(id: string): RecordRow | undefined {
    return this.stored.get(id)?.row;
  }
}
