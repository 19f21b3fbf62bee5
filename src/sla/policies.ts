import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import { PRIORITIES, type Priority } from '../models/common.js';
import { CHANNELS, DIRECTIONS, PURPOSES, type Channel, type Direction, type Purpose } from '../models/interaction.js';
import { toInstant } from '../models/primitives.js';
import { defaultMessage, toValidationIssues } from '../validation/issues.js';

/**
 * A service-level policy: how fast we answer and resolve the interactions it covers. Policies are
 * data; the first policy whose `match` fits an interaction applies to it.
 */
export const SlaPolicySchema = z.strictObject({
  id: z.string().min(1).max(64),
  /** Which interactions it covers (every condition must hold; any value of a list). All inbound ones when empty. */
  match: z
    .strictObject({
      purposes: z.array(z.enum(PURPOSES)).min(1).optional(),
      channels: z.array(z.enum(CHANNELS)).min(1).optional(),
      priorities: z.array(z.enum(PRIORITIES)).min(1).optional(),
      /** `inbound` when not given: an SLA is about answering the customer. */
      directions: z.array(z.enum(DIRECTIONS)).min(1).optional(),
    })
    .default({}),
  /** Our first reply is due within this many hours of the interaction. */
  firstResponseHours: z.number().positive().max(24 * 366).optional(),
  /** Resolution is due within this many days of the interaction (24-hour days). */
  resolutionDays: z.number().positive().max(3660).optional(),
});
export type SlaPolicy = z.input<typeof SlaPolicySchema>;
type ParsedPolicy = z.output<typeof SlaPolicySchema>;

/** The fields of an interaction an SLA looks at (a stored `Interaction` has them all). */
export interface SlaCase {
  readonly id: string;
  readonly customerId: string;
  readonly channel: Channel;
  readonly direction: Direction;
  readonly purpose: Purpose;
  readonly priority: Priority;
  readonly occurredAt: string;
  readonly outcome?: { readonly resolvedAt?: string | undefined } | undefined;
}

/** One of our replies: an outbound message that belongs to the interaction (`interactionId`). */
export interface SlaReply {
  readonly interactionId?: string | undefined;
  readonly direction: Direction;
  readonly sentAt: string;
}

/** Whether one deadline was kept. */
export interface SlaClock {
  readonly due: string;
  /** When it happened (reply sent, case resolved), if it has. */
  readonly at?: string;
  /** Minutes from the interaction to `at`, or to `asOf` while pending or breached without it. */
  readonly elapsedMinutes: number;
  /** `met` in time; `breached` late or still not done past the deadline; `pending` not done, not yet due. */
  readonly status: 'met' | 'breached' | 'pending';
}

/** The SLA verdict for one interaction. */
export interface SlaResult {
  readonly interactionId: string;
  readonly customerId: string;
  readonly policy: string;
  readonly firstResponse?: SlaClock;
  readonly resolution?: SlaClock;
}

/** Counts of one deadline across interactions. */
export interface SlaTally {
  readonly met: number;
  readonly breached: number;
  readonly pending: number;
  /** breached / (met + breached); `undefined` when nothing was decided yet. */
  readonly breachRate: number | undefined;
}

/** The aggregate for one policy. */
export interface SlaSummary {
  readonly policy: string;
  readonly interactions: number;
  readonly firstResponse: SlaTally;
  readonly resolution: SlaTally;
}

/** Validates policies; throws {@link ValidationError} with the policy index in each path. */
export function parseSlaPolicies(policies: readonly SlaPolicy[]): ParsedPolicy[] {
  const result = z.array(SlaPolicySchema).max(200).safeParse(policies, { error: defaultMessage, reportInput: true });
  if (!result.success) throw new ValidationError('SLA policies', toValidationIssues(result.error.issues));
  return result.data;
}

/** The first policy that covers an interaction. */
export function policyFor(policies: readonly ParsedPolicy[], item: SlaCase): ParsedPolicy | undefined {
  return policies.find(
    ({ match }) =>
      (match.directions ?? ['inbound']).includes(item.direction) &&
      (match.purposes === undefined || match.purposes.includes(item.purpose)) &&
      (match.channels === undefined || match.channels.includes(item.channel)) &&
      (match.priorities === undefined || match.priorities.includes(item.priority)),
  );
}

