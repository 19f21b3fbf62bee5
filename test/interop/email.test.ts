import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createTouchlog, isTouchlogError, type CommunicationRecord, type Touchlog } from 'touchlog';
import { directionOf, htmlToText, importEml, importMbox, importNdjson, parseEmail, splitMbox, type ImportProgress } from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';
import { sqliteAdapter } from 'touchlog/sqlite';

const eml = fileURLToPath(new URL('../fixtures/eml/', import.meta.url));
const mbox = (name: string) => fileURLToPath(new URL(`../fixtures/mbox/${name}`, import.meta.url));
const billingMbox = join(eml, 'seller-billing.mbox');
const tmp = mkdtempSync(join(tmpdir(), 'touchlog-email-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const INVOICE_THREAD = 'inv-1042.20260302@seller.example';
const PDF = '%PDF-1.4\n% touchlog test invoice INV-1042\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';

async function all(log: Touchlog): Promise<CommunicationRecord[]> {
  const out: CommunicationRecord[] = [];
  for await (const message of log.communications.stream()) out.push(message);
  return out;
}

const bySubject = (messages: CommunicationRecord[], start: string) => {
  const found = messages.find((m) => m.subject?.startsWith(start));
  if (!found) throw new Error(`no message with subject ${start}`);
  return found;
};

let log: Touchlog;
beforeEach(() => {
  log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test:email' });
});

describe('importEml', () => {
  it('reads multipart, attachments, quoted-printable, HTML-only and RFC 2047 headers into threaded records and customers', async () => {
    const report = await importEml(log, eml, { ourDomains: ['seller.example'], createMissingCustomers: true });
    expect(report).toMatchObject({ processed: 4, created: 4, rejected: 0 });
    const messages = await all(log);

    // multipart/mixed > multipart/alternative: the text part is the body (not the HTML), the PDF is metadata only.
    const notice = bySubject(messages, 'Invoice INV-1042');
    expect(notice).toMatchObject({
      channel: 'email',
      direction: 'outbound',
      from: { address: 'billing@seller.example', name: 'Seller Billing' },
      to: [{ address: 'ap@northwind.example', name: 'Northwind Accounts Payable' }],
      cc: [{ address: 'maria@seller.example', name: 'Maria Agent' }],
      sentAt: '2026-03-02T07:00:00.000Z',
      messageId: INVOICE_THREAD,
      source: { system: 'mail', externalId: INVOICE_THREAD },
      threadId: INVOICE_THREAD,
      attachments: [{ name: 'INV-1042.pdf', mediaType: 'application/pdf', size: Buffer.byteLength(PDF), sha256: sha256(PDF) }],
    });
    expect(notice.body).toBe('Dear customer,\n\nplease find attached invoice INV-1042 over USD 18,500.00, due on 31 March 2026.\n\nKind regards,\nSeller Billing');

    // quoted-printable UTF-8 body, RFC 2047 subject (folded, Q-encoded UTF-8) and sender name (ISO-8859-1), RFC 2231 file name.
    const reply = bySubject(messages, 'AW: Invoice INV-1042');
    expect(reply.subject).toBe('AW: Invoice INV-1042 for March – Frachtkosten doppelt berechnet');
    expect(reply.from).toEqual({ address: 'AP@Northwind.example', name: 'Jürgen Müller' });
    expect(reply.direction).toBe('inbound');
    expect(reply.body).toContain('nur eine Lieferung nach München (450,00 €). Bitte korrigieren');
    expect(reply.body).toMatch(/Mit freundlichen Grüßen\nJürgen Müller/);
    expect(reply).toMatchObject({ inReplyTo: INVOICE_THREAD, references: [INVOICE_THREAD], threadId: INVOICE_THREAD });
    const csvContent = 'Position;Menge;Preis\nFracht München;1;450,00 €\n\n'; // as decoded from quoted-printable
    expect(reply.attachments).toEqual([{ name: 'Lieferschein München.csv', mediaType: 'text/csv', size: Buffer.byteLength(csvContent), sha256: sha256(csvContent) }]);

    // HTML only: the body is text derived from the HTML; base64 encoded-word subject and name.
    const htmlOnly = bySubject(messages, 'Überweisung');
    expect(htmlOnly.subject).toBe('Überweisung für INV-2007 – Zahlungsbestätigung');
    expect(htmlOnly.from).toEqual({ address: 'cfo@globex.example', name: 'Åsa Østergård' });
    expect(htmlOnly.body).toContain('we paid invoice INV-2007 today (EUR 3.200,00).');
    expect(htmlOnly.body).not.toMatch(/<\/?p>|color: #333/);
    expect(htmlOnly.threadId).toBe('20260305164500.GX1234@globex.example');

    // No Message-ID and no Date: keyed by a content hash, dated by the Received header, threaded by subject.
    const noId = messages.find((m) => m.messageId === undefined)!;
    expect(noId.source!.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(noId.sentAt).toBe('2026-03-06T08:30:00.000Z');
    expect(noId.metadata).toEqual({ email: { sentAtFrom: 'received' } });
    expect(noId.threadId).toBe(INVOICE_THREAD);

    // Customers: created from the other party, one per company; both Northwind messages share one.
    const customers = (await log.customers.list()).items;
    expect(customers.map((c) => [c.displayName, c.identifiers])).toEqual([
      ['Northwind Accounts Payable', [{ type: 'email', value: 'ap@northwind.example' }]],
      ['Åsa Østergård', [{ type: 'email', value: 'cfo@globex.example' }]],
    ]);
    const northwind = customers[0]!;
    expect(new Set([notice, reply, noId].map((m) => m.customerId))).toEqual(new Set([northwind.id]));
    expect(htmlOnly.customerId).toBe(customers[1]!.id);
  });

  it('imports a list of files or one message from a stream, and names the file of a rejected one', async () => {
    const report = await importEml(log, [join(eml, '03-html-only.eml'), join(eml, 'missing.eml')], { ourDomains: ['seller.example'] });
    expect(report.rejections.map((r) => [r.index, r.file?.endsWith('.eml'), r.code])).toEqual([
      [0, true, 'NOT_FOUND'], // the sender is no known customer (createMissingCustomers is off)
      [1, true, 'NOT_FOUND'], // the file does not exist
    ]);
    expect(report.rejections[1]!.message).toContain('missing.eml was not found');
    const streamed = await importEml(log, Readable.from([readFileSync(join(eml, '01-invoice-notice.eml'))]), { createMissingCustomers: true });
    expect(streamed).toMatchObject({ created: 1, rejected: 0 });
    // Without ourDomains every message is inbound: the customer is the sender.
    expect((await all(log))[0]!.direction).toBe('inbound');
    const missing = await importEml(log, join(tmp, 'nothing-here')).catch((e: unknown) => e);
    expect(isTouchlogError(missing, 'NOT_FOUND')).toBe(true);
  });
});

describe('addresses as RFC 5322 writes them', () => {
  it('imports every message of a real mailing-list mailbox, unusual local parts included', async () => {
    // testbox-8 has From: Lusercop <`the.lusercop'@lusercop.net>: backquote and apostrophe are atext.
    const report = await importMbox(log, mbox('mail-thread-testbox-8.mbox'), { system: 'lists', createMissingCustomers: true });
    expect(report).toMatchObject({ processed: 3, created: 3, rejected: 0 });
    const lusercop = await log.customers.resolve({ type: 'email', value: "`the.lusercop'@lusercop.net" });
    expect(lusercop).toMatchObject({ displayName: 'Lusercop', identifiers: [{ type: 'email', value: "`the.lusercop'@lusercop.net" }] });
  });

  it('accepts quoted local parts and atext specials as customer identifiers, and refuses what is no address', async () => {
    for (const address of ['"john q. public"@example.com', "o'brien@example.ie", '{billing}|ar~!#$%&*+/=?^_@example.com', 'müller@bücher.example', 'ap@[192.0.2.1]']) {
      const { record } = await log.customers.record({ displayName: address, identifiers: [{ type: 'email', value: address }] });
      expect(record.identifiers).toEqual([{ type: 'email', value: address }]);
    }
    for (const address of ['not an address', 'a..b@example.com', 'a@localhost', '"open@example.com', 'a b@example.com']) {
      await expect(log.customers.record({ displayName: 'x', identifiers: [{ type: 'email', value: address }] }), address).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [{ path: ['identifiers', 0, 'value'], code: 'invalid_email' }],
      });
    }
  });

  it("names the address when a message's address is neither an email address nor a phone number", async () => {
    const raw = 'From: Accounts <accounts at northwind dot example>\r\nTo: ar@seller.example\r\nDate: Mon, 2 Mar 2026 08:00:00 +0000\r\nMessage-ID: <odd-1@northwind.example>\r\n\r\nhello\r\n';
    const report = await importEml(log, Readable.from([Buffer.from(raw)]), { ourDomains: ['seller.example'], createMissingCustomers: true });
    expect(report.rejections.map((r) => [r.code, r.message])).toEqual([
      ['NOT_FOUND', 'the record names no customer, and its address "accounts at northwind dot example" is neither an email address nor a phone number in international form, so no customer can be found by it'],
    ]);
  });
});

describe('header injection through email', () => {
  it('turns encoded line breaks in a subject, name or file name into spaces (noted), and refuses them in an address', async () => {
    const raw = [
      'From: =?utf-8?q?Accounts=0D=0ABcc=3A_victim=40x.example?= <ap@northwind.example>',
      'To: ar@seller.example',
      'Subject: =?utf-8?q?INV-1042=0D=0ABcc=3A_victim=40x.example?=',
      'Date: Mon, 2 Mar 2026 08:00:00 +0000',
      'Message-ID: <hdr-1@northwind.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Line one',
      'Line two',
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="=?utf-8?q?inv=0Aoice.pdf?="',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0=',
      '--b--',
      '',
    ].join('\r\n');
    const report = await importEml(log, Readable.from([Buffer.from(raw)]), { ourDomains: ['seller.example'], createMissingCustomers: true });
    expect(report).toMatchObject({ created: 1, rejected: 0 });
    const [message] = await all(log);
    expect(message).toMatchObject({
      from: { address: 'ap@northwind.example', name: 'Accounts Bcc: victim@x.example' },
      subject: 'INV-1042 Bcc: victim@x.example',
      body: 'Line one\nLine two',
      attachments: [{ name: 'inv oice.pdf' }],
      metadata: { email: { sanitised: ['attachments', 'from', 'subject'] } },
    });
    expect(JSON.stringify(message)).not.toMatch(/\\r|Accounts\\n|INV-1042\\n/);

    // Through the model: an address with a line break is refused, and the rejection says where.
    const ndjson = `${JSON.stringify({ model: 'communication', data: { channel: 'email', direction: 'outbound', from: { address: 'ar@seller.example\r\nBcc: victim@x.example' }, to: [{ address: 'ap@northwind.example' }], sentAt: '2026-03-02T09:00:00Z' } })}\n`;
    const refused = await importNdjson(log, Readable.from([ndjson]));
    expect(refused.rejections).toEqual([expect.objectContaining({ line: 1, code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: ['from', 'address'], code: 'invalid_characters' })] })]);
  });
});

