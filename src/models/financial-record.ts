import { z } from 'zod';
import { CustomerRefSchema, FinancialLinksSchema, SourceRefSchema, storedFields } from './common.js';
import { inputKinds, storedKinds, type FieldKinds } from './kinds.js';
import { LIMITS } from './limits.js';
import { PositiveMoneySchema } from './money.js';
import {
  CustomerIdSchema,
  FinancialRecordIdSchema,
  InteractionIdSchema,
  MetadataSchema,
  TagsSchema,
  text,
} from './primitives.js';

export const FINANCIAL_RECORD_TYPES = ['invoice', 'payment', 'credit_note', 'dispute', 'payment_promise'] as const;
export type FinancialRecordType = (typeof FINANCIAL_RECORD_TYPES)[number];

export const INVOICE_STATUSES = ['open', 'paid', 'void', 'written_off'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const DISPUTE_STATUSES = ['open', 'under_review', 'resolved', 'withdrawn'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export const DISPUTE_OUTCOMES = ['upheld', 'partially_upheld', 'rejected'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

const documentRef = () => text(LIMITS.ref);

/** Fields every financial record has. `ref` is the document number in the source system. */
const commonShape = {
  source: SourceRefSchema.optional(),
  /** Further links beyond those implied by the record itself (an invoice links to itself, a payment to its invoices...). */
  links: FinancialLinksSchema,
  tags: TagsSchema,
  metadata: MetadataSchema.optional(),
};

const invoiceShape = <K extends FieldKinds>(k: K) => ({
  type: z.literal('invoice'),
  ref: documentRef(),
  issuedAt: k.instant,
  dueAt: k.instant,
  amount: PositiveMoneySchema,
  status: z.enum(INVOICE_STATUSES),
  /** The invoice this one corrects, when it was issued to replace a disputed or wrong one. */
  replaces: documentRef().optional(),
  description: text(LIMITS.text).optional(),
  ...commonShape,
});

const allocationSchema = z.strictObject({
  invoiceRef: documentRef(),
  amount: PositiveMoneySchema,
});

const paymentShape = <K extends FieldKinds>(k: K) => ({
  type: z.literal('payment'),
  ref: documentRef(),
  receivedAt: k.instant,
  amount: PositiveMoneySchema,
  method: text(64).optional(),
  /** How the payment was applied to invoices. The allocations may total less than the payment (unapplied cash). */
  allocations: z.array(allocationSchema).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} allocations`),
  ...commonShape,
});

const creditNoteShape = <K extends FieldKinds>(k: K) => ({
  type: z.literal('credit_note'),
  ref: documentRef(),
  issuedAt: k.instant,
  amount: PositiveMoneySchema,
  /** The invoice this credit note reduces. */
  invoiceRef: documentRef().optional(),
  reason: text(LIMITS.text).optional(),
  ...commonShape,
});

const disputeShape = <K extends FieldKinds>(k: K) => ({
  type: z.literal('dispute'),
  ref: documentRef(),
  /** The disputed invoice. */
  invoiceRef: documentRef(),
  openedAt: k.instant,
  /** The disputed amount. */
  amount: PositiveMoneySchema,
  reason: text(LIMITS.text).optional(),
  status: z.enum(DISPUTE_STATUSES),
  resolvedAt: k.instant.optional(),
  outcome: z.enum(DISPUTE_OUTCOMES).optional(),
  /** The documents that settled the dispute. */
  resolution: z
    .strictObject({
      creditNoteRef: documentRef().optional(),
      correctedInvoiceRef: documentRef().optional(),
      note: text(LIMITS.text).optional(),
    })
    .optional(),
  ...commonShape,
});

const promiseShape = <K extends FieldKinds>(k: K) => ({
  type: z.literal('payment_promise'),
  ref: documentRef().optional(),
  /** When the customer made the promise. */
  promisedAt: k.instant,
  /** The date by which the customer promised to pay. */
  dueBy: k.instant,
  amount: PositiveMoneySchema,
  /** The invoices the promise covers; payments allocated to them count towards keeping it. */
  invoiceRefs: z.array(documentRef()).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} invoices`),
  /** The interaction in which the promise was made. */
  interactionId: InteractionIdSchema.optional(),
  ...commonShape,
});

type Issues = { issues: z.core.$ZodRawIssue[]; value: unknown };

/** Cross-field rules that a single field's schema cannot express. */
function checkPayment(ctx: Issues, payment: { amount: { currency: string; amountMinor: number }; allocations: Array<{ amount: { currency: string; amountMinor: number } }> }) {
  let allocated = 0;
  payment.allocations.forEach((allocation, index) => {
    if (allocation.amount.currency !== payment.amount.currency) {
      ctx.issues.push({
        code: 'custom',
        input: allocation.amount.currency,
        path: ['allocations', index, 'amount', 'currency'],
        message: `must be the payment's currency (${payment.amount.currency})`,
        params: { code: 'currency_mismatch' },
      });
    }
    allocated += allocation.amount.amountMinor;
  });
  if (allocated > payment.amount.amountMinor) {
    ctx.issues.push({
      code: 'custom',
      input: allocated,
      path: ['allocations'],
      message: `allocate ${allocated} minor units in all, more than the payment's ${payment.amount.amountMinor}`,
      params: { code: 'over_allocated' },
    });
  }
}

function checkOrder(ctx: Issues, earlier: string | undefined, later: string | undefined, path: string, message: string) {
  if (earlier !== undefined && later !== undefined && later < earlier) {
    ctx.issues.push({ code: 'custom', input: later, path: [path], message, params: { code: 'out_of_order' } });
  }
}

/** Input fields common to every type: the customer, and lists that default to empty. */
const inputCommon = {
  customer: CustomerRefSchema,
  links: commonShape.links.default([]),
  tags: commonShape.tags.default([]),
};

const InvoiceInputSchema = z
  .strictObject({ ...invoiceShape(inputKinds), ...inputCommon, status: z.enum(INVOICE_STATUSES).default('open') })
  .check((ctx) => checkOrder(ctx, ctx.value.issuedAt, ctx.value.dueAt, 'dueAt', 'must not be before issuedAt'));

const paymentInput = paymentShape(inputKinds);
const PaymentInputSchema = z
  .strictObject({ ...paymentInput, ...inputCommon, allocations: paymentInput.allocations.default([]) })
  .check((ctx) => checkPayment(ctx, ctx.value));

const CreditNoteInputSchema = z.strictObject({ ...creditNoteShape(inputKinds), ...inputCommon });

const DisputeInputSchema = z
  .strictObject({ ...disputeShape(inputKinds), ...inputCommon, status: z.enum(DISPUTE_STATUSES).default('open') })
  .check((ctx) => checkOrder(ctx, ctx.value.openedAt, ctx.value.resolvedAt, 'resolvedAt', 'must not be before openedAt'));

const promiseInput = promiseShape(inputKinds);
const PaymentPromiseInputSchema = z.strictObject({
  ...promiseInput,
  ...inputCommon,
  invoiceRefs: promiseInput.invoiceRefs.default([]),
});

/**
 * What callers pass to record a financial fact from AR or the ERP, told apart by `type`:
 * `invoice`, `payment` (with allocations to invoices), `credit_note`, `dispute` or
 * `payment_promise`.
 */
export const FinancialRecordInputSchema = z.discriminatedUnion(
  'type',
  [InvoiceInputSchema, PaymentInputSchema, CreditNoteInputSchema, DisputeInputSchema, PaymentPromiseInputSchema],
  {
    error: `must have a "type" of ${FINANCIAL_RECORD_TYPES.map((t) => `"${t}"`).join(', ')}`,
  },
);
export type FinancialRecordInput = z.input<typeof FinancialRecordInputSchema>;
export type ValidFinancialRecordInput = z.output<typeof FinancialRecordInputSchema>;

const stored = {
  ...storedFields,
  id: FinancialRecordIdSchema,
  customerId: CustomerIdSchema,
};

export const InvoiceSchema = z.object({ ...stored, ...invoiceShape(storedKinds) });
export const PaymentSchema = z.object({ ...stored, ...paymentShape(storedKinds) });
export const CreditNoteSchema = z.object({ ...stored, ...creditNoteShape(storedKinds) });
export const DisputeSchema = z.object({ ...stored, ...disputeShape(storedKinds) });
export const PaymentPromiseSchema = z.object({ ...stored, ...promiseShape(storedKinds) });

/** A financial record as stored and returned. */
export const FinancialRecordSchema = z.discriminatedUnion('type', [
  InvoiceSchema,
  PaymentSchema,
  CreditNoteSchema,
  DisputeSchema,
  PaymentPromiseSchema,
]);
export type Invoice = z.output<typeof InvoiceSchema>;
export type Payment = z.output<typeof PaymentSchema>;
export type CreditNote = z.output<typeof CreditNoteSchema>;
export type Dispute = z.output<typeof DisputeSchema>;
export type PaymentPromise = z.output<typeof PaymentPromiseSchema>;
export type FinancialRecord = z.output<typeof FinancialRecordSchema>;
export type PaymentAllocation = Payment['allocations'][number];
