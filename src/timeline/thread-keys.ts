import { hash64 } from './hash.js';
import { normaliseMessageId } from './message-ids.js';
import { hasReplyPrefix, subjectKey } from './subject.js';
import { ancestorsOf } from './thread-containers.js';
import type { ThreadableMessage, ThreadOptions } from './thread.js';

/**
 * Lookup keys that find, among stored messages, every message whose threading can depend on a
 * given one: what the store indexes to thread messages as they arrive, without re-threading a
 * whole history. Internal to touchlog (the store keeps them as link rows of a reserved kind).
 *
 * - `m:` + hash of a Message-ID, for the message's own id and every ancestor it names: two messages
 *   share one exactly when {@link threadConversations} can link them by references.
 * - `s:` + hash of the subject key ({@link subjectKey}): the subject step only ever compares
 *   conversations whose first message has the same key.
 * - `e:` + the same hash, when the message may join a conversation by subject (it names no parent
 *   and, unless `requireReplyPrefix: false`, says `Re:`/`Fwd:`). A subject key with no such message
 *   anywhere makes no conversation join another, so its `s:` messages need not be read at all.
 *
 * Keys are hashes: they are bounded in length and carry no Message-ID or subject in clear. Two
 * values sharing a hash only make the store read a few more messages than it needs; the threading
 * itself runs on the messages, never on the keys.
 */
export function threadKeysOf(message: Pick<ThreadableMessage, 'messageId' | 'inReplyTo' | 'references' | 'subject'>, options: ThreadOptions): string[] {
  const keys: string[] = [];
  const messageId = normaliseMessageId(message.messageId);
  const ancestors = ancestorsOf(messageId, message.references, message.inReplyTo);
  if (messageId !== undefined) keys.push(`m:${hash64(messageId)}`);
  for (const id of ancestors) keys.push(`m:${hash64(id)}`);
  if (options.bySubject !== false) {
    const subject = message.subject ?? '';
    const key = subjectKey(subject, options);
    if (key !== '') {
      const hashed = hash64(key);
      keys.push(`s:${hashed}`);
      const eligible = ancestors.length === 0 && (options.requireReplyPrefix === false || hasReplyPrefix(subject, options));
      if (eligible) keys.push(`e:${hashed}`);
    }
  }
  return keys;
}
