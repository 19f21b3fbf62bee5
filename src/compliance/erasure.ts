import type { CommunicationRecord } from '../models/communication.js';
import type { Customer } from '../models/customer.js';
import type { FinancialRecord } from '../models/financial-record.js';
import type { FollowUp } from '../models/follow-up.js';
import type { Interaction } from '../models/interaction.js';
import type { Pseudonymiser } from './pseudonyms.js';

/** What erased text reads afterwards. */
export const ERASED_TEXT = '[erased]';
/** What erased addresses read afterwards (a reserved, undeliverable domain). */
export const ERASED_ADDRESS = 'erased@erased.invalid';

const drop = <T extends object, K extends keyof T>(record: T, ...keys: K[]): Omit<T, K> => {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
};

type Source = { system: string; externalId: string; url?: string; version?: number };
type Copy = { id: string; system?: string; externalId?: string; matchedBy: string };

/**
 * The identifiers of a record that can name the person, pseudonymised: the source key (its
 * `externalId` — a Message-ID with their domain, a CRM key — becomes an HMAC; the `url`, which
 * may carry either, goes) and the source keys of the copies in `mergedFrom`. The system names and
 * the source version stay.
 */
function pseudonymiseSources<T extends { source?: Source; mergedFrom?: Copy[] }>(record: T, pseudonyms: Pseudonymiser): T {
  const { source, mergedFrom } = record;
  return {
    ...record,
    ...(source
      ? { source: { system: source.system, externalId: pseudonyms.sourceKey(source.system, source.externalId), ...(source.version !== undefined ? { version: source.version } : {}) } }
      : {}),
    ...(mergedFrom
      ? { mergedFrom: mergedFrom.map((copy) => (copy.externalId === undefined ? copy : { ...copy, externalId: pseudonyms.sourceKey(copy.system ?? '', copy.externalId) })) }
      : {}),
  };
}

/**
 * A customer with its personal data removed: name replaced, legal name, address, custom
 * attributes, identifiers and the KYC note gone, source key pseudonymised. Kept: the id, KYC
 * status and dates (evidence that checks were done), credit terms, segment, tags, merge link.
 */
export function eraseCustomer(customer: Customer, erasedAt: string, pseudonyms: Pseudonymiser): Customer {
  const kept = pseudonymiseSources(drop(customer, 'legalName', 'address', 'attributes'), pseudonyms);
  return {
    ...kept,
    displayName: 'Erased customer',
    identifiers: [],
    ...(customer.kyc ? { kyc: drop(customer.kyc, 'note') } : {}),
    erasedAt,
  } as Customer;
}

/**
 * An interaction with its personal data removed: subject replaced, summary, participant names and
 * addresses, custom metadata and the outcome note gone, source keys pseudonymised. Kept: channel,
 * direction, purpose, status, instants, duration, the outcome code and who resolved it, financial
 * links, tags.
 */
export function eraseInteraction(interaction: Interaction, pseudonyms: Pseudonymiser): Interaction {
  const kept = pseudonymiseSources(drop(interaction, 'summary', 'metadata'), pseudonyms);
  return {
    ...kept,
    ...(interaction.subject !== undefined ? { subject: ERASED_TEXT } : {}),
    participants: interaction.participants.map(({ role }) => ({ role })),
    ...(interaction.outcome ? { outcome: drop(interaction.outcome, 'note') } : {}),
  } as Interaction;
}

/**
 * A message with its personal data removed: body, attachments (names, hashes, links), custom
 * metadata and message ids gone; subject and every address replaced; source keys and the thread
 * id pseudonymised (a re-delivery of the same message is still recognised, and the erased
 * messages of one conversation still share a thread). Kept: channel, direction, instants, the
 * number of recipients, delivery history, notification type, financial links, tags.
 */
export function eraseCommunication(message: CommunicationRecord, pseudonyms: Pseudonymiser): CommunicationRecord {
  const kept = pseudonymiseSources(drop(message, 'body', 'metadata', 'messageId', 'inReplyTo'), pseudonyms);
  const address = () => ({ address: ERASED_ADDRESS });
  return {
    ...kept,
    ...(message.from ? { from: address() } : {}),
    to: message.to.map(address),
    cc: message.cc.map(address),
    ...(message.subject !== undefined ? { subject: ERASED_TEXT } : {}),
    attachments: [],
    references: [],
    ...(message.threadId !== undefined ? { threadId: pseudonyms.threadId(message.threadId) } : {}),
  } as CommunicationRecord;
}

/**
 * A financial record with its free text removed (descriptions, reasons, notes, metadata). The
 * financial facts — document numbers, amounts, dates, allocations, statuses, links — are kept, as
 * accounting and tax law require, and so is the source key: a document number in the ledger it
 * came from, by which that ledger goes on updating the record (a payment, a status).
 */
export function eraseFinancialRecord(record: FinancialRecord): FinancialRecord {
  switch (record.type) {
    case 'invoice':
      return drop(record, 'description', 'metadata') as FinancialRecord;
    case 'credit_note':
      return drop(record, 'reason', 'metadata') as FinancialRecord;
    case 'dispute':
      return {
        ...drop(record, 'reason', 'metadata'),
        ...(record.resolution ? { resolution: drop(record.resolution, 'note') } : {}),
      } as FinancialRecord;
    case 'payment':
    case 'payment_promise':
      return drop(record, 'metadata') as FinancialRecord;
  }
}

/**
 * A follow-up with its action replaced, note removed and source key pseudonymised; due date,
 * assignee and status kept.
 */
export function eraseFollowUp(followUp: FollowUp, pseudonyms: Pseudonymiser): FollowUp {
  return { ...pseudonymiseSources(drop(followUp, 'note'), pseudonyms), action: ERASED_TEXT } as FollowUp;
}
