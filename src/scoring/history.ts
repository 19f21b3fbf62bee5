/**
 * Building a {@link CustomerHistory} from stored records.
 *
 * @module
 */
import type { CommunicationRecord } from '../models/communication.js';
import type { CreditNote, Dispute, FinancialRecord, Invoice, Payment, PaymentPromise } from '../models/financial-record.js';
import type { Interaction } from '../models/interaction.js';
import type { CustomerHistory } from './types.js';

/** A customer history made of stored records. */
export interface StoredCustomerHistory extends CustomerHistory {
  readonly invoices: Invoice[];
  readonly payments: Payment[];
  readonly creditNotes: CreditNote[];
  readonly disputes: Dispute[];
  readonly promises: PaymentPromise[];
  readonly interactions: Interaction[];
  readonly communications: CommunicationRecord[];
}

/**
 * Sorts a customer's stored financial records by type, next to its interactions and messages,
 * into the {@link CustomerHistory} that scoring reads.
 *
 * @example
 * ```ts
 * const financial = [];
 * for await (const record of log.finance.stream({ customerId })) financial.push(record);
 * const history = toCustomerHistory(financial);
 * history.invoices.length // the customer's invoices
 * ```
 */
export function toCustomerHistory(
  financialRecords: Iterable<FinancialRecord>,
  interactions: Iterable<Interaction> = [],
  communications: Iterable<CommunicationRecord> = [],
): StoredCustomerHistory {
  const history: StoredCustomerHistory = {
    invoices: [],
    payments: [],
    creditNotes: [],
    disputes: [],
    promises: [],
    // Copies another system sent of an event a stored record already stands for (`duplicateOf`,
    // set by the store's cross-source de-duplication) would count that event twice.
    interactions: [...interactions].filter((interaction) => interaction.duplicateOf === undefined),
    communications: [...communications].filter((message) => message.duplicateOf === undefined),
  };
  for (const record of financialRecords) {
    switch (record.type) {
      case 'invoice':
        history.invoices.push(record);
        break;
      case 'payment':
        history.payments.push(record);
        break;
      case 'credit_note':
        history.creditNotes.push(record);
        break;
      case 'dispute':
        history.disputes.push(record);
        break;
      case 'payment_promise':
        history.promises.push(record);
        break;
    }
  }
  return history;
}
