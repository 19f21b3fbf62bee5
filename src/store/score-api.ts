/**
 * Scoring on a touchlog store (`log.score`): the pure scoring functions of src/scoring, fed with
 * the records they read, per customer and over a whole tenant in one streaming pass. Built only
 * on the public `Touchlog` API (`log.customers`, `log.finance`, `log.interactions`,
 * `log.communications` and `log.adapter.listRecords` for the tenant-wide pass).
 *
 * @module
 */
import type { Collection, Keyset, RecordFilter, RecordRow } from '../adapters/contract.js';
import type { CommunicationRecord } from '../models/communication.js';
import type { Customer } from '../models/customer.js';
import type { FinancialRecord } from '../models/financial-record.js';
import type { Interaction } from '../models/interaction.js';
import { recordFromRow } from './model-specs.js';
import { Yielder } from '../runtime/yielder.js';
import { guardStorage } from './session.js';
import type { Touchlog } from './touchlog.js';
import { reviewCredit, type CreditReview, type CreditReviewRequest } from '../scoring/credit-review.js';
import { MS_PER_DAY } from '../scoring/days.js';
import { toCustomerHistory, type StoredCustomerHistory } from '../scoring/history.js';
import { asOfDay, daysOption, intOption } from '../scoring/input.js';
import type { InteractionSignals, InteractionSignalsOptions } from '../scoring/interaction-signals.js';
import type { PaymentBehaviour, PaymentBehaviourOptions } from '../scoring/payment-behaviour.js';
import type { RiskAssessment } from '../scoring/risk.js';
import { scoreCustomer, type CustomerScore, type ScoreOptions } from '../scoring/score-customer.js';
import type { InstantLike } from '../scoring/types.js';
import { createWorklistRanker, type WorklistEntry, type WorklistOptions } from '../scoring/worklist.js';

/** Options of a tenant-wide pass. */
export interface TenantPassOptions extends ScoreOptions {
  /** Customers read per page of the customer list. Default 200. */
  readonly customersPerChunk?: number;
  /** Rows per page when reading records. Default 1000. */
  readonly pageSize?: number;
}

/** One customer's scores from a tenant-wide pass. */
export interface TenantCustomerScore extends CustomerScore {
  readonly customer: Customer;
}

/** Result of `worklist()`. */
export interface Worklist {
  /** The UTC day the worklist was computed as of (`YYYY-MM-DD`). */
  readonly asOf: string;
  /** Customers scored (merged-away customers are not counted: their records moved). */
  readonly customersScored: number;
  /** The top entries, highest priority first. */
  readonly entries: readonly WorklistEntry[];
}

/** Scoring bound to a touchlog instance (the lead attaches it as `log.score`). */
export interface ScoreApi {
  /** The records scoring reads for a customer as of `asOf`: every financial record, and the window's interactions and messages. */
  history(customerId: string, options: { readonly asOf: InstantLike; readonly lookbackDays?: number }): Promise<StoredCustomerHistory>;
  /** Payment behaviour, interaction signals and risk in one read. */
  customer(customerId: string, options: ScoreOptions): Promise<CustomerScore>;
  payment(customerId: string, options: PaymentBehaviourOptions): Promise<PaymentBehaviour>;
  signals(customerId: string, options: InteractionSignalsOptions): Promise<InteractionSignals>;
  risk(customerId: string, options: ScoreOptions): Promise<RiskAssessment>;
  /** Reviews a requested limit as of `request.asOf`; `currentLimit` defaults to the customer's credit-terms limit when in the same currency. */
  creditReview(customerId: string, request: CreditReviewRequest): Promise<CreditReview>;
  /** Every (non-merged) customer's scores, in one streaming pass over the tenant. */
  stream(options: TenantPassOptions): AsyncGenerator<TenantCustomerScore>;
  /** The collections worklist over the whole tenant, keeping only the top `limit` in memory. */
  worklist(options: TenantPassOptions & WorklistOptions): Promise<Worklist>;
}

const isoEndOfDay = (day: number) => new Date((day + 1) * MS_PER_DAY).toISOString();
const isoStartOfDay = (day: number) => new Date(day * MS_PER_DAY).toISOString();

