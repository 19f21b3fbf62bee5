/**
 * Documented maximums. Input past any of these is a validation error (never a crash, a hang or a
 * silently truncated value). They bound memory per record so that a hostile or broken source
 * cannot exhaust the process.
 */
export const LIMITS = {
  /** Names, short labels, assignees, system names. */
  shortText: 256,
  /** Subjects (RFC 5322 recommends 78 characters per line and allows 998). */
  subject: 1_000,
  /** Summaries, notes, follow-up actions. */
  text: 20_000,
  /** A message body (text form): 1 million UTF-16 code units, about 1–3 MB. */
  body: 1_000_000,
  /** An email address, phone number or other participant address (RFC 5321: 254 + margin). */
  address: 320,
  /** Message-ID and similar header values. */
  messageId: 998,
  /** External ids, document references. */
  ref: 256,
  /** URLs. */
  url: 2_048,
  /** Items in any list on a record (participants, recipients, links, tags, attachments, allocations). */
  listItems: 200,
  /** References header entries of one message. */
  references: 500,
  /** Identifiers per customer. */
  identifiers: 100,
  /** A tag. */
  tag: 64,
  /** Nesting depth of custom metadata / attributes (an object inside an object is depth 2). */
  metadataDepth: 8,
  /** Keys in one metadata object, and items in one metadata array. */
  metadataEntries: 256,
  /** Serialised size of custom metadata / attributes, in UTF-16 code units. */
  metadataSize: 64 * 1024,
  /** Records in one `recordMany` batch. Use `ingest()` for larger inputs. */
  batchSize: 10_000,
} as const;

/** Earliest and latest years an instant may have. */
export const INSTANT_RANGE = { minYear: 1900, maxYear: 9999 } as const;
