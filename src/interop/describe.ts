/**
 * One-line descriptions of timeline entries, for command lines, logs and simple UIs.
 */
import { formatMoney, type Money } from '../models/money.js';
import type { TimelineEntry } from '../store/timeline.js';

/** A timeline entry in words. */
export interface EntrySummary {
  /** What happened: `Invoice INV-1042 issued`, `Phone inbound: Freight charged twice`... */
  readonly title: string;
  /** More about it, when there is something: the purpose of an interaction, the parties of a message... */
  readonly detail?: string;
  /** The money involved, formatted (`$18,500.00`). */
  readonly amount?: string;
  /** The record's status: interaction status, delivery status, invoice or dispute status... */
  readonly status?: string;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const day = (instant: string) => instant.slice(0, 10);
const money = (amount: Money | undefined, locale: string) => (amount === undefined ? undefined : formatMoney(amount, locale));

const with_ = (summary: { title: string; detail?: string | undefined; amount?: string | undefined; status?: string | undefined }): EntrySummary => {
  const out: { title: string; detail?: string; amount?: string; status?: string } = { title: summary.title };
  if (summary.detail) out.detail = summary.detail;
  if (summary.amount) out.amount = summary.amount;
  if (summary.status) out.status = summary.status;
  return out;
};

/**
 * Describes a timeline entry in words.
 *
 * @example
 * ```ts
 * for (const entry of (await log.timeline(customerId)).items) {
 *   const { title, amount } = summariseTimelineEntry(entry);
 *   console.log(entry.at.slice(0, 10), title, amount ?? '');
 * }
 * ```
 */
export function summariseTimelineEntry(entry: TimelineEntry, locale = 'en-US'): EntrySummary {
  switch (entry.model) {
    case 'interaction': {
      const r = entry.record;
      return with_({
        title: `${capital(r.channel)} ${r.direction}: ${r.subject ?? r.purpose.replace(/_/g, ' ')}`,
        detail: r.purpose.replace(/_/g, ' '),
        status: r.status,
      });
    }
    case 'communication': {
      const r = entry.record;
      const to = r.to.map((a) => a.address).join(', ');
      return with_({
        title: `${capital(r.channel)} ${r.direction}: ${r.subject ?? '(no subject)'}`,
        detail: r.from ? `${r.from.address}${to ? ` → ${to}` : ''}` : to,
        status: r.delivery.status,
      });
    }
    case 'followUp': {
      const r = entry.record;
      return with_({ title: `Follow-up due: ${r.action}`, detail: r.assignee, status: r.status });
    }
    case 'financialRecord': {
      const r = entry.record;
      switch (r.type) {
        case 'invoice':
          return with_({
            title: `Invoice ${r.ref} ${entry.kind === 'invoice_due' ? 'due' : 'issued'}`,
            detail: entry.kind === 'invoice_due' ? `issued ${day(r.issuedAt)}` : `due ${day(r.dueAt)}`,
            amount: money(r.amount, locale),
            status: r.status,
          });
        case 'payment':
          return with_({
            title: `Payment ${r.ref} received`,
            detail: r.allocations.length > 0 ? `for ${r.allocations.map((a) => a.invoiceRef).join(', ')}` : 'unallocated',
            amount: money(r.amount, locale),
          });
        case 'credit_note':
          return with_({ title: `Credit note ${r.ref} issued`, detail: r.invoiceRef ? `for ${r.invoiceRef}` : r.reason, amount: money(r.amount, locale) });
        case 'dispute':
          return with_({
            title: entry.kind === 'dispute_resolved' ? `Dispute ${r.ref} resolved${r.outcome ? ` (${r.outcome.replace(/_/g, ' ')})` : ''}` : `Dispute ${r.ref} opened`,
            detail: `on ${r.invoiceRef}${r.reason ? `: ${r.reason}` : ''}`,
            amount: money(r.amount, locale),
            status: r.status,
          });
        case 'payment_promise':
          return with_({
            title: entry.kind === 'promise_due' ? `Promise to pay${r.ref ? ` ${r.ref}` : ''} due` : `Promise to pay${r.ref ? ` ${r.ref}` : ''} by ${day(r.dueBy)}`,
            detail: r.invoiceRefs.length > 0 ? `for ${r.invoiceRefs.join(', ')}` : undefined,
            amount: money(r.amount, locale),
          });
      }
    }
  }
  return { title: (entry as { kind: string }).kind };
}
