import { z } from 'zod';
import { StoredInstantSchema } from './primitives.js';

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'transition',
  'delete',
  'merge',
  'unmerge',
  'erase',
  'purge',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ENTITY_TYPES = ['customer', 'interaction', 'communication', 'financial_record', 'follow_up'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/**
 * A value in an audit change. Personal data (names, addresses, message text...) is never kept in
 * clear: it is sealed with the customer's data key (`{ sealed: '...' }`), so erasing the customer
 * destroys the key and leaves the chain intact but unreadable for those values.
 */
const auditValue = z.unknown();

/** One field that changed: `path` in dot form (`outcome.code`), values before and after. */
export const AuditChangeSchema = z.object({
  path: z.string(),
  before: auditValue.optional(),
  after: auditValue.optional(),
});
export type AuditChange = z.output<typeof AuditChangeSchema>;

/**
 * One entry of a tenant's audit trail. Entries form a SHA-256 hash chain: `hash` covers the
 * canonical JSON of every other field, including `prevHash`, the hash of the entry before.
 */
export const AuditEntrySchema = z.object({
  /** Position in the tenant's chain, from 1, without gaps. */
  seq: z.int().min(1),
  at: StoredInstantSchema,
  /** Who made the change, as given to `createTouchlog({ actor })`. */
  actor: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  entity: z.object({ type: z.enum(ENTITY_TYPES), id: z.string() }),
  /** The entity's version after the change (absent for removals). */
  version: z.int().optional(),
  /**
   * Digest of the record as this entry stored it (absent for removals, and in entries written
   * before records were bound to the trail): `audit.verify()` checks each live record against
   * the digest of its last entry.
   */
  state: z.string().optional(),
  /**
   * The fields that changed. Empty for a creation: the created record is the first state, which
   * `state` commits to, and later entries list every change from it.
   */
  changes: z.array(AuditChangeSchema),
  reason: z.string().optional(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.output<typeof AuditEntrySchema>;
