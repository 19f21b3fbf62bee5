/**
 * What the payment model reads of an invoice: when it was issued and due, when it was paid (if
 * it was by `asOf`), and from when it was disputed. Built from stored records (the scoring ledger
 * applies payments and credit notes) or from a plain table of invoices.
 *
 * @internal
 * @module
 */
import { MS_PER_DAY } from '../scoring/days.js';
import { dayOf, msOf } from '../scoring/input.js';
import { buildLedger, type CashApplication } from '../scoring/ledger.js';
import { isPromiseKept } from '../scoring/promises.js';
import { isReminderInteraction, isReminderMessage } from '../scoring/reminders.js';
import type { CustomerHistory, LinkFacts } from '../scoring/types.js';

/** One invoice as the model sees it, in UTC day numbers. */
export interface InvoiceObservation {
  readonly ref: string;
  readonly currency: string;
  /** Invoice amount, minor units. */
  readonly amount: number;
  /** Still open at `asOf`, minor units (0 when paid or credited in full). */
  readonly open: number;
  readonly issueDay: number;
  readonly dueDay: number;
  /** Day it was paid in full by cash, when that was by `asOf`; NaN otherwise. */
  readonly settleDay: number;
  /** First day it counted as disputed (a dispute opened); +∞ when never (by `asOf`). */
  readonly disputedFrom: number;
}

/** A promise to pay an open invoice, still to fall due at `asOf`. */
export interface OpenPromise {
  readonly dueDay: number;
  readonly amount: number;
  readonly currency: string;
  readonly ref?: string;
}

/** What the explanations of one open invoice add to its observation. */
export interface OpenInvoiceContext {
  /** Disputes on it opened by `asOf` and not resolved or withdrawn by then. */
  readonly openDisputes: ReadonlyArray<{ readonly ref?: string; readonly openedDay: number; readonly amount: number }>;
  /** A dispute was opened and settled before `asOf`. */
  readonly settledDispute: boolean;
  readonly promise: OpenPromise | undefined;
  /** Promises covering it whose date passed by `asOf` without being kept. */
  readonly brokenPromises: number;
  /** Reminders about it sent by `asOf`. */
  readonly reminders: number;
}

/** A customer's invoices as of a day, with what the explanations need. */
export interface CustomerObservations {
  readonly invoices: InvoiceObservation[];
  /** Context of the open ones, by ref. */
  readonly context: Map<string, OpenInvoiceContext>;
  /** Promises whose date fell by `asOf`, and how many were kept. */
  readonly promises: { readonly due: number; readonly kept: number };
  /** Reminders sent before payment over the invoices paid by `asOf`, and those invoices. */
  readonly reminders: { readonly beforePayment: number; readonly paidInvoices: number };
}

const dayOfMs = (ms: number) => Math.floor(ms / MS_PER_DAY);

function linkedInvoices(links: readonly LinkFacts[] | undefined): string[] {
  if (links === undefined) return [];
  const refs: string[] = [];
  for (const link of links) if (link.kind === 'invoice') refs.push(link.ref);
  return refs;
}

/**
 * The observations of one customer's history as of `day`: every invoice issued by then (void and
 * written-off ones excluded: they will not be paid), when each was paid and disputed, and the
 * promises and reminders around the open ones.
 */
