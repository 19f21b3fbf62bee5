import type { CommunicationRecord } from '../models/communication.js';
import type { Interaction } from '../models/interaction.js';
import type { TimelineEntry } from './entry.js';

/**
 * Where a timeline item came from: the system and the record's id there.
 *
 * @example
 * ```ts
 * const source: TimelineItemSource = { system: 'erp', externalId: 'INV-1042', version: 2 };
 * ```
 */
export interface TimelineItemSource {
  /** System name such as `crm`, `erp`, `mail`, `phone`. */
  readonly system: string;
  /** The record's id in that system. With `system` (and `kind`) it is the item's source key. */
  readonly externalId?: string | undefined;
  /** The source's revision number of the record; the higher wins a conflict within one system. */
  readonly version?: number | undefined;
}

/**
 * How an entry was recognised as the same event as the group it joined: `source` (the same source
 * key: system, external id and kind), `id` (the same id, for entries without a source key),
 * `messageId` (the same RFC 5322 Message-ID) or `fingerprint` (see {@link timelineFingerprint}).
 *
 * @example
 * ```ts
 * const byLayer = (item: MergedTimelineItem, layer: DuplicateLayer) => item.mergedFrom.filter((c) => c.matchedBy === layer);
 * ```
 */
export type DuplicateLayer = 'id' | 'source' | 'messageId' | 'fingerprint';

/**
 * One record that contributed to a merged timeline item (its lineage): enough to find the record
 * again in its system and to merge the result again with the same decisions.
 *
 * @example
 * ```ts
 * for (const c of merged.mergedFrom) console.log(`${c.system}:${c.externalId} at ${c.at}`, c.matchedBy ?? 'first');
 * ```
 */
export interface TimelineContribution {
  readonly id: string;
  readonly at: string;
  readonly kind?: string | undefined;
  readonly system?: string | undefined;
  readonly externalId?: string | undefined;
  readonly messageId?: string | undefined;
  /**
   * The contributor's fingerprint ({@link timelineFingerprint}; `''` when it has none), recorded
   * when its group had more than one entry, so that merging the result again compares the same
   * fingerprints. Absent when the entry was alone: the merged item's fields are then its own.
   */
  readonly fingerprint?: string | undefined;
  /** The layer that matched it; `undefined` for the entry that opened the group. */
  readonly matchedBy?: DuplicateLayer | undefined;
}

/**
 * One entry of a timeline as {@link mergeTimelines} reads it: an instant and an id to order by, and
 * the few fields that de-duplication and conflict resolution look at. The original record rides
 * along in `record`. Build items from stored records with {@link itemFromInteraction},
 * {@link itemFromCommunication} and {@link itemFromTimelineEntry}, or write them directly.
 *
 * @example
 * ```ts
 * const call: TimelineItem = {
 *   id: 'phone-88812', at: '2026-03-02T09:00:00.000Z', kind: 'interaction',
 *   source: { system: 'phone', externalId: 'CALL-88812' },
 *   customerId: '01JQ0000000000000000000001', channel: 'phone', direction: 'inbound',
 * };
 * ```
 */
export interface TimelineItem<R = unknown> {
  /**
   * Stable id; ties at the same instant are ordered by it. Two items without a source key and with
   * the same id are the same entry (with a source key, the source key says that).
   */
  readonly id: string;
  /** When it happened, as a stored UTC instant (`2026-03-02T09:00:00.000Z`). */
  readonly at: string;
  /** What the entry is (`interaction`, `communication`, `invoice_issued`...). Part of the source key. */
  readonly kind?: string | undefined;
  readonly source?: TimelineItemSource | undefined;
  readonly customerId?: string | undefined;
  readonly channel?: string | undefined;
  readonly direction?: string | undefined;
  readonly subject?: string | undefined;
  /** The text: a message body, an interaction summary or a call note. */
  readonly body?: string | undefined;
  /** RFC 5322 Message-ID, without angle brackets. */
  readonly messageId?: string | undefined;
  /** When the source last changed the record (stored UTC instant): the more recent wins a conflict between equally trusted systems. */
  readonly recordedAt?: string | undefined;
  /** The record the item stands for. A merged item carries the record of its highest-ranked contributor. */
  readonly record?: R | undefined;
  /** Lineage, when the item is itself the result of a merge. */
  readonly mergedFrom?: readonly TimelineContribution[] | undefined;
}

