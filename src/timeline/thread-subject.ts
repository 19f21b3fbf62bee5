import { link, type Container } from './thread-containers.js';

/**
 * Step 2 of threading: messages that name no parent at all, but whose subject says they continue
 * a conversation (`Re: Invoice INV-1042`), join the conversation with the same normalised subject
 * that shares a participant with them and was active within the window. Internal to
 * {@link threadConversations}.
 */

/** A conversation while threading: its root container and what the subject step compares. */
export interface Tree<M> {
  readonly root: Container<M>;
  /** Position of its earliest message: instant, then record id. */
  readonly startMs: number;
  readonly startId: string;
  /** Instant of its latest message. */
  lastMs: number;
  /** Lower-cased addresses of everyone on its messages. */
  readonly participants: Set<string>;
  /** Subject key of its earliest message ('' when it has none). */
  readonly subjectKey: string;
}

/** What the subject step needs to know about one message. */
export interface SubjectProbe {
  /** Subject key of the message, '' when it has none. */
  readonly key: string;
  /** Whether the message may be threaded by subject (it names no parent and, if required, says `Re:`/`Fwd:`). */
  readonly eligible: boolean;
  readonly addresses: readonly string[];
}

/**
 * Attaches eligible roots under the root of an earlier conversation with the same subject key,
 * at least one shared address, and a latest message no more than `window` ms before. The most
 * recently active such conversation wins (then the earliest started). Returns the trees that
 * remain conversations, in start order.
 */
export function groupBySubject<M>(trees: Tree<M>[], probe: (message: M) => SubjectProbe, window: number): Tree<M>[] {
  trees.sort((a, b) => a.startMs - b.startMs || (a.startId < b.startId ? -1 : a.startId > b.startId ? 1 : 0));
  const bySubject = new Map<string, Tree<M>[]>();
  const kept: Tree<M>[] = [];
  for (const tree of trees) {
    const message = tree.root.message;
    const info = message === undefined || !tree.root.claimsNoParent ? undefined : probe(message);
    if (info !== undefined && info.eligible && info.key !== '') {
      let target: Tree<M> | undefined;
      const candidates = bySubject.get(info.key);
      if (candidates !== undefined) {
        // Trees are read in start order, so a conversation quiet for longer than the window can
        // never be joined again (nothing joins it any more to make it active): drop it for good.
        let kept = 0;
        for (const candidate of candidates) {
          if (tree.root.ms - candidate.lastMs > window) continue;
          candidates[kept++] = candidate;
          if (!info.addresses.some((address) => candidate.participants.has(address))) continue;
          if (target === undefined || candidate.lastMs > target.lastMs) target = candidate;
        }
        candidates.length = kept;
      }
      if (target !== undefined) {
        link(target.root, tree.root, 'subject');
        if (tree.lastMs > target.lastMs) target.lastMs = tree.lastMs;
        for (const address of tree.participants) target.participants.add(address);
        continue;
      }
    }
    kept.push(tree);
    if (tree.subjectKey !== '') {
      const list = bySubject.get(tree.subjectKey);
      if (list === undefined) bySubject.set(tree.subjectKey, [tree]);
      else list.push(tree);
    }
  }
  return kept;
}
