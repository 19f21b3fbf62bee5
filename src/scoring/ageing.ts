/**
 * Open-receivables ageing: what a customer owes as of a day, by how far past due it is.
 *
 * @module
 */
import { addMinor, asOfDay as dayOfAsOf } from './input.js';
import { buildLedger, type CashApplication, type Ledger } from './ledger.js';
import type { CustomerHistory, InstantLike } from './types.js';

/** Open receivables of one currency by days past due, in minor units. */
export interface AgeingBuckets {
  readonly currency: string;
  /** Not yet due (due today or later). */
  readonly current: number;
  readonly days1to30: number;
  readonly days31to60: number;
  readonly days61to90: number;
  /** More than 90 days past due. */
  readonly over90: number;
  /** All open invoice amounts: the sum of the buckets. */
  readonly total: number;
  /** `total − current`. */
  readonly pastDue: number;
  /** Days past due of the oldest unpaid invoice (0 when nothing is past due). */
  readonly oldestDaysPastDue: number;
  /** Cash received that does not reduce an invoice in the history (shown apart, as ageing reports do). */
  readonly unappliedCash: number;
  /** Credit notes (or parts of them) that do not reduce an invoice in the history. */
  readonly unappliedCredits: number;
  /** Unpaid part of written-off invoices: no longer receivable, so outside `total`. */
  readonly writtenOff: number;
}

/** Options of {@link ageReceivables}. */
export interface AgeingOptions {
  /** The day the ageing is taken at (the end of its UTC day). */
  readonly asOf: InstantLike;
  /** How unallocated cash is treated: left unapplied (default) or applied to the oldest invoices first. */
  readonly applyUnallocatedCash?: CashApplication;
}

type MutableBuckets = { -readonly [K in keyof AgeingBuckets]: AgeingBuckets[K] };

/** Buckets of a currency with nothing in them. @internal */
export function emptyBuckets(currency: string): MutableBuckets {
  return {
    currency,
    current: 0,
    days1to30: 0,
    days31to60: 0,
    days61to90: 0,
    over90: 0,
    total: 0,
    pastDue: 0,
    oldestDaysPastDue: 0,
    unappliedCash: 0,
    unappliedCredits: 0,
    writtenOff: 0,
  };
}

/** Ageing of a ledger as of its day, per currency. @internal */
export function ageingOf(ledger: Ledger): Record<string, AgeingBuckets> {
  const day = ledger.day;
  const out: Record<string, MutableBuckets> = Object.create(null);
  const bucketsOf = (currency: string) => (out[currency] ??= emptyBuckets(currency));
  for (const invoice of ledger.invoices) {
    if (invoice.open === 0 || invoice.issuedDay > day) continue;
    const b = bucketsOf(invoice.currency);
    const open = invoice.open;
    if (invoice.writtenOff) {
      b.writtenOff = addMinor(b.writtenOff, open, b.currency);
      continue;
    }
    const late = day - invoice.dueDay;
    if (late <= 0) b.current = addMinor(b.current, open, b.currency);
    else {
      if (late <= 30) b.days1to30 = addMinor(b.days1to30, open, b.currency);
      else if (late <= 60) b.days31to60 = addMinor(b.days31to60, open, b.currency);
      else if (late <= 90) b.days61to90 = addMinor(b.days61to90, open, b.currency);
      else b.over90 = addMinor(b.over90, open, b.currency);
      b.pastDue = addMinor(b.pastDue, open, b.currency);
      if (late > b.oldestDaysPastDue) b.oldestDaysPastDue = late;
    }
    b.total = addMinor(b.total, open, b.currency);
  }
  for (const [currency, unapplied] of ledger.unapplied) {
    if (unapplied.cash === 0 && unapplied.credits === 0) continue;
    const b = bucketsOf(currency);
    b.unappliedCash = unapplied.cash;
    b.unappliedCredits = unapplied.credits;
  }
  return out;
}

/**
 * Open receivables by days past due as of `asOf`, per currency: current (not yet due), 1–30,
 * 31–60, 61–90 and over 90 days past due. An invoice's open amount is its amount less credit notes
 * and cash applied to it by `asOf`; days past due are `asOf − due date` in UTC calendar days.
 *
 * @example
 * ```ts
 * const ageing = ageReceivables({
 *   invoices: [
 *     { ref: 'INV-1', issuedAt: '2026-01-01T00:00:00Z', dueAt: '2026-01-31T00:00:00Z', amount: { amountMinor: 100_000, currency: 'USD' } },
 *     { ref: 'INV-2', issuedAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-31T00:00:00Z', amount: { amountMinor: 50_000, currency: 'USD' } },
 *   ],
 *   payments: [{ receivedAt: '2026-02-10T00:00:00Z', amount: { amountMinor: 40_000, currency: 'USD' },
 *                allocations: [{ invoiceRef: 'INV-1', amount: { amountMinor: 40_000, currency: 'USD' } }] }],
 * }, { asOf: '2026-03-15T00:00:00Z' });
 * ageing.USD.days31to60 // 60_000 (INV-1, 43 days past due)
 * ageing.USD.current    // 50_000 (INV-2, not yet due)
 * ```
 */
export function ageReceivables(history: CustomerHistory, options: AgeingOptions): Readonly<Record<string, AgeingBuckets>> {
  return ageingOf(buildLedger(history, dayOfAsOf(options?.asOf), options.applyUnallocatedCash ?? 'none'));
}
