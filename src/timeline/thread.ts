import { ValidationError, type ValidationIssue } from '../errors/index.js';
import { LIMITS } from '../models/limits.js';
import { hash64 } from './hash.js';
import { storedInstantMs } from './instant.js';
import { normaliseMessageId } from './message-ids.js';
import { hasReplyPrefix, normaliseSubject, subjectKey } from './subject.js';
import { ancestorsOf, buildContainers, type Container, type LinkKind, type ThreadInput } from './thread-containers.js';
import { groupBySubject, type SubjectProbe, type Tree } from './thread-subject.js';

/**
 * An address on a message, as on a {@link CommunicationRecord}.
 *
 * @example
 * ```ts
 * const from: ThreadAddress = { address: 'ap@acme.example' };
 * ```
 */
export interface ThreadAddress {
  readonly address: string;
}

/**
 * What {@link threadConversations} reads from a message. A stored {@link CommunicationRecord}
 * satisfies it; so does anything with these fields.
 *
 * @example
 * ```ts
 * const message: ThreadableMessage = {
 *   id: 'msg-7', messageId: 'r1@acme.example', inReplyTo: 'inv-1042@seller.example',
 *   subject: 'RE: Invoice INV-1042', from: { address: 'ap@acme.example' }, sentAt: '2026-03-02T10:00:00.000Z',
 * };
 * threadConversations([message, ...storedCommunications]); // CommunicationRecords qualify as they are
 * ```
 */
export interface ThreadableMessage {
  /** Record id; unique among the messages threaded together. */
  readonly id: string;
  /** RFC 5322 Message-ID (angle brackets optional). */
  readonly messageId?: string | undefined;
  readonly inReplyTo?: string | undefined;
  /** References, oldest first. */
  readonly references?: readonly string[] | undefined;
  readonly subject?: string | undefined;
  readonly from?: ThreadAddress | undefined;
  readonly to?: readonly ThreadAddress[] | undefined;
  readonly cc?: readonly ThreadAddress[] | undefined;
  /** When it was sent, as a stored UTC instant (`2026-03-01T09:30:00.000Z`). */
  readonly sentAt: string;
}

/**
 * Options of {@link threadConversations}.
 *
 * @example
 * ```ts
 * threadConversations(messages, { window: 7 * 24 * 3_600_000, requireReplyPrefix: true, prefixes: [...SUBJECT_PREFIXES, 'odgovor'] });
 * ```
 */
export interface ThreadOptions {
  /** Thread messages that name no parent by their subject (see {@link threadConversations}); default `true`. */
  readonly bySubject?: boolean;
  /**
   * Longest gap, in milliseconds, between a conversation's latest message and a message that joins
   * it by subject. Default 30 days.
   */
  readonly window?: number;
  /**
   * Only messages whose subject has a reply or forward prefix (`Re:`, `AW:`, `Fwd:`...) join by
   * subject; a message without one starts a new conversation even if its subject was used before
   * (monthly statements, reminders). Default `true`.
   */
  readonly requireReplyPrefix?: boolean;
  /** Reply and forward prefixes to recognise instead of {@link SUBJECT_PREFIXES}. */
  readonly prefixes?: readonly string[];
}

/**
 * Default window of the subject step: 30 days.
 *
 * @example
 * ```ts
 * threadConversations(messages, { window: DEFAULT_THREAD_WINDOW * 3 }); // slow correspondents: 90 days
 * ```
 */
export const DEFAULT_THREAD_WINDOW = 30 * 24 * 3_600_000;

/**
 * One message of a conversation, or a placeholder for a message that is referred to but missing.
 *
 * @example
 * ```ts
 * const render = (node: ThreadNode<CommunicationRecord>): string =>
 *   '  '.repeat(node.depth) + (node.message?.subject ?? `[missing ${node.id}]`);
 * ```
 */
export interface ThreadNode<M> {
  /** The Message-ID, or the record id for a message without one. Unique within a conversation. */
  readonly id: string;
  readonly messageId: string | undefined;
  /** The message; `undefined` for a placeholder (a parent known only from References / In-Reply-To). */
  readonly message: M | undefined;
  /** Other records with the same Message-ID (the same message seen through another system). */
  readonly duplicates: readonly M[];
  /** `id` of the parent node; `undefined` for the root. */
  readonly parentId: string | undefined;
  /** 0 for the root. */
  readonly depth: number;
  /** How the node was attached to its parent: by `references` (and In-Reply-To) or by `subject`. */
  readonly linkedBy: LinkKind | undefined;
  /** Replies, oldest first. */
  readonly children: readonly ThreadNode<M>[];
}

