import { Hash64, hash64 } from './hash.js';
import type { TimelineItem } from './item.js';
import { subjectKey } from './subject.js';
import { normaliseText } from './text.js';

/**
 * Channels whose text is not the event itself but each system's own note about it: the phone
 * system logs "inbound call, 4 min", the agent writes what was agreed. Their fingerprint leaves
 * the text out, so the same call logged by both systems matches on customer, channel, direction
 * and time.
 *
 * @example
 * ```ts
 * mergeTimelines(sources, { contentFreeChannels: [...CONTENT_FREE_CHANNELS, 'sms'] }); // SMS logs differ per system too
 * ```
 */
export const CONTENT_FREE_CHANNELS: readonly string[] = ['phone', 'meeting'];

/**
 * Options of {@link timelineFingerprint}.
 *
 * @example
 * ```ts
 * timelineFingerprint(call, { contentFreeChannels: [] }); // compare calls by their notes as well
 * ```
 */
export interface FingerprintOptions {
  /** Channels compared without their text; {@link CONTENT_FREE_CHANNELS} when not given. */
  readonly contentFreeChannels?: readonly string[];
}

const SEP = '\u001f';

/** `true` when the item has what a fingerprint needs. Internal. */
export function fingerprintable(item: TimelineItem<unknown>, contentFree: readonly string[]): boolean {
  const { customerId, channel, direction } = item;
  if (!customerId || !channel || !direction) return false;
  return contentFree.includes(channel) || !!item.subject || !!item.body;
}

/**
 * The part of the fingerprint that is cheap to compute (customer, channel, direction), or
 * `undefined` when the item cannot be fingerprinted. Internal: the merge compares it first and
 * hashes the text only when two items share it.
 */
export function fingerprintScope(item: TimelineItem<unknown>, contentFree: readonly string[]): string | undefined {
  return fingerprintable(item, contentFree) ? item.customerId + SEP + item.channel + SEP + item.direction : undefined;
}

/** The text part of the fingerprint (internal; see {@link timelineFingerprint}). */
export function fingerprintContent(item: TimelineItem<unknown>, contentFree: readonly string[]): string {
  if (item.channel !== undefined && contentFree.includes(item.channel)) return '';
  const subject = item.subject ?? '';
  const body = item.body ?? '';
  return hashPlainText(subject, body) ?? hash64(`${subjectKey(subject)}\n${normaliseText(body)}`);
}

/**
 * The hash of `${subjectKey(subject)}\n${normaliseText(body)}` in one pass over each text, without
 * building either string, for the common text that normalising only lower-cases: all ASCII (NFKC
 * changes nothing), no white space at either end or in runs (a lone tab or line break becomes a
 * space, which keeps the length the hash starts from), and a subject without a colon (every reply
 * or forward prefix ends with one) that does not open with a `[` (a list tag). `undefined` for any
 * other text, which takes the regular expressions.
 */
function hashPlainText(subject: string, body: string): string | undefined {
  if (subject.charCodeAt(0) === 91 /* [ */) return undefined;
  const hash = new Hash64(subject.length + 1 + body.length);
  if (!addPlainText(hash, subject, false)) return undefined;
  hash.add(10); // '\n'
  if (!addPlainText(hash, body, true)) return undefined;
  return hash.digest();
}

/** Adds `value` lower-cased, white space as spaces; `false` (and a spoiled hash) when it is not plain text, see {@link hashPlainText}. */
function addPlainText(hash: Hash64, value: string, colonsAllowed: boolean): boolean {
  let spaceBefore = true; // at the start, as after a space: white space there is not plain
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13)) {
      if (spaceBefore) return false;
      spaceBefore = true;
      hash.add(32);
    } else {
      if (code > 127 || (code === 58 /* : */ && !colonsAllowed)) return false;
      spaceBefore = false;
      hash.add(code >= 65 && code <= 90 ? code + 32 : code);
    }
  }
  return !spaceBefore || value.length === 0;
}

/**
 * The fingerprint that the third de-duplication layer of {@link mergeTimelines} compares: customer,
 * channel, direction, and a 64-bit hash of the normalised subject ({@link subjectKey}: without
 * `Re:`/`Fwd:` prefixes and list tags, case-folded) and normalised text ({@link normaliseText}).
 * Calls and meetings ({@link CONTENT_FREE_CHANNELS}) leave the text out. `undefined` when the item
 * has no customer, channel or direction, or (outside those channels) neither subject nor text:
 * such items are never matched by fingerprint. Two items with equal fingerprints are the same
 * event only when their instants are within the merge's `window` and they come from different
 * systems.
 *
 * @example
 * ```ts
 * const a = { id: 'a', at: '2026-03-02T09:00:00.000Z', customerId: 'C1', channel: 'email', direction: 'outbound',
 *             subject: 'Reminder: INV-1042', body: 'Please pay INV-1042.' };
 * const b = { ...a, id: 'b', subject: 'reminder:  inv-1042', body: 'Please pay INV-1042.\r\n' };
 * timelineFingerprint(a) === timelineFingerprint(b) // true
 * ```
 */
export function timelineFingerprint(item: TimelineItem<unknown>, options?: FingerprintOptions): string | undefined {
  const contentFree = options?.contentFreeChannels ?? CONTENT_FREE_CHANNELS;
  const scope = fingerprintScope(item, contentFree);
  return scope === undefined ? undefined : scope + SEP + fingerprintContent(item, contentFree);
}
