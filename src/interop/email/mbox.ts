/**
 * Splitting an mbox into its messages. mbox is only a container: messages follow each other, each
 * after an envelope line `From <sender> <date>`; the messages themselves are parsed by postal-mime.
 */
import { splitLines } from '../input.js';

/** One message of an mbox, raw. */
export interface MboxMessage {
  /** 1-based line of the mbox where the message's envelope line is. */
  readonly line: number;
  /** The message (RFC 5322), `>From ` unescaped, lines ending in LF; `undefined` when it was larger than the limit. */
  readonly bytes: Buffer | undefined;
  /** The date on the envelope line, as a UTC instant, when it has one. */
  readonly envelopeDate: string | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An envelope line: `From <sender> <asctime date>` (`From foo@bar.com  Tue Mar 25 12:39:56 2003`,
 * `From - Mon Jan 01 10:00:00 2024`). The sender may be empty or `<...>`.
 */
const ENVELOPE =
  /^From (?:\S*) +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) +(\d{1,2}):(\d{2})(?::(\d{2}))?(?: +[A-Z]{3,4})? +(\d{4})/;

/** The envelope line's date (asctime, no zone: taken as UTC), or `undefined` when the line is no envelope. */
export function envelopeOf(line: string): { date: string | undefined } | undefined {
  const match = ENVELOPE.exec(line);
  if (!match) return undefined;
  const [, month, day, hour, minute, second, year] = match;
  const ms = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(day), Number(hour), Number(minute), Number(second ?? 0));
  return { date: Number.isNaN(ms) ? undefined : new Date(ms).toISOString() };
}

const FROM_PREFIX = Buffer.from('From ');
const LF = Buffer.from('\n');

/** `>From `, `>>From `...: lines a writer escaped (mboxo / mboxrd); each loses one `>`. */
function unescape(line: Uint8Array): Uint8Array {
  if (line[0] !== 0x3e) return line;
  let i = 0;
  while (line[i] === 0x3e) i++;
  return Buffer.from(line.buffer, line.byteOffset + i, Math.min(5, line.length - i)).equals(FROM_PREFIX) ? line.subarray(1) : line;
}

/**
 * Splits an mbox byte stream into messages, one message in memory at a time. A message starts at
 * an envelope line (which is not part of it); RFC 4155 wants an empty line before it, but not every
 * writer leaves one, so none is required. The empty line separating two messages is dropped.
 * Lines before the first envelope line are ignored. A message larger than `maxMessageBytes` is
 * returned with `bytes: undefined` (and skipped).
 */
export async function* splitMbox(chunks: AsyncIterable<Uint8Array>, maxMessageBytes: number): AsyncGenerator<MboxMessage> {
  let current: { line: number; envelopeDate: string | undefined; parts: Uint8Array[]; size: number; tooLarge: boolean } | undefined;
  const finish = (): MboxMessage => {
    const { parts, line, envelopeDate, tooLarge } = current!;
    // The empty line before the next envelope (and trailing empty lines at the end) separate messages.
    while (parts.length >= 2 && parts[parts.length - 1] === LF && parts[parts.length - 2] === LF) parts.pop();
    return { line, envelopeDate, bytes: tooLarge ? undefined : Buffer.concat(parts) };
  };
  // A line of an mbox can be as long as a message; lines beyond the limit make the message too large.
  for await (const { number, bytes } of splitLines(chunks, maxMessageBytes)) {
    if (bytes !== undefined && bytes.length >= 5 && bytes[0] === 0x46 /* F */ && Buffer.from(bytes.buffer, bytes.byteOffset, 5).equals(FROM_PREFIX)) {
      const envelope = envelopeOf(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 200)).toString('latin1'));
      if (envelope) {
        if (current) yield finish();
        current = { line: number, envelopeDate: envelope.date, parts: [], size: 0, tooLarge: false };
        continue;
      }
    }
    if (!current) continue;
    if (bytes === undefined) {
      current.tooLarge = true;
      current.parts = [];
      continue;
    }
    if (current.tooLarge) continue;
    const line = unescape(bytes);
    current.size += line.length + 1;
    if (current.size > maxMessageBytes) {
      current.tooLarge = true;
      current.parts = [];
      continue;
    }
    // Copy: the line may be a view of a reused buffer.
    if (line.length > 0) current.parts.push(Buffer.from(line));
    current.parts.push(LF);
  }
  if (current) yield finish();
}
