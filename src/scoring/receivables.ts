/**
 * DSO, countback DSO, best-possible DSO, ADD and CEI of a customer's history (or of any set of
 * invoices, such as a whole tenant's), per currency.
 *
 * @module
 */
import { averageDaysDelinquent } from './average-days-delinquent.js';
import { bestPossibleDso } from './best-possible-dso.js';
import { collectionEffectivenessIndex } from './collection-effectiveness.js';
import { countbackDso, type CountbackDso } from './countback-dso.js';
import { civilFromDays, daysFromCivil, isoDateOfDay } from './days.js';
import { daysSalesOutstanding } from './dso.js';
import { addMinor, asOfDay as dayOfAsOf, daysOption, intOption } from './input.js';
import { buildLedger, openOn, type CashApplication, type Ledger } from './ledger.js';
import type { CustomerHistory, InstantLike } from './types.js';

/** Receivables figures of one currency over one period. Amounts in minor units. */
export interface ReceivablesFigures {
  readonly currency: string;
  /** The period: UTC calendar days, both ends included. */
  readonly period: { readonly from: string; readonly to: string; readonly days: number };
  /** Open receivables at the end of the day before the period. */
  readonly beginningReceivables: number;
  /** Invoices issued in the period less credit notes issued in the period against them. */
  readonly creditSales: number;
  /** Open receivables at the end of the period. */
  readonly endingReceivables: number;
  /** Part of `endingReceivables` not yet due. */
  readonly endingCurrentReceivables: number;
  /** `endingReceivables ÷ creditSales × days`; `null` without credit sales. */
  readonly dso: number | null;
  /** `endingCurrentReceivables ÷ creditSales × days`; `null` without credit sales. */
  readonly bestPossibleDso: number | null;
  /** `dso − bestPossibleDso`. */
  readonly averageDaysDelinquent: number | null;
  /** Collection Effectiveness Index in percent; `null` when nothing was collectable. */
  readonly cei: number | null;
  /** Countback DSO over UTC calendar months ending at `asOf` (the current month up to `asOf`). */
  readonly countback: CountbackDso & { readonly months: ReadonlyArray<{ readonly month: string; readonly creditSales: number; readonly days: number }> };
}

/** Options of {@link receivablesFigures}. */
export interface ReceivablesOptions {
  /** End of the period (the end of its UTC day). */
  readonly asOf: InstantLike;
  /** Days in the period ending at `asOf`, for DSO, best-possible DSO, ADD and CEI. Default 90. */
  readonly periodDays?: number;
  /** Calendar months the countback may go back (the current one included). Default 12. */
  readonly countbackMonths?: number;
  /** How unallocated cash is treated (see `buildLedger`). Default `none`. */
  readonly applyUnallocatedCash?: CashApplication;
}

interface Accumulator {
  beginning: number;
  sales: number;
  ending: number;
  endingCurrent: number;
  monthly: number[];
}

function countbackWithMonths(result: CountbackDso, months: ReceivablesFigures['countback']['months']): ReceivablesFigures['countback'] {
  return { days: result.days, periodsUsed: result.periodsUsed, exhausted: result.exhausted, months };
}

