import { normaliseMessageId } from './message-ids.js';

/**
 * Step 1 of JWZ threading (https://www.jwz.org/doc/threading.html): one container per message id
 * seen, linked by References and In-Reply-To. Internal to {@link threadConversations}.
 */

/** A message as the threader reads it. */
export interface ThreadInput<M> {
  readonly message: M;
  readonly id: string;
  readonly ms: number;
  readonly messageId: string | undefined;
  /** Ancestors, oldest first, ending with the parent: References, then In-Reply-To if not already there. */
  readonly references: readonly string[];
}

export type LinkKind = 'references' | 'subject';

export class Container<M> {
  message: M | undefined = undefined;
  /** Instant and record id of the message (the container's own sort position). */
  ms = Number.NaN;
  recordId = '';
  readonly duplicates: ThreadInput<M>[] = [];
  parent: Container<M> | undefined = undefined;
  readonly children: Container<M>[] = [];
  linkedBy: LinkKind | undefined = undefined;
  /** `true` when the message named no parent (no References, no In-Reply-To). */
  claimsNoParent = false;
  constructor(readonly messageId: string | undefined) {}
}

/** `true` if `ancestor` is `node` or one of its ancestors: linking `node` above `ancestor` would close a loop. */
function isAncestorOrSelf<M>(ancestor: Container<M>, node: Container<M>): boolean {
  for (let at: Container<M> | undefined = node; at !== undefined; at = at.parent) if (at === ancestor) return true;
  return false;
}

export function link<M>(parent: Container<M>, child: Container<M>, kind: LinkKind): void {
  unlink(child);
  child.parent = parent;
  child.linkedBy = kind;
  parent.children.push(child);
}

function unlink<M>(child: Container<M>): void {
  const parent = child.parent;
  if (parent === undefined) return;
  const index = parent.children.indexOf(child);
  if (index >= 0) parent.children.splice(index, 1);
  child.parent = undefined;
  child.linkedBy = undefined;
}

/** The ancestors a message names, oldest first, each once, never itself. */
export function ancestorsOf(messageId: string | undefined, references: readonly string[] | undefined, inReplyTo: string | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of references ?? []) {
    const id = normaliseMessageId(raw);
    if (id === undefined || id === messageId || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  const parent = normaliseMessageId(inReplyTo);
  // In-Reply-To names the parent directly; References may lack it (testbox-9) or be truncated.
  if (parent !== undefined && parent !== messageId && !seen.has(parent)) out.push(parent);
  return out;
}

/**
 * Builds the containers of `inputs` (sorted by instant, then id) and returns the root set: every
 * container without a parent that holds a message or has children. Missing parents are kept as
 * placeholder containers (no message); placeholders left without children are dropped.
 */
export function buildContainers<M>(inputs: readonly ThreadInput<M>[]): Container<M>[] {
  const table = new Map<string, Container<M>>();
  const all: Container<M>[] = [];
  const containerFor = (id: string): Container<M> => {
    let container = table.get(id);
    if (container === undefined) {
      container = new Container<M>(id);
      table.set(id, container);
      all.push(container);
    }
    return container;
  };

  for (const input of inputs) {
    let container: Container<M>;
    if (input.messageId !== undefined) {
      container = containerFor(input.messageId);
      if (container.message !== undefined) {
        // The same Message-ID again (a copy from another system): it is the same message.
        container.duplicates.push(input);
        continue;
      }
    } else {
      container = new Container<M>(undefined);
      all.push(container);
    }
    container.message = input.message;
    container.ms = input.ms;
    container.recordId = input.id;
    container.claimsNoParent = input.references.length === 0;

    // Link the referenced ancestors in the order given, without changing existing links and
    // without ever closing a loop.
    let previous: Container<M> | undefined;
    for (const reference of input.references) {
      const ancestor = containerFor(reference);
      if (previous !== undefined && ancestor.parent === undefined && !isAncestorOrSelf(ancestor, previous)) link(previous, ancestor, 'references');
      previous = ancestor;
    }
    // The message's own parent is the last one it names: its word beats what others presumed.
    // A message that names none keeps the parent others' References gave it.
    if (previous !== undefined && container.parent !== previous && !isAncestorOrSelf(container, previous)) link(previous, container, 'references');
  }

  // Drop placeholders that ended up without children (a link refused to avoid a loop leaves them).
  const work = all.filter((c) => c.message === undefined && c.children.length === 0);
  while (work.length > 0) {
    const empty = work.pop()!;
    const parent = empty.parent;
    unlink(empty);
    if (parent !== undefined && parent.message === undefined && parent.children.length === 0) work.push(parent);
  }
  return all.filter((c) => c.parent === undefined && (c.message !== undefined || c.children.length > 0));
}
