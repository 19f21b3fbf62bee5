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

  /**
   * Loads, in as few queries as it can, the canonical records around the instants a batch will
   * look at: one query for all its customers when the batch spans a short time (the usual case
   * for a time-ordered import), one per customer otherwise.
   */
  async prefetch(wanted: ReadonlyArray<{ customerId: string; at: string }>): Promise<void> {
    if (wanted.length === 0) return;
    const ranges = new Map<string, [number, number]>();
    for (const { customerId, at } of wanted) {
      const ms = Date.parse(at);
      const range = ranges.get(customerId);
      ranges.set(customerId, range ? [Math.min(range[0], ms), Math.max(range[1], ms)] : [ms, ms]);
    }
    const all = [...ranges.values()];
    const min = Math.min(...all.map((r) => r[0]));
    const max = Math.max(...all.map((r) => r[1]));
    if (max - min <= 2 * 86_400_000) {
      const customers = [...ranges.keys()];
      for (let i = 0; i < customers.length; i += 500) await this.fetch(customers.slice(i, i + 500), min - this.keyWindow, max + this.keyWindow);
    } else {
      for (const [customerId, [from, to]] of ranges) await this.fetch([customerId], from - this.keyWindow, to + this.keyWindow);
    }
  }

  /** Reads the canonical records of these customers between two instants into the cache. */
  private async fetch(customerIds: readonly string[], from: number, to: number): Promise<void> {
    const known = new Map<string, Set<string>>();
    for (const customerId of customerIds) {
      if (!this.byCustomer.has(customerId)) this.byCustomer.set(customerId, []);
      known.set(customerId, new Set(this.byCustomer.get(customerId)!.map((c) => c.record.id)));
    }
    for (let after: { at: string; id: string } | undefined; ; ) {
      const rows = await this.session.tx.listRecords(this.session.tenant, {
        collection: this.collection,
        filter: { customerIds, from: new Date(from).toISOString(), to: new Date(to + 1).toISOString() },
        order: 'asc',
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const row of rows) {
        const record = recordFromRow<DedupableRecord>(row);
        const seen = known.get(row.customerId);
        if (record.duplicateOf === undefined && seen && !seen.has(record.id)) {
          seen.add(record.id);
          this.byCustomer.get(row.customerId)!.push(this.candidate(record, row));
        }
      }
      if (rows.length < 500) break;
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
    for (const customerId of customerIds) {
      const intervals = this.fetched.get(customerId) ?? [];
      intervals.push([from, to]);
      this.fetched.set(customerId, intervals);
    }
  }

  /** Loads the customer's canonical records around `ms` unless already loaded. */
  private async load(customerId: string, ms: number): Promise<Candidate[]> {
    const from = ms - this.keyWindow;
    const to = ms + this.keyWindow;
    const covered = (this.fetched.get(customerId) ?? []).some(([a, b]) => a <= from && b >= to);
    if (!covered) await this.fetch([customerId], from, to);
    return this.byCustomer.get(customerId) ?? [];
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
