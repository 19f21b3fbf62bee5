import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenThread, isTouchlogError, threadConversations, ValidationError, type Conversation, type ThreadableMessage, type ThreadNode } from 'touchlog';

const AGENT = { address: 'billing@seller.example' };
const COLLEAGUE = { address: 'maria@seller.example' };
const CUSTOMER = { address: 'ap@acme.example' };
const OTHER = { address: 'ap@globex.example' };

type Message = ThreadableMessage & { readonly id: string };
let counter = 0;
const message = (fields: Partial<Message> & { sentAt: string }): Message => ({ id: `m${++counter}`, from: AGENT, to: [CUSTOMER], ...fields });

function outline(conversation: Conversation<Message>): string[] {
  return flattenThread(conversation.root).map(
    (node) => `${'  '.repeat(node.depth)}${node.id}${node.message ? '' : ' [missing]'}${node.linkedBy === 'subject' ? ' (subject)' : ''}`,
  );
}
const outlines = (messages: readonly Message[], options?: Parameters<typeof threadConversations>[1]) => threadConversations(messages, options).conversations.map(outline);

describe('threadConversations', () => {
  it('threads an invoice conversation: reply by headers, a reply and a forward by subject', () => {
    const invoice = message({ id: 'invoice', messageId: 'inv-1042@seller.example', subject: 'Invoice INV-1042', sentAt: '2026-03-01T08:00:00.000Z' });
    const reply = message({ id: 'reply', messageId: 'r1@acme.example', inReplyTo: 'inv-1042@seller.example', subject: 'RE: Invoice INV-1042', from: CUSTOMER, to: [AGENT], sentAt: '2026-03-02T10:00:00.000Z' });
    const aw = message({ id: 'aw', subject: 'AW: Invoice INV-1042', from: CUSTOMER, to: [AGENT], sentAt: '2026-03-03T09:00:00.000Z' });
    const forward = message({ id: 'forward', messageId: 'fwd-1@seller.example', subject: 'Fwd: RE: Invoice INV-1042', from: AGENT, to: [COLLEAGUE], sentAt: '2026-03-03T09:30:00.000Z' });
    const { conversations, threadIds } = threadConversations([forward, aw, reply, invoice]);
    expect(conversations.map(outline)).toEqual([['inv-1042@seller.example', '  r1@acme.example', '  aw (subject)', '  fwd-1@seller.example (subject)']]);
    const [conversation] = conversations;
    expect(conversation).toMatchObject({
      id: 'inv-1042@seller.example',
      subject: 'Invoice INV-1042',
      participants: ['ap@acme.example', 'billing@seller.example', 'maria@seller.example'],
      startedAt: '2026-03-01T08:00:00.000Z',
      lastAt: '2026-03-03T09:30:00.000Z',
    });
    expect(conversation!.messages.map((m) => m.id)).toEqual(['invoice', 'reply', 'aw', 'forward']);
    expect(conversation!.root.children.map((n) => [n.id, n.parentId, n.depth, n.linkedBy])).toEqual([
      ['r1@acme.example', 'inv-1042@seller.example', 1, 'references'],
      ['aw', 'inv-1042@seller.example', 1, 'subject'],
      ['fwd-1@seller.example', 'inv-1042@seller.example', 1, 'subject'],
    ]);
    expect(Object.fromEntries(threadIds)).toEqual({ invoice: 'inv-1042@seller.example', reply: 'inv-1042@seller.example', aw: 'inv-1042@seller.example', forward: 'inv-1042@seller.example' });
  });

  it('keeps unrelated emails with the same subject apart: other days, other people, no reply prefix', () => {
    const march = message({ id: 'march', messageId: 'stmt-03@seller.example', subject: 'Statement of account', sentAt: '2026-03-01T07:00:00.000Z' });
    // A reply two months later, without headers: too late for the 30-day window.
    const lateReply = message({ id: 'late', subject: 'Re: Statement of account', from: CUSTOMER, to: [AGENT], sentAt: '2026-05-02T07:00:00.000Z' });
    // The same day, but between other people.
    const otherPeople = message({ id: 'other', subject: 'Re: Statement of account', from: OTHER, to: [{ address: 'ar@globex.example' }], sentAt: '2026-03-01T09:00:00.000Z' });
    // The next month's statement: no reply prefix, a conversation of its own.
    const april = message({ id: 'april', messageId: 'stmt-04@seller.example', subject: 'Statement of account', sentAt: '2026-03-29T07:00:00.000Z' });
    expect(outlines([march, lateReply, otherPeople, april])).toEqual([['stmt-03@seller.example'], ['other'], ['stmt-04@seller.example'], ['late']]);
    // The control: inside the window, with a shared address, the reply does join.
    const reply = { ...lateReply, sentAt: '2026-03-20T07:00:00.000Z' };
    expect(outlines([march, reply, april])).toEqual([['stmt-03@seller.example', '  late (subject)'], ['stmt-04@seller.example']]);
    // The window counts from the conversation's latest message, and joins the most recently active one.
    expect(outlines([march, april, { ...lateReply, sentAt: '2026-04-20T07:00:00.000Z' }])).toEqual([['stmt-03@seller.example'], ['stmt-04@seller.example', '  late (subject)']]);
    // Without the prefix rule, the next statement would join the first.
    expect(outlines([march, april], { requireReplyPrefix: false })).toEqual([['stmt-03@seller.example', '  stmt-04@seller.example (subject)']]);
    expect(outlines([march, reply], { bySubject: false })).toEqual([['stmt-03@seller.example'], ['late']]);
  });

  it('recognises reply prefixes in many languages, counted forms and list tags', () => {
    const root = message({ id: 'root', messageId: 'q@seller.example', subject: '[billing] Rechnung INV-7', sentAt: '2026-03-01T07:00:00.000Z' });
    const replies = ['AW: WG: Rechnung INV-7', 'SV: [billing] Rechnung INV-7', 'Antw: Rechnung INV-7', 'Re[2]: Rechnung INV-7', 'RE(3): rechnung  inv-7', 'Fw: Re: [billing] Rechnung INV-7'].map((subject, i) =>
      message({ id: `r${i}`, subject, from: CUSTOMER, to: [AGENT], sentAt: `2026-03-0${i + 2}T07:00:00.000Z` }),
    );
    expect(outlines([root, ...replies])).toEqual([['q@seller.example', ...replies.map((r) => `  ${r.id} (subject)`)]]);
  });

  it('keeps a missing parent as a placeholder, and the thread id when the parent arrives later', () => {
    const reply1 = message({ id: 'a', messageId: 'a@acme.example', references: ['root@seller.example'], subject: 'Re: Q', from: CUSTOMER, to: [AGENT], sentAt: '2026-03-02T07:00:00.000Z' });
    const reply2 = message({ id: 'b', messageId: 'b@acme.example', inReplyTo: '<root@seller.example>', subject: 'Re: Q', from: CUSTOMER, to: [AGENT], sentAt: '2026-03-03T07:00:00.000Z' });
    const before = threadConversations([reply1, reply2]);
    expect(before.conversations.map(outline)).toEqual([['root@seller.example [missing]', '  a@acme.example', '  b@acme.example']]);
    const root = message({ id: 'root', messageId: '<root@seller.example>', subject: 'Q', sentAt: '2026-03-01T07:00:00.000Z' });
    const after = threadConversations([reply2, root, reply1]);
    expect(after.conversations.map(outline)).toEqual([['root@seller.example', '  a@acme.example', '  b@acme.example']]);
    expect(after.threadIds.get('a')).toBe(before.threadIds.get('a'));
  });

  it('takes In-Reply-To as the parent when References stop short of it', () => {
    const root = message({ id: 'r', messageId: 'r@x', subject: 'Q', sentAt: '2026-03-01T07:00:00.000Z' });
    const child = message({ id: 'c', messageId: 'c@x', references: ['r@x'], subject: 'Re: Q', sentAt: '2026-03-01T08:00:00.000Z' });
    const grandchild = message({ id: 'g', messageId: 'g@x', references: ['r@x'], inReplyTo: 'c@x', subject: 'Re: Q', sentAt: '2026-03-01T09:00:00.000Z' });
    expect(outlines([root, child, grandchild])).toEqual([['r@x', '  c@x', '    g@x']]);
  });

  it('lists copies of one message (the same Message-ID from two systems) on one node', () => {
    const mail = message({ id: 'mail-copy', messageId: 'inv@seller.example', subject: 'Invoice', sentAt: '2026-03-01T08:00:00.000Z' });
    const crm = message({ id: 'crm-copy', messageId: 'inv@seller.example', subject: 'Invoice', sentAt: '2026-03-01T08:00:02.000Z' });
    const reply = message({ id: 'reply', messageId: 'r@acme.example', inReplyTo: 'inv@seller.example', subject: 'Re: Invoice', from: CUSTOMER, to: [AGENT], sentAt: '2026-03-01T09:00:00.000Z' });
    const { conversations, threadIds } = threadConversations([crm, reply, mail]);
    expect(conversations.map(outline)).toEqual([['inv@seller.example', '  r@acme.example']]);
    expect(conversations[0]!.root.message!.id).toBe('mail-copy');
    expect(conversations[0]!.root.duplicates.map((m) => m.id)).toEqual(['crm-copy']);
    expect(conversations[0]!.messages.map((m) => m.id)).toEqual(['mail-copy', 'crm-copy', 'reply']);
    expect(threadIds.get('crm-copy')).toBe('inv@seller.example');
  });

  it('threads messages without a Message-ID by subject, and names them by record id', () => {
    const sms = message({ id: 'sms-1', subject: 'Payment reminder INV-7', sentAt: '2026-03-01T07:00:00.000Z' });
    const answer = message({ id: 'sms-2', subject: 'Re: Payment reminder INV-7', from: CUSTOMER, to: [AGENT], sentAt: '2026-03-01T07:05:00.000Z' });
    const { conversations } = threadConversations([answer, sms]);
    expect(conversations.map(outline)).toEqual([['sms-1', '  sms-2 (subject)']]);
    expect(conversations[0]!.id).toBe('sms-1');
  });

  it('breaks reference loops and self-references without losing a message', () => {
    const a = message({ id: 'a', messageId: 'a@x', references: ['b@x'], subject: 'Loop', sentAt: '2026-03-01T07:00:00.000Z' });
    const b = message({ id: 'b', messageId: 'b@x', references: ['a@x'], subject: 'Re: Loop', sentAt: '2026-03-01T08:00:00.000Z' });
    const self = message({ id: 's', messageId: 's@x', references: ['s@x'], inReplyTo: 's@x', subject: 'Alone', sentAt: '2026-03-01T09:00:00.000Z' });
    const cycle = message({ id: 'c', messageId: 'c@x', references: ['b@x', 'a@x', 'c@x'], subject: 'Re: Loop', sentAt: '2026-03-01T10:00:00.000Z' });
    expect(outlines([cycle, self, b, a])).toEqual([['b@x', '  a@x', '    c@x'], ['s@x']]);
  });

  it('gives a stable short id to a thread whose top Message-ID is longer than a stored thread id', () => {
    const long = `${'x'.repeat(300)}@seller.example`;
    const root = message({ id: 'r', messageId: long, subject: 'Q', sentAt: '2026-03-01T07:00:00.000Z' });
    const [first] = threadConversations([root]).conversations;
    const [again] = threadConversations([root, message({ id: 'c', inReplyTo: long, subject: 'Re: Q', sentAt: '2026-03-02T07:00:00.000Z' })]).conversations;
    expect(first!.id).toMatch(/^thread-[0-9a-f]{16}$/);
    expect(again!.id).toBe(first!.id);
    expect(first!.root.id).toBe(long);
  });

  it('threads a reply chain thousands deep without recursion', () => {
    const depth = 5_000;
    const chain = Array.from({ length: depth }, (_, i) =>
      message({ id: `d${i}`, messageId: `d${i}@x`, ...(i > 0 ? { inReplyTo: `d${i - 1}@x` } : {}), subject: 'Re: deep', sentAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() }),
    );
    const started = performance.now();
    const { conversations } = threadConversations(chain.reverse());
    expect(performance.now() - started).toBeLessThan(5_000);
    const nodes = flattenThread(conversations[0]!.root);
    expect(nodes).toHaveLength(depth);
    expect(nodes[depth - 1]).toMatchObject({ id: `d${depth - 1}@x`, depth: depth - 1, parentId: `d${depth - 2}@x` });
  });

  it('rejects what it cannot thread, with paths', () => {
    const issues = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
        return (error as ValidationError).issues.map((issue) => [issue.code, issue.path.join('.')]);
      }
      throw new Error('expected a validation error');
    };
    const ok = message({ id: 'ok', sentAt: '2026-03-01T07:00:00.000Z' });
    expect(issues(() => threadConversations([ok, { ...ok }, { ...ok, id: 'late', sentAt: '2026-03-01 07:00' }, { ...ok, id: '' }]))).toEqual([
      ['duplicate_id', 'messages.1.id'],
      ['invalid_date', 'messages.2.sentAt'],
      ['invalid_type', 'messages.3.id'],
    ]);
    expect(issues(() => threadConversations([ok], { window: -5, prefixes: [''] }))).toEqual([
      ['invalid_type', 'options.window'],
      ['invalid_type', 'options.prefixes'],
    ]);
  });
});

