/**
 * The invoice ledger: every invoice of a customer with the payments and credit notes applied to
 * it, as of a day. The building block of payment behaviour, ageing, DSO and the invoice-linked
 * interaction signals.
 *
 * Rules (see docs/scoring/README.md):
 * - `void` invoices are left out. Invoices with the same `ref` are kept once (the one that sorts
 *   first by issue day, due day, currency, amount), so allocations are never ambiguous.
 * - A credit note with `invoiceRef` reduces that invoice from the day it is issued, up to the
 *   invoice amount; the rest, and credit notes without a known invoice, are unapplied credits.
 * - Allocations apply to the invoice they name when it is in the same currency, in the order cash
 *   was received, up to what is still owed; cash beyond that, unallocated cash and allocations to
 *   unknown invoices are unapplied cash. With `applyUnallocatedCash: 'oldest_first'`, unallocated
 *   cash is applied to the oldest open invoices of its currency first (the usual cash-application
 *   rule) before anything is computed.
 * - An invoice whose status is `paid` but whose allocations and credits do not cover it was paid on a
 *   date the data does not give: that part is neither open nor a payment experience.
 *
 * Days are UTC day numbers; "as of day D" means at the end of UTC day D.
 *
 * @internal
 * @module
 */
import type { InvoiceStatus } from '../models/financial-record.js';
import { MS_PER_DAY } from './days.js';
import { addMinor, dayOf, invalid, minorOf, msOf } from './input.js';
import type { AllocationFacts, CustomerHistory, InvoiceFacts } from './types.js';

/** A payment allocation applied to a ledger invoice. */
export interface LedgerAllocation {
  readonly ms: number;
  readonly day: number;
  readonly amount: number;
  /** The part applied as of the ledger's day: capped at what was still owed, 0 when received later. */
  applied: number;
}

/** A credit note against a ledger invoice. */
export interface LedgerCredit {
  readonly day: number;
  readonly amount: number;
}

/** One invoice and what happened to it. Amounts in minor units of `currency`. */
export interface LedgerInvoice {
  readonly ref: string;
  readonly currency: string;
  readonly amount: number;
  readonly issuedDay: number;
  readonly dueDay: number;
  readonly writtenOff: boolean;
  readonly status: InvoiceStatus | undefined;
  /** Allocations in the order the cash was received. */
  readonly allocations: LedgerAllocation[];
  /** Credit notes against it (a shared empty list until the first one). */
  credits: LedgerCredit[];
  /** Part of a `paid` invoice that no allocation or credit explains (settled on an unknown date). */
  unexplained: number;
  /** As of the ledger's day: credited (capped at the amount), cash applied, and still open. */
  credited: number;
  applied: number;
  open: number;
  /** Instant the invoice was fully paid by cash (the receipt that completed it), or NaN. */
  settledMs: number;
}

/** A payment with its receipt day parsed (every payment, whatever its day). */
export interface LedgerReceipt {
  readonly day: number;
  readonly currency: string;
  readonly amount: number;
  readonly allocations: readonly AllocationFacts[];
}

/** Per-currency amounts that do not reduce a known invoice, as of the ledger's day. */
export interface Unapplied {
  cash: number;
  credits: number;
}

/** Counts of input the ledger could not tie to an invoice. */
export interface LedgerDiagnostics {
  /** Invoices left out because another invoice has the same `ref`. */
  duplicateInvoiceRefs: number;
  /** Allocations naming an invoice that is not in the history, or one in another currency. */
  unmatchedAllocations: number;
  /** Credit notes naming an invoice that is not in the history, or one in another currency. */
  unmatchedCreditNotes: number;
}

/** The ledger of one customer as of one day. */
export interface Ledger {
  readonly day: number;
  /** Invoices ordered by ref (a canonical order, whatever the input order). */
  readonly invoices: LedgerInvoice[];
  readonly byRef: Map<string, LedgerInvoice>;
  /** Unapplied cash and credits per currency, as of `day`. */
  readonly unapplied: Map<string, Unapplied>;
  /** Every payment, parsed once (promise keeping reads them). */
  readonly receipts: LedgerReceipt[];
  readonly diagnostics: LedgerDiagnostics;
}

const NO_CREDITS: LedgerCredit[] = [];

/** How unallocated cash is treated. */
export type CashApplication = 'none' | 'oldest_first';

const invoiceOrder = (a: LedgerInvoice, b: LedgerInvoice) =>
  a.issuedDay - b.issuedDay ||
  a.dueDay - b.dueDay ||
  (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0) ||
  a.amount - b.amount ||
  (String(a.status) < String(b.status) ? -1 : String(a.status) > String(b.status) ? 1 : 0);

const allocationOrder = (a: LedgerAllocation, b: LedgerAllocation) => a.ms - b.ms || a.amount - b.amount;