describe('importMbox', () => {
  it('splits an mbox, unescapes >From lines, rejects what it cannot store with the line, and a re-run changes nothing', async () => {
    await log.customers.record({ displayName: 'Northwind Traders GmbH', identifiers: [{ type: 'email', value: 'ap@northwind.example' }] });
    const report = await importMbox(log, billingMbox, { ourDomains: ['seller.example'] });
    expect(report).toMatchObject({ processed: 6, created: 4, rejected: 2 });
    expect(report.rejections.map((r) => [r.index, r.line, r.code, r.message])).toEqual([
      [2, 88, 'NOT_FOUND', 'no customer is known by email:cfo@globex.example'],
      [4, 117, 'NOT_FOUND', 'the record names no customer and has no address to find one by'], // internal: every address is ours
    ]);
    const messages = await all(log);
    expect(messages.map((m) => [m.subject, m.direction, m.threadId])).toEqual([
      ['Invoice INV-1042 for March', 'outbound', INVOICE_THREAD],
      ['AW: Invoice INV-1042 for March – Frachtkosten doppelt berechnet', 'inbound', INVOICE_THREAD],
      ['Re: Invoice INV-1042 for March', 'inbound', INVOICE_THREAD],
      ['Statement of account, March 2026', 'outbound', 'stmt-2026-03@seller.example'],
    ]);
    expect(bySubject(messages, 'Statement').body).toContain('\nFrom your last payment we applied USD 0.00.');
    expect(bySubject(messages, 'Invoice').attachments[0]!.sha256).toBe(sha256(PDF));

    const entries = (await log.audit.verify()).entries;
    const again = await importMbox(log, billingMbox, { ourDomains: ['seller.example'] });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4, rejected: 2 });
    expect((await log.audit.verify()).entries).toBe(entries);
    expect(await all(log)).toEqual(messages);
  });

  it('sees the same messages in .eml files and in an mbox as the same records', async () => {
    await importEml(log, eml, { ourDomains: ['seller.example'], createMissingCustomers: true });
    const before = await all(log);
    const report = await importMbox(log, billingMbox, { ourDomains: ['seller.example'], createMissingCustomers: true });
    // The four messages already imported (the one without Message-ID by its content hash) are unchanged.
    expect(report).toMatchObject({ unchanged: 4, created: 1, rejected: 1 });
    const after = await all(log);
    expect(after.filter((m) => before.some((b) => b.id === m.id))).toEqual(before);
  });

  it('threads real mailing-list mailboxes (missing parents, reference loops, subject-only replies) on SQLite', async () => {
    const adapter = sqliteAdapter({ filename: join(tmp, 'lists.db') });
    await adapter.migrate();
    const sqlite = createTouchlog({ adapter, tenant: 'lists', actor: 'test:email' });
    try {
      const reports = [];
      for (const name of ['mail-thread-testbox.mbox', 'mail-thread-testbox-6.mbox', 'mail-thread-testbox-9.mbox']) {
        reports.push(await importMbox(sqlite, mbox(name), { system: 'lists', createMissingCustomers: true }));
      }
      expect(reports.map((r) => [r.created, r.rejected])).toEqual([
        [10, 0],
        [6, 0],
        [6, 0],
      ]);
      const messages = await all(sqlite);
      const threads = new Map<string, string[]>();
      for (const m of messages) threads.set(m.threadId!, [...(threads.get(m.threadId!) ?? []), m.messageId!]);
      expect([...threads.entries()].map(([id, ids]) => [id, ids.length]).sort()).toEqual([
        ['20021112174425.GD13228@soto.kasei.com', 3], // "January's meeting": its first message is not in the box (placeholder root)
        ['20021124145312.GA1759@nlin.net', 6], // testbox-6: reference loops and an In-Reply-To to a missing message
        ['20030107164205.E98585-100000@nemesis.eahd.or.ug', 2],
        ['20030311083936.GB26176@cat.ourshack.com', 6], // testbox-9: replies without references, joined by subject
        ['3E1A9807.3393A163@earthlink.net', 5], // "karie kahimi": RE:, Re: and the Italian R: under one missing root
      ]);
      // Everyone who wrote is a customer (inbound mail, no ourDomains), with the name from the From header.
      const customers = (await sqlite.customers.list({ limit: 100 })).items;
      expect(customers).toHaveLength(20);
      expect(customers.map((c) => c.displayName)).toContain('Randal L. Schwartz');
      const ralf = await sqlite.customers.resolve({ type: 'email', value: 'ralf@akutech.de' });
      expect((await sqlite.timeline(ralf!.id)).items).toHaveLength(2);

      const again = await importMbox(sqlite, mbox('mail-thread-testbox-6.mbox'), { system: 'lists', createMissingCustomers: true });
      expect(again).toMatchObject({ created: 0, unchanged: 6 });
    } finally {
      await adapter.close();
    }
  });

  it('reports reading, then writing progress', async () => {
    await log.customers.record({ displayName: 'Northwind', identifiers: [{ type: 'email', value: 'ap@northwind.example' }] });
    const seen: ImportProgress[] = [];
    await importMbox(log, billingMbox, { ourDomains: ['seller.example'], batchSize: 2, onProgress: (p) => seen.push(p) });
    const phases = seen.map((p) => p.phase);
    expect(phases.indexOf('writing')).toBeGreaterThan(phases.lastIndexOf('reading'));
    const lastRead = seen[phases.lastIndexOf('reading')]!;
    expect(lastRead).toMatchObject({ read: 6, bytesRead: lastRead.bytesTotal });
    expect(seen.filter((p) => p.phase === 'writing').map((p) => p.processed)).toEqual([2, 4, 6]);
  });

  it('rejects a message without any usable date, and one that is too large, and goes on', async () => {
    const path = join(tmp, 'odd.mbox');
    writeFileSync(
      path,
      [
        'From nobody Mon Jan  1 00:00:00 1800', // envelope date out of range
        'From: someone@example.org',
        'Subject: undated',
        '',
        'no date anywhere',
        '',
        'From big@example.org Tue Mar  3 10:00:00 2026',
        'From: big@example.org',
        'Date: Tue, 3 Mar 2026 10:00:00 +0000',
        '',
        'x'.repeat(2000),
        '',
        'From ok@example.org Tue Mar  3 10:00:00 2026',
        'From: ok@example.org',
        'Subject: fine',
        '',
        'dated by the envelope',
        '',
      ].join('\n'),
    );
    const report = await importMbox(log, path, { createMissingCustomers: true, maxMessageBytes: 1000 });
    expect(report.rejections.map((r) => [r.line, r.issues?.[0]?.code])).toEqual([
      [1, 'invalid_date'],
      [7, 'too_big'],
    ]);
    expect(report.created).toBe(1);
    const [message] = await all(log);
    expect(message).toMatchObject({ subject: 'fine', sentAt: '2026-03-03T10:00:00.000Z', metadata: { email: { sentAtFrom: 'envelope' } } });
  });
});