/**
 * A conversation: a tree of messages with a stable id.
 *
 * @example
 * ```ts
 * for (const conversation of threadConversations(messages).conversations) {
 *   console.log(conversation.id, conversation.subject, conversation.messages.length, conversation.lastAt);
 * }
 * ```
 */
export interface Conversation<M> {
  /**
   * The thread id: the Message-ID at the top of the conversation (a placeholder's when the first
   * message is missing), so it stays the same when that message arrives later; the record id when
   * the top message has no Message-ID; `thread-` and a 64-bit hash when the Message-ID is longer
   * than a stored thread id may be ({@link LIMITS}.shortText).
   */
  readonly id: string;
  readonly root: ThreadNode<M>;
  /** Every message of the conversation (duplicates included), oldest first. */
  readonly messages: readonly M[];
  /** Subject of the earliest message without prefixes and list tags ({@link normaliseSubject}). */
  readonly subject: string;
  /** Lower-cased addresses of everyone on its messages, sorted. */
  readonly participants: readonly string[];
  readonly startedAt: string;
  readonly lastAt: string;
}

/**
 * The result of {@link threadConversations}.
 *
 * @example
 * ```ts
 * const { conversations, threadIds }: Threads<CommunicationRecord> = threadConversations(messages);
 * const threadId = threadIds.get(message.id); // store it on the message
 * ```
 */
export interface Threads<M> {
  /** Conversations, by their earliest message. */
  readonly conversations: readonly Conversation<M>[];
  /** Thread id of every message, by record id. */
  readonly threadIds: ReadonlyMap<string, string>;
}

const addressesOf = (message: ThreadableMessage): string[] => {
  const out: string[] = [];
  const add = (entry: ThreadAddress | undefined) => {
    const address = entry?.address?.trim().toLowerCase();
    if (address) out.push(address);
  };
  add(message.from);
  for (const entry of message.to ?? []) add(entry);
  for (const entry of message.cc ?? []) add(entry);
  return out;
};

function threadIdOf<M extends ThreadableMessage>(root: Container<M>): string {
  if (root.messageId === undefined) return root.message!.id;
  return root.messageId.length <= LIMITS.shortText ? root.messageId : `thread-${hash64(root.messageId)}`;
}

