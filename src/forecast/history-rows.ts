/**
 * Stored records as the rows of an invoice table, for backtesting on a store.
 *
 * @module
 */
import { isoDateOfDay } from '../scoring/days.js';
import type { CashApplication } from '../scoring/ledger.js';
import type { CustomerHistory, InstantLike } from '../scoring/types.js';
import type { InvoiceRow } from './backtest.js';
import { observeHistory } from './observations.js';
import { forecastDay } from './settings.js';

/**
 * One customer's invoices as backtest rows, as known at `asOf`: the day each was paid in full by
 * cash (none while open), and the day its first dispute was opened (so that a replay counts it as
 * disputed from then on, not before). Void and written-off invoices, and invoices settled by
 * credit notes alone, are left out: they are no payment to forecast.
 *
 * @example
 * ```ts
 * const rows = invoiceRowsFromHistory('C-1', history, { asOf: new Date() });
 * backtest(rows).ratios.toDueDate;
 * ```
 */
export function invoiceRowsFromHistory(
  customer: string,
  history: CustomerHistory,
  options: { readonly asOf: InstantLike; readonly applyUnallocatedCash?: CashApplication },
): InvoiceRow[] {
  const day = forecastDay(options?.asOf);
  const observed = observeHistory(history, day, options.applyUnallocatedCash ?? 'none');
  return observed.invoices.map((o) => ({
    customer,
    ref: o.ref,
    invoiceDate: isoDateOfDay(o.issueDay),
    dueDate: isoDateOfDay(o.dueDay),
    settledDate: o.settleDay === o.settleDay ? isoDateOfDay(o.settleDay) : null,
    amountMinor: o.amount,
    disputed: Number.isFinite(o.disputedFrom),
    disputedAt: Number.isFinite(o.disputedFrom) ? isoDateOfDay(o.disputedFrom) : null,
  }));
}
