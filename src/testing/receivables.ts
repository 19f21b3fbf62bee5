/**
 * A synthetic accounts-receivable history for tests and benchmarks of the payment forecast: a
 * few hundred customers with their own paying habits, over two years, seeded and deterministic.
 *
 * What it builds in, because real ledgers show it:
 * - per-customer habits: prompt payers (a few days early to a few late), slow payers (one to
 *   four weeks late) and chronic late payers (one to two months), each with its own spread;
 * - heavy-tailed lateness: now and then an invoice is paid very late (a log-normal delay of weeks
 *   to months on top of the habit);
 * - disputes that hold payment back until they are settled (two to seven weeks more);
 * - habits that drift: some customers get slower in the second year, some faster;
 * - payment terms of 14, 30 or 60 days, invoices of very different sizes and frequencies, and a
 *   few invoices never paid.
 *
 * @module
 */
import type { InvoiceRow } from '../forecast/backtest.js';
import { isoDateOfDay, utcDay } from '../scoring/days.js';
import { seededRandom } from './harness.js';

/** Options of {@link generateReceivables}. */
export interface ReceivablesOptions {
  /** Default 1. */
  readonly seed?: number;
  /** Default 150. */
  readonly customers?: number;
  /** First invoice day (`YYYY-MM-DD`). Default 2024-01-01. */
  readonly from?: string;
  /** Days of invoicing. Default 730. */
  readonly days?: number;
}

/** A generated customer's habit (for tests that check what the model learns). */
export interface GeneratedCustomer {
  readonly customer: string;
  readonly profile: 'prompt' | 'slow' | 'chronic';
  /** Usual days beyond terms, before noise, drift and disputes. */
  readonly habitDays: number;
  readonly termsDays: number;
}

/** A synthetic AR history: invoice rows as an AR export gives them. */
export interface GeneratedReceivables {
  readonly rows: InvoiceRow[];
  readonly customers: GeneratedCustomer[];
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Generates a seeded synthetic AR history (see the module for what it contains).
 *
 * @example
 * ```ts
 * const { rows } = generateReceivables({ seed: 7, customers: 200 });
 * backtest(rows).ratios.toDueDate; // the model's error against paying on the due date
 * ```
 */
export function generateReceivables(options: ReceivablesOptions = {}): GeneratedReceivables {
  const random = seededRandom(options.seed ?? 1);
  const count = options.customers ?? 150;
  const start = utcDay(options.from ?? '2024-01-01');
  const days = options.days ?? 730;
  const rows: InvoiceRow[] = [];
  const customers: GeneratedCustomer[] = [];
  for (let c = 0; c < count; c++) {
    const customer = `C-${String(1000 + c)}`;
    const kind = random();
    const profile = kind < 0.5 ? 'prompt' : kind < 0.85 ? 'slow' : 'chronic';
    const habit = profile === 'prompt' ? -6 + random() * 10 : profile === 'slow' ? 7 + random() * 21 : 30 + random() * 35;
    const spread = profile === 'prompt' ? 1 + random() * 3 : 2 + random() * 8;
    const t = random();
    const terms = t < 0.15 ? 14 : t < 0.85 ? 30 : 60;
    const drift = random() < 0.25 ? (random() - 0.4) * 30 : 0; // days of change over the second year
    const perMonth = 0.5 + random() * random() * 8;
    const disputeRate = random() < 0.3 ? 0.15 + random() * 0.2 : 0.02 + random() * 0.06;
    const size = Math.exp(7 + random() * 4);
    const joined = start + Math.floor(random() * random() * days * 0.6);
    customers.push({ customer, profile, habitDays: Math.round(habit), termsDays: terms });
    let day = joined;
    let n = 0;
    for (;;) {
      day += Math.max(1, Math.round((-Math.log(Math.max(random(), 1e-12)) * 30.4) / perMonth));
      if (day >= start + days) break;
      const dueDay = day + terms;
      const disputed = random() < disputeRate;
      const age = (day - start) / days;
      let late = habit + drift * Math.max(0, age - 0.5) * 2 + spread * normal(random);
      if (random() < 0.07) late += Math.exp(2.5 + random() * 1.5); // a heavy tail: weeks to months more
      if (disputed) late += 14 + random() * 35;
      const neverPaid = random() < 0.01;
      const settleDay = Math.max(day, Math.round(dueDay + late));
      rows.push({
        customer,
        ref: `${customer}-${++n}`,
        invoiceDate: isoDateOfDay(day),
        dueDate: isoDateOfDay(dueDay),
        settledDate: neverPaid ? null : isoDateOfDay(settleDay),
        amountMinor: Math.max(100, Math.round(size * Math.exp(normal(random) * 0.8))) * 100,
        disputed,
      });
    }
  }
  return { rows, customers };
}
