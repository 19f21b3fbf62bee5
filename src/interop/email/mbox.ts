/**
 * Splitting an mbox into its messages. mbox is only a container: messages follow each other, each
 * after an envelope line `From <sender> <date>`; the messages themselves are parsed by postal-mime.
 */
import { splitLines } from '../input.js';

/** One message of an mbox, raw — or a stretch of it that is no message. */
export interface MboxMessage {
  /** 1-based line of the mbox where the message's envelope line is (or where the stretch starts). */
  readonly line: number;
  /** The message (RFC 5322), `>From ` unescaped, lines ending in LF; `undefined` when there is none to read (see `problem`). */
  readonly bytes: Buffer | undefined;
  /** The date on the envelope line, as a UTC instant, when it has one. */
  readonly envelopeDate: string | undefined;
  /**
   * Why `bytes` is `undefined`: `too_large` — the message is larger than the limit (skipped
   * without being held in memory); `no_envelope` — text before the first envelope line, which
   * belongs to no message (`lines` of it, blank lines not counted).
   */
  readonly problem?: 'too_large' | 'no_envelope';
  /** For `no_envelope`: how many non-blank lines there are. */
  readonly lines?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An envelope line with an asctime date: `From <sender> <asctime date>`
 * (`From foo@bar.com  Tue Mar 25 12:39:56 2003`, `From - Mon Jan 01 10:00:00 2024`). The sender
 * may be empty or `<...>`.
 */
const ASCTIME_ENVELOPE =
  /^From (?:\S*) +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) +(\d{1,2}):(\d{2})(?::(\d{2}))?(?: +[A-Z]{3,4})? +(\d{4})/;
/** An envelope line with an ISO 8601 date, as some tools write: `From foo@bar.com 2026-03-03T09:15:00Z`. */
const ISO_ENVELOPE = /^From (?:\S*) +(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?)?\s*$/i;
/** A header field line (`Name: value`): field-name characters (printable ASCII but `:`), then a colon. */
const HEADER_FIELD = /^[!-9;-~]+:/;

/**
 * A UTC instant from calendar fields, or `undefined` when they name none: `Date.UTC` rolls
 * 30 February over into March and hour 25 into the next day, so a date that does not come back
 * unchanged is no date.
 */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  const ms = Date.UTC(year, month, day, hour, minute, second);
  const date = new Date(ms);
  const same = date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute;
  return Number.isNaN(ms) || !same || second > 60 ? undefined : ms;
}

/**
 * The date of an envelope line that carries one — asctime (no zone: taken as UTC) or ISO 8601
 * (UTC when it has no offset) — or `undefined` when the line is no dated envelope line. A date that
 * does not exist gives `{ date: undefined }`: the line is still an envelope.
 */
