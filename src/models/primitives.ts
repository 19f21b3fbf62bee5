import { z } from 'zod';
import { INSTANT_RANGE, LIMITS } from './limits.js';

/**
 * Text that every backend can store: well-formed UTF-16 (no lone surrogates, which JSON columns
 * reject) and no NUL character (PostgreSQL text cannot hold U+0000).
 */
export function isStorableText(value: string): boolean {
  return value.indexOf('\u0000') === -1 && value.isWellFormed();
}

const storableMessage = 'must not contain NUL characters or unpaired surrogates';

/** A string of at most `max` characters (at least `min`, default 1) that every backend can store. */
export function text(max: number, min = 1) {
  return z
    .string()
    .min(min, min === 1 ? 'must not be empty' : `must have at least ${min} characters`)
    .max(max, `must have at most ${max} characters`)
    .refine(isStorableText, { message: storableMessage, params: { code: 'invalid_characters' } });
}

/** A name, label or other short piece of text (up to {@link LIMITS.shortText} characters). */
export const shortText = () => text(LIMITS.shortText);

// ---------------------------------------------------------------------------------------------
// Header-like text

/**
 * Control characters: C0 (U+0000–U+001F, CR and LF among them), DEL, C1 (U+0080–U+009F) and the
 * Unicode line and paragraph separators. `withTab` leaves out the horizontal tab, which header
 * text (a subject, a display name) may hold.
 */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]/;
const CONTROL_RUNS_BUT_TAB = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]+/g;
const CONTROL_NAMES: Readonly<Record<number, string>> = { 0x00: 'NUL', 0x09: 'TAB', 0x0a: 'LF', 0x0d: 'CR', 0x85: 'NEL', 0x2028: 'LINE SEPARATOR', 0x2029: 'PARAGRAPH SEPARATOR' };

/**
 * `value` with every run of control characters (tabs kept) replaced by one space: what a reader
 * of mail makes of an encoded line break in a subject or display name.
 */
export function replaceControlCharacters(value: string): string {
  return CONTROL_BUT_TAB.test(value) ? value.replace(CONTROL_RUNS_BUT_TAB, ' ') : value;
}

/**
 * Why a header-like value is refused: the first control character in it, named, with its
 * position (1-based) — or `undefined` when there is none.
 */
