import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { StorageAdapter } from '../adapters/contract.js';
import type { Classifier } from '../classification/rules.js';
import type { DedupeOptions } from './dedupe.js';
import { threadConversations, type ThreadOptions } from '../timeline/thread.js';
import { ValidationError, type ValidationIssue } from '../errors/index.js';
import { isStorableText, isUlid } from '../models/primitives.js';
import { createAuditApi, type AuditApi } from './audit-api.js';
import { createChangesApi, type ChangesApi } from './changes.js';
import { createReconcileApi, type ReconcileApi } from './reconcile.js';
import { checkLinkTarget, type LinkTarget } from './collection.js';
import { Communications } from './communications.js';
import { decodeCursor, fetchPage, pageLimit, pageOrder, type Page, type PageOptions } from './cursor.js';
import { Customers } from './customers.js';
import { EventBus, type ChangeListener } from './events.js';
import { Finance } from './finance.js';
import { FollowUps } from './follow-ups.js';
import { ingest, type IngestItem, type IngestOptions, type IngestReport } from './ingest.js';
import { Interactions } from './interactions.js';
import { recordFromRow, specOfCollection, type HistoryModel, type StoredModels } from './model-specs.js';
import { optionsOf } from './options.js';
import { guardStorage, type StoreContext } from './session.js';
import { createRetentionApi, type RetentionApi } from './retention.js';
import { createScoreApi, type ScoreApi } from './score-api.js';
import { createSlaApi, type SlaApi } from './sla-api.js';
import { createForecastApi, type ForecastApi } from './forecast-api.js';
import { createLifetimeValueApi, type LifetimeValueApi } from './lifetime-value-api.js';
import { createTimelineApi, type TimelineApi } from './timeline.js';

/** Options of {@link createTouchlog}. */
export interface TouchlogOptions {
  /** Where records are stored: `memoryAdapter()`, `sqliteAdapter(...)`, `postgresAdapter(...)` or your own. */
  readonly adapter: StorageAdapter;
  /** The tenant this instance reads and writes, and no other: letters, digits, `.`, `_`, `-`, `:`, up to 128. */
  readonly tenant: string;
  /** Who is acting, recorded in every audit entry: `svc:billing-sync`, `user:42`... */
  readonly actor: string;
  /** The current time; injectable for tests and replays. */
  readonly clock?: () => Date;
  /** Generates record ids, which must be ULIDs; injectable for deterministic tests. Monotonic ULIDs by default. */
  readonly ids?: () => string;
  /**
   * Classifies interactions and messages as they are recorded (`record`, `recordMany`, `ingest`):
   * sets the purpose where the input left it `other`, adds tags, raises the priority, and keeps
   * the reasons on the record (`classification`). See `ruleClassifier`.
   */
  readonly classifier?: Classifier;
  /**
   * Cross-source de-duplication of interactions and messages as they are recorded: the same
   * email from the mail server and the CRM, the same call from the phone system and the agent.
   * On by default; `false` switches it off. See {@link DedupeOptions}.
   */
  readonly dedupe?: DedupeOptions | false;
  /**
   * Threading of messages as they are recorded (`record`, `recordMany`, `ingest`, imports): every
   * message with a Message-ID, References / In-Reply-To or a subject gets the `threadId` that
   * `threadConversations` gives it among all stored messages, and messages already stored move to
   * another thread when a new one changes theirs. Options as for `threadConversations`; `false`
   * switches it off (thread ids are then whatever the inputs give). See docs/timeline.md.
   */
  readonly threading?: ThreadOptions | false;
  /** Receives errors thrown by `subscribe()` listeners (which never affect the write). Ignored by default. */
  readonly onListenerError?: (error: unknown) => void;
}

/**
 * Cryptographically random numbers in [0, 1) drawn from a pool refilled 16 KiB at a time: ulid's
 * default source asks the operating system once per character, which dominated id generation.
 */
function pooledRandom(): () => number {
  const pool = new Uint32Array(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 4294967296;
  };
}

/** A record of any model, with its model name: what `log.linked()` returns. */
export type LinkedRecord = { [M in HistoryModel]: { readonly model: M; readonly record: StoredModels[M] } }[HistoryModel];