/** The instants that bound what scoring reads: all financial records; interactions and messages of the window. */
function readWindow(options: { readonly asOf: InstantLike; readonly lookbackDays?: number }) {
  const day = asOfDay(options?.asOf);
  const lookback = daysOption(options.lookbackDays, 365, 'lookbackDays');
  return { from: isoStartOfDay(day - lookback + 1), to: isoEndOfDay(day) };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * Scoring on a touchlog instance. Every method reads through the public store API and calls the
 * pure scoring functions, so its results equal theirs on the same records.
 *
 * @example
 * ```ts
 * import { createTouchlog, createScoreApi } from 'touchlog';
 * import { memoryAdapter } from 'touchlog/memory';
 *
 * const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:scoring' });
 * const score = createScoreApi(log);
 * const risk = await score.risk(customerId, { asOf: new Date() });
 * const review = await score.creditReview(customerId, { asOf: new Date(), requestedLimit: { amountMinor: 5_000_000, currency: 'USD' } });
 * const { entries } = await score.worklist({ asOf: new Date(), limit: 25, currency: 'USD' });
 * for await (const { customer, risk } of score.stream({ asOf: new Date() })) console.log(customer.displayName, risk);
 * ```
 */
export function createScoreApi(log: Touchlog): ScoreApi {
  async function history(customerId: string, options: { readonly asOf: InstantLike; readonly lookbackDays?: number }): Promise<StoredCustomerHistory> {
    const { from, to } = readWindow(options);
    await log.customers.get(customerId); // NOT_FOUND for an unknown customer, rather than empty scores
    const [financial, interactions, communications] = await Promise.all([
      collect(log.finance.stream({ customerId, pageSize: 1000 })),
      collect(log.interactions.stream({ customerId, from, to, pageSize: 1000 })),
      collect(log.communications.stream({ customerId, from, to, pageSize: 1000 })),
    ]);
    return toCustomerHistory(financial, interactions, communications);
  }

  async function customer(customerId: string, options: ScoreOptions): Promise<CustomerScore> {
    return scoreCustomer(await history(customerId, options), options);
  }

  /**
   * Every row of a collection for one customer, page by page: one index range per customer. (A
   * read for many customers at once, in time order, makes a SQL database sort or walk the whole
   * tenant on every page, which made the tenant pass quadratic.)
   */
  async function rowsOf(collection: Collection, filter: RecordFilter, pageSize: number): Promise<RecordRow[]> {
    const rows: RecordRow[] = [];
    let after: Keyset | undefined;
    for (;;) {
      const page = await guardStorage(`reading ${collection} for scoring`, () =>
        log.adapter.listRecords(log.tenant, { collection, filter, order: 'asc', limit: pageSize, ...(after ? { after } : {}) }),
      );
      for (const row of page) rows.push(row);
      if (page.length < pageSize) return rows;
      const last = page[page.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }

  async function* stream(options: TenantPassOptions): AsyncGenerator<TenantCustomerScore> {
    const chunk = intOption(options.customersPerChunk, 200, 'customersPerChunk', 1, 1000);
    const pageSize = intOption(options.pageSize, 1000, 'pageSize', 1, 1000);
    const { from, to } = readWindow(options);
    const yielder = new Yielder();
    let after: Keyset | undefined;
    for (;;) {
      const customerRows = await guardStorage('reading customers for scoring', () =>
        log.adapter.listRecords(log.tenant, { collection: 'customers', filter: {}, order: 'asc', limit: chunk, ...(after ? { after } : {}) }),
      );
      // A customer merged into another has no records left: they moved to the survivor.
      const customers = customerRows.filter((row) => row.customerId === row.id).map((row) => recordFromRow<Customer>(row));
      for (const c of customers) {
        const customerIds = [c.id];
        const [financial, interactions, communications] = await Promise.all([
          rowsOf('financial', { customerIds }, pageSize),
          rowsOf('interactions', { customerIds, from, to }, pageSize),
          rowsOf('communications', { customerIds, from, to }, pageSize),
        ]);
        const history = toCustomerHistory(
          financial.map((row) => recordFromRow<FinancialRecord>(row)),
          interactions.map((row) => recordFromRow<Interaction>(row)),
          communications.map((row) => recordFromRow<CommunicationRecord>(row)),
        );
        const { payment, signals, risk } = scoreCustomer(history, options);
        yield { customer: c, payment, signals, risk };
        await yielder.maybeYield();
      }
      if (customerRows.length < chunk) return;
      const last = customerRows[customerRows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }

  return {
    history,
    customer,
    async payment(customerId, options) {
      return (await customer(customerId, { ...options })).payment;
    },
    async signals(customerId, options) {
      return (await customer(customerId, { ...options, invoiceDetails: false })).signals;
    },
    async risk(customerId, options) {
      return (await customer(customerId, { ...options, invoiceDetails: false })).risk;
    },
    async creditReview(customerId, request) {
      const record = await log.customers.get(customerId);
      const limit = record.creditTerms?.limit;
      const current = request.currentLimit ?? (limit !== undefined && limit.currency === request.requestedLimit?.currency ? limit : undefined);
      const scores = await customer(customerId, { ...request, invoiceDetails: false });
      return reviewCredit(scores, { ...request, ...(current !== undefined ? { currentLimit: current } : {}) });
    },
    stream,
    async worklist(options) {
      const ranker = createWorklistRanker(options);
      for await (const scored of stream({ ...options, invoiceDetails: false })) ranker.offer(scored.customer.id, scored, scored.customer.displayName);
      return { asOf: new Date(asOfDay(options.asOf) * MS_PER_DAY).toISOString().slice(0, 10), customersScored: ranker.offered, entries: ranker.entries() };
    },
  };
}
