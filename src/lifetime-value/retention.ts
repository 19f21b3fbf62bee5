/**
 * Retention signals beside lifetime value: is the customer's probability of being alive falling,
 * are complaints and disputes rising, and is it a high-value customer — "at risk" when a valuable
 * customer shows either sign. The signal is a risk from 0 to 1 that the risk score and the
 * collections worklist can take as an extra factor (`retentionRiskFactor`).
 *
 * @module
 */
import { instantMs, MS_PER_DAY } from '../scoring/days.js';
import type { ExtraRiskFactor } from '../scoring/risk.js';
import type { CustomerHistory, InstantLike } from '../scoring/types.js';
import { checkBgNbd, checkSummary, probabilityAliveUnchecked, type BgNbdParameters } from './bg-nbd.js';
import { integerIn, invalid, numberIn } from './check.js';
import type { PurchaseSummary } from './types.js';

/** Complaints and disputes in the recent window and in the window before it. */
export interface FrictionCounts {
  readonly complaints: { readonly recent: number; readonly prior: number };
  readonly disputes: { readonly recent: number; readonly prior: number };
}

/** What {@link retentionSignals} reads for one customer. */
export interface RetentionInput {
  /** The purchase summary as of the end of calibration. */
  readonly current: PurchaseSummary;
  /** The same customer's summary `trendDays` earlier, in the same unit; absent when it had not bought yet. */
  readonly earlier?: PurchaseSummary;
  /** The customer's value (its CLV, or any measure you rank by); absent when unknown. */
  readonly value?: number;
  /** The value from which a customer counts as high value (e.g. the cohort's 80th percentile of CLV). */
  readonly highValueThreshold?: number;
  readonly friction?: FrictionCounts;
}

/** Thresholds of the retention signals. */
export interface RetentionOptions {
  /** A fall of P(alive) at least this large is "falling". Default 0.15. */
  readonly probabilityAliveDrop?: number;
  /** Complaints plus disputes in the recent window that make "rising" friction, when also more than in the window before. Default 2. */
  readonly minFriction?: number;
}

/** A customer's retention signals. */
export interface RetentionSignals {
  readonly available: true;
  readonly probabilityAlive: number;
  readonly probabilityAliveBefore: number | null;
  /** `probabilityAlive − probabilityAliveBefore`; negative when falling. */
  readonly probabilityAliveChange: number | null;
  readonly value: number | null;
  readonly highValue: boolean;
  readonly friction: FrictionCounts;
  readonly probabilityAliveFalling: boolean;
  readonly frictionRising: boolean;
  /** High value, and P(alive) falling or complaints and disputes rising. */
  readonly atRisk: boolean;
  /**
   * The signal as a risk from 0 to 1, whatever the value: the larger of the fall of P(alive)
   * (a fall of 0.5 = 1) and the rise of complaints plus disputes (3 more than the window before = 1).
   */
  readonly risk: number;
  /** Sentences saying what was seen. */
  readonly reasons: readonly string[];
}

const NO_FRICTION: FrictionCounts = { complaints: { recent: 0, prior: 0 }, disputes: { recent: 0, prior: 0 } };
const clamp01 = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x);
const fmt = (x: number) => x.toFixed(2);

/**
 * A customer's retention signals from its purchase summaries now and `trendDays` earlier, its
 * value, and its complaints and disputes.
 *
 * @example
 * ```ts
 * retentionSignals(
 *   { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
 *   { current: { x: 4, tx: 10, T: 38 }, earlier: { x: 4, tx: 10, T: 25 }, value: 120, highValueThreshold: 80,
 *     friction: { complaints: { recent: 2, prior: 0 }, disputes: { recent: 1, prior: 0 } } },
 * );
 * // { probabilityAlive: 0.0656…, probabilityAliveBefore: 0.249…, probabilityAliveFalling: true, frictionRising: true, atRisk: true, risk: 1, reasons: [...] }
 * ```
 */