function unappliedOf(map: Map<string, Unapplied>, currency: string): Unapplied {
  let entry = map.get(currency);
  if (entry === undefined) {
    entry = { cash: 0, credits: 0 };
    map.set(currency, entry);
  }
  return entry;
}

function toLedgerInvoice(invoice: InvoiceFacts, index: number): LedgerInvoice {
  const amount = minorOf(invoice.amount, 'invoices', index, 'amount');
  return {
    ref: invoice.ref,
    currency: invoice.amount.currency,
    amount,
    issuedDay: dayOf(invoice.issuedAt, 'invoices', index, 'issuedAt'),
    dueDay: dayOf(invoice.dueAt, 'invoices', index, 'dueAt'),
    writtenOff: invoice.status === 'written_off',
    status: invoice.status,
    allocations: [],
    credits: NO_CREDITS,
    unexplained: 0,
    credited: 0,
    applied: 0,
    open: 0,
    settledMs: Number.NaN,
  };
}

/**
 * Builds the ledger of a customer's history as of `day` (a UTC day number): records after that
 * day are ignored.
 */
export function buildLedger(history: CustomerHistory, day: number, cashApplication: CashApplication = 'none'): Ledger {
  const byRef = new Map<string, LedgerInvoice>();
  const diagnostics: LedgerDiagnostics = { duplicateInvoiceRefs: 0, unmatchedAllocations: 0, unmatchedCreditNotes: 0 };
  const unapplied = new Map<string, Unapplied>();

  const invoices = history.invoices ?? [];
  for (let i = 0; i < invoices.length; i++) {
    const invoice = invoices[i]!;
    if (invoice.status === 'void') continue;
    const entry = toLedgerInvoice(invoice, i);
    const existing = byRef.get(entry.ref);
    if (existing !== undefined) {
      diagnostics.duplicateInvoiceRefs++;
      if (invoiceOrder(entry, existing) >= 0) continue;
    }
    byRef.set(entry.ref, entry);
  }

  const creditNotes = history.creditNotes ?? [];
  for (let i = 0; i < creditNotes.length; i++) {
    const note = creditNotes[i]!;
    const amount = minorOf(note.amount, 'creditNotes', i, 'amount');
    const noteDay = dayOf(note.issuedAt, 'creditNotes', i, 'issuedAt');
    const invoice = note.invoiceRef === undefined ? undefined : byRef.get(note.invoiceRef);
    if (invoice !== undefined && invoice.currency === note.amount.currency) {
      if (invoice.credits === NO_CREDITS) invoice.credits = [];
      invoice.credits.push({ day: noteDay, amount });
    } else {
      if (note.invoiceRef !== undefined) diagnostics.unmatchedCreditNotes++;
      if (noteDay <= day) {
        const u = unappliedOf(unapplied, note.amount.currency);
        u.credits = addMinor(u.credits, amount, note.amount.currency);
      }
    }
  }

  const payments = history.payments ?? [];
  // Unallocated remainders of payments, for cash application: [ms, amount, currency, index].
  const unallocated: Array<{ ms: number; amount: number; currency: string; index: number }> = [];
  const receipts: LedgerReceipt[] = [];
  for (let i = 0; i < payments.length; i++) {
    const payment = payments[i]!;
    const total = minorOf(payment.amount, 'payments', i, 'amount');
    const ms = msOf(payment.receivedAt, 'payments', i, 'receivedAt');
    const paymentDay = Math.floor(ms / MS_PER_DAY);
    const currency = payment.amount.currency;
    let allocatedTotal = 0;
    const allocations = payment.allocations ?? [];
    receipts.push({ day: paymentDay, currency, amount: total, allocations });
    for (let a = 0; a < allocations.length; a++) {
      const allocation = allocations[a]!;
      const amount = allocationMinor(allocation.amount, i, a);
      allocatedTotal += amount;
      const invoice = byRef.get(allocation.invoiceRef);
      if (invoice !== undefined && invoice.currency === allocation.amount.currency && allocation.amount.currency === currency) {
        invoice.allocations.push({ ms, day: paymentDay, amount, applied: 0 });
      } else diagnostics.unmatchedAllocations++;
    }
    if (paymentDay <= day) {
      // Cash received by `day`; what invoices absorb is taken back off below.
      const u = unappliedOf(unapplied, currency);
      u.cash = addMinor(u.cash, total, currency);
    }
    if (cashApplication === 'oldest_first' && total > allocatedTotal) {
      unallocated.push({ ms, amount: total - allocatedTotal, currency, index: i });
    }
  }

  const ordered = [...byRef.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  if (unallocated.length > 0) applyOldestFirst(ordered, unallocated);

  for (const invoice of ordered) {
    if (invoice.allocations.length > 1) invoice.allocations.sort(allocationOrder);
    let allCredits = 0;
    for (const credit of invoice.credits) allCredits += credit.amount;
    let allAllocations = 0;
    for (const allocation of invoice.allocations) allAllocations += allocation.amount;
    if (invoice.status === 'paid') invoice.unexplained = Math.max(0, invoice.amount - allCredits - allAllocations);
    settle(invoice, day);
    if (invoice.issuedDay <= day) {
      const credited = creditedBy(invoice, day);
      let noted = 0;
      for (const credit of invoice.credits) if (credit.day <= day) noted += credit.amount;
      if (noted > credited || invoice.applied > 0) {
        const u = unappliedOf(unapplied, invoice.currency);
        if (noted > credited) u.credits = addMinor(u.credits, noted - credited, invoice.currency);
        u.cash -= invoice.applied;
      }
    } else {
      // Credit notes issued before their invoice (rare): unapplied until the invoice exists.
      let noted = 0;
      for (const credit of invoice.credits) if (credit.day <= day) noted += credit.amount;
      if (noted > 0) {
        const u = unappliedOf(unapplied, invoice.currency);
        u.credits = addMinor(u.credits, noted, invoice.currency);
      }
    }
  }
  return { day, invoices: ordered, byRef, unapplied, receipts, diagnostics };
}

/** Minor units of an allocation (the error path is only built when it is wrong). */
function allocationMinor(money: AllocationFacts['amount'], payment: number, allocation: number): number {
  const amount = money?.amountMinor;
  if (typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0 && typeof money.currency === 'string') return amount;
  return invalid('scoring input', ['payments', payment, 'allocations', allocation, 'amount'], 'invalid_money', 'must be { amountMinor, currency } with a non-negative integer number of minor units');
}

/** Credit notes against `invoice` issued by `day`, capped at its amount. */
export function creditedBy(invoice: LedgerInvoice, day: number): number {
  let credited = 0;
  for (const credit of invoice.credits) if (credit.day <= day) credited += credit.amount;
  return credited < invoice.amount ? credited : invoice.amount;
}

/**
 * Applies the invoice's credits and allocations as of `day`: sets `credited`, `applied` (and each
 * allocation's `applied`), `open` and `settledMs`.
 */
function settle(invoice: LedgerInvoice, day: number): void {
  if (invoice.issuedDay > day) {
    invoice.credited = 0;
    invoice.applied = 0;
    invoice.open = 0;
    for (const allocation of invoice.allocations) allocation.applied = 0;
    return;
  }
  invoice.credited = creditedBy(invoice, day);
  const target = Math.max(0, invoice.amount - invoice.credited - invoice.unexplained);
  let applied = 0;
  for (const allocation of invoice.allocations) {
    const room = target - applied;
    const take = allocation.day <= day && room > 0 ? (allocation.amount < room ? allocation.amount : room) : 0;
    allocation.applied = take;
    applied += take;
    if (take > 0 && applied === target && target > 0) invoice.settledMs = allocation.ms;
  }
  invoice.applied = applied;
  invoice.open = target - applied;
}

/** Open amount of `invoice` at the end of `day` (0 before it was issued). */
export function openOn(invoice: LedgerInvoice, day: number): number {
  if (invoice.issuedDay > day) return 0;
  const target = Math.max(0, invoice.amount - creditedBy(invoice, day) - invoice.unexplained);
  let applied = 0;
  for (const allocation of invoice.allocations) {
    if (allocation.day > day) continue;
    applied += allocation.amount;
    if (applied >= target) return 0;
  }
  return target - applied;
}

/**
 * Applies unallocated cash to the open invoices of its currency, oldest due date first, in the
 * order the cash was received. Only invoices issued by the day of the receipt take cash.
 */
function applyOldestFirst(
  invoices: LedgerInvoice[],
  cash: Array<{ ms: number; amount: number; currency: string; index: number }>,
): void {
  cash.sort((a, b) => a.ms - b.ms || a.amount - b.amount || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  const byAge = [...invoices].sort((a, b) => a.dueDay - b.dueDay || a.issuedDay - b.issuedDay || (a.ref < b.ref ? -1 : 1));
  // What each invoice still needs, over its whole life (all credits and explicit allocations).
  const need = new Map<LedgerInvoice, number>();
  for (const invoice of byAge) {
    let covered = 0;
    for (const credit of invoice.credits) covered += credit.amount;
    for (const allocation of invoice.allocations) covered += allocation.amount;
    need.set(invoice, Math.max(0, invoice.amount - covered));
  }
  for (const receipt of cash) {
    let left = receipt.amount;
    const receiptDay = Math.floor(receipt.ms / MS_PER_DAY);
    for (const invoice of byAge) {
      if (left === 0) break;
      if (invoice.currency !== receipt.currency || invoice.issuedDay > receiptDay) continue;
      const room = need.get(invoice)!;
      if (room === 0) continue;
      const take = room < left ? room : left;
      invoice.allocations.push({ ms: receipt.ms, day: receiptDay, amount: take, applied: 0 });
      need.set(invoice, room - take);
      left -= take;
    }
  }
}