describe('mboxes that are broken or written by other tools: nothing dropped or merged silently', () => {
  const write = (name: string, content: string | Buffer) => {
    const path = join(tmp, name);
    writeFileSync(path, content);
    return path;
  };

  it('refuses a file with no envelope line at all — random bytes, or one message saved as .mbox — before storing anything', async () => {
    let seed = 7;
    const random = Buffer.from(Array.from({ length: 64 * 1024 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff));
    const single = 'From: ap@northwind.example\nTo: ar@seller.example\nDate: Mon, 2 Mar 2026 08:00:00 +0000\nSubject: no envelope\n\nhello\n';
    for (const path of [write('random.mbox', random), write('single.mbox', single)]) {
      const error = await importMbox(log, path, { createMissingCustomers: true }).catch((e: unknown) => e);
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as { issues: unknown[] }).issues).toEqual([
        expect.objectContaining({ code: 'not_mbox', message: expect.stringMatching(/^.+\.mbox is not an mbox: none of its lines is an envelope line \("From <sender> <date>"\) starting a message\. /) }),
      ]);
    }
    expect(await all(log)).toEqual([]);
    // An empty mailbox is a mailbox with no messages.
    expect(await importMbox(log, write('empty.mbox', '\n\n'))).toMatchObject({ processed: 0, rejected: 0 });
  });

  it('rejects text before the first envelope line, and imports the messages after it', async () => {
    const path = write('preamble.mbox', 'This folder was exported by Example Mail 2.1\nDo not edit.\n\nFrom ap@northwind.example Mon Mar  2 08:00:00 2026\nFrom: ap@northwind.example\nSubject: after the preamble\n\nhello\n');
    const report = await importMbox(log, path, { createMissingCustomers: true });
    expect(report).toMatchObject({ processed: 2, created: 1, rejected: 1 });
    expect(report.rejections.map((r) => [r.line, r.code, r.issues?.[0]?.code, r.message])).toEqual([
      [1, 'VALIDATION_FAILED', 'no_envelope', '2 lines from line 1 before the first envelope line ("From <sender> <date>") belong to no message'],
    ]);
  });

  it('starts a message at an envelope line without a date (after an empty line, before a header) and at one with an ISO date', async () => {
    const path = write(
      'undated.mbox',
      [
        'From ap@northwind.example Mon Mar  2 08:00:00 2026',
        'From: ap@northwind.example',
        'Subject: first',
        '',
        'From my point of view this line is part of the body.',
        'So is this one.',
        '',
        'From ap@northwind.example', // no date: a message of its own, dated by its Date header
        'From: ap@northwind.example',
        'Date: Tue, 3 Mar 2026 09:00:00 +0000',
        'Subject: second',
        '',
        'two',
        '',
        'From MAILER-DAEMON', // no date, and none in the message either: rejected, not merged into "second"
        'From: ap@northwind.example',
        'Subject: third',
        '',
        'three',
        '',
        'From ap@northwind.example 2026-03-04T10:30:00Z', // an ISO date, as some exporters write it
        'From: ap@northwind.example',
        'Subject: fourth',
        '',
        'four',
        '',
      ].join('\n'),
    );
    const report = await importMbox(log, path, { createMissingCustomers: true });
    expect(report).toMatchObject({ processed: 4, created: 3, rejected: 1 });
    expect(report.rejections.map((r) => [r.line, r.issues?.[0]?.code])).toEqual([[15, 'invalid_date']]);
    const messages = await all(log);
    expect(messages.map((m) => [m.subject, m.sentAt, m.body])).toEqual([
      ['first', '2026-03-02T08:00:00.000Z', 'From my point of view this line is part of the body.\nSo is this one.'],
      ['second', '2026-03-03T09:00:00.000Z', 'two'],
      ['fourth', '2026-03-04T10:30:00.000Z', 'four'],
    ]);
    expect(messages[2]!.metadata).toEqual({ email: { sentAtFrom: 'envelope' } });
  });
});