export function observeHistory(history: CustomerHistory, day: number, cashApplication: CashApplication = 'none'): CustomerObservations {
  const ledger = buildLedger(history, day, cashApplication);
  const disputes = history.disputes ?? [];
  const disputedFrom = new Map<string, number>();
  const openDisputes = new Map<string, Array<{ ref?: string; openedDay: number; amount: number }>>();
  const settledDisputes = new Set<string>();
  disputes.forEach((dispute, i) => {
    const opened = dayOf(dispute.openedAt, 'disputes', i, 'openedAt');
    if (opened > day) return;
    const ref = dispute.invoiceRef;
    disputedFrom.set(ref, Math.min(disputedFrom.get(ref) ?? Number.POSITIVE_INFINITY, opened));
    const resolvedDay = dispute.resolvedAt === undefined ? Number.NaN : dayOf(dispute.resolvedAt, 'disputes', i, 'resolvedAt');
    const closed = (dispute.status === 'resolved' || dispute.status === 'withdrawn') && !(resolvedDay > day);
    if (closed) settledDisputes.add(ref);
    else {
      const list = openDisputes.get(ref) ?? [];
      list.push({ ...(dispute.ref !== undefined ? { ref: dispute.ref } : {}), openedDay: opened, amount: dispute.amount.amountMinor });
      openDisputes.set(ref, list);
    }
  });

  // Reminders by invoice (a message inside a reminder interaction counts once, as the interaction).
  const reminderDays = new Map<string, number[]>();
  const reminderInteractions = new Set<string>();
  const note = (ms: number, links: readonly LinkFacts[] | undefined) => {
    if (dayOfMs(ms) > day) return;
    for (const ref of linkedInvoices(links)) {
      const list = reminderDays.get(ref);
      if (list === undefined) reminderDays.set(ref, [ms]);
      else list.push(ms);
    }
  };
  (history.interactions ?? []).forEach((interaction, i) => {
    if (!isReminderInteraction(interaction)) return;
    if (interaction.id !== undefined) reminderInteractions.add(interaction.id);
    note(msOf(interaction.occurredAt, 'interactions', i, 'occurredAt'), interaction.links);
  });
  (history.communications ?? []).forEach((message, i) => {
    if (!isReminderMessage(message)) return;
    if (message.interactionId !== undefined && reminderInteractions.has(message.interactionId)) return;
    note(msOf(message.sentAt, 'communications', i, 'sentAt'), message.links);
  });

  const payments = history.payments ?? [];
  const promises = history.promises ?? [];
  let promisesDue = 0;
  let promisesKept = 0;
  const pendingByInvoice = new Map<string, OpenPromise>();
  const brokenByInvoice = new Map<string, number>();
  const anyInvoice: OpenPromise[] = [];
  let anyBroken = 0;
  promises.forEach((promise, i) => {
    const made = dayOf(promise.promisedAt, 'promises', i, 'promisedAt');
    const due = dayOf(promise.dueBy, 'promises', i, 'dueBy');
    if (made > day) return;
    const refs = promise.invoiceRefs ?? [];
    if (due <= day) {
      promisesDue++;
      const kept = isPromiseKept(promise, payments);
      if (kept) promisesKept++;
      else if (refs.length === 0) anyBroken++;
      else for (const ref of refs) brokenByInvoice.set(ref, (brokenByInvoice.get(ref) ?? 0) + 1);
      return;
    }
    const open: OpenPromise = { dueDay: due, amount: promise.amount.amountMinor, currency: promise.amount.currency, ...(promise.ref !== undefined ? { ref: promise.ref } : {}) };
    if (refs.length === 0) anyInvoice.push(open);
    for (const ref of refs) {
      const current = pendingByInvoice.get(ref);
      // The earliest pending promise speaks for the invoice.
      if (current === undefined || open.dueDay < current.dueDay) pendingByInvoice.set(ref, open);
    }
  });
  anyInvoice.sort((a, b) => a.dueDay - b.dueDay);

  const invoices: InvoiceObservation[] = [];
  const context = new Map<string, OpenInvoiceContext>();
  let beforePayment = 0;
  let paidInvoices = 0;
  for (const invoice of ledger.invoices) {
    if (invoice.issuedDay > day || invoice.writtenOff) continue;
    const settleDay = invoice.open === 0 && invoice.settledMs === invoice.settledMs ? dayOfMs(invoice.settledMs) : Number.NaN;
    // Settled by credit notes alone, or `paid` on a date the data does not give: neither a payment nor open.
    if (invoice.open === 0 && settleDay !== settleDay) continue;
    const reminders = reminderDays.get(invoice.ref) ?? [];
    const observation: InvoiceObservation = {
      ref: invoice.ref,
      currency: invoice.currency,
      amount: invoice.amount,
      open: invoice.open,
      issueDay: invoice.issuedDay,
      dueDay: invoice.dueDay,
      settleDay,
      disputedFrom: disputedFrom.get(invoice.ref) ?? Number.POSITIVE_INFINITY,
    };
    invoices.push(observation);
    if (invoice.open === 0) {
      paidInvoices++;
      for (const ms of reminders) if (ms < invoice.settledMs) beforePayment++;
      continue;
    }
    const promise = pendingByInvoice.get(invoice.ref) ?? anyInvoice.find((p) => p.currency === invoice.currency);
    context.set(invoice.ref, {
      openDisputes: openDisputes.get(invoice.ref) ?? [],
      settledDispute: settledDisputes.has(invoice.ref) && !openDisputes.has(invoice.ref),
      promise,
      brokenPromises: (brokenByInvoice.get(invoice.ref) ?? 0) + anyBroken,
      reminders: reminders.length,
    });
  }
  return { invoices, context, promises: { due: promisesDue, kept: promisesKept }, reminders: { beforePayment, paidInvoices } };
}
