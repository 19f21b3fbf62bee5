/**
 * Threading the real mailing-list mailboxes of Mail::Thread's test suite (test/fixtures/mbox/).
 * Expected structures were derived by reading the headers of every message; where Mail::Thread
 * 2.x publishes an expectation for the same mailbox (t/1.t, t/2.t), it is asserted as well.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { flattenThread, threadConversations, type Conversation, type ThreadOptions } from 'touchlog';
import { parseMessage, readMbox, splitMbox, type MboxMessage } from '../helpers/mbox.js';
import { readFileSync } from 'node:fs';

const FILES = [
  'mail-thread-testbox',
  'mail-thread-testbox-2',
  'mail-thread-testbox-3',
  'mail-thread-testbox-4',
  'mail-thread-testbox-5',
  'mail-thread-testbox-6',
  'mail-thread-testbox-7',
  'mail-thread-testbox-8',
  'mail-thread-testbox-9',
] as const;

const boxes = {} as Record<(typeof FILES)[number], MboxMessage[]>;
beforeAll(async () => {
  for (const name of FILES) boxes[name] = await readMbox(`${name}.mbox`);
});

/** A conversation as indented lines: the node id, `[missing]` for placeholders, `(subject)` when attached by subject. */
function outline(conversation: Conversation<MboxMessage>): string[] {
  return flattenThread(conversation.root).map(
    (node) => `${'  '.repeat(node.depth)}${node.id}${node.message ? '' : ' [missing]'}${node.linkedBy === 'subject' ? ' (subject)' : ''}`,
  );
}

const thread = (name: (typeof FILES)[number], options?: ThreadOptions) => threadConversations(boxes[name], options);
const outlines = (name: (typeof FILES)[number], options?: ThreadOptions) => thread(name, options).conversations.map(outline);

/** Mail::Thread's test format: [depth, subject or "[ Message not available ]", message id], in reading order. */
function mailThreadDump(conversations: readonly Conversation<MboxMessage>[]) {
  return conversations.flatMap((c) => flattenThread(c.root).map((node) => [node.depth, node.message?.subject ?? '[ Message not available ]', node.id]));
}

describe('mbox fixtures', () => {
  it('splits every mailbox into its messages and parses them with postal-mime', () => {
    expect(FILES.map((name) => boxes[name].length)).toEqual([10, 3, 3, 7, 4, 6, 1, 3, 6]);
    for (const name of FILES) for (const message of boxes[name]) expect(message.messageId).toMatch(/^[^<>\s]+@[^<>\s]+$/);
    // Dates with zones, without seconds of their own or with comments all normalised to UTC.
    expect(boxes['mail-thread-testbox-4'].map((m) => m.sentAt)).toEqual([
      '2000-07-19T19:50:37.000Z',
      '2000-07-19T20:14:18.000Z',
      '2000-07-19T20:45:29.000Z',
      '2000-07-19T20:48:51.000Z',
      '2000-07-19T23:21:50.000Z',
      '2000-07-19T21:01:41.000Z',
      '2000-07-20T04:30:51.000Z',
    ]);
    // A quoted header line in a body (">From:", no space after From) is text, not an mbox escape.
    expect(boxes['mail-thread-testbox-4'][4]!.body).toMatch(/^>From: "Kurt D\. Starsinic" <kstar@chapin\.edu>\n>Reply-To:/);
  });

  it('unescapes >From lines and needs no blank line before an envelope', async () => {
    const raw = [
      'From alice@example.com Mon Mar  2 08:00:00 2026',
      'Message-ID: <a@example.com>',
      'Date: Mon, 2 Mar 2026 08:00:00 +0000',
      'Subject: One',
      '',
      '>From the start, this line began with "From ".',
      '>>From here it had one ">" already.',
      '>From: a quoted header stays',
      'From bob@example.com Mon Mar  2 09:00:00 2026',
      'Message-ID: <b@example.com>',
      'Date: Mon, 2 Mar 2026 09:00:00 +0000',
      'Subject: Two',
      '',
      'From now on, a body line like this one is not an envelope.',
      '',
    ].join('\n');
    const parts = splitMbox(raw);
    expect(parts).toHaveLength(2);
    const [one, two] = await Promise.all(parts.map((part, i) => parseMessage(part, `m${i}`)));
    expect(one!.body).toBe('From the start, this line began with "From ".\n>From here it had one ">" already.\n>From: a quoted header stays\n');
    expect(two!.body).toBe('From now on, a body line like this one is not an envelope.\n');
    expect(readFileSync(new URL('../fixtures/mbox/mail-thread-testbox-6.mbox', import.meta.url), 'latin1').match(/^From /gm)).toHaveLength(6);
  });
});