describe('email building blocks', () => {
  it('decides the direction from our domains, subdomains included', () => {
    const ours = ['seller.example'];
    expect(directionOf('billing@seller.example', ['ap@northwind.example'], ours)).toBe('outbound');
    expect(directionOf('maria@eu.seller.example', ['billing@seller.example'], ours)).toBe('internal');
    expect(directionOf('ap@northwind.example', ['billing@seller.example'], ours)).toBe('inbound');
    expect(directionOf('ap@notseller.example', ['billing@seller.example'], ours)).toBe('inbound');
    expect(directionOf('billing@seller.example', ['ap@northwind.example'], [])).toBe('inbound');
  });

  it('splits mbox messages on envelope lines only', async () => {
    const text = 'junk before\nFrom a@x Mon Jan  6 10:00:00 2025\nSubject: one\n\nFrom here on, a body line\n>From escaped\n>>From twice\n\nFrom b@x Tue Jan  7 11:30:00 2025\nSubject: two\n\nbody\n';
    const out = [];
    for await (const message of splitMbox(Readable.from([Buffer.from(text)]), 1 << 20)) out.push(message);
    expect(out.map((m) => [m.line, m.envelopeDate, m.bytes?.toString(), m.problem])).toEqual([
      [1, undefined, undefined, 'no_envelope'], // 'junk before' belongs to no message, and says so
      [2, '2025-01-06T10:00:00.000Z', 'Subject: one\n\nFrom here on, a body line\nFrom escaped\n>From twice\n', undefined],
      [9, '2025-01-07T11:30:00.000Z', 'Subject: two\n\nbody\n', undefined],
    ]);
  });

  it('keeps what the model cannot hold within its limits, and says what was cut', async () => {
    const recipients = Array.from({ length: 230 }, (_, i) => `r${i}@northwind.example`).join(', ');
    const raw = Buffer.from(`From: billing@seller.example\r\nTo: ${recipients}\r\nDate: Mon, 2 Mar 2026 08:00:00 +0000\r\nSubject: ${'S'.repeat(1200)}\r\n\r\nhello\r\n`);
    const { input } = await parseEmail(raw, { ourDomains: ['seller.example'] });
    expect(input.to).toHaveLength(200);
    expect(input.subject).toHaveLength(1000);
    expect(input.metadata).toEqual({ email: { truncated: ['subject', 'to'] } });
    expect(input.direction).toBe('outbound');
  });

  it('turns HTML into the text a person reads, in linear time', () => {
    const html =
      '<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body><!-- hidden -->' +
      '<h1>Statement</h1><p>Open&nbsp;items &amp; credits:</p><ul><li>INV-1 &#8211; &euro;10</li><li>INV-2 &#x2014; 5&nbsp;%</li></ul>' +
      '<p>Thanks,<br>Billing</p><script>alert(1)</script><table><tr><td>a</td><td>b</td></tr></table></body></html>';
    expect(htmlToText(html)).toBe('Statement\n\nOpen items & credits:\n\n* INV-1 – €10\n* INV-2 — 5 %\n\nThanks,\nBilling\n\na b');
    const started = performance.now();
    htmlToText('<a'.repeat(50_000) + '<!--'.repeat(50_000) + '<b> </b>\n'.repeat(50_000) + '&amp'.repeat(50_000));
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
