/**
 * What scoring reads: the facts it needs from each record, as narrow structural types. The stored
 * models (`Invoice`, `Payment`, `CreditNote`, `Dispute`, `PaymentPromise`, `Interaction`,
 * `CommunicationRecord`) satisfy them, so records go straight from the store into scoring; records
 * from another AR system only need these fields.
 *
 * @module
 */
import type { DeliveryStatus, NotificationType } from '../models/communication.js';
import type { Priority } from '../models/common.js';
import type { DisputeOutcome, DisputeStatus, InvoiceStatus } from '../models/financial-record.js';
import type { Channel, Direction, InteractionStatus, OutcomeCode, Purpose } from '../models/interaction.js';
import type { Money } from '../models/money.js';

/**
 * An instant: a `Date` or an ISO-8601 string. Stored records use UTC strings
 * (`2026-03-01T09:30:00.000Z`); a string without an offset is read as UTC, never as local time.
 */
export type InstantLike = string | Date;

/** An invoice: what the customer owes, and by when. */
export interface InvoiceFacts {
  /** Document number; payments, credit notes, disputes and promises refer to the invoice by it. */
  readonly ref: string;
  readonly issuedAt: InstantLike;
  readonly dueAt: InstantLike;
  readonly amount: Money;
  /**
   * `void` invoices are ignored. `written_off` ones leave open receivables but their unpaid part
   * still counts as paid late. `paid` without allocations covering it: see `PaymentBehaviourOptions`.
   */
  readonly status?: InvoiceStatus;
}

/** Part of a payment applied to one invoice. */
export interface AllocationFacts {
  readonly invoiceRef: string;
  readonly amount: Money;
}

/** Cash received. Allocations say which invoices it paid; the rest is unapplied cash. */
export interface PaymentFacts {
  readonly ref?: string;
  readonly receivedAt: InstantLike;
  readonly amount: Money;
  readonly allocations?: readonly AllocationFacts[];
}

/** A credit note. With `invoiceRef` it reduces that invoice's open amount from the day it is issued. */
export interface CreditNoteFacts {
  readonly ref?: string;
  readonly issuedAt: InstantLike;
  readonly amount: Money;
  readonly invoiceRef?: string;
}

/** A dispute about (part of) an invoice. */
export interface DisputeFacts {
  readonly ref?: string;
  readonly invoiceRef: string;
  readonly openedAt: InstantLike;
  readonly amount: Money;
  readonly status?: DisputeStatus;
  readonly resolvedAt?: InstantLike;
  readonly outcome?: DisputeOutcome;
}

/** A promise to pay `amount` by `dueBy`, towards `invoiceRefs` (any invoice when empty). */
export interface PaymentPromiseFacts {
  readonly ref?: string;
  readonly promisedAt: InstantLike;
  readonly dueBy: InstantLike;
  readonly amount: Money;
  readonly invoiceRefs?: readonly string[];
}

/** A link to a financial document (`{ kind: 'invoice', ref: 'INV-1042' }`). */
export interface LinkFacts {
  readonly kind: string;
  readonly ref: string;
}

/** One touchpoint or case. */
export interface InteractionFacts {
  /** Needed to tie messages to their interaction (`interactionId`). */
  readonly id?: string;
  readonly channel: Channel;
  readonly direction: Direction;
  readonly purpose: Purpose;
  readonly occurredAt: InstantLike;
  readonly durationSeconds?: number;
  readonly status?: InteractionStatus;
  readonly priority?: Priority;
  readonly outcome?: { readonly code: OutcomeCode; readonly resolvedAt?: InstantLike };
  readonly links?: readonly LinkFacts[];
  readonly tags?: readonly string[];
}

/** One message or notification. */
export interface MessageFacts {
  readonly id?: string;
  /** The interaction (case) the message belongs to. */
  readonly interactionId?: string;
  readonly channel: Channel;
  readonly direction: Direction;
  readonly sentAt: InstantLike;
  readonly notificationType?: NotificationType;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly threadId?: string;
  readonly delivery?: { readonly status: DeliveryStatus };
  readonly links?: readonly LinkFacts[];
}

/**
 * Everything scoring knows about one customer. Every list is optional; order never matters.
 * Build it from stored records with `toCustomerHistory`, or from your own data.
 */
export interface CustomerHistory {
  readonly invoices?: readonly InvoiceFacts[];
  readonly payments?: readonly PaymentFacts[];
  readonly creditNotes?: readonly CreditNoteFacts[];
  readonly disputes?: readonly DisputeFacts[];
  readonly promises?: readonly PaymentPromiseFacts[];
  readonly interactions?: readonly InteractionFacts[];
  readonly communications?: readonly MessageFacts[];
}

/** Why a figure could not be computed. */
export type UnavailableReason =
  /** Too little history for the figure to mean anything. */
  | 'insufficient_history'
  /** Amounts in several currencies, and no `rates` to weigh them against each other. */
  | 'multiple_currencies'
  /** `rates` were given, but not for every currency involved. */
  | 'missing_rate'
  /** No (positive) credit sales in the period: DSO and CEI divide by them. */
  | 'no_sales';

/** A figure that could not be computed, and why: returned instead of a misleading number. */
export interface Unavailable {
  readonly available: false;
  readonly reason: UnavailableReason;
  /** A sentence saying what is missing. */
  readonly message: string;
}

/**
 * Relative value of one major unit of each currency in a reporting unit of your choice, e.g.
 * `{ USD: 1, EUR: 1.08, GBP: 1.27 }`. Used only to weigh per-currency figures against each other
 * (a ratio or a ranking key), never to add money: amounts stay per currency.
 */
export type CurrencyRates = Readonly<Record<string, number>>;

/** Amount in minor units per currency, as in `sumByCurrency`. */
export type AmountsByCurrency = Readonly<Record<string, number>>;
