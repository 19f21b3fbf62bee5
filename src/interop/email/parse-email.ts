/**
 * One RFC 5322 message (parsed by postal-mime) as a communication record.
 */
import { createHash } from 'node:crypto';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { ValidationError } from '../../errors/index.js';
import type { CommunicationInput } from '../../models/communication.js';
import { LIMITS } from '../../models/limits.js';
import { replaceControlCharacters } from '../../models/primitives.js';
import { parseInReplyTo, parseMessageIds } from '../../timeline/message-ids.js';
import { htmlToText } from './html-text.js';

/** How messages become records. */
export interface EmailOptions {
  /**
   * Your own mail domains (`acme.example`; subdomains match too). A message from one of them is
   * `outbound` (or `internal` when every recipient is yours too); any other is `inbound`. Without
   * them every message is `inbound`.
   */
  readonly ourDomains?: readonly string[];
  /** The source system of the records: the first half of their source key. `mail` when not given. */
  readonly system?: string;
  /** Tags put on every record. */
  readonly tags?: readonly string[];
}

/** A message read into a communication input, and the facts threading needs. */
export interface ParsedEmail {
  /** The record to store (without `customer`, resolved by the store from the other party's addresses). */
  readonly input: CommunicationInput & { readonly source: { readonly system: string; readonly externalId: string }; readonly sentAt: string };
}

/** Domain names as compared: lower case, without a leading `@` or `.`. */
export function normaliseDomains(domains: readonly string[] | undefined): string[] {
  return (domains ?? []).map((domain) => domain.trim().toLowerCase().replace(/^[@.]+/, '')).filter((domain) => domain !== '');
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** Whether an address belongs to one of the domains (or a subdomain of one). */
export function isOurAddress(address: string, domains: readonly string[]): boolean {
  const domain = domainOf(address);
  return domains.some((ours) => domain === ours || domain.endsWith(`.${ours}`));
}

/** `outbound` for a message from one of our domains (`internal` if every recipient is ours too), else `inbound`. */
export function directionOf(from: string | undefined, recipients: readonly string[], domains: readonly string[]): 'inbound' | 'outbound' | 'internal' {
  if (domains.length === 0 || from === undefined || !isOurAddress(from, domains)) return 'inbound';
  return recipients.length > 0 && recipients.every((address) => isOurAddress(address, domains)) ? 'internal' : 'outbound';
}

/** Text as stored: line endings as LF, no NUL, no unpaired surrogates. */
const clean = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\u0000/g, '').toWellFormed();

/**
 * Header text as stored (a subject, a display name, a file name): one line. A control character
 * left after decoding (an encoded CR LF, a NUL...) becomes a space, and the field is named in
 * `notes` (`metadata.email.sanitised`): the model refuses control characters in header fields.
 */