export function controlCharacterProblem(value: string, allowTab = false): string | undefined {
  const match = (allowTab ? CONTROL_BUT_TAB : CONTROL).exec(value);
  if (match === null) return undefined;
  const code = match[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = CONTROL_NAMES[code] === undefined ? hex : `${hex} ${CONTROL_NAMES[code]}`;
  return `must not contain control characters such as line breaks (${name} at character ${match.index + 1}): in a message header, a line break would start a header of its own`;
}

/**
 * Text that ends up in message headers — addresses, display names, subjects, Message-IDs,
 * attachment names: {@link text}, and no control characters (CR, LF, NUL...; `allowTab` lets a
 * tab through), so that a stored value can never inject a header (`Bcc: ...`) into mail that
 * another system writes from it. Issue code `invalid_characters`.
 */
export function headerText(max: number, options: { readonly min?: number; readonly allowTab?: boolean } = {}) {
  const min = options.min ?? 1;
  const control = options.allowTab ? CONTROL_BUT_TAB : CONTROL;
  return (
    z
      .string()
      .min(min, min === 1 ? 'must not be empty' : `must have at least ${min} characters`)
      .max(max, `must have at most ${max} characters`)
      // One test for both rules (no control character; storable): the message is worked out only
      // for a value that fails.
      .refine((value) => !control.test(value) && value.isWellFormed(), {
        error: (issue) => controlCharacterProblem(issue.input as string, options.allowTab) ?? storableMessage,
        params: { code: 'invalid_characters' },
      })
  );
}

/** A system name such as `crm`, `erp`, `mail` or `salesforce-eu`: lower case, digits, `.`, `_`, `-`. */
export const SystemNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must have at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower case letters, digits, ".", "_" or "-", e.g. "crm" or "erp-eu"');

/** A tag: up to {@link LIMITS.tag} characters, no spaces at either end. */
export const TagSchema = text(LIMITS.tag).regex(/^\S(.*\S)?$/, 'must not start or end with white space');

export const TagsSchema = z.array(TagSchema).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} tags`);

// ---------------------------------------------------------------------------------------------
// Ids

const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** `true` when `value` is a canonical (upper-case Crockford base32) ULID. */
export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && ULID_PATTERN.test(value);
}

const ulid = () => z.string().regex(ULID_PATTERN, 'must be a ULID (26 characters, Crockford base32, upper case)');

export const CustomerIdSchema = ulid().brand<'CustomerId'>();
export const InteractionIdSchema = ulid().brand<'InteractionId'>();
export const CommunicationIdSchema = ulid().brand<'CommunicationId'>();
export const FinancialRecordIdSchema = ulid().brand<'FinancialRecordId'>();
export const FollowUpIdSchema = ulid().brand<'FollowUpId'>();

/** Id of a customer. A ULID, branded so that it cannot be passed where another entity's id is expected. */
export type CustomerId = z.output<typeof CustomerIdSchema>;
export type InteractionId = z.output<typeof InteractionIdSchema>;
export type CommunicationId = z.output<typeof CommunicationIdSchema>;
export type FinancialRecordId = z.output<typeof FinancialRecordIdSchema>;
export type FollowUpId = z.output<typeof FollowUpIdSchema>;
/** Any record id. */
export type RecordId = CustomerId | InteractionId | CommunicationId | FinancialRecordId | FollowUpId;

// ---------------------------------------------------------------------------------------------
// Instants

/**
 * A point in time as stored and returned: a UTC ISO-8601 string with millisecond precision,
 * e.g. `2026-03-01T09:30:00.000Z`. Strings of this form sort chronologically.
 */
export type Instant = string;

/** What callers may pass for an instant: a valid `Date`, or an ISO-8601 string with an offset. */
export type InstantInput = Date | string;

const instantMessage = 'must be a Date or an ISO-8601 date-time with an offset, e.g. 2026-03-01T09:30:00Z';
const looseDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i;

const minInstant = Date.UTC(INSTANT_RANGE.minYear, 0, 1);
const maxInstant = Date.UTC(INSTANT_RANGE.maxYear, 11, 31, 23, 59, 59, 999);

/**
 * Normalises a `Date` or an ISO-8601 string with offset to the stored form, or returns `undefined`
 * when it is not a valid instant in the supported range.
 */
export function toInstant(value: unknown): Instant | undefined {
  if (typeof value === 'string' && value.length === 24 && value.charCodeAt(23) === 90) {
    // Already in stored form: validated without building a new string.
    const valid = checkStoredForm(value);
    if (valid !== undefined) return valid ? value : undefined;
  }
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? parseIsoWithOffset(value) : Number.NaN;
  if (!(ms >= minInstant && ms <= maxInstant)) return undefined;
  return new Date(ms).toISOString();
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;
const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Character codes of the stored form's separators: compared as numbers, not one-character strings.
const DASH = 45;
const COLON = 58;
const DOT = 46;
const LETTER_T = 84;

/** Two ASCII digits at `at` as a number, or -1. */
function digits2(value: string, at: number): number {
  const a = value.charCodeAt(at) - 48;
  const b = value.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Fast path for the stored form itself (`2026-03-01T09:30:00.000Z`), by far the most common input
 * on bulk paths: checked field by field, with no regular expression and no `Date` (`Date.UTC` is a
 * slow call, and this runs once per instant of every record). `true` when the value names a real
 * instant in the supported range, `false` when it names none, `undefined` when it is not in the
 * stored form (the general parser decides).
 */
function checkStoredForm(value: string): boolean | undefined {
  const separatorsMatch =
    value.charCodeAt(4) === DASH && value.charCodeAt(7) === DASH && value.charCodeAt(10) === LETTER_T &&
    value.charCodeAt(13) === COLON && value.charCodeAt(16) === COLON && value.charCodeAt(19) === DOT;
  if (!separatorsMatch) return undefined;
  const century = digits2(value, 0);
  const yy = digits2(value, 2);
  const month = digits2(value, 5);
  const day = digits2(value, 8);
  const hour = digits2(value, 11);
  const minute = digits2(value, 14);
  const second = digits2(value, 17);
  const ms10 = digits2(value, 20);
  const ms1 = value.charCodeAt(22) - 48;
  if (century < 0 || yy < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0 || ms10 < 0 || ms1 < 0 || ms1 > 9) return undefined;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : daysInMonth[month - 1];
  return year >= INSTANT_RANGE.minYear && year <= INSTANT_RANGE.maxYear && monthDays !== undefined && day <= monthDays && hour <= 23 && minute <= 59 && second <= 59;
}

/**
 * Epoch milliseconds of an ISO-8601 date-time with offset, or `NaN` when it is malformed or names
 * a day, hour or offset that does not exist. (`Date.parse` rolls 2026-02-30 over to 2 March, so it
 * cannot be used to validate.)
 */
function parseIsoWithOffset(value: string): number {
  const m = isoPattern.exec(value);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : daysInMonth[month - 1];
  // Checked here because Date.UTC maps years 0-99 to 1900-1999.
  if (year < INSTANT_RANGE.minYear) return Number.NaN;
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return Number.NaN;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Says what is wrong with a value that {@link toInstant} refused. */
function instantProblem(value: unknown): { code: string; message: string } {
  if (value instanceof Date && Number.isNaN(value.getTime())) return { code: 'invalid_date', message: 'must be a valid Date, not an Invalid Date' };
  if (typeof value !== 'string' && !(value instanceof Date)) return { code: 'invalid_type', message: instantMessage };
  if (typeof value === 'string' && !looseDateTime.test(value)) return { code: 'invalid_date', message: instantMessage };
  if (typeof value === 'string' && !/(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
    return { code: 'missing_offset', message: 'must include an offset (Z or ±hh:mm): without one the instant is ambiguous' };
  }
  if (typeof value === 'string' && Number.isNaN(parseIsoWithOffset(value))) {
    return { code: 'invalid_date', message: `${JSON.stringify(value)} is not a real date and time (check the day of the month and the hour)` };
  }
  return { code: 'invalid_date', message: `must be between years ${INSTANT_RANGE.minYear} and ${INSTANT_RANGE.maxYear}` };
}

/** Schema of an instant: accepts {@link InstantInput}, outputs the stored UTC string. */
export const InstantSchema = z
  .custom<InstantInput>()
  .meta({
    type: 'string',
    format: 'date-time',
    description: 'An ISO-8601 date-time with an offset (Z or ±hh:mm); stored as UTC with milliseconds.',
  })
  .transform((value, ctx): Instant => {
    const instant = toInstant(value);
    if (instant === undefined) {
      const { code, message } = instantProblem(value);
      ctx.issues.push({ code: 'custom', input: value, message, params: { code } });
      return z.NEVER;
    }
    return instant;
  });

/** Schema of an instant as stored (already normalised). */
export const StoredInstantSchema = z.iso.datetime({ precision: 3, error: 'must be a UTC instant like 2026-03-01T09:30:00.000Z' });

// ---------------------------------------------------------------------------------------------
// Bounded custom metadata

/** JSON data as stored in custom metadata and attributes. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Keys that would reach `Object.prototype` if the data were ever merged with a naive deep merge. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonProblem {
  code: 'too_deep' | 'too_big' | 'forbidden_key' | 'invalid_type' | 'invalid_characters';
  path: (string | number)[];
  message: string;
}

/**
 * Checks that `value` is a plain JSON object within the metadata limits. The walk is recursive but
 * bounded: it refuses anything deeper than {@link LIMITS.metadataDepth} before descending further,
 * so a hostile, deeply nested or cyclic value can neither overflow the stack nor loop, and it stops
 * as soon as the size budget is spent.
 */
export function checkJsonObject(value: unknown): JsonProblem | undefined {
  if (!isPlainObject(value)) return { code: 'invalid_type', path: [], message: 'must be a plain JSON object' };
  const budget = { size: LIMITS.metadataSize };
  const problem = checkJsonEntries(value, 0, budget);
  if (problem) {
    problem.path.reverse(); // built from the leaf up
    return problem;
  }
  if (budget.size < 0) return { code: 'too_big', path: [], message: `must serialise to at most ${LIMITS.metadataSize} characters` };
  return undefined;
}

function checkJsonNode(node: unknown, depth: number, budget: { size: number }): JsonProblem | undefined {
  if (depth > LIMITS.metadataDepth) {
    return { code: 'too_deep', path: [], message: `must not nest deeper than ${LIMITS.metadataDepth} levels` };
  }
  switch (typeof node) {
    case 'string':
      if (!isStorableText(node)) return { code: 'invalid_characters', path: [], message: storableMessage };
      budget.size -= node.length + 2;
      return undefined;
    case 'number':
      if (!Number.isFinite(node)) return { code: 'invalid_type', path: [], message: 'must be a finite number' };
      budget.size -= 8;
      return undefined;
    case 'boolean':
      budget.size -= 5;
      return undefined;
    case 'object':
      if (node === null) {
        budget.size -= 5;
        return undefined;
      }
      if (Array.isArray(node)) return checkJsonItems(node, depth, budget);
      if (isPlainObject(node)) return checkJsonEntries(node, depth, budget);
  }
  return { code: 'invalid_type', path: [], message: 'must be JSON data (string, finite number, boolean, null, array or plain object)' };
}

function checkJsonItems(node: unknown[], depth: number, budget: { size: number }): JsonProblem | undefined {
  if (node.length > LIMITS.metadataEntries) {
    return { code: 'too_big', path: [], message: `must have at most ${LIMITS.metadataEntries} items` };
  }
  budget.size -= 2;
  for (let i = 0; i < node.length && budget.size >= 0; i++) {
    const problem = checkJsonNode(node[i], depth + 1, budget);
    if (problem) {
      problem.path.push(i);
      return problem;
    }
  }
  return undefined;
}

function checkJsonEntries(node: Record<string, unknown>, depth: number, budget: { size: number }): JsonProblem | undefined {
  budget.size -= 2;
  let count = 0;
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    if (++count > LIMITS.metadataEntries) {
      return { code: 'too_big', path: [], message: `must have at most ${LIMITS.metadataEntries} keys` };
    }
    let problem = checkJsonKey(key);
    if (problem === undefined) {
      budget.size -= key.length + 3;
      problem = checkJsonNode(node[key], depth + 1, budget);
    }
    if (problem) {
      problem.path.push(key);
      return problem;
    }
    if (budget.size < 0) break;
  }
  return undefined;
}

/**
 * Keys that passed {@link checkJsonKey}. Records of one source repeat the same few metadata keys,
 * and a lookup costs a fraction of checking a key again. Bounded, so that ever-new keys cannot grow
 * it: past the bound, keys are simply checked every time.
 */
const acceptedKeys = new Set<string>();
const acceptedKeysBound = 1024;

function checkJsonKey(key: string): JsonProblem | undefined {
  if (acceptedKeys.has(key)) return undefined;
  if (FORBIDDEN_KEYS.has(key)) return { code: 'forbidden_key', path: [], message: `the key "${key}" is not allowed` };
  if (!isStorableText(key)) return { code: 'invalid_characters', path: [], message: `key ${storableMessage}` };
  if (acceptedKeys.size < acceptedKeysBound) acceptedKeys.add(key);
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Custom metadata or attributes: a plain JSON object, at most {@link LIMITS.metadataDepth} levels
 * deep, {@link LIMITS.metadataEntries} entries per level and {@link LIMITS.metadataSize} characters
 * in all; `__proto__`, `constructor` and `prototype` keys are refused.
 */
export const MetadataSchema = z
  .custom<JsonObject>()
  .meta({
    type: 'object',
    description: `Custom JSON data: at most ${LIMITS.metadataDepth} levels deep, ${LIMITS.metadataEntries} entries per level, ${LIMITS.metadataSize} characters in all; no __proto__, constructor or prototype keys.`,
  })
  // A plain check, not superRefine: this runs for every record, and superRefine allocates a closure per call.
  .check((ctx) => {
    const problem = checkJsonObject(ctx.value);
    if (problem) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: problem.path, message: problem.message, params: { code: problem.code } });
    }
  });

// ---------------------------------------------------------------------------------------------
// Message ids

// Module constants rather than literals in the transform, which would build new RegExp objects on every call.
const leadingAngleBrackets = /^<+/;
const trailingAngleBrackets = />+$/;
const whiteSpace = /\s/;

/**
 * A Message-ID as used in `messageId`, `inReplyTo` and `references`: stored without the angle
 * brackets and surrounding white space (`<abc@mail.example>` → `abc@mail.example`). Line breaks
 * and other control characters are refused wherever they are (spaces and tabs around the id are
 * trimmed; inside it they are refused too).
 */
export const MessageIdSchema = headerText(LIMITS.messageId, { allowTab: true }).transform((value, ctx) => {
  const id = value.trim().replace(leadingAngleBrackets, '').replace(trailingAngleBrackets, '').trim();
  if (id === '' || whiteSpace.test(id)) {
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: 'must be one message id such as <abc@mail.example>',
      params: { code: 'invalid_message_id' },
    });
    return z.NEVER;
  }
  return id;
});

