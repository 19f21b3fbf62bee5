import { ValidationError } from '../errors/index.js';
import { FINANCIAL_RECORD_TYPES, type FinancialRecord, type FinancialRecordType } from '../models/financial-record.js';
import { RecordCollection } from './collection.js';
import { guardStorage, type StoreContext } from './session.js';

/**
 * `log.finance`: invoices, payments, credit notes, disputes and payment promises from AR or the
 * ERP. They are facts of record: they change when the source sends a newer revision (`source.version`).
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
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > 256) {
      throw new ValidationError('lookup', [{ code: 'invalid_type', path: ['ref'], message: 'must be a document reference (1–256 characters)' }]);
    }
    // A document links to itself, so the reverse-link index finds it; other records linked to it come too.
    for (let after: { at: string; id: string } | undefined; ; ) {
      const rows = await guardStorage('looking up a financial record', () =>
        this.ctx.adapter.listLinked(this.ctx.tenant, { kind: type, ref, collections: ['financial'], order: 'asc', limit: 100, ...(after ? { after } : {}) }),
      );
      const match = rows.find((row) => row.kind === type && (row.data as { ref?: string }).ref === ref);
      if (match) return match.data as Extract<FinancialRecord, { type: T }>;
      if (rows.length < 100) return undefined;
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }
}
