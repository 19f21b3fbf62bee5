import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash64 } from '../../src/timeline/hash.js';
import {
  hasReplyPrefix,
  normaliseMessageId,
  normaliseSubject,
  normaliseText,
  parseInReplyTo,
  parseMessageIds,
  subjectKey,
  timelineFingerprint,
  SUBJECT_PREFIXES,
} from 'touchlog';

describe('normaliseSubject', () => {
  it.each([
    ['Re: Invoice INV-1042', 'Invoice INV-1042'],
    ['RE: RE: Re:Invoice INV-1042', 'Invoice INV-1042'],
    ['Fwd: FW: Fw: Invoice INV-1042', 'Invoice INV-1042'],
    ['AW: WG: Rechnung  INV-1042', 'Rechnung INV-1042'],
    ['SV: Faktura 1042', 'Faktura 1042'],
    ['Antw: Factuur 1042', 'Factuur 1042'],
    ['Re[2]: Invoice', 'Invoice'],
    ['Re(3): Foo', 'Foo'],
    ['Re^4: Foo', 'Foo'],
    ['RE : Facture 1042', 'Facture 1042'],
    ['TR: Facture 1042', 'Facture 1042'],
    ['R: [p5ml] karie kahimi binge...help needed', 'karie kahimi binge...help needed'],
    ['RE: [p5ml] Re: karie kahimi binge...help needed', 'karie kahimi binge...help needed'],
    ['[p5ml] Re: karie kahimi binge...help needed', 'karie kahimi binge...help needed'],
    ['Re: [Aegis]Re: getting started (with aegis) ', 'getting started (with aegis)'],
    ['[rt-users] Configuration Problem', 'Configuration Problem'],
    ['回复：发票 1042', '发票 1042'],
    ['ΑΠ: Τιμολόγιο', 'Τιμολόγιο'],
    // Not prefixes: a word that merely starts like one, a colon in the subject, a count alone, a lone tag.
    ['Reminder: INV-1042 is due', 'Reminder: INV-1042 is due'],
    ['Report: Q1', 'Report: Q1'],
    ['(1) Foo', '(1) Foo'],
    ['[draft]', '[draft]'],
    ['', ''],
  ])('%j → %j', (subject, expected) => {
    expect(normaliseSubject(subject)).toBe(expected);
  });

  it('says whether a subject is a reply or forward, and compares subjects case-insensitively', () => {
    expect(hasReplyPrefix('[rt-users] Re: Configuration Problem')).toBe(true);
    expect(hasReplyPrefix('Fwd: x')).toBe(true);
    expect(hasReplyPrefix('Invoice INV-1042')).toBe(false);
    expect(hasReplyPrefix('[list] Invoice')).toBe(false);
    expect(subjectKey('Fwd: RE: Invoice   INV-1042')).toBe(subjectKey('invoice inv-1042'));
    expect(subjectKey('Ｉｎｖｏｉｃｅ')).toBe('invoice');
    expect(SUBJECT_PREFIXES).toContain('antw');
  });

  it('accepts its own list of prefixes', () => {
    expect(normaliseSubject('Odgovor: Račun', { prefixes: ['odgovor'] })).toBe('Račun');
    expect(normaliseSubject('Re: Račun', { prefixes: ['odgovor'] })).toBe('Re: Račun');
    expect(hasReplyPrefix('ODGOVOR: x', { prefixes: ['odgovor'] })).toBe(true);
  });
});

describe('normaliseText and timelineFingerprint', () => {
  it('normalises case, width, spacing and line endings', () => {
    expect(normaliseText('  Customer  will pay\r\nINV-1042 on FRIDAY ')).toBe('customer will pay inv-1042 on friday');
    expect(normaliseText('ｆｕｌｌ　width')).toBe('full width');
  });

  it('fingerprints customer, channel, direction and normalised text; calls without text', () => {
    const a = { id: 'a', at: '2026-03-02T09:00:00.000Z', customerId: 'C1', channel: 'email', direction: 'outbound', subject: 'Reminder: INV-1042', body: 'Please pay INV-1042.' };
    const b = { ...a, id: 'b', subject: 'RE: reminder:  inv-1042', body: 'Please pay INV-1042.\r\n' };
    expect(timelineFingerprint(a)).toBe(timelineFingerprint(b));
    expect(timelineFingerprint(a)).toMatch(/^C1\u001femail\u001foutbound\u001f[0-9a-f]{16}$/);
    expect(timelineFingerprint({ ...a, body: 'Please pay INV-1043.' })).not.toBe(timelineFingerprint(a));
    expect(timelineFingerprint({ ...a, direction: 'inbound' })).not.toBe(timelineFingerprint(a));
    expect(timelineFingerprint({ ...a, customerId: 'C2' })).not.toBe(timelineFingerprint(a));
    // Not enough to fingerprint: no customer, or an email without any text.
    expect(timelineFingerprint({ ...a, customerId: undefined })).toBeUndefined();
    expect(timelineFingerprint({ ...a, subject: undefined, body: '' })).toBeUndefined();
    // Calls and meetings leave the text out (each system writes its own note).
    const call = { id: 'c', at: a.at, customerId: 'C1', channel: 'phone', direction: 'inbound' };
    expect(timelineFingerprint({ ...call, body: 'Inbound call, 4 min' })).toBe('C1\u001fphone\u001finbound\u001f');
    expect(timelineFingerprint({ ...call, body: 'Promised to pay Friday' })).toBe(timelineFingerprint(call));
    expect(timelineFingerprint({ ...call, body: 'x' }, { contentFreeChannels: [] })).not.toBe(timelineFingerprint({ ...call, body: 'y' }, { contentFreeChannels: [] }));
  });
});