export function envelopeOf(line: string): { date: string | undefined } | undefined {
  const asctime = ASCTIME_ENVELOPE.exec(line);
  const iso = asctime ? undefined : ISO_ENVELOPE.exec(line);
  let ms: number | undefined;
  if (asctime) {
    const [, month, day, hour, minute, second, year] = asctime;
    ms = utc(Number(year), MONTHS.indexOf(month!), Number(day), Number(hour), Number(minute), Number(second ?? 0));
  } else if (iso) {
    const [, year, month, day, hour, minute, second, , sign, offsetHours, offsetMinutes] = iso;
    ms = utc(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0));
    if (ms !== undefined && sign !== undefined) ms -= (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  } else {
    return undefined;
  }
  return { date: ms === undefined ? undefined : new Date(ms).toISOString() };
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

const startsWithFrom = (bytes: Uint8Array) =>
  bytes.length >= 5 && bytes[0] === 0x46 /* F */ && Buffer.from(bytes.buffer, bytes.byteOffset, 5).equals(FROM_PREFIX);
const latin1 = (bytes: Uint8Array, max = 200) => Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('latin1');

/**
 * Splits an mbox byte stream into messages, one message in memory at a time. A message starts at
 * an envelope line (which is not part of it):
 *
 * - a line `From <sender> <date>` with an asctime or ISO 8601 date starts a message wherever it is
 *   (RFC 4155 wants an empty line before it, but not every writer leaves one);
 * - a line `From <anything>` without such a date starts one when it comes first or after an empty
 *   line and the next line is a header field (`Name: value`) — otherwise it is a body line that a
 *   writer did not escape.
 *
 * The empty line separating two messages is dropped. Nothing is dropped silently: text before the
 * first envelope line is returned as `{ problem: 'no_envelope' }` (blank lines there are ignored),
 * and a message larger than `maxMessageBytes` as `{ problem: 'too_large', bytes: undefined }`.
 */
export async function* splitMbox(chunks: AsyncIterable<Uint8Array>, maxMessageBytes: number): AsyncGenerator<MboxMessage> {
  let current: { line: number; envelopeDate: string | undefined; parts: Uint8Array[]; size: number; tooLarge: boolean } | undefined;
  /** Non-blank lines before the first envelope line. */
  let preamble: { line: number; lines: number } | undefined;
  let previousBlank = true; // the start of the input counts as after an empty line
  /** A `From ` line without a date after an empty line: an envelope if the next line is a header field. */
  let candidate: { number: number; bytes: Buffer } | undefined;

  const finish = (): MboxMessage => {
    const { parts, line, envelopeDate, tooLarge } = current!;
    // The empty line before the next envelope (and trailing empty lines at the end) separate messages.
    while (parts.length >= 2 && parts[parts.length - 1] === LF && parts[parts.length - 2] === LF) parts.pop();
    return tooLarge ? { line, envelopeDate, bytes: undefined, problem: 'too_large' } : { line, envelopeDate, bytes: Buffer.concat(parts) };
  };
  const noEnvelope = (): MboxMessage => ({ line: preamble!.line, bytes: undefined, envelopeDate: undefined, problem: 'no_envelope', lines: preamble!.lines });

  /** Adds a line to the message in progress (or to the text before the first envelope). */
  function body(number: number, bytes: Uint8Array | undefined): void {
    if (!current) {
      if (bytes === undefined || bytes.length > 0) {
        preamble ??= { line: number, lines: 0 };
        preamble.lines++;
      }
      return;
    }
    if (bytes === undefined) {
      current.tooLarge = true;
      current.parts = [];
      return;
    }
    if (current.tooLarge) return;
    const line = unescape(bytes);
    current.size += line.length + 1;
    if (current.size > maxMessageBytes) {
      current.tooLarge = true;
      current.parts = [];
      return;
    }
    // Copy: the line may be a view of a reused buffer.
    if (line.length > 0) current.parts.push(Buffer.from(line));
    current.parts.push(LF);
  }

  function* start(number: number, envelopeDate: string | undefined): Generator<MboxMessage> {
    if (current) yield finish();
    else if (preamble) yield noEnvelope();
    current = { line: number, envelopeDate, parts: [], size: 0, tooLarge: false };
  }

  // A line of an mbox can be as long as a message; lines beyond the limit make the message too large.
  for await (const { number, bytes } of splitLines(chunks, maxMessageBytes)) {
    if (candidate) {
      const pending = candidate;
      candidate = undefined;
      if (bytes !== undefined && HEADER_FIELD.test(latin1(bytes, 80))) yield* start(pending.number, undefined);
      else body(pending.number, pending.bytes);
    }
    if (bytes !== undefined && startsWithFrom(bytes)) {
      const envelope = envelopeOf(latin1(bytes));
      if (envelope) {
        yield* start(number, envelope.date);
        previousBlank = false;
        continue;
      }
      if (previousBlank) {
        candidate = { number, bytes: Buffer.from(bytes) };
        previousBlank = false;
        continue;
      }
    }
    body(number, bytes);
    previousBlank = bytes !== undefined && bytes.length === 0;
  }
  if (candidate) body(candidate.number, candidate.bytes);
  if (current) yield finish();
  else if (preamble) yield noEnvelope();
}