function headerLine(text: string, notes: Set<string>, field: string): string {
  const line = replaceControlCharacters(text.toWellFormed());
  if (line !== text) notes.add(field);
  return line;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

type Mailbox = { address: string; name?: string };

function mailboxes(addresses: readonly Address[] | Address | undefined, notes: Set<string>, field: string, sanitised: Set<string>): Mailbox[] {
  const list = addresses === undefined ? [] : Array.isArray(addresses) ? addresses : [addresses as Address];
  const out: Mailbox[] = [];
  for (const entry of list.flatMap((address) => (address.group ? address.group : [address]))) {
    const address = clean(entry.address ?? '').trim();
    if (address === '') continue;
    if (address.length > LIMITS.address) {
      notes.add(field);
      continue;
    }
    const name = headerLine(entry.name ?? '', sanitised, field).trim();
    if (name.length > LIMITS.shortText) notes.add(field);
    out.push(name === '' ? { address } : { address, name: name.slice(0, LIMITS.shortText) });
  }
  if (out.length > LIMITS.listItems) {
    notes.add(field);
    return out.slice(0, LIMITS.listItems);
  }
  return out;
}

const validId = (id: string) => id.length <= LIMITS.messageId;

/** The date of the topmost `Received:` header (the last hop: when the message reached the mailbox). */
function receivedDate(email: Email): number {
  const received = email.headers.find((header) => header.key === 'received');
  if (!received) return Number.NaN;
  const at = received.value.lastIndexOf(';');
  return at === -1 ? Number.NaN : Date.parse(received.value.slice(at + 1).trim());
}

function sentAtOf(email: Email, fallback: string | undefined): { sentAt: string; from: 'date' | 'received' | 'envelope' } {
  const candidates: Array<[number, 'date' | 'received' | 'envelope']> = [
    [email.date === undefined ? Number.NaN : Date.parse(email.date), 'date'],
    [receivedDate(email), 'received'],
    [fallback === undefined ? Number.NaN : Date.parse(fallback), 'envelope'],
  ];
  for (const [ms, from] of candidates) {
    if (Number.isFinite(ms)) {
      const year = new Date(ms).getUTCFullYear();
      if (year >= 1900 && year <= 9999) return { sentAt: new Date(ms).toISOString(), from };
    }
  }
  throw new ValidationError('email', [
    {
      code: 'invalid_date',
      path: ['sentAt'],
      message: 'the message has no usable date: no valid Date header, Received header or mbox envelope date',
    },
  ]);
}

function sizeOf(content: ArrayBuffer | Uint8Array | string): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/**
 * Reads one raw RFC 5322 message (bytes as found in a `.eml` file or an mbox) into a communication
 * input, with postal-mime doing all MIME decoding (multipart, quoted-printable, base64, RFC 2047
 * encoded words, charsets):
 *
 * - `messageId`, `inReplyTo`, `references` from the headers, without angle brackets;
 * - `from` (or `Sender` when there is no `From`), `to`, `cc`, groups flattened;
 * - `subject`; `body` is the text part, or the text of the HTML ({@link htmlToText}) when there is only HTML;
 * - `attachments`: name, media type, size and SHA-256 of the decoded content (the content is not kept);
 * - `sentAt` from the `Date` header; without a valid one, from the topmost `Received` header,
 *   then `fallbackDate` (an mbox envelope date); with none of them the message is rejected;
 * - `direction` from `ourDomains`; `channel` `email`;
 * - `source`: `{ system, externalId: Message-ID }`, or `sha256:<hex>` of the message (line endings
 *   normalised) when it has no Message-ID (or one longer than 256 characters, hashed).
 *
 * What does not fit the model's limits is cut to fit and named in `metadata.email.truncated`
 * (a body over a million characters, more than 200 recipients or attachments...). Control
 * characters left in a decoded subject, display name or file name (an encoded line break) become
 * spaces, and the field is named in `metadata.email.sanitised`; an address with one is refused
 * by validation (the message is rejected, naming the field).
 *
 * @throws {ValidationError} `VALIDATION_FAILED` when the message cannot be parsed or has no usable date
 */
export async function parseEmail(raw: Uint8Array, options: EmailOptions & { readonly fallbackDate?: string } = {}): Promise<ParsedEmail> {
  let email: Email;
  try {
    email = await PostalMime.parse(raw);
  } catch (error) {
    throw new ValidationError('email', [{ code: 'unreadable_input', path: [], message: `the message cannot be parsed as MIME (${(error as Error).message})` }]);
  }
  const truncated = new Set<string>();
  const sanitised = new Set<string>();
  const domains = normaliseDomains(options.ourDomains);
  const messageId = parseMessageIds(email.messageId).find(validId);
  let references = parseMessageIds(email.references).filter(validId);
  if (references.length > LIMITS.references) {
    // Keep the first (the conversation's root) and the most recent ones.
    references = [references[0]!, ...references.slice(references.length - LIMITS.references + 1)];
    truncated.add('references');
  }
  const inReplyTo = parseInReplyTo(email.inReplyTo, references);
  const from = mailboxes(email.from ?? email.sender, truncated, 'from', sanitised)[0];
  const to = mailboxes(email.to, truncated, 'to', sanitised);
  const cc = mailboxes(email.cc, truncated, 'cc', sanitised);
  const { sentAt, from: sentAtFrom } = sentAtOf(email, options.fallbackDate);

  let subject = email.subject === undefined ? undefined : headerLine(email.subject, sanitised, 'subject');
  if (subject !== undefined && subject.length > LIMITS.subject) {
    subject = subject.slice(0, LIMITS.subject).toWellFormed();
    truncated.add('subject');
  }
  // The text part; for HTML-only mail, the text of the HTML. Trailing blank lines (left by MIME
  // part boundaries) are dropped.
  const text = email.text ?? (email.html === undefined ? undefined : htmlToText(email.html));
  let body = text === undefined ? undefined : clean(text).trimEnd();
  if (body === '') body = undefined;
  if (body !== undefined && body.length > LIMITS.body) {
    body = body.slice(0, LIMITS.body).toWellFormed();
    truncated.add('body');
  }

  let attachments = email.attachments.map((attachment, i) => {
    const bytes = typeof attachment.content === 'string' ? attachment.content : new Uint8Array(attachment.content as ArrayBuffer);
    let name = headerLine(attachment.filename ?? '', sanitised, 'attachments').trim();
    if (name === '') name = attachment.mimeType === 'message/rfc822' ? `message-${i + 1}.eml` : `attachment-${i + 1}`;
    if (name.length > LIMITS.shortText) {
      name = name.slice(0, LIMITS.shortText).toWellFormed();
      truncated.add('attachments');
    }
    return {
      name,
      mediaType: MEDIA_TYPE.test(attachment.mimeType) && attachment.mimeType.length <= 255 ? attachment.mimeType : 'application/octet-stream',
      size: sizeOf(attachment.content),
      sha256: sha256(bytes),
    };
  });
  if (attachments.length > LIMITS.listItems) {
    attachments = attachments.slice(0, LIMITS.listItems);
    truncated.add('attachments');
  }

  const direction = directionOf(from?.address, [...to, ...cc].map((m) => m.address), domains);
  const externalId =
    messageId === undefined
      ? `sha256:${sha256(Buffer.from(raw).toString('latin1').replace(/\r\n/g, '\n'))}`
      : messageId.length <= LIMITS.ref
        ? messageId
        : `sha256:${sha256(messageId)}`;

  const note: Record<string, unknown> = {};
  if (truncated.size > 0) note['truncated'] = [...truncated].sort();
  if (sanitised.size > 0) note['sanitised'] = [...sanitised].sort();
  if (sentAtFrom !== 'date') note['sentAtFrom'] = sentAtFrom;

  return {
    input: {
      channel: 'email',
      direction,
      ...(from ? { from } : {}),
      to,
      cc,
      ...(subject !== undefined ? { subject } : {}),
      ...(body !== undefined ? { body } : {}),
      attachments,
      sentAt,
      ...(messageId !== undefined ? { messageId } : {}),
      ...(inReplyTo !== undefined && validId(inReplyTo) ? { inReplyTo } : {}),
      references,
      source: { system: options.system ?? 'mail', externalId },
      ...(options.tags && options.tags.length > 0 ? { tags: [...options.tags] } : {}),
      ...(Object.keys(note).length > 0 ? { metadata: { email: note } } : {}),
    } as ParsedEmail['input'],
  };
}
