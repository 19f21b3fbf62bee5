/**
 * Promise-to-pay keeping.
 *
 * @module
 */
import { dayOf, minorOf } from './input.js';
import type { LedgerReceipt } from './ledger.js';
import type { PaymentFacts, PaymentPromiseFacts } from './types.js';

/** Promises of the window and whether they were kept. */
export interface PromiseSignals {
  /** Promises made in the window. */
  readonly made: number;
  /** Promises whose date fell in the window (by `asOf`): the ones that can be judged. */
  readonly due: number;
  readonly kept: number;
  readonly broken: number;
  /** Promises made by `asOf` whose date is still to come. */
  readonly pending: number;
  /** `kept ÷ due`; `null` when no promise has fallen due. */
  readonly keptRatio: number | null;
}

/**
 * `true` when a promise was kept: payments received from the day it was made to its date (both
 * included) and allocated to the promised invoices cover the promised amount, in its currency.
 * A promise that names no invoice is kept by any payment of the customer in that currency.
 *
 * @example
 * ```ts
 * const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
 * isPromiseKept(
 *   { promisedAt: '2026-03-01T10:00:00Z', dueBy: '2026-03-10T00:00:00Z', amount: usd(50_000), invoiceRefs: ['INV-7'] },
 *   [
 *     { receivedAt: '2026-03-05T00:00:00Z', amount: usd(30_000), allocations: [{ invoiceRef: 'INV-7', amount: usd(30_000) }] },
 *     { receivedAt: '2026-03-10T16:00:00Z', amount: usd(20_000), allocations: [{ invoiceRef: 'INV-7', amount: usd(20_000) }] },
 *   ],
 * ) // true: 30 000 + 20 000 by the promised day
 * ```
 */
export function isPromiseKept(promise: PaymentPromiseFacts, payments: readonly PaymentFacts[]): boolean {
  const receipts = payments.map((payment, p) => ({
    day: dayOf(payment.receivedAt, 'payments', p, 'receivedAt'),
    currency: payment.amount.currency,
    amount: minorOf(payment.amount, 'payments', p, 'amount'),
    allocations: payment.allocations ?? [],
  }));
  return keptBy(promise, 0, receipts);
}

function keptBy(promise: PaymentPromiseFacts, index: number, receipts: readonly LedgerReceipt[]): boolean {
  const from = dayOf(promise.promisedAt, 'promises', index, 'promisedAt');
  const to = dayOf(promise.dueBy, 'promises', index, 'dueBy');
  const target = minorOf(promise.amount, 'promises', index, 'amount');
  const currency = promise.amount.currency;
  const refs = promise.invoiceRefs ?? [];
  let covered = 0;
  for (const receipt of receipts) {
    if (receipt.currency !== currency || receipt.day < from || receipt.day > to) continue;
    if (refs.length === 0) covered += receipt.amount;
    else {
      for (const allocation of receipt.allocations) {
        if (allocation.amount.currency === currency && refs.includes(allocation.invoiceRef)) covered += allocation.amount.amountMinor;
      }
    }
    if (covered >= target) return true;
  }
  return covered >= target;
}

/** Promise signals of the window `[startDay, day]`. @internal */
export function promiseSignalsOf(
  promises: readonly PaymentPromiseFacts[],
  receipts: readonly LedgerReceipt[],
  startDay: number,
  day: number,
): PromiseSignals {
  let made = 0;
  let due = 0;
  let kept = 0;
  let pending = 0;
  for (let i = 0; i < promises.length; i++) {
    const promise = promises[i]!;
    const promised = dayOf(promise.promisedAt, 'promises', i, 'promisedAt');
    if (promised > day) continue;
    if (promised >= startDay) made++;
    const dueDay = dayOf(promise.dueBy, 'promises', i, 'dueBy');
    if (dueDay > day) {
      pending++;
      continue;
    }
    if (dueDay < startDay) continue;
    due++;
    if (keptBy(promise, i, receipts)) kept++;
  }
  return { made, due, kept, broken: due - kept, pending, keptRatio: due === 0 ? null : kept / due };
}