/** A touchlog instance, bound to one tenant and one actor. */
export interface Touchlog {
  readonly tenant: string;
  readonly actor: string;
  readonly adapter: StorageAdapter;
  /** How messages are threaded as they are recorded (the `threading` option, defaults applied), or `false`. */
  readonly threading: ThreadOptions | false;
  readonly customers: Customers;
  readonly interactions: Interactions;
  readonly communications: Communications;
  readonly finance: Finance;
  readonly followUps: FollowUps;
  readonly timeline: TimelineApi;
  readonly audit: AuditApi;
  /** Service levels: first-response and resolution deadlines per policy. */
  readonly sla: SlaApi;
  /** Retention periods, purges and legal holds. */
  readonly retention: RetentionApi;
  /** Payment behaviour, interaction signals, risk, credit review and the collections worklist. See docs/scoring. */
  readonly score: ScoreApi;
  /** Expected payment dates, the cash-in forecast and its backtest. See docs/forecast.md. */
  readonly forecast: ForecastApi;
  /** BG/NBD and Gamma-Gamma fits, CLV, CAC payback and retention signals. See docs/lifetime-value.md. */
  readonly lifetimeValue: LifetimeValueApi;
  /**
   * The tenant's durable feed of committed changes, in commit order, readable from a cursor: for
   * webhook dispatchers and caches that must resume after a restart without missing or repeating
   * anything. See docs/changes.md.
   */
  readonly changes: ChangesApi;
  /**
   * Compares what a source system says it holds with what this tenant holds from it: missing
   * here, here but not there, different. Streams in flat memory. See docs/reconciliation.md.
   */
  readonly reconcile: ReconcileApi;
  /** Bulk path for inputs of any size and any models: see {@link IngestOptions}. */
  ingest(source: Iterable<IngestItem> | AsyncIterable<IngestItem>, options?: IngestOptions): Promise<IngestReport>;
  /**
   * Everything linked to a financial document, across interactions, messages, financial records
   * and follow-ups, in time order: "every interaction and message about invoice INV-1042".
   */
  linked(target: LinkTarget, options?: PageOptions & { models?: readonly HistoryModel[] }): Promise<Page<LinkedRecord>>;
  /**
   * Calls `listener` for every change this instance commits (never for a rolled-back one), after
   * the commit. Returns a function that unsubscribes.
   */
  subscribe(listener: ChangeListener): () => void;
  /** The same instance acting as someone else (shares adapter, tenant, clock, ids and subscribers). */
  withActor(actor: string): Touchlog;
}

const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const COLLECTION_OF: Record<HistoryModel, 'interactions' | 'communications' | 'financial' | 'followUps'> = {
  interaction: 'interactions',
  communication: 'communications',
  financialRecord: 'financial',
  followUp: 'followUps',
};

function checkOptions(options: TouchlogOptions): void {
  const issues: ValidationIssue[] = [];
  const adapter = options?.adapter as Partial<StorageAdapter> | undefined;
  if (!adapter || typeof adapter.transaction !== 'function' || typeof adapter.listRecords !== 'function') {
    issues.push({ code: 'invalid_type', path: ['adapter'], message: 'must be a storage adapter such as memoryAdapter() or sqliteAdapter(...)' });
  }
  if (typeof options?.tenant !== 'string' || !TENANT_PATTERN.test(options.tenant)) {
    issues.push({ code: 'invalid_format', path: ['tenant'], message: 'must be 1–128 letters, digits, ".", "_", "-" or ":", starting with a letter or digit' });
  }
  if (typeof options?.actor !== 'string' || options.actor.length === 0 || options.actor.length > 256 || !isStorableText(options.actor)) {
    issues.push({ code: 'invalid_type', path: ['actor'], message: 'must name who is acting, e.g. "svc:billing-sync" (1–256 characters)' });
  }
  if (options?.clock !== undefined && typeof options.clock !== 'function') {
    issues.push({ code: 'invalid_type', path: ['clock'], message: 'must be a function returning a Date' });
  }
  if (options?.classifier !== undefined && typeof options.classifier?.classify !== 'function') {
    issues.push({ code: 'invalid_type', path: ['classifier'], message: 'must have a classify(record) method, e.g. ruleClassifier(rules)' });
  }
  if (options?.ids !== undefined && typeof options.ids !== 'function') {
    issues.push({ code: 'invalid_type', path: ['ids'], message: 'must be a function returning ULIDs' });
  }
  if (options?.threading !== undefined && options.threading !== false) {
    if (typeof options.threading !== 'object' || options.threading === null) {
      issues.push({ code: 'invalid_type', path: ['threading'], message: 'must be threading options ({ window, requireReplyPrefix, prefixes, bySubject }) or false' });
    } else {
      try {
        threadConversations([], options.threading); // checks the options, threads nothing
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const issue of error.issues) issues.push({ ...issue, path: ['threading', ...issue.path.slice(1)] });
      }
    }
  }
  if (issues.length > 0) throw new ValidationError('touchlog options', issues);
}