/**
 * A timeline item as {@link mergeTimelines} returns it: always with its lineage.
 *
 * @example
 * ```ts
 * const merged: MergedTimelineItem[] = [...mergeTimelines([crmItems, mailItems])];
 * const fromCrm = merged.filter((item) => item.mergedFrom.some((c) => c.system === 'crm'));
 * ```
 */
export interface MergedTimelineItem<R = unknown> extends TimelineItem<R> {
  readonly mergedFrom: readonly TimelineContribution[];
}

const sourceOf = (source: { system: string; externalId: string; version?: number | undefined } | undefined): TimelineItemSource | undefined =>
  source === undefined ? undefined : { system: source.system, externalId: source.externalId, version: source.version };

/**
 * A stored interaction as a timeline item. Its id is `<record id>:interaction`, the id the store's
 * timeline gives the same entry, so that both meet in one merge.
 *
 * @example
 * ```ts
 * const items = (await log.interactions.list({ customerId })).items.map(itemFromInteraction);
 * ```
 */
export function itemFromInteraction(interaction: Interaction): TimelineItem<Interaction> {
  return {
    id: `${interaction.id}:interaction`,
    at: interaction.occurredAt,
    kind: 'interaction',
    source: sourceOf(interaction.source),
    customerId: interaction.customerId,
    channel: interaction.channel,
    direction: interaction.direction,
    subject: interaction.subject,
    body: interaction.summary,
    messageId: undefined,
    recordedAt: interaction.updatedAt,
    record: interaction,
  };
}

/**
 * A stored message as a timeline item (`<record id>:communication`, as in the store's timeline).
 *
 * @example
 * ```ts
 * const merged = [...mergeTimelines([crmMessages.map(itemFromCommunication), mailMessages.map(itemFromCommunication)])];
 * ```
 */
export function itemFromCommunication(message: CommunicationRecord): TimelineItem<CommunicationRecord> {
  return {
    id: `${message.id}:communication`,
    at: message.sentAt,
    kind: 'communication',
    source: sourceOf(message.source),
    customerId: message.customerId,
    channel: message.channel,
    direction: message.direction,
    subject: message.subject,
    body: message.body,
    messageId: message.messageId,
    recordedAt: message.updatedAt,
    record: message,
  };
}

/**
 * An entry of the store's timeline (`log.timeline(...)`) as a timeline item: interactions and
 * messages with their content, financial events and follow-ups with their source, customer and
 * kind (an invoice gives two entries, `invoice_issued` and `invoice_due`, which never merge with
 * each other because the kind is part of the source key).
 *
 * @example
 * ```ts
 * async function* stored() {
 *   for await (const entry of log.timeline.stream(customerId)) yield itemFromTimelineEntry(entry);
 * }
 * for await (const item of mergeTimelines([stored(), importedItems])) show(item);
 * ```
 */
export function itemFromTimelineEntry(entry: TimelineEntry): TimelineItem<TimelineEntry['record']> {
  const base = { id: entry.id, at: entry.at, kind: entry.kind, record: entry.record };
  switch (entry.model) {
    case 'interaction': {
      const { record } = entry;
      return { ...itemFromInteraction(record), ...base };
    }
    case 'communication': {
      const { record } = entry;
      return { ...itemFromCommunication(record), ...base };
    }
    case 'customer':
      return { ...base, recordedAt: entry.record.updatedAt };
    default: {
      const { record } = entry;
      return { ...base, source: sourceOf(record.source), customerId: record.customerId, recordedAt: record.updatedAt };
    }
  }
}
