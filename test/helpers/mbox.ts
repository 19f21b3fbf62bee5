/**
 * Reads the mbox fixtures into communication-like records for the threading tests. The mbox is
 * split here (it is only a container format); every message is parsed by postal-mime, never by
 * hand.
 */
import { readFileSync } from 'node:fs';
import PostalMime, { type Address } from 'postal-mime';
import { parseInReplyTo, parseMessageIds, type ThreadableMessage } from 'touchlog';

/** A message read from an mbox, in the shape `threadConversations` reads (a CommunicationRecord's fields). */
export interface MboxMessage extends ThreadableMessage {
  readonly id: string;
  readonly messageId: string | undefined;
  readonly inReplyTo: string | undefined;
  readonly references: string[];
  readonly subject: string | undefined;
  readonly from: { address: string; name?: string } | undefined;
  readonly to: { address: string; name?: string }[];
  readonly cc: { address: string; name?: string }[];
  readonly sentAt: string;
  readonly body: string | undefined;
}

/**
 * Splits an mbox file (read as latin1, so every byte survives) into its raw messages. A message
 * starts at an envelope line, `From <sender> <ctime date>` (`From foo@bar.com  Tue Mar 25 12:39:56
 * 2003`); the envelope line is not part of the message. Writers escape body lines that start with
 * `From ` as `>From ` (and mboxrd writers `>From ` as `>>From `...): each loses one `>` here.
 * `>From:` (a quoted header, no space after From) is left alone. Not every writer leaves an empty
 * line before the envelope (testbox-6 does not), so none is required.
 */
const envelope = /^From \S* +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{1,2}:\d{2}/;

export function splitMbox(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const messages: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (envelope.test(line)) {
      if (current !== undefined) {
        if (current[current.length - 1] === '') current.pop(); // the separating blank line
        messages.push(current);
      }
      current = [];
      continue;
    }
    if (current === undefined) continue; // junk before the first envelope line
    current.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  if (current !== undefined) {
    while (current.length > 0 && current[current.length - 1] === '') current.pop();
    messages.push(current);
  }
  return messages.map((message) => message.join('\r\n') + '\r\n');
}

const mailbox = (address: Address | undefined): { address: string; name?: string } | undefined =>
  address === undefined || address.address === undefined ? undefined : { address: address.address, ...(address.name ? { name: address.name } : {}) };

const mailboxes = (addresses: Address[] | undefined) =>
  (addresses ?? []).flatMap((address) => (address.group ? address.group : [address])).flatMap((address) => mailbox(address) ?? []);

/** Parses one raw message with postal-mime into a communication-like record. */
export async function parseMessage(raw: string, id: string): Promise<MboxMessage> {
  const email = await PostalMime.parse(Buffer.from(raw, 'latin1'));
  const references = parseMessageIds(email.references);
  const date = email.date === undefined ? Number.NaN : Date.parse(email.date);
  if (Number.isNaN(date)) throw new Error(`message ${id} has no usable Date header (${email.date})`);
  return {
    id,
    messageId: parseMessageIds(email.messageId)[0],
    inReplyTo: parseInReplyTo(email.inReplyTo, references),
    references,
    subject: email.subject,
    from: mailbox(email.from),
    to: mailboxes(email.to),
    cc: mailboxes(email.cc),
    sentAt: new Date(date).toISOString(),
    body: email.text,
  };
}

/** The messages of a fixture in `test/fixtures/mbox/`, in file order, with ids `<name>#<index>`. */
export async function readMbox(name: string): Promise<MboxMessage[]> {
  const text = readFileSync(new URL(`../fixtures/mbox/${name}`, import.meta.url), 'latin1');
  return Promise.all(splitMbox(text).map((raw, index) => parseMessage(raw, `${name.replace(/\.mbox$/, '')}#${index}`)));
}