function readInputs<M extends ThreadableMessage>(messages: Iterable<M>): ThreadInput<M>[] {
  const issues: ValidationIssue[] = [];
  const inputs: ThreadInput<M>[] = [];
  const ids = new Set<string>();
  let index = 0;
  for (const message of messages) {
    const path = ['messages', index++];
    if (typeof message !== 'object' || message === null) {
      issues.push({ code: 'invalid_type', path, message: 'must be a message object' });
      continue;
    }
    if (typeof message.id !== 'string' || message.id === '') {
      issues.push({ code: 'invalid_type', path: [...path, 'id'], message: 'must be a non-empty string' });
      continue;
    }
    if (ids.has(message.id)) {
      issues.push({ code: 'duplicate_id', path: [...path, 'id'], message: `another message has the id "${message.id}"` });
      continue;
    }
    ids.add(message.id);
    const ms = storedInstantMs(message.sentAt);
    if (Number.isNaN(ms)) {
      issues.push({ code: 'invalid_date', path: [...path, 'sentAt'], message: 'must be a stored UTC instant such as 2026-03-01T09:30:00.000Z' });
      continue;
    }
    const messageId = normaliseMessageId(message.messageId);
    inputs.push({ message, id: message.id, ms, messageId, references: ancestorsOf(messageId, message.references, message.inReplyTo) });
  }
  if (issues.length > 0) throw new ValidationError('messages to thread', issues);
  return inputs.sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function checkOptions(options: ThreadOptions): void {
  const issues: ValidationIssue[] = [];
  const { window, prefixes } = options;
  if (window !== undefined && !(typeof window === 'number' && Number.isFinite(window) && window >= 0)) {
    issues.push({ code: 'invalid_type', path: ['options', 'window'], message: 'must be a number of milliseconds, 0 or more' });
  }
  if (prefixes !== undefined && !(Array.isArray(prefixes) && prefixes.every((prefix) => typeof prefix === 'string' && prefix !== ''))) {
    issues.push({ code: 'invalid_type', path: ['options', 'prefixes'], message: 'must be an array of non-empty strings' });
  }
  if (issues.length > 0) throw new ValidationError('threading options', issues);
}

/** Sort position of a container: its message's, or (for a placeholder) that of its earliest descendant. */
interface Position {
  ms: number;
  id: string;
}
const before = (a: Position, b: Position) => a.ms < b.ms || (a.ms === b.ms && a.id < b.id);

/** Every container of a tree, parents before children (iterative: deep chains do not overflow the stack). */
function preorder<M>(root: Container<M>): Container<M>[] {
  const out: Container<M>[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const container = stack.pop()!;
    out.push(container);
    for (let i = container.children.length - 1; i >= 0; i--) stack.push(container.children[i]!);
  }
  return out;
}

function positions<M>(order: readonly Container<M>[]): Map<Container<M>, Position> {
  const out = new Map<Container<M>, Position>();
  for (let i = order.length - 1; i >= 0; i--) {
    const container = order[i]!;
    let position: Position | undefined = container.message !== undefined ? { ms: container.ms, id: container.recordId } : undefined;
    if (position === undefined) {
      for (const child of container.children) {
        const p = out.get(child)!;
        if (position === undefined || before(p, position)) position = p;
      }
    }
    out.set(container, position!);
  }
  return out;
}

function describe<M extends ThreadableMessage>(root: Container<M>, key: (subject: string) => string): Tree<M> {
  const order = preorder(root);
  let first: Container<M> | undefined;
  let lastMs = Number.NEGATIVE_INFINITY;
  const participants = new Set<string>();
  for (const container of order) {
    if (container.message === undefined) continue;
    if (first === undefined || container.ms < first.ms || (container.ms === first.ms && container.recordId < first.recordId)) first = container;
    for (const m of [container.message, ...container.duplicates.map((d) => d.message)]) {
      for (const address of addressesOf(m)) participants.add(address);
    }
    for (const duplicate of container.duplicates) if (duplicate.ms > lastMs) lastMs = duplicate.ms;
    if (container.ms > lastMs) lastMs = container.ms;
  }
  return {
    root,
    startMs: first!.ms,
    startId: first!.recordId,
    lastMs,
    participants,
    subjectKey: key(first!.message!.subject ?? ''),
  };
}

function toConversation<M extends ThreadableMessage>(tree: Tree<M>, options: ThreadOptions, threadIds: Map<string, string>): Conversation<M> {
  const order = preorder(tree.root);
  const position = positions(order);
  const id = threadIdOf(tree.root);
  const messages: { message: M; ms: number }[] = [];
  const nodes = new Map<Container<M>, ThreadNode<M> & { children: ThreadNode<M>[] }>();
  for (const container of order) {
    const parentNode = container.parent === undefined || container === tree.root ? undefined : nodes.get(container.parent)!;
    const node = {
      id: container.messageId ?? container.recordId,
      messageId: container.messageId,
      message: container.message,
      duplicates: container.duplicates.map((d) => d.message),
      parentId: parentNode?.id,
      depth: parentNode === undefined ? 0 : parentNode.depth + 1,
      linkedBy: container === tree.root ? undefined : container.linkedBy,
      children: [] as ThreadNode<M>[],
    };
    nodes.set(container, node);
    if (container.message !== undefined) messages.push({ message: container.message, ms: container.ms });
    for (const duplicate of container.duplicates) messages.push({ message: duplicate.message, ms: duplicate.ms });
  }
  for (const container of order) {
    const node = nodes.get(container)!;
    const children = [...container.children].sort((a, b) => (before(position.get(a)!, position.get(b)!) ? -1 : 1));
    for (const child of children) node.children.push(nodes.get(child)!);
  }
  messages.sort((a, b) => a.ms - b.ms || (a.message.id < b.message.id ? -1 : a.message.id > b.message.id ? 1 : 0));
  for (const { message } of messages) threadIds.set(message.id, id);
  const first = messages[0]!.message;
  return {
    id,
    root: nodes.get(tree.root)!,
    messages: messages.map((entry) => entry.message),
    subject: normaliseSubject(first.subject ?? '', options),
    participants: [...tree.participants].sort(),
    startedAt: first.sentAt,
    lastAt: messages[messages.length - 1]!.message.sentAt,
  };
}

/**
 * Groups messages into conversations, JWZ-style (https://www.jwz.org/doc/threading.html):
 *
 * 1. **References.** Every Message-ID seen in `messageId`, `references` or `inReplyTo` gets a
 *    container. Each message's References (then its In-Reply-To, when References lack it) are
 *    linked oldest to newest without changing links already made and never closing a loop; the
 *    message goes under the last id it names, even if others' References put it elsewhere. A
 *    parent that is referred to but missing stays as a **placeholder** node (`message`
 *    undefined), so replies to a message never received are not lost and the conversation keeps
 *    its id when the parent arrives. Reference loops (A says B is its parent, B says A) are broken
 *    where they would close. Copies of a message (same Message-ID from another system) are listed
 *    as `duplicates` of its node. Messages are read in (sentAt, id) order, so the result does not
 *    depend on the order they are given in.
 * 2. **Subject.** A message that names no parent at all and whose subject has a reply or forward
 *    prefix joins the conversation with the same normalised subject ({@link subjectKey}: without
 *    `Re:`, `RE:`, `Fwd:`, `FW:`, `AW:`, `SV:`, `Antw:`, `Re[2]:`... and `[list tags]`), provided
 *    that conversation shares at least one address with it (from, to, cc) and its latest message
 *    is no more than `window` (30 days) older. It becomes a child of that conversation's root.
 *    Two unrelated emails with the same subject between other people, or months apart, stay apart.
 *
 * Deviation from JWZ, on purpose: placeholders are not pruned away (only those left with no
 * children), so that missing messages stay visible and thread ids stay stable. The algorithm is
 * pure and runs in O(n log n) for n messages (plus the depth of each reply chain when linking).
 *
 * @example
 * ```ts
 * const { conversations, threadIds } = threadConversations([
 *   { id: 'm1', messageId: 'inv-1042@seller.example', subject: 'Invoice INV-1042', sentAt: '2026-03-01T08:00:00.000Z',
 *     from: { address: 'billing@seller.example' }, to: [{ address: 'ap@acme.example' }] },
 *   { id: 'm2', messageId: 'r1@acme.example', inReplyTo: 'inv-1042@seller.example', subject: 'RE: Invoice INV-1042',
 *     sentAt: '2026-03-02T10:00:00.000Z', from: { address: 'ap@acme.example' }, to: [{ address: 'billing@seller.example' }] },
 *   { id: 'm3', subject: 'AW: Invoice INV-1042', sentAt: '2026-03-03T09:00:00.000Z',   // no headers: threaded by subject
 *     from: { address: 'ap@acme.example' }, to: [{ address: 'billing@seller.example' }] },
 * ]);
 * conversations.length;         // 1
 * conversations[0].id;          // 'inv-1042@seller.example'
 * conversations[0].root.children.map((n) => [n.id, n.linkedBy]); // [['r1@acme.example', 'references'], ['m3', 'subject']]
 * threadIds.get('m3');          // 'inv-1042@seller.example'
 * ```
 */
export function threadConversations<M extends ThreadableMessage>(messages: Iterable<M>, options: ThreadOptions = {}): Threads<M> {
  checkOptions(options);
  const inputs = readInputs(messages);
  const roots = buildContainers(inputs);
  const key = (subject: string) => subjectKey(subject, options);
  let trees = roots.map((root) => describe(root, key));
  if (options.bySubject !== false) {
    const requirePrefix = options.requireReplyPrefix !== false;
    const probe = (message: M): SubjectProbe => {
      const subject = message.subject ?? '';
      return { key: key(subject), eligible: !requirePrefix || hasReplyPrefix(subject, options), addresses: addressesOf(message) };
    };
    trees = groupBySubject(trees, probe, options.window ?? DEFAULT_THREAD_WINDOW);
  } else {
    trees.sort((a, b) => a.startMs - b.startMs || (a.startId < b.startId ? -1 : a.startId > b.startId ? 1 : 0));
  }
  const threadIds = new Map<string, string>();
  const conversations = trees.map((tree) => toConversation(tree, options, threadIds));
  return { conversations, threadIds };
}

/**
 * The nodes of a conversation in reading order (each message followed by its replies, oldest
 * first), for display or export.
 *
 * @example
 * ```ts
 * for (const node of flattenThread(conversation.root)) console.log('  '.repeat(node.depth) + (node.message?.subject ?? '[missing]'));
 * ```
 */
export function flattenThread<M>(root: ThreadNode<M>): ThreadNode<M>[] {
  const out: ThreadNode<M>[] = [];
  const stack: ThreadNode<M>[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}
