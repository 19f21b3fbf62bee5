import type { Collection, RecordRow } from '../adapters/contract.js';
import type { CommunicationRecord } from '../models/communication.js';
import type { Interaction } from '../models/interaction.js';
import { itemFromCommunication, itemFromInteraction } from '../timeline/item.js';
import { timelineFingerprint } from '../timeline/fingerprint.js';
import { DEFAULT_KEY_WINDOW, DEFAULT_MERGE_WINDOW } from '../timeline/merge.js';
import { recordFromRow } from './model-specs.js';
import type { WriteSession } from './session.js';

/**
 * Cross-source de-duplication when recording: the same email seen by the mail server and by the
 * CRM (through BCC), the same call logged by the phone system and by the agent. The first copy
 * stays the canonical record and shows on the timeline; later copies are stored too (each system
 * keeps its record, found by its source key) but point at it with `duplicateOf` and stay off the
 * timeline and out of link lookups; the canonical record lists them in `mergedFrom`. The layers
 * are those of `mergeTimelines`: the same Message-ID within `keyWindow`, or the same fingerprint
 * (customer, channel, direction, normalised subject and text; calls and meetings without their
 * notes) within `window`, between records of different systems.
 */
export interface DedupeOptions {
  /** Fingerprint window in milliseconds; 120 000 (2 minutes) when not given. */
  readonly window?: number;
  /** Message-ID window in milliseconds; 3 600 000 (1 hour) when not given. */
  readonly keyWindow?: number;
  /**
   * Systems from most to least trusted (`['erp', 'crm', 'mail']`). A copy from a more trusted
   * system than the canonical record's takes its place; otherwise the first copy stays canonical.
   */
  readonly priority?: readonly string[];
}

/** One record that was folded into a canonical record, and how it was recognised. */
export interface MergedCopy {
  readonly id: string;
  readonly system?: string;
  readonly externalId?: string;
  readonly matchedBy: 'messageId' | 'fingerprint';
}

export type DedupableRecord = Interaction | CommunicationRecord;

interface Candidate {
  record: DedupableRecord;
  row?: RecordRow;
  fingerprint: string | undefined;
  ms: number;
}

const FAR = Number.POSITIVE_INFINITY;

/** Finds canonical copies of new interactions or messages within one batch of one collection. */
export class DuplicateFinder {
  private readonly window: number;
  private readonly keyWindow: number;
  /** customer id → candidates (existing canonical rows and records of this batch) */
  private readonly byCustomer = new Map<string, Candidate[]>();
  /** customer id → fetched [from, to] intervals, in ms */
  private readonly fetched = new Map<string, Array<[number, number]>>();

  constructor(
    private readonly session: WriteSession,
    private readonly collection: Extract<Collection, 'interactions' | 'communications'>,
    private readonly options: DedupeOptions,
  ) {
    this.window = options.window ?? DEFAULT_MERGE_WINDOW;
    this.keyWindow = options.keyWindow ?? DEFAULT_KEY_WINDOW;
  }

  private item(record: DedupableRecord) {
    return this.collection === 'interactions' ? itemFromInteraction(record as Interaction) : itemFromCommunication(record as CommunicationRecord);
  }

  private candidate(record: DedupableRecord, row?: RecordRow): Candidate {
    const item = this.item(record);
    return { record, ...(row ? { row } : {}), fingerprint: timelineFingerprint(item), ms: Date.parse(item.at) };
  }

