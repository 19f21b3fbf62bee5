/**
 * Dispute signals: how often, and for how much of what was billed, the customer disputes.
 *
 * @module
 */
import type { Contacts } from './contacts.js';
import { addMinor, dayOf, minorOf } from './input.js';
import type { Ledger } from './ledger.js';
import type { AmountsByCurrency, DisputeFacts } from './types.js';

/** Disputes of the window. */
export interface DisputeSignals {
  /** Disputes opened in the window. */
  readonly count: number;
  /** Disputes still open at `asOf` (opened by then, not resolved by then). */
  readonly open: number;
  /** `count ÷ invoices issued in the window`; `null` without invoices. */
  readonly perInvoice: number | null;
  /** Invoices issued in the window, per currency (minor units). */
  readonly billed: AmountsByCurrency;
  /** Of those, the amount disputed (by `asOf`; per invoice at most its amount). */
  readonly disputed: AmountsByCurrency;
  /** `disputed ÷ billed` per currency (0–1). */
  readonly disputedShare: Readonly<Record<string, number>>;
  /** Interactions of the window whose purpose is `dispute` (contacts about disputes, not dispute records). */
  readonly contacts: number;
}

/** Dispute signals from a ledger (invoices) and dispute records. @internal */
export function disputeSignalsOf(ledger: Ledger, disputes: readonly DisputeFacts[], contacts: Contacts): DisputeSignals {
  const { startDay, day } = contacts;
  let count = 0;
  let open = 0;
  const disputedByRef = new Map<string, number>();
  for (let i = 0; i < disputes.length; i++) {
    const dispute = disputes[i]!;
    const opened = dayOf(dispute.openedAt, 'disputes', i, 'openedAt');
    const amount = minorOf(dispute.amount, 'disputes', i, 'amount');
    if (opened > day) continue;
    if (opened >= startDay) count++;
    const resolved = dispute.resolvedAt === undefined ? undefined : dayOf(dispute.resolvedAt, 'disputes', i, 'resolvedAt');
    const stillOpen = resolved === undefined ? dispute.status === undefined || dispute.status === 'open' || dispute.status === 'under_review' : resolved > day;
    if (stillOpen) open++;
    const invoice = ledger.byRef.get(dispute.invoiceRef);
    if (invoice !== undefined && invoice.currency === dispute.amount.currency) {
      disputedByRef.set(invoice.ref, addMinor(disputedByRef.get(invoice.ref) ?? 0, amount, invoice.currency));
    }
  }
  let invoices = 0;
  const billed: Record<string, number> = Object.create(null);
  const disputed: Record<string, number> = Object.create(null);
  for (const invoice of ledger.invoices) {
    if (invoice.issuedDay < startDay || invoice.issuedDay > day) continue;
    invoices++;
    const c = invoice.currency;
    billed[c] = addMinor(billed[c] ?? 0, invoice.amount, c);
    const d = disputedByRef.get(invoice.ref);
    disputed[c] = addMinor(disputed[c] ?? 0, d === undefined ? 0 : Math.min(d, invoice.amount), c);
  }
  const disputedShare: Record<string, number> = Object.create(null);
  for (const c of Object.keys(billed).sort()) disputedShare[c] = billed[c]! > 0 ? disputed[c]! / billed[c]! : 0;
  let disputeContacts = 0;
  for (const { facts } of contacts.interactions) if (facts.purpose === 'dispute') disputeContacts++;
  return {
    count,
    open,
    perInvoice: invoices === 0 ? null : count / invoices,
    billed,
    disputed,
    disputedShare,
    contacts: disputeContacts,
  };
}
