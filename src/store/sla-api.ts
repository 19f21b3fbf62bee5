import type { Keyset, RecordFilter, RecordRow } from '../adapters/contract.js';
import { ValidationError } from '../errors/index.js';
import type { CommunicationRecord } from '../models/communication.js';
import type { Interaction } from '../models/interaction.js';
import { toInstant, type InstantInput } from '../models/primitives.js';
import { evaluateSla, parseSlaPolicies, SlaTotals, type SlaPolicy, type SlaResult, type SlaSummary } from '../sla/policies.js';
import { recordFromRow } from './model-specs.js';
import { guardStorage, type StoreContext } from './session.js';

/** Which interactions to check, against which policies, as of when. */
export interface SlaReportOptions {
  readonly policies: readonly SlaPolicy[];
  readonly asOf: InstantInput;
  /** Interactions that happened at or after this instant. */
  readonly from?: InstantInput;
  /** Interactions that happened before this instant. */
  readonly to?: InstantInput;
  readonly customerId?: string;
}

/** `log.sla`: service levels of the tenant's interactions. */
export interface SlaApi {
  /** Every interaction a policy covers, with its verdict, streaming over the tenant. */
  stream(options: SlaReportOptions): AsyncGenerator<SlaResult>;
  /** Per-policy counts of met, breached and pending deadlines, in one streaming pass. */
  summary(options: SlaReportOptions): Promise<SlaSummary[]>;
}

const PAGE = 500;

export function createSlaApi(ctx: StoreContext): SlaApi {
  async function* pages(filter: RecordFilter, collection: 'interactions' | 'communications'): AsyncGenerator<RecordRow[]> {
    let after: Keyset | undefined;
    for (;;) {
      const rows = await guardStorage('reading for an SLA report', () =>
        ctx.adapter.listRecords(ctx.tenant, { collection, filter, order: 'asc', limit: PAGE, ...(after ? { after } : {}) }),
      );
      if (rows.length > 0) yield rows;
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }

  const instant = (value: InstantInput | undefined, path: string) => {
    if (value === undefined) return undefined;
    const parsed = toInstant(value);
    if (parsed === undefined) throw new ValidationError('SLA report', [{ code: 'invalid_date', path: [path], message: 'must be a valid instant' }]);
    return parsed;
  };

  async function* stream(options: SlaReportOptions): AsyncGenerator<SlaResult> {
    parseSlaPolicies(options.policies);
    const asOf = instant(options.asOf, 'asOf')!;
    const from = instant(options.from, 'from');
    const to = instant(options.to, 'to');
    const filter: RecordFilter = {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(options.customerId ? { customerIds: [options.customerId] } : {}),
    };
    for await (const rows of pages(filter, 'interactions')) {
      // A copy another system sent of a case (`duplicateOf`) is the same case: count it once.
      const cases = rows.map((row) => recordFromRow<Interaction>(row)).filter((c) => c.duplicateOf === undefined);
      if (cases.length === 0) continue;
      // Our replies to this page's interactions: outbound messages of the same customers since the first of them.
      const replies: CommunicationRecord[] = [];
      const wanted = new Set(cases.map((c) => c.id));
      for await (const messages of pages({ customerIds: [...new Set(cases.map((c) => c.customerId))], from: cases[0]!.occurredAt, to: asOf }, 'communications')) {
        for (const row of messages) {
          const message = recordFromRow<CommunicationRecord>(row);
          if (message.interactionId !== undefined && message.duplicateOf === undefined && wanted.has(message.interactionId)) replies.push(message);
        }
      }
      yield* evaluateSla(cases, replies, options.policies, { asOf });
    }
  }

  return {
    stream,
    async summary(options) {
      const totals = new SlaTotals();
      for await (const result of stream(options)) totals.add(result);
      return totals.summary();
    },
  };
}