function clock(start: number, limitMs: number, doneAt: string | undefined, asOf: number): SlaClock {
  const due = start + limitMs;
  const done = doneAt === undefined ? undefined : Date.parse(doneAt);
  const end = done ?? asOf;
  const status = done !== undefined ? (done <= due ? 'met' : 'breached') : asOf > due ? 'breached' : 'pending';
  return {
    due: new Date(due).toISOString(),
    ...(doneAt !== undefined ? { at: doneAt } : {}),
    elapsedMinutes: Math.max(0, Math.round((end - start) / 60_000)),
    status,
  };
}

/**
 * Checks interactions against SLA policies as of an instant: was our first reply and the
 * resolution on time? Pure: give it the interactions, our replies (outbound messages linked to
 * them by `interactionId`), the policies and `asOf`.
 *
 * @example
 * ```ts
 * const results = evaluateSla(interactions, messages, [
 *   { id: 'disputes', match: { purposes: ['dispute'] }, firstResponseHours: 4, resolutionDays: 10 },
 *   { id: 'default', firstResponseHours: 24 },
 * ], { asOf: new Date() });
 * ```
 */
export function evaluateSla(
  cases: Iterable<SlaCase>,
  replies: Iterable<SlaReply>,
  policies: readonly SlaPolicy[],
  options: { asOf: Date | string },
): SlaResult[] {
  const parsed = parseSlaPolicies(policies);
  const asOfInstant = toInstant(options.asOf);
  if (asOfInstant === undefined) {
    throw new ValidationError('SLA evaluation', [{ code: 'invalid_date', path: ['asOf'], message: 'must be a valid instant' }]);
  }
  const asOf = Date.parse(asOfInstant);
  const firstReply = new Map<string, string>();
  for (const reply of replies) {
    if (reply.direction !== 'outbound' || reply.interactionId === undefined) continue;
    const known = firstReply.get(reply.interactionId);
    if (known === undefined || reply.sentAt < known) firstReply.set(reply.interactionId, reply.sentAt);
  }
  const results: SlaResult[] = [];
  for (const item of cases) {
    const policy = policyFor(parsed, item);
    if (!policy) continue;
    const start = Date.parse(item.occurredAt);
    const reply = firstReply.get(item.id);
    results.push({
      interactionId: item.id,
      customerId: item.customerId,
      policy: policy.id,
      ...(policy.firstResponseHours !== undefined
        ? { firstResponse: clock(start, policy.firstResponseHours * 3_600_000, reply !== undefined && reply >= item.occurredAt ? reply : undefined, asOf) }
        : {}),
      ...(policy.resolutionDays !== undefined
        ? { resolution: clock(start, policy.resolutionDays * 86_400_000, item.outcome?.resolvedAt, asOf) }
        : {}),
    });
  }
  return results;
}

/**
 * Adds up SLA results per policy as they stream past, in constant memory.
 *
 * @example
 * ```ts
 * const totals = new SlaTotals();
 * for await (const result of log.sla.stream(options)) totals.add(result);
 * totals.summary(); // [{ policy: 'disputes', interactions: 41, firstResponse: { met: 38, breached: 3, ... } }]
 * ```
 */
export class SlaTotals {
  private readonly byPolicy = new Map<string, { interactions: number; first: [number, number, number]; resolution: [number, number, number] }>();

  add(result: SlaResult): void {
    let entry = this.byPolicy.get(result.policy);
    if (!entry) {
      entry = { interactions: 0, first: [0, 0, 0], resolution: [0, 0, 0] };
      this.byPolicy.set(result.policy, entry);
    }
    entry.interactions++;
    if (result.firstResponse) entry.first[STATUS_INDEX[result.firstResponse.status]]++;
    if (result.resolution) entry.resolution[STATUS_INDEX[result.resolution.status]]++;
  }

  summary(): SlaSummary[] {
    return [...this.byPolicy].map(([policy, entry]) => ({
      policy,
      interactions: entry.interactions,
      firstResponse: tally(entry.first),
      resolution: tally(entry.resolution),
    }));
  }
}

const STATUS_INDEX = { met: 0, breached: 1, pending: 2 } as const;

function tally([met, breached, pending]: [number, number, number]): SlaTally {
  return { met, breached, pending, breachRate: met + breached === 0 ? undefined : breached / (met + breached) };
}

/** Aggregates SLA results per policy. */
export function summariseSla(results: Iterable<SlaResult>): SlaSummary[] {
  const totals = new SlaTotals();
  for (const result of results) totals.add(result);
  return totals.summary();
}