/**
 * Creates a touchlog instance bound to one tenant.
 *
 * @example
 * ```ts
 * import { createTouchlog } from 'touchlog';
 * import { sqliteAdapter } from 'touchlog/sqlite';
 *
 * const log = createTouchlog({ adapter: sqliteAdapter({ filename: 'crm.db' }), tenant: 'acme', actor: 'svc:billing-sync' });
 * const { record: customer } = await log.customers.record({ displayName: 'Acme GmbH', identifiers: [{ type: 'email', value: 'ap@acme.example' }] });
 * ```
 */
export function createTouchlog(options: TouchlogOptions): Touchlog {
  checkOptions(options);
  const clock = options.clock ?? (() => new Date());
  const generate = options.ids ?? monotonicFactory(pooledRandom());
  // Ids from an injected generator are checked; ulid's own are ULIDs by construction.
  const checked = options.ids !== undefined;
  const events = new EventBus(options.onListenerError ?? (() => {}));
  const shared = {
    adapter: options.adapter,
    tenant: options.tenant,
    events,
    classifier: options.classifier,
    dedupe: options.dedupe,
    threading: options.threading === false ? (false as const) : { ...(options.threading ?? {}) },
    now(): string {
      const date = clock();
      if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
        throw new ValidationError('touchlog options', [{ code: 'invalid_date', path: ['clock'], message: 'returned an invalid Date' }]);
      }
      return date.toISOString();
    },
    newId(): string {
      const id = generate();
      if (checked && !isUlid(id)) {
        throw new ValidationError('touchlog options', [{ code: 'invalid_format', path: ['ids'], message: `returned ${JSON.stringify(id)}, which is not a ULID` }]);
      }
      return id;
    },
  };
  return bind({ ...shared, actor: options.actor });
}

function bind(ctx: StoreContext): Touchlog {
  const log: Omit<Touchlog, 'score' | 'forecast' | 'lifetimeValue'> & { score?: ScoreApi; forecast?: ForecastApi; lifetimeValue?: LifetimeValueApi } = {
    tenant: ctx.tenant,
    actor: ctx.actor,
    adapter: ctx.adapter,
    threading: ctx.threading,
    customers: new Customers(ctx),
    interactions: new Interactions(ctx),
    communications: new Communications(ctx),
    finance: new Finance(ctx),
    followUps: new FollowUps(ctx),
    timeline: createTimelineApi(ctx),
    audit: createAuditApi(ctx),
    sla: createSlaApi(ctx),
    retention: createRetentionApi(ctx),
    changes: createChangesApi(ctx),
    reconcile: createReconcileApi(ctx),
    ingest: (source, ingestOptions) => ingest(ctx, source, ingestOptions),
    async linked(target, pageOptions) {
      pageOptions = optionsOf(pageOptions, 'link lookup');
      const { kind, ref } = checkLinkTarget(target);
      const limit = pageLimit(pageOptions.limit);
      const order = pageOrder(pageOptions.order);
      const after = decodeCursor(pageOptions.cursor);
      const collections = (pageOptions.models ?? (Object.keys(COLLECTION_OF) as HistoryModel[])).map((model) => {
        const collection = COLLECTION_OF[model];
        if (!collection) throw new ValidationError('link lookup', [{ code: 'invalid_value', path: ['models'], message: `must list models among ${Object.keys(COLLECTION_OF).join(', ')}` }]);
        return collection;
      });
      return guardStorage('looking up linked records', () =>
        fetchPage(
          limit,
          (n) => ctx.adapter.listLinked(ctx.tenant, { kind, ref, collections, order, limit: n, ...(after ? { after } : {}) }),
          (row) => ({ at: row.at, id: row.id }),
          (row) => ({ model: specOfCollection(row.collection).model, record: recordFromRow(row) }) as LinkedRecord,
        ),
      );
    },
    subscribe: (listener) => ctx.events.subscribe(listener),
    withActor(actor: string): Touchlog {
      if (typeof actor !== 'string' || actor.length === 0 || actor.length > 256 || !isStorableText(actor)) {
        throw new ValidationError('actor', [{ code: 'invalid_type', path: ['actor'], message: 'must name who is acting (1–256 characters)' }]);
      }
      return bind({ ...ctx, actor });
    },
  };
  log.score = createScoreApi(log as Touchlog);
  log.forecast = createForecastApi(log as Touchlog);
  log.lifetimeValue = createLifetimeValueApi(log as Touchlog);
  return log as Touchlog;
}