describe('property: threadConversations', () => {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const graph = fc
    .uniqueArray(
      fc.record({
        key: fc.constantFrom(...ids),
        minute: fc.integer({ min: 0, max: 120 }),
        hasId: fc.boolean(),
        references: fc.array(fc.constantFrom(...ids, 'missing1', 'missing2'), { maxLength: 5 }),
        inReplyTo: fc.option(fc.constantFrom(...ids, 'missing1'), { nil: undefined }),
        subject: fc.constantFrom('Q', 'Re: Q', 'AW: Q', 'Other'),
        from: fc.constantFrom('x@a', 'y@b'),
      }),
      { selector: (m) => m.key, maxLength: 8 },
    )
    .map((drafts) =>
      drafts.map(
        (d): Message => ({
          id: `rec-${d.key}`,
          messageId: d.hasId ? `${d.key}@x` : undefined,
          references: d.references.map((r) => `${r}@x`),
          inReplyTo: d.inReplyTo === undefined ? undefined : `${d.inReplyTo}@x`,
          subject: d.subject,
          from: { address: d.from },
          to: [{ address: 'list@x' }],
          sentAt: new Date(Date.UTC(2026, 0, 1) + d.minute * 60_000).toISOString(),
        }),
      ),
    );

  it('keeps every message once in a consistent forest, whatever the references say and in whatever order they come', () => {
    fc.assert(
      fc.property(graph, fc.nat(), (messages, seed) => {
        const result = threadConversations(messages);
        const nodes = result.conversations.flatMap((c) => flattenThread(c.root).map((node) => ({ node, thread: c.id })));
        // Every message exactly once (on a node or as a copy), and every one mapped to its thread.
        const held = nodes.flatMap(({ node }) => [...(node.message ? [node.message.id] : []), ...node.duplicates.map((m) => m.id)]);
        expect(held.sort()).toEqual(messages.map((m) => m.id).sort());
        for (const { node, thread } of nodes) for (const m of [...(node.message ? [node.message] : []), ...node.duplicates]) expect(result.threadIds.get(m.id)).toBe(thread);
        // Parents and children agree; depths follow; placeholders always lead to a message.
        const check = (node: ThreadNode<Message>, depth: number, parentId: string | undefined): boolean => {
          expect(node.depth).toBe(depth);
          expect(node.parentId).toBe(parentId);
          if (node.message === undefined) expect(node.children.length).toBeGreaterThan(0);
          return node.children.every((child) => check(child, depth + 1, node.id));
        };
        for (const c of result.conversations) check(c.root, 0, undefined);
        // The order of the input does not matter.
        const shuffled = [...messages].sort((x, y) => ((x.id.charCodeAt(4) * 31 + seed) % 17) - ((y.id.charCodeAt(4) * 31 + seed) % 17));
        expect(threadConversations(shuffled).conversations.map(outline)).toEqual(result.conversations.map(outline));
      }),
      { numRuns: 500 },
    );
  });
});
