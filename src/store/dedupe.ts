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
  /** When it happened, in ms. */
  ms: number;
  /** Computed when first compared (`null`: the record has none): most records are never compared. */
  fingerprint?: string | null;
}

const FAR = Number.POSITIVE_INFINITY;

const byTime = (a: Candidate, b: Candidate) => a.ms - b.ms || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0);

/** Index of the first candidate at or after `ms`. */
function firstFrom(list: readonly Candidate[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ms < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Finds canonical copies of new interactions or messages within one batch of one collection. */
export class DuplicateFinder {
  private readonly window: number;
  private readonly keyWindow: number;
  /** customer id → candidates (existing canonical rows and records of this batch), by time */
  private readonly byCustomer = new Map<string, Candidate[]>();
  /** record id → its candidate */
  private readonly byId = new Map<string, Candidate>();
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

  private instant(record: DedupableRecord): number {
    return Date.parse(this.collection === 'interactions' ? (record as Interaction).occurredAt : (record as CommunicationRecord).sentAt);
  }

  private fingerprintOf(candidate: Candidate): string | undefined {
    if (candidate.fingerprint === undefined) {
      const record = candidate.record;
      const item = this.collection === 'interactions' ? itemFromInteraction(record as Interaction) : itemFromCommunication(record as CommunicationRecord);
      candidate.fingerprint = timelineFingerprint(item) ?? null;
    }
    return candidate.fingerprint ?? undefined;
  }

  private add(candidate: Candidate): void {
    const customerId = candidate.record.customerId;
    let list = this.byCustomer.get(customerId);
    if (!list) {
      list = [];
      this.byCustomer.set(customerId, list);
    }
    const last = list[list.length - 1];
    if (!last || byTime(last, candidate) < 0) list.push(candidate);
    else list.splice(firstFrom(list, candidate.ms), 0, candidate);
    this.byId.set(candidate.record.id, candidate);
  }

  private drop(candidate: Candidate): void {
    const list = this.byCustomer.get(candidate.record.customerId);
    if (list) {
      const index = list.indexOf(candidate, firstFrom(list, candidate.ms));
      if (index !== -1) list.splice(index, 1);
    }
    this.byId.delete(candidate.record.id);
  }

  /**
   * Loads, in as few queries as it can, the canonical records around the instants a batch will
   * look at: one query for all its customers when the batch spans a short time (the usual case
   * for a time-ordered import), one per customer otherwise.
   */
  async prefetch(wanted: ReadonlyArray<{ customerId: string; at: string }>): Promise<void> {
    if (wanted.length === 0) return;
    const ranges = new Map<string, [number, number]>();
    let min = FAR;
    let max = -FAR;
    for (const { customerId, at } of wanted) {
      const ms = Date.parse(at);
      const range = ranges.get(customerId);
      if (range) {
        if (ms < range[0]) range[0] = ms;
        if (ms > range[1]) range[1] = ms;
      } else ranges.set(customerId, [ms, ms]);
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    }
    if (max - min <= 2 * 86_400_000) {
      const customers = [...ranges.keys()];
      for (let i = 0; i < customers.length; i += 500) await this.fetch(customers.slice(i, i + 500), min - this.keyWindow, max + this.keyWindow);
    } else {
      for (const [customerId, [from, to]] of ranges) await this.fetch([customerId], from - this.keyWindow, to + this.keyWindow);
    }
  }

  /** Reads the canonical records of these customers between two instants into the cache. */
  private async fetch(customerIds: readonly string[], from: number, to: number): Promise<void> {
    for (let after: { at: string; id: string } | undefined; ; ) {
      const rows = await this.session.tx.listRecords(this.session.tenant, {
        collection: this.collection,
        filter: { customerIds, from: new Date(from).toISOString(), to: new Date(to + 1).toISOString() },
        order: 'asc',
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const row of rows) {
        if (this.byId.has(row.id)) continue;
        const record = recordFromRow<DedupableRecord>(row);
        if (record.duplicateOf === undefined) this.add({ record, row, ms: this.instant(record) });
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
    const ms = this.instant(record);
    const system = record.source?.system;
    const messageId = this.collection === 'communications' ? (record as CommunicationRecord).messageId : undefined;
    const list = await this.load(record.customerId, ms);
    const reach = Math.max(this.keyWindow, this.window);
    let mine: Candidate | undefined;
    let best: { canonical: Candidate; matchedBy: MergedCopy['matchedBy']; distance: number } | undefined;
    for (let i = firstFrom(list, ms - reach); i < list.length && list[i]!.ms <= ms + reach; i++) {
      const other = list[i]!;
      if (other.record.id === record.id || other.record.duplicateOf !== undefined) continue;
      // One system's two records are two events (its source keys tell them apart).
      if (system !== undefined && other.record.source?.system === system) continue;
      const distance = Math.abs(other.ms - ms);
      if (best && distance >= best.distance) continue;
      const otherMessageId = this.collection === 'communications' ? (other.record as CommunicationRecord).messageId : undefined;
      let matchedBy: MergedCopy['matchedBy'] | undefined;
      if (messageId !== undefined && otherMessageId === messageId && distance <= this.keyWindow) matchedBy = 'messageId';
      else if (distance <= this.window) {
        mine ??= { record, ms };
        const fingerprint = this.fingerprintOf(mine);
        if (fingerprint !== undefined && this.fingerprintOf(other) === fingerprint) matchedBy = 'fingerprint';
      }
      if (matchedBy) best = { canonical: other, matchedBy, distance };
    }
    return best && { canonical: best.canonical, matchedBy: best.matchedBy };
  }

  /** Registers a record written in this batch (a new canonical, or an updated one). */
  remember(record: DedupableRecord, row?: RecordRow): void {
    const known = this.byId.get(record.id);
    if (known) this.drop(known);
    this.add({ record, ...(row ? { row } : {}), ms: this.instant(record) });
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