describe('the fingerprint of plain text', () => {
  // The fingerprint hashes plain ASCII text without building the normalised strings; any other text
  // takes subjectKey and normaliseText. Both must give what the definition says.
  const byDefinition = (subject: string, body: string) => `C1\u001femail\u001finbound\u001f${hash64(`${subjectKey(subject)}\n${normaliseText(body)}`)}`;
  const fingerprintOf = (subject: string, body: string) =>
    timelineFingerprint({ id: 'x', at: '2026-03-02T09:00:00.000Z', customerId: 'C1', channel: 'email', direction: 'inbound', subject, body });

  it.each([
    ['Invoice INV-1042', 'Please pay INV-1042.'],
    ['invoice\tINV-1042', 'Please\r\npay\nINV-1042.'],
    ['Invoice  INV-1042', 'Please  pay. '],
    [' Invoice INV-1042', '\tPlease pay.'],
    ['RE: Invoice INV-1042', 'Note: please pay.'],
    ['Report: Q1', ''],
    ['[p5ml] Invoice', 'x'],
    ['Re[2] Invoice', '[draft] please pay'],
    ['Rechnung für März', 'Zahlung bis Freitag'],
    ['ｆｕｌｌ　width', 'ﬁnal notice'],
    ['', 'Body only'],
    ['Subject only', ''],
  ])('%j / %j', (subject, body) => {
    expect(fingerprintOf(subject, body)).toBe(byDefinition(subject, body));
  });

  it('is the defined one for any mix of case, white space, colons, brackets and non-ASCII', () => {
    const char = fc.constantFrom('a', 'Z', 'r', 'E', ' ', '\t', '\n', '\r', '\v', '\f', ':', '[', ']', '1', '：', 'é', 'ﬁ', '\u00a0', '\u3000', 'Ａ', '@', '`', '{');
    const text = fc.array(char, { maxLength: 12 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, text, (subject, body) => {
        if (subject === '' && body === '') return;
        expect(fingerprintOf(subject, body)).toBe(byDefinition(subject, body));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('message ids', () => {
  it('parses header values into ids without brackets', () => {
    expect(parseMessageIds('<a@x.example>\t<b@y.example>  <c@z.example>')).toEqual(['a@x.example', 'b@y.example', 'c@z.example']);
    expect(parseMessageIds('<20030102152943.D635@hermione.osp.nl>; from abigail@foad.org on Thu, Jan 02, 2003 at 03:29:43PM +0100')).toEqual(['20030102152943.D635@hermione.osp.nl']);
    expect(parseMessageIds('bare@host.example')).toEqual(['bare@host.example']);
    expect(parseMessageIds('"Kurt D. Starsinic"\'s message of "Wed, 19 Jul 2000 15:50:37 -0400"')).toEqual([]);
    expect(parseMessageIds(undefined)).toEqual([]);
    expect(normaliseMessageId(' <a@x> ')).toBe('a@x');
    expect(normaliseMessageId('<a b@x>')).toBeUndefined();
    expect(normaliseMessageId('<>')).toBeUndefined();
  });

  it('picks the parent from a free-text In-Reply-To', () => {
    const header = 'Message from Ralf Fassel <ralf@akutech.de>    of "Mon, 25 Nov 2002 14:46:29 +0100." <15842.10677.577458.656565@jupiter.akutech-local.de>';
    expect(parseInReplyTo(header, ['20021124145312.GA1759@nlin.net', '15842.10677.577458.656565@jupiter.akutech-local.de'])).toBe('15842.10677.577458.656565@jupiter.akutech-local.de');
    expect(parseInReplyTo(header)).toBe('ralf@akutech.de');
    expect(parseInReplyTo('<p@x>')).toBe('p@x');
    expect(parseInReplyTo('Joanna Farley\'s message as of Nov 13,  9:56am.')).toBeUndefined();
  });
});
