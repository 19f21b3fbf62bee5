import { z } from 'zod';
import type { Keyset, TimelineHit } from '../adapters/contract.js';
import { ValidationError } from '../errors/index.js';
import { FINANCIAL_LINK_KINDS } from '../models/common.js';
import { CHANNELS, PURPOSES } from '../models/interaction.js';
import { CustomerIdSchema, InstantSchema, type InstantInput } from '../models/primitives.js';
import { defaultMessage, toValidationIssues } from '../validation/issues.js';
import { decodeCursor, fetchPage, pageLimit, pageOrder, streamPages, type Page, type PageOptions } from './cursor.js';
import type { TimelineEntry } from '../timeline/entry.js';
import { recordFromRow, specOfCollection, TIMELINE_KINDS, type TimelineKind } from './model-specs.js';
import { optionsOf } from './options.js';
import { guardStorage, type StoreContext } from './session.js';

export type { TimelineEntry } from '../timeline/entry.js';

/** Filters of a timeline. */
export interface TimelineOptions extends PageOptions {
  readonly from?: InstantInput;
  readonly to?: InstantInput;
  readonly kinds?: readonly TimelineKind[];
  readonly channels?: readonly (typeof CHANNELS)[number][];
  readonly purposes?: readonly (typeof PURPOSES)[number][];
  /** Status of the entry's record (interaction status, delivery status, invoice status...). */
  readonly statuses?: readonly string[];
  /** Only entries about this financial document. */
  readonly link?: { readonly kind: (typeof FINANCIAL_LINK_KINDS)[number]; readonly ref: string };
}

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(50).optional();

const TimelineOptionsSchema = z.strictObject({
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  kinds: list(z.enum(TIMELINE_KINDS)),
  channels: list(z.enum(CHANNELS)),
  purposes: list(z.enum(PURPOSES)),
  statuses: list(z.string().min(1).max(64)),
  link: z.strictObject({ kind: z.enum(FINANCIAL_LINK_KINDS), ref: z.string().min(1).max(256) }).optional(),
  limit: z.unknown().optional(),
  cursor: z.unknown().optional(),
  order: z.unknown().optional(),
  pageSize: z.unknown().optional(),
});

const hitPosition = (hit: TimelineHit): Keyset => ({ at: hit.at, id: hit.entryId });
const toEntry = (hit: TimelineHit): TimelineEntry =>
  ({
    id: hit.entryId,
    at: hit.at,
    kind: hit.kind as TimelineKind,
    model: specOfCollection(hit.record.collection).model,
    record: recordFromRow(hit.record),
  }) as TimelineEntry;

/** A customer's timeline: `log.timeline(customerId, options)` for a page, `log.timeline.stream(...)` to iterate. */
export interface TimelineApi {
  /**
   * One page of the customer's timeline: interactions, messages and financial events (invoice
   * issued and due, payment received, credit note, dispute opened and resolved, promise made and
   * due, follow-up due) in one order, by the instant each happened, then by entry id. A customer
   * merged into another shows the combined timeline.
   *
   * @example
   * ```ts
   * const page = await log.timeline(customerId, { from: '2026-01-01T00:00:00Z', kinds: ['interaction', 'invoice_due'] });
   * for (const entry of page.items) console.log(entry.at, entry.kind, entry.record.id);
   * ```
   */
  (customerId: string, options?: TimelineOptions): Promise<Page<TimelineEntry>>;
  /** Every entry of the customer's timeline, one page in memory at a time. */
  stream(customerId: string, options?: Omit<TimelineOptions, 'limit'> & { pageSize?: number }): AsyncGenerator<TimelineEntry>;
}

export function createTimelineApi(ctx: StoreContext): TimelineApi {
  async function prepare(customerId: string, options: TimelineOptions) {
    const parsedId = CustomerIdSchema.safeParse(customerId);
    if (!parsedId.success) {
      throw new ValidationError('timeline request', [{ code: 'invalid_format', path: ['customerId'], message: 'must be a customer id (ULID)' }]);
    }
    const parsed = TimelineOptionsSchema.safeParse(options, { error: defaultMessage, reportInput: true });
    if (!parsed.success) throw new ValidationError('timeline request', toValidationIssues(parsed.error.issues));
    const o = parsed.data;
    return {
      customerId,
      ...(o.from !== undefined ? { from: o.from } : {}),
      ...(o.to !== undefined ? { to: o.to } : {}),
      ...(o.kinds ? { kinds: o.kinds } : {}),
      ...(o.channels ? { channels: o.channels } : {}),
      ...(o.purposes ? { purposes: o.purposes } : {}),
      ...(o.statuses ? { statuses: o.statuses } : {}),
      ...(o.link ? { link: o.link } : {}),
      order: pageOrder(options.order),
    };
  }

  const timeline = (async (customerId: string, options?: TimelineOptions) => {
    options = optionsOf(options, 'timeline request');
    const query = await prepare(customerId, options);
    const limit = pageLimit(options.limit);
    const after = decodeCursor(options.cursor);
    return guardStorage('reading a timeline', () =>
      fetchPage(limit, (n) => ctx.adapter.listTimeline(ctx.tenant, { ...query, limit: n, ...(after ? { after } : {}) }), hitPosition, toEntry),
    );
  }) as TimelineApi;

  timeline.stream = async function* stream(customerId, options) {
    options = optionsOf(options, 'timeline request');
    const { pageSize, ...rest } = options;
    const query = await prepare(customerId, rest);
    yield* streamPages(
      pageLimit(pageSize ?? 500),
      decodeCursor(options.cursor),
      (after, limit) => guardStorage('reading a timeline', () => ctx.adapter.listTimeline(ctx.tenant, { ...query, limit, ...(after ? { after } : {}) })),
      hitPosition,
      toEntry,
    );
  };
  return timeline;
}