  /** Loads the customer's canonical records around `ms` unless already loaded. */
  private async load(customerId: string, ms: number): Promise<Candidate[]> {
    const from = ms - this.keyWindow;
    const to = ms + this.keyWindow;
    const intervals = this.fetched.get(customerId) ?? [];
    const covered = intervals.some(([a, b]) => a <= from && b >= to);
    const list = this.byCustomer.get(customerId) ?? [];
    if (!covered) {
      const known = new Set(list.map((c) => c.record.id));
      for (let after: { at: string; id: string } | undefined; ; ) {
        const rows = await this.session.tx.listRecords(this.session.tenant, {
          collection: this.collection,
          filter: { customerIds: [customerId], from: new Date(from).toISOString(), to: new Date(to + 1).toISOString() },
          order: 'asc',
          limit: 500,
          ...(after ? { after } : {}),
        });
        for (const row of rows) {
          const record = recordFromRow<DedupableRecord>(row);
          if (record.duplicateOf === undefined && !known.has(record.id)) list.push(this.candidate(record, row));
        }
        if (rows.length < 500) break;
        const last = rows[rows.length - 1]!;
        after = { at: last.at, id: last.id };
      }
      intervals.push([from, to]);
      this.fetched.set(customerId, intervals);
      this.byCustomer.set(customerId, list);
    }
    return list;
  }

  /** The canonical record `record` duplicates, and how; `undefined` when it is new. */
  async find(record: DedupableRecord): Promise<{ canonical: Candidate; matchedBy: MergedCopy['matchedBy'] } | undefined> {
    const mine = this.candidate(record);
    const system = record.source?.system;
    const messageId = this.collection === 'communications' ? (record as CommunicationRecord).messageId : undefined;
    let best: { canonical: Candidate; matchedBy: MergedCopy['matchedBy']; distance: number } | undefined;
    for (const other of await this.load(record.customerId, mine.ms)) {
      if (other.record.id === record.id || other.record.duplicateOf !== undefined) continue;
      // One system's two records are two events (its source keys tell them apart).
      if (system !== undefined && other.record.source?.system === system) continue;
      const distance = Math.abs(other.ms - mine.ms);
      const otherMessageId = this.collection === 'communications' ? (other.record as CommunicationRecord).messageId : undefined;
      let matchedBy: MergedCopy['matchedBy'] | undefined;
      if (messageId !== undefined && otherMessageId === messageId && distance <= this.keyWindow) matchedBy = 'messageId';
      else if (mine.fingerprint !== undefined && other.fingerprint === mine.fingerprint && distance <= this.window) matchedBy = 'fingerprint';
      if (matchedBy && (!best || distance < best.distance)) best = { canonical: other, matchedBy, distance };
    }
    return best && { canonical: best.canonical, matchedBy: best.matchedBy };
  }

  /** Registers a record written in this batch (a new canonical, or an updated one). */
  remember(record: DedupableRecord, row?: RecordRow): void {
    const list = this.byCustomer.get(record.customerId) ?? [];
    const index = list.findIndex((c) => c.record.id === record.id);
    const candidate = this.candidate(record, row);
    if (index >= 0) list[index] = candidate;
    else list.push(candidate);
    this.byCustomer.set(record.customerId, list);
  }

  /** `true` when `challenger`'s system is more trusted than `incumbent`'s. */
  outranks(challenger: DedupableRecord, incumbent: DedupableRecord): boolean {
    const rank = (r: DedupableRecord) => {
      const system = r.source?.system;
      const index = system === undefined ? -1 : (this.options.priority ?? []).indexOf(system);
      return index === -1 ? FAR : index;
    };
    return rank(challenger) < rank(incumbent);
  }
}

/** The canonical record with a copy folded in: lineage added, the copy's links joined. */
export function foldCopy<R extends DedupableRecord>(canonical: R, copy: DedupableRecord, matchedBy: MergedCopy['matchedBy']): R {
  const lineage: MergedCopy = {
    id: copy.id,
    ...(copy.source ? { system: copy.source.system, externalId: copy.source.externalId } : {}),
    matchedBy,
  };
  const seen = new Set(canonical.links.map((l) => `${l.kind}\u0000${l.ref}`));
  const links = [...canonical.links, ...copy.links.filter((l) => !seen.has(`${l.kind}\u0000${l.ref}`))];
  const inherited = copy.mergedFrom ?? [];
  return { ...canonical, links, mergedFrom: [...(canonical.mergedFrom ?? []), lineage, ...inherited] };
}