describe('threadConversations on real mailboxes', () => {
  it('testbox: missing roots become placeholders; matches Mail::Thread t/1.t without subject grouping', () => {
    expect(outlines('mail-thread-testbox')).toEqual([
      [
        '3E1A9807.3393A163@earthlink.net [missing]',
        '  avefva+gol5@eGroups.com',
        '    000001c2b64c$03af8740$56734151@noos.fr',
        '  4.3.2-J.20030107222402.051f7418@mail.chipple.net',
        '    3E1B380C.F5713721@earthlink.net',
        '  000f01c2b6ab$2017f8e0$25197450@win98',
      ],
      ['20030107164205.E98585-100000@nemesis.eahd.or.ug', '  20030107145325.33120.qmail@web13704.mail.yahoo.com'],
      [
        '20021112174425.GD13228@soto.kasei.com [missing]',
        '  20021112174700.GB2599@rivendale.net [missing]',
        '    20030107153054.GB21728@soto.kasei.com',
        '      20030107160909.GA11673@futureless.org',
        '        20030107161602.GA8784@labac.net',
      ],
    ]);
    // Mail::Thread 2.x, t/1.t ($noprune = 1, $nosubject = 1), for the same mailbox.
    expect(mailThreadDump(thread('mail-thread-testbox', { bySubject: false }).conversations)).toEqual([
      [0, '[ Message not available ]', '3E1A9807.3393A163@earthlink.net'],
      [1, '[p5ml] Re: karie kahimi binge...help needed', 'avefva+gol5@eGroups.com'],
      [2, 'RE: [p5ml] Re: karie kahimi binge...help needed', '000001c2b64c$03af8740$56734151@noos.fr'],
      [1, 'Re: [p5ml] karie kahimi binge...help needed', '4.3.2-J.20030107222402.051f7418@mail.chipple.net'],
      [2, 'Re: [p5ml] karie kahimi binge...help needed', '3E1B380C.F5713721@earthlink.net'],
      [1, 'R: [p5ml] karie kahimi binge...help needed', '000f01c2b6ab$2017f8e0$25197450@win98'],
      [0, '[rt-users] Configuration Problem', '20030107164205.E98585-100000@nemesis.eahd.or.ug'],
      [1, 'Re: [rt-users] Configuration Problem', '20030107145325.33120.qmail@web13704.mail.yahoo.com'],
      [0, '[ Message not available ]', '20021112174425.GD13228@soto.kasei.com'],
      [1, '[ Message not available ]', '20021112174700.GB2599@rivendale.net'],
      [2, "Re: January's meeting", '20030107153054.GB21728@soto.kasei.com'],
      [3, "Re: January's meeting", '20030107160909.GA11673@futureless.org'],
      [4, "Re: January's meeting", '20030107161602.GA8784@labac.net'],
    ]);
    const { conversations, threadIds } = thread('mail-thread-testbox');
    expect(conversations.map((c) => [c.id, c.subject, c.messages.length, c.startedAt, c.lastAt])).toEqual([
      ['3E1A9807.3393A163@earthlink.net', 'karie kahimi binge...help needed', 5, '2003-01-07T12:08:10.000Z', '2003-01-08T00:15:57.000Z'],
      ['20030107164205.E98585-100000@nemesis.eahd.or.ug', 'Configuration Problem', 2, '2003-01-07T13:48:35.000Z', '2003-01-07T14:53:25.000Z'],
      ['20021112174425.GD13228@soto.kasei.com', "January's meeting", 3, '2003-01-07T15:30:54.000Z', '2003-01-07T16:16:02.000Z'],
    ]);
    // Every message knows its thread, through In-Reply-To alone (avefva), References alone (Wesley, Marco) or both.
    expect(Object.fromEntries(boxes['mail-thread-testbox'].map((m) => [m.messageId, threadIds.get(m.id)]))).toEqual({
      'avefva+gol5@eGroups.com': '3E1A9807.3393A163@earthlink.net',
      '000001c2b64c$03af8740$56734151@noos.fr': '3E1A9807.3393A163@earthlink.net',
      '4.3.2-J.20030107222402.051f7418@mail.chipple.net': '3E1A9807.3393A163@earthlink.net',
      '20030107164205.E98585-100000@nemesis.eahd.or.ug': '20030107164205.E98585-100000@nemesis.eahd.or.ug',
      '20030107145325.33120.qmail@web13704.mail.yahoo.com': '20030107164205.E98585-100000@nemesis.eahd.or.ug',
      '20030107153054.GB21728@soto.kasei.com': '20021112174425.GD13228@soto.kasei.com',
      '20030107160909.GA11673@futureless.org': '20021112174425.GD13228@soto.kasei.com',
      '20030107161602.GA8784@labac.net': '20021112174425.GD13228@soto.kasei.com',
      '3E1B380C.F5713721@earthlink.net': '3E1A9807.3393A163@earthlink.net',
      '000f01c2b6ab$2017f8e0$25197450@win98': '3E1A9807.3393A163@earthlink.net',
    });
  });

  it('testbox-2: References without In-Reply-To; matches Mail::Thread t/2.t', () => {
    expect(boxes['mail-thread-testbox-2'][1]).toMatchObject({ inReplyTo: undefined, references: ['20030101210258.63148.qmail@web20805.mail.yahoo.com'] });
    expect(mailThreadDump(thread('mail-thread-testbox-2').conversations)).toEqual([
      [0, 'sort numbers', '20030101210258.63148.qmail@web20805.mail.yahoo.com'],
      [1, 'Re: sort numbers', 'auvpjq$ede$1@post.home.lunix'],
      [1, 'Re: sort numbers', 'r3i71vcul4g95orb58173qj6b8dus6pnch@4ax.com'],
    ]);
  });

  it('testbox-3: a chain of two missing ancestors, and a sibling reply to the first one', () => {
    expect(outlines('mail-thread-testbox-3')).toEqual([
      [
        '20030102152943.D635@hermione.osp.nl [missing]',
        '  20030102144211.GV7700@ox.compsoc.net [missing]',
        '    3E146C15.8000302@ntlworld.com',
        '      20030102180231.F635@hermione.osp.nl',
        '  20030102115117.A21351@cs839290-a.mtth.phub.net.cable.rogers.com',
      ],
    ]);
    // In-Reply-To with mailer text after the id ("; from abigail@foad.org on Thu, ...") still names the parent.
    expect(boxes['mail-thread-testbox-3'][1]!.inReplyTo).toBe('20030102152943.D635@hermione.osp.nl');
  });

  it('testbox-4: a reply with no headers joins by subject; skewed clocks keep the reference order', () => {
    expect(outlines('mail-thread-testbox-4')).toEqual([
      [
        '20000719155037.A27886@O2.chapin.edu',
        '  20000719161418.D17718@ghostwheel.wks.na.deuba.com',
        // Sent "before" its parent (20:45 < 20:48): its References, not its clock, place it.
        '    20000719154851.C5309@cbi.tamucc.edu',
        '      20000719164529.E17718@ghostwheel.wks.na.deuba.com',
        '        20000719160141.D5309@cbi.tamucc.edu',
        // Hotmail sent no In-Reply-To or References; the body quotes Kurt's proposal. Mail::Thread's
        // t/4.t leaves it as a second root: here its "Re:" subject, shared addresses and 3.5 h gap attach it.
        '  F122YsoaJ70EgyBiQhe00003799@hotmail.com (subject)',
        // In-Reply-To is free text ("Kurt D. Starsinic"'s message of ...): References place it.
        '  87em4pa0ec.fsf@fire-swamp.org',
      ],
    ]);
    expect(boxes['mail-thread-testbox-4'][6]!.inReplyTo).toBeUndefined();
    expect(outlines('mail-thread-testbox-4', { bySubject: false }).map((lines) => lines[0])).toEqual([
      '20000719155037.A27886@O2.chapin.edu',
      'F122YsoaJ70EgyBiQhe00003799@hotmail.com',
    ]);
  });

  it('testbox-5: References that list the grandparent after its child do not close a loop', () => {
    // patrick@4 says References: <ziggy@2> <chris@1> <chris@1> — but chris@1 is ziggy@2's parent.
    expect(boxes['mail-thread-testbox-5'].find((m) => m.messageId === 'patrick@4.com')!.references).toEqual(['ziggy@2.com', 'chris@1.com', 'chris@1.com']);
    expect(outlines('mail-thread-testbox-5')).toEqual([['chris@1.com', '  ziggy@2.com', '    alex@3.com', '      patrick@4.com']]);
  });

  it('testbox-6: tangled references and a free-text In-Reply-To: no hang, no loss, one conversation', () => {
    const expected = [
      [
        '20021124145312.GA1759@nlin.net',
        '  slrnau448m.7l4.markj+0111@cloaked.freeserve.co.uk',
        '    15842.10677.577458.656565@jupiter.akutech-local.de',
        '      20021125171807.GK8236@somanetworks.com',
        '      E18GPHf-0000zp-00@cloaked.freeserve.co.uk',
        '        15843.12163.554914.469248@jupiter.akutech-local.de',
      ],
    ];
    expect(outlines('mail-thread-testbox-6')).toEqual(expected);
    // "In-Reply-To: Message from Ralf Fassel <ralf@akutech.de> of ... <15842...>": the id that is also in References.
    expect(boxes['mail-thread-testbox-6'][5]!.inReplyTo).toBe('15842.10677.577458.656565@jupiter.akutech-local.de');
    // 15843 names E18GPHf as its parent before (in file order) E18GPHf is read: any input order gives the same tree.
    const messages = boxes['mail-thread-testbox-6'];
    for (const order of [messages, [...messages].reverse(), [messages[4]!, messages[5]!, messages[0]!, messages[3]!, messages[1]!, messages[2]!]]) {
      expect(threadConversations(order).conversations.map(outline)).toEqual(expected);
    }
  });

  it('testbox-6 with real reference loops (and a naive In-Reply-To) keeps every message exactly once', () => {
    const messages = boxes['mail-thread-testbox-6'];
    const naive = messages.map((m) => (m.messageId?.startsWith('E18GPHf') ? { ...m, inReplyTo: 'ralf@akutech.de' } : m));
    expect(threadConversations(naive).conversations.map(outline)).toEqual([
      [
        '20021124145312.GA1759@nlin.net',
        '  slrnau448m.7l4.markj+0111@cloaked.freeserve.co.uk',
        '    15842.10677.577458.656565@jupiter.akutech-local.de',
        '      20021125171807.GK8236@somanetworks.com',
        '      ralf@akutech.de [missing]',
        '        E18GPHf-0000zp-00@cloaked.freeserve.co.uk',
        '          15843.12163.554914.469248@jupiter.akutech-local.de',
      ],
    ]);
    // The first message now claims the last one as its parent, and a reply names itself: loops.
    const looped = messages.map((m, i) =>
      i === 0 ? { ...m, references: ['15843.12163.554914.469248@jupiter.akutech-local.de'] } : i === 3 ? { ...m, references: [...m.references, m.messageId!] } : m,
    );
    const { conversations, threadIds } = threadConversations(looped);
    const nodes = conversations.flatMap((c) => flattenThread(c.root));
    expect(nodes.filter((n) => n.message !== undefined).map((n) => n.id).sort()).toEqual(messages.map((m) => m.messageId).sort());
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    expect([...threadIds.keys()].sort()).toEqual(messages.map((m) => m.id).sort());
    expect(conversations.map(outline)).toEqual([
      [
        // nlin, read first, puts itself under 15843 (unknown yet). When 15843 is read, last, its own
        // References would put it under E18GPHf, by then its descendant: that link closes the loop
        // and is refused. Nothing is lost and every message appears once.
        '15843.12163.554914.469248@jupiter.akutech-local.de',
        '  20021124145312.GA1759@nlin.net',
        '    slrnau448m.7l4.markj+0111@cloaked.freeserve.co.uk',
        '      15842.10677.577458.656565@jupiter.akutech-local.de',
        '        20021125171807.GK8236@somanetworks.com',
        '        E18GPHf-0000zp-00@cloaked.freeserve.co.uk',
      ],
    ]);
  });

  it('testbox-7: a lone reply under a chain of three placeholders', () => {
    expect(outlines('mail-thread-testbox-7')).toEqual([
      [
        '200211120937.JAA28130@xoneweb.opengroup.org [missing]',
        '  1021112125524.ZM7503@skye.rdg.opengroup.org [missing]',
        '    3DD221BB.13116D47@sun.com [missing]',
        '      1021113100650.ZM12997@skye.rdg.opengroup.org',
      ],
    ]);
  });

  it('testbox-8: References that skip ancestors do not rearrange the chain', () => {
    expect(outlines('mail-thread-testbox-8')).toEqual([
      [
        '20030228174141.GA12360@plough.barnyard.co.uk [missing]',
        '  20030228202957.GA12579@plough.barnyard.co.uk [missing]',
        '    Pine.GSO.4.50.0302282233040.21567-100000@theproject.fierypit.org [missing]',
        '      200302282323.h1SNN4o15987@rszemeti.demon.co.uk [missing]',
        '        Pine.GSO.4.50.0303010015230.21567-100000@theproject.fierypit.org',
        // References: <A> <D> <Bob>, skipping B and C.
        '          200303010143.h211hvD16626@rszemeti.demon.co.uk',
        '          20030301102748.GC67225@colon.colondot.net',
      ],
    ]);
  });

  it('testbox-9: folded References, In-Reply-To alone, and subject-only threading', () => {
    const box = boxes['mail-thread-testbox-9'];
    // Dirk's References header is folded over two lines.
    expect(box[2]).toMatchObject({ references: ['20030311083936.GB26176@cat.ourshack.com', 'f05200f00ba93600e2e7a@10.0.0.250'], inReplyTo: 'f05200f00ba93600e2e7a@10.0.0.250' });
    expect(box[3]).toMatchObject({ references: [], inReplyTo: '1047382472.1875.19.camel@dirk2.int.tobit.co.uk' });
    expect(box[4]).toMatchObject({ references: [], inReplyTo: undefined, subject: 'Re: Perl 6 Apocalypse 6' });
    expect(outlines('mail-thread-testbox-9')).toEqual([
      [
        '20030311083936.GB26176@cat.ourshack.com',
        '  f05200f00ba93600e2e7a@10.0.0.250',
        '    1047382472.1875.19.camel@dirk2.int.tobit.co.uk',
        '      D4CA215C-53B6-11D7-8510-0030654E40D0@quietstars.com',
        // Dave Cross's reply has no references at all: "Re:", the list address in common, 2 h 36 min after the last message.
        '  11030370.22639@webbox.com (subject)',
        '    86fzpu3r6o.fsf@red.stonehenge.com',
      ],
    ]);
    const { threadIds } = thread('mail-thread-testbox-9');
    expect(new Set(box.map((m) => threadIds.get(m.id)))).toEqual(new Set(['20030311083936.GB26176@cat.ourshack.com']));
  });

  it('testbox-9: the subject step is bounded by the window and by participants', () => {
    const split = [
      [
        '20030311083936.GB26176@cat.ourshack.com',
        '  f05200f00ba93600e2e7a@10.0.0.250',
        '    1047382472.1875.19.camel@dirk2.int.tobit.co.uk',
        '      D4CA215C-53B6-11D7-8510-0030654E40D0@quietstars.com',
      ],
      ['11030370.22639@webbox.com', '  86fzpu3r6o.fsf@red.stonehenge.com'],
    ];
    expect(outlines('mail-thread-testbox-9', { window: 2 * 3_600_000 })).toEqual(split);
    expect(outlines('mail-thread-testbox-9', { window: 3 * 3_600_000 })).toHaveLength(1);
    expect(outlines('mail-thread-testbox-9', { bySubject: false })).toEqual(split);
    // Sent to someone else entirely: not the same conversation, whatever the subject.
    const offList = boxes['mail-thread-testbox-9'].map((m) => (m.messageId === '11030370.22639@webbox.com' ? { ...m, to: [{ address: 'perl6-language@perl.org' }] } : m));
    expect(threadConversations(offList).conversations.map(outline)).toEqual(split);
  });

  it('all mailboxes at once: the same conversations as one by one', () => {
    const all = FILES.flatMap((name) => boxes[name]);
    const together = threadConversations(all).conversations.map(outline);
    const oneByOne = FILES.flatMap((name) => outlines(name));
    expect(together).toHaveLength(11);
    expect(new Set(together.map((lines) => lines.join('\n')))).toEqual(new Set(oneByOne.map((lines) => lines.join('\n'))));
  });
});