export function retentionSignals(bgNbd: BgNbdParameters, input: RetentionInput, options: RetentionOptions = {}): RetentionSignals {
  const p = checkBgNbd(bgNbd);
  if (typeof input !== 'object' || input === null) invalid('retention input', [], 'invalid_type', 'must be { current, earlier?, value?, highValueThreshold?, friction? }');
  const drop = numberIn(options.probabilityAliveDrop, 0.15, 'retention options', 'probabilityAliveDrop', 0, 1, { minExclusive: true });
  const minFriction = integerIn(options.minFriction, 2, 'retention options', 'minFriction', 1, 1_000_000);
  const [x, tx, T] = checkSummary(input.current, 0, 'retention input current');
  const alive = probabilityAliveUnchecked(p, x, tx, T);
  let before: number | null = null;
  if (input.earlier !== undefined) {
    const [ex, etx, eT] = checkSummary(input.earlier, 0, 'retention input earlier');
    before = probabilityAliveUnchecked(p, ex, etx, eT);
  }
  const change = before === null ? null : alive - before;
  const value = input.value === undefined ? null : numberIn(input.value, 0, 'retention input', 'value', 0, Number.MAX_VALUE);
  const threshold = input.highValueThreshold === undefined ? null : numberIn(input.highValueThreshold, 0, 'retention input', 'highValueThreshold', 0, Number.MAX_VALUE);
  const highValue = value !== null && threshold !== null && value >= threshold && value > 0;
  const friction = input.friction ?? NO_FRICTION;
  for (const [kind, counts] of [['complaints', friction.complaints], ['disputes', friction.disputes]] as const) {
    for (const key of ['recent', 'prior'] as const) {
      if (!Number.isInteger(counts?.[key]) || counts[key] < 0) invalid('retention input', ['friction', kind, key], 'invalid_value', 'must be a whole number ≥ 0');
    }
  }
  const recent = friction.complaints.recent + friction.disputes.recent;
  const prior = friction.complaints.prior + friction.disputes.prior;
  const falling = change !== null && change <= -drop;
  const rising = recent >= minFriction && recent > prior;
  const risk = Math.max(change === null ? 0 : clamp01(-change / 0.5), recent > prior ? clamp01((recent - prior) / 3) : 0);
  const reasons: string[] = [];
  reasons.push(
    before === null
      ? `P(alive) ${fmt(alive)} (no purchase before the trend window to compare with)`
      : `P(alive) ${fmt(alive)}, ${change! < 0 ? 'down' : 'up'} from ${fmt(before)}${falling ? ` (a fall of ${fmt(-change!)} ≥ ${fmt(drop)}: falling)` : ''}`,
  );
  reasons.push(`${recent} complaint(s) and dispute(s) in the recent window, ${prior} in the one before${rising ? ' (rising)' : ''}`);
  if (value !== null) reasons.push(highValue ? `high value: ${fmt(value)} ≥ ${fmt(threshold!)}` : `value ${fmt(value)}${threshold !== null ? ` below the high-value mark ${fmt(threshold)}` : ''}`);
  return {
    available: true,
    probabilityAlive: alive,
    probabilityAliveBefore: before,
    probabilityAliveChange: change,
    value,
    highValue,
    friction,
    probabilityAliveFalling: falling,
    frictionRising: rising,
    atRisk: highValue && (falling || rising),
    risk,
    reasons,
  };
}

/**
 * Counts a customer's complaints and disputes in the `windowDays` ending at `asOf` and in the
 * `windowDays` before: complaints are interactions whose purpose is `complaint`; disputes are the
 * larger of the dispute records opened and the interactions whose purpose is `dispute` (a call
 * about a dispute and the dispute's record are one dispute, not two).
 *
 * @example
 * ```ts
 * frictionCounts(history, { asOf: '2026-06-30', windowDays: 90 });
 * // { complaints: { recent: 2, prior: 0 }, disputes: { recent: 1, prior: 1 } }
 * ```
 */
export function frictionCounts(history: CustomerHistory, options: { readonly asOf: InstantLike; readonly windowDays?: number }): FrictionCounts {
  const asOfMs = options?.asOf === undefined ? Number.NaN : instantMs(options.asOf);
  if (asOfMs !== asOfMs) invalid('friction options', ['asOf'], 'invalid_date', 'must be given: a Date or an ISO-8601 instant');
  const window = integerIn(options.windowDays, 90, 'friction options', 'windowDays', 1, 36_600);
  const day = Math.floor(asOfMs / MS_PER_DAY);
  const slot = (value: InstantLike, path: ReadonlyArray<string | number>): 0 | 1 | -1 => {
    const ms = instantMs(value);
    if (ms !== ms) invalid('friction input', path, 'invalid_date', 'must be a Date or an ISO-8601 instant');
    const d = Math.floor(ms / MS_PER_DAY);
    if (d > day || d <= day - 2 * window) return -1;
    return d > day - window ? 0 : 1;
  };
  const complaints = [0, 0];
  const disputeCalls = [0, 0];
  const disputeRecords = [0, 0];
  (history.interactions ?? []).forEach((interaction, i) => {
    if (interaction.purpose !== 'complaint' && interaction.purpose !== 'dispute') return;
    const s = slot(interaction.occurredAt, ['interactions', i, 'occurredAt']);
    if (s < 0) return;
    (interaction.purpose === 'complaint' ? complaints : disputeCalls)[s]!++;
  });
  (history.disputes ?? []).forEach((dispute, i) => {
    const s = slot(dispute.openedAt, ['disputes', i, 'openedAt']);
    if (s >= 0) disputeRecords[s]!++;
  });
  return {
    complaints: { recent: complaints[0]!, prior: complaints[1]! },
    disputes: { recent: Math.max(disputeCalls[0]!, disputeRecords[0]!), prior: Math.max(disputeCalls[1]!, disputeRecords[1]!) },
  };
}

/**
 * The retention signal as an extra factor of the risk score (and so of the worklist's priority):
 * pass it in `extraFactors` of `assessRisk`, `riskScore` or `scoreCustomer`. Its risk is
 * `signals.risk`; its weight is on the scale of the default weights (which sum to 100).
 *
 * @example
 * ```ts
 * const risk = assessRisk(payment, signals, { extraFactors: [retentionRiskFactor(retention, 10)] });
 * risk.factors.at(-1); // e.g. { factor: 'retention', risk: 0.37, weight: 10, points: 3.4, explanation: 'P(alive) 0.41, down from 0.60 …' }
 * ```
 */
export function retentionRiskFactor(signals: RetentionSignals, weight = 10): ExtraRiskFactor {
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) invalid('retention risk factor', ['weight'], 'invalid_value', 'must be a finite number ≥ 0');
  return {
    factor: 'retention',
    value: signals.probabilityAliveChange ?? signals.risk,
    risk: signals.risk,
    weight,
    explanation: `${signals.atRisk ? 'at-risk customer: ' : ''}${signals.reasons.join('; ')}`,
  };
}
