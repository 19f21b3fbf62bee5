/**
 * The collections worklist: customers ranked by what they owe past due and how risky they are,
 * keeping only the top N in memory.
 *
 * @module
 */
import { currencyExponent } from '../models/money.js';
import { invalid, intOption, numberOption } from './input.js';
import type { RiskFactor, RiskGrade } from './risk.js';
import type { CustomerScore } from './score-customer.js';
import type { AmountsByCurrency, CurrencyRates } from './types.js';
import { checkRates } from './currencies.js';

/** The risk a customer without a risk score is ranked with: neither safe nor risky. */
export const DEFAULT_NEUTRAL_RISK = 50;

/** Options of the worklist. */
export interface WorklistOptions {
  /** Entries to keep. Default 50. */
  readonly limit?: number;
  /**
   * Rank by what is past due in this currency only (minor units). Without `currency` or `rates`,
   * all customers must owe in one currency: a second one is a `VALIDATION_FAILED` error
   * (`multiple_currencies`), never a silent sum.
   */
  readonly currency?: string;
  /** Rank by the past-due amounts of every currency, weighed by these rates (value of one major unit). */
  readonly rates?: CurrencyRates;
  /** Risk used for the priority when a customer has no risk score. Default 50 (neither safe nor risky). */
  readonly neutralRisk?: number;
}

/** One customer on the worklist. */
export interface WorklistEntry {
  readonly customerId: string;
  readonly name?: string;
  /** Open amounts past due, per currency (minor units). */
  readonly pastDue: AmountsByCurrency;
  /** Of which more than 90 days past due. */
  readonly over90: AmountsByCurrency;
  readonly oldestDaysPastDue: number;
  /** Disputes open at `asOf`: collectors check them before chasing. */
  readonly openDisputes: number;
  /** Broken promises to pay in the window. */
  readonly brokenPromises: number;
  readonly risk: number | null;
  readonly grade: RiskGrade | null;
  /** Past due in the ranking unit: minor units of `currency`, or major units × rate with `rates`. */
  readonly rankAmount: number;
  /** `rankAmount × risk ÷ 100` (risk `neutralRisk` without a score): the amount at risk. */
  readonly priority: number;
  /** The factors that add most to the risk, largest first (up to 3). */
  readonly topFactors: ReadonlyArray<{ readonly factor: RiskFactor['factor']; readonly points: number }>;
}

/** Ranks customers as they come, keeping the top `limit`. */
export interface WorklistRanker {
  /** Offers one customer's scores; customers with nothing past due are not listed. */
  offer(customerId: string, scores: CustomerScore, name?: string): void;
  /** Customers offered so far. */
  readonly offered: number;
  /** The entries kept, highest priority first (ties: larger amount, then customer id). */
  entries(): WorklistEntry[];
}

/** `true` when `a` ranks above `b`. */
function ranksAbove(a: WorklistEntry, b: WorklistEntry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.rankAmount !== b.rankAmount) return a.rankAmount > b.rankAmount;
  return a.customerId < b.customerId;
}

/**
 * Creates a worklist ranker: offer every customer's scores, then read the top entries. Memory
 * holds at most `limit` entries, whatever the number of customers offered.
 *
 * @example
 * ```ts
 * const ranker = createWorklistRanker({ limit: 20, currency: 'USD' });
 * for (const [customerId, history] of histories) ranker.offer(customerId, scoreCustomer(history, { asOf }));
 * ranker.entries()[0] // the customer to call first
 * ```
 */
export function createWorklistRanker(options: WorklistOptions = {}): WorklistRanker {
  const limit = intOption(options.limit, 50, 'limit', 1, 1_000_000);
  const neutral = numberOption(options.neutralRisk, DEFAULT_NEUTRAL_RISK, 'neutralRisk', 100);
  const rates = checkRates(options.rates);
  const only = options.currency;
  let unit: string | undefined = only;
  // A min-heap on rank: the root is the entry that would drop out first.
  const heap: WorklistEntry[] = [];
  let offered = 0;

  const below = (i: number, j: number) => ranksAbove(heap[j]!, heap[i]!);
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!below(i, parent)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && below(l, least)) least = l;
      if (r < heap.length && below(r, least)) least = r;
      if (least === i) return;
      swap(i, least);
      i = least;
    }
  };

  const rankAmountOf = (pastDue: Record<string, number>): number => {
    const currencies = Object.keys(pastDue);
    if (only !== undefined) return pastDue[only] ?? 0;
    if (rates !== undefined) {
      let total = 0;
      for (const currency of currencies.sort()) {
        const rate = rates[currency];
        if (rate === undefined) invalid('worklist options', ['rates', currency], 'missing_rate', `has no rate for ${currency}, which a customer owes in`);
        total += (pastDue[currency]! / 10 ** currencyExponent(currency)) * rate;
      }
      return total;
    }
    for (const currency of currencies) {
      unit ??= currency;
      if (currency !== unit) {
        invalid(
          'worklist options',
          ['currency'],
          'multiple_currencies',
          `customers owe in ${unit} and ${currency}: pass \`currency\` to rank one currency or \`rates\` to rank them all`,
        );
      }
    }
    return unit === undefined ? 0 : (pastDue[unit] ?? 0);
  };

  return {
    get offered() {
      return offered;
    },
    offer(customerId, scores, name) {
      offered++;
      const pastDue: Record<string, number> = Object.create(null);
      const over90: Record<string, number> = Object.create(null);
      let oldest = 0;
      for (const currency of scores.payment.currencies) {
        const ageing = scores.payment.byCurrency[currency]!.ageing;
        if (ageing.pastDue > 0) pastDue[currency] = ageing.pastDue;
        if (ageing.over90 > 0) over90[currency] = ageing.over90;
        if (ageing.oldestDaysPastDue > oldest) oldest = ageing.oldestDaysPastDue;
      }
      const rankAmount = rankAmountOf(pastDue);
      if (!(rankAmount > 0)) return;
      const { risk } = scores;
      const riskValue = risk.available ? risk.score : neutral;
      const entry: WorklistEntry = {
        customerId,
        ...(name !== undefined ? { name } : {}),
        pastDue,
        over90,
        oldestDaysPastDue: oldest,
        openDisputes: scores.signals.disputes.open,
        brokenPromises: scores.signals.promises.broken,
        risk: risk.available ? risk.score : null,
        grade: risk.available ? risk.grade : null,
        rankAmount,
        priority: (rankAmount * riskValue) / 100,
        topFactors: risk.factors
          .filter((f) => f.points > 0)
          .sort((a, b) => b.points - a.points || (a.factor < b.factor ? -1 : 1))
          .slice(0, 3)
          .map((f) => ({ factor: f.factor, points: f.points })),
      };
      if (heap.length < limit) {
        heap.push(entry);
        up(heap.length - 1);
      } else if (ranksAbove(entry, heap[0]!)) {
        heap[0] = entry;
        down(0);
      }
    },
    entries() {
      return [...heap].sort((a, b) => (ranksAbove(a, b) ? -1 : ranksAbove(b, a) ? 1 : 0));
    },
  };
}
