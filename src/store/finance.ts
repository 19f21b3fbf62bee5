import { z } from 'zod';
import { optionsOf } from './options.js';
import { ValidationError } from '../errors/index.js';
import { DISPUTE_OUTCOMES, FINANCIAL_RECORD_TYPES, type Dispute, type FinancialRecord, type FinancialRecordType } from '../models/financial-record.js';
import { LIMITS } from '../models/limits.js';
import { InstantSchema, text } from '../models/primitives.js';
import { createValidator } from '../validation/index.js';
import { RecordCollection, type UpdateOptions } from './collection.js';
import { recordFromRow } from './model-specs.js';
import { guardStorage, type StoreContext } from './session.js';
import { assertTransition, DISPUTE_TRANSITIONS } from './state-machines.js';

const ref = () => text(LIMITS.ref);

/** How a dispute was settled, as `finance.resolveDispute()` takes it. */
export const DisputeResolutionSchema = z.strictObject({
  outcome: z.enum(DISPUTE_OUTCOMES),
  resolvedAt: InstantSchema.optional(),
  creditNoteRef: ref().optional(),
  correctedInvoiceRef: ref().optional(),
  note: text(LIMITS.text).optional(),
});

const resolutionValidator = createValidator('dispute resolution', DisputeResolutionSchema);

/** How a dispute was settled: see `finance.resolveDispute()`. */
export type DisputeResolutionInput = z.input<typeof DisputeResolutionSchema>;

/**
 * `log.finance`: invoices, payments, credit notes, disputes and payment promises from AR or the
 * ERP. They are facts of record: they change when the source sends a newer revision
 * (`source.version`); disputes also move through their lifecycle here.
 */
export class Finance extends RecordCollection<'financialRecord'> {
  constructor(ctx: StoreContext) {
    super(ctx, 'financialRecord');
  }

  /** The financial record of a type with a document number, e.g. `findByRef('invoice', 'INV-1042')`. */
  async findByRef<T extends FinancialRecordType>(type: T, ref: string): Promise<Extract<FinancialRecord, { type: T }> | undefined> {
    if (!FINANCIAL_RECORD_TYPES.includes(type)) {
      throw new ValidationError('lookup', [{ code: 'invalid_value', path: ['type'], message: `must be one of ${FINANCIAL_RECORD_TYPES.join(', ')}` }]);
    }
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > LIMITS.ref) {
      throw new ValidationError('lookup', [{ code: 'invalid_type', path: ['ref'], message: 'must be a document reference (1–256 characters)' }]);
    }
    // A document links to itself, so the reverse-link index finds it; other records linked to it come too.
    for (let after: { at: string; id: string } | undefined; ; ) {
      const rows = await guardStorage('looking up a financial record', () =>
        this.ctx.adapter.listLinked(this.ctx.tenant, { kind: type, ref, collections: ['financial'], order: 'asc', limit: 100, ...(after ? { after } : {}) }),
      );
      const match = rows.find((row) => row.kind === type && recordFromRow<{ ref?: string }>(row).ref === ref);
      if (match) return recordFromRow<Extract<FinancialRecord, { type: T }>>(match);
      if (rows.length < 100) return undefined;
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }

  /** Moves a dispute to `under_review`. */
  async reviewDispute(id: string, options: UpdateOptions = {}): Promise<Dispute> {
    options = optionsOf(options, 'reviewDispute options');
    return this.moveDispute(id, options, (dispute) => ({ ...dispute, status: 'under_review' }));
  }

  /**
   * Settles a dispute: its outcome, when, and the documents that settled it (a credit note, a
   * corrected invoice). Those documents become linked to the dispute, so the whole story shows on
   * the timeline and in `log.linked({ kind: 'dispute', ref })`.
   *
   * @example
   * ```ts
   * await log.finance.resolveDispute(dispute.id, { outcome: 'upheld', correctedInvoiceRef: 'INV-1042-C', note: 'Freight billed twice' });
   * ```
   */
  async resolveDispute(id: string, resolution: DisputeResolutionInput, options: UpdateOptions = {}): Promise<Dispute> {
    options = optionsOf(options, 'resolveDispute options');
    const valid = resolutionValidator.parse(resolution);
    return this.moveDispute(id, options, (dispute) => {
      const { outcome, resolvedAt, ...documents } = valid;
      return {
        ...dispute,
        status: 'resolved',
        outcome,
        resolvedAt: resolvedAt ?? this.ctx.now(),
        resolution: { ...dispute.resolution, ...documents },
      };
    });
  }

  /** Records that the customer withdrew the dispute. */
  async withdrawDispute(id: string, options: UpdateOptions & { resolvedAt?: Date | string } = {}): Promise<Dispute> {
    const resolvedAt = options.resolvedAt === undefined ? this.ctx.now() : InstantSchema.parse(options.resolvedAt);
    return this.moveDispute(id, options, (dispute) => ({ ...dispute, status: 'withdrawn', resolvedAt }));
  }

  private moveDispute(id: string, options: UpdateOptions, next: (dispute: Dispute) => Dispute): Promise<Dispute> {
    return this.change(
      id,
      options,
      (current) => {
        if (current.type !== 'dispute') {
          throw new ValidationError('dispute', [{ code: 'invalid_type', path: ['id'], message: `is a ${current.type}, not a dispute` }]);
        }
        const updated = next(current);
        assertTransition(DISPUTE_TRANSITIONS, 'dispute', id, current.status, updated.status);
        return updated;
      },
      'transition',
    ) as Promise<Dispute>;
  }
}