/** Receivables figures of a ledger, per currency. @internal */
export function receivablesOf(ledger: Ledger, periodDays: number, countbackMonths: number): Record<string, ReceivablesFigures> {
  const day = ledger.day;
  const start = day - periodDays + 1;
  // Calendar months ending at `day`: month 0 is the current one, up to `day`.
  const [year, month] = civilFromDays(day);
  const monthStarts: number[] = [];
  for (let k = 0; k < countbackMonths; k++) {
    const m = month - 1 - k;
    monthStarts.push(daysFromCivil(year + Math.floor(m / 12), (((m % 12) + 12) % 12) + 1, 1));
  }
  const oldest = monthStarts[monthStarts.length - 1]!;
  const monthLabels = monthStarts.map((start) => {
    const [y, m] = civilFromDays(start);
    return `${y}-${m < 10 ? '0' : ''}${m}`;
  });
  const monthOf = (d: number): number => {
    for (let k = 0; k < monthStarts.length; k++) if (d >= monthStarts[k]!) return k;
    return -1;
  };

  const acc = new Map<string, Accumulator>();
  const accOf = (currency: string) => {
    let a = acc.get(currency);
    if (a === undefined) {
      a = { beginning: 0, sales: 0, ending: 0, endingCurrent: 0, monthly: new Array<number>(countbackMonths).fill(0) };
      acc.set(currency, a);
    }
    return a;
  };

  for (const invoice of ledger.invoices) {
    if (invoice.writtenOff || invoice.issuedDay > day) continue;
    const a = accOf(invoice.currency);
    const c = invoice.currency;
    if (invoice.issuedDay < start) a.beginning = addMinor(a.beginning, openOn(invoice, start - 1), c);
    else a.sales = addMinor(a.sales, invoice.amount, c);
    a.ending = addMinor(a.ending, invoice.open, c);
    if (invoice.dueDay >= day) a.endingCurrent = addMinor(a.endingCurrent, invoice.open, c);
    if (invoice.issuedDay >= oldest) {
      const k = monthOf(invoice.issuedDay);
      a.monthly[k] = addMinor(a.monthly[k]!, invoice.amount, c);
    }
    // Credit notes reduce the sales of the period (and month) they are issued in, up to the
    // invoice amount in all.
    if (invoice.credits.length > 0) {
      let before = 0;
      for (const credit of [...invoice.credits].sort((x, y) => x.day - y.day)) {
        if (credit.day > day) break;
        const capped = Math.min(credit.amount, invoice.amount - before);
        before += capped;
        if (capped <= 0) continue;
        if (credit.day >= start) a.sales -= capped;
        if (credit.day >= oldest) {
          const k = monthOf(credit.day);
          a.monthly[k]! -= capped;
        }
      }
    }
  }

  const out: Record<string, ReceivablesFigures> = Object.create(null);
  for (const [currency, a] of acc) {
    const dso = daysSalesOutstanding({ receivables: a.ending, creditSales: Math.max(0, a.sales), days: periodDays });
    const best = bestPossibleDso({ currentReceivables: a.endingCurrent, creditSales: Math.max(0, a.sales), days: periodDays });
    const months = monthStarts.map((monthStart, k) => ({
      month: monthLabels[k]!,
      creditSales: a.monthly[k]!,
      days: (k === 0 ? day : monthStarts[k - 1]! - 1) - monthStart + 1,
    }));
    out[currency] = {
      currency,
      period: { from: isoDateOfDay(start), to: isoDateOfDay(day), days: periodDays },
      beginningReceivables: a.beginning,
      creditSales: a.sales,
      endingReceivables: a.ending,
      endingCurrentReceivables: a.endingCurrent,
      dso,
      bestPossibleDso: best,
      averageDaysDelinquent: averageDaysDelinquent({ dso, bestPossibleDso: best }),
      cei: collectionEffectivenessIndex({
        beginningReceivables: a.beginning,
        creditSales: a.sales,
        endingReceivables: a.ending,
        endingCurrentReceivables: a.endingCurrent,
      }),
      countback: countbackWithMonths(countbackDso(a.ending, months), months),
    };
  }
  return out;
}

/**
 * DSO, best-possible DSO, ADD and CEI over the `periodDays` ending at `asOf`, and countback DSO
 * over calendar months, per currency. Receivables are open invoice amounts (after credit notes and
 * applied cash; written-off invoices excluded); credit sales are invoices issued in the period less
 * credit notes issued in it against them. Pass a whole tenant's invoices for a portfolio figure.
 *
 * @example
 * ```ts
 * const figures = receivablesFigures(history, { asOf: '2026-03-31T00:00:00Z', periodDays: 90 });
 * figures.USD.dso                    // e.g. 45
 * figures.USD.averageDaysDelinquent  // dso − bestPossibleDso
 * figures.USD.countback.days         // countback DSO over calendar months
 * ```
 */
export function receivablesFigures(history: CustomerHistory, options: ReceivablesOptions): Readonly<Record<string, ReceivablesFigures>> {
  const day = dayOfAsOf(options?.asOf);
  const ledger = buildLedger(history, day, options.applyUnallocatedCash ?? 'none');
  return receivablesOf(ledger, daysOption(options.periodDays, 90, 'periodDays'), intOption(options.countbackMonths, 12, 'countbackMonths', 1, 120));
}
