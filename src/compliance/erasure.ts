import type { CommunicationRecord } from '../models/communication.js';
import type { Customer } from '../models/customer.js';
import type { FinancialRecord } from '../models/financial-record.js';
import type { FollowUp } from '../models/follow-up.js';
import type { Interaction } from '../models/interaction.js';

/** What erased text reads afterwards. */
export const ERASED_TEXT = '[erased]';
/** What erased addresses read afterwards (a reserved, undeliverable domain). */
export const ERASED_ADDRESS = 'erased@erased.invalid';

const drop = <T extends object, K extends keyof T>(record: T, ...keys: K[]): Omit<T, K> => {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
};

/**
 * A customer with its personal data removed: name replaced, legal name, address, custom
 * attributes, identifiers and the KYC note gone. Kept: the id, KYC status and dates (evidence that
 * checks were done), credit terms, segment, tags, source key, merge link.
 */
export function eraseCustomer(customer: Customer, erasedAt: string): Customer {
  const kept = drop(customer, 'legalName', 'address', 'attributes');
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
 * addresses, custom metadata and the outcome note gone. Kept: channel, direction, purpose, status,
 * instants, duration, the outcome code and who resolved it, financial links, tags, source key.
 */
export function eraseInteraction(interaction: Interaction): Interaction {
  const kept = drop(interaction, 'summary', 'metadata');
  return {
    ...kept,
    ...(interaction.subject !== undefined ? { subject: ERASED_TEXT } : {}),
    participants: interaction.participants.map(({ role }) => ({ role })),
    ...(interaction.outcome ? { outcome: drop(interaction.outcome, 'note') } : {}),
  } as Interaction;
}

/**
 * A message with its personal data removed: body, attachments (names, hashes, links), custom
 * metadata and message ids gone; subject and every address replaced. Kept: channel, direction,
 * instants, the number of recipients, delivery history, notification type, financial links, tags,
 * source key (so that a re-delivery of the same message is recognised and not stored again).
 */
export function eraseCommunication(message: CommunicationRecord): CommunicationRecord {
  const kept = drop(message, 'body', 'metadata', 'messageId', 'inReplyTo');
  const address = () => ({ address: ERASED_ADDRESS });
  return {
    ...kept,
    ...(message.from ? { from: address() } : {}),
    to: message.to.map(address),
    cc: message.cc.map(address),
    ...(message.subject !== undefined ? { subject: ERASED_TEXT } : {}),
    attachments: [],
    references: [],
  } as CommunicationRecord;
}

/**
 * A financial record with its free text removed (descriptions, reasons, notes, metadata). The
 * financial facts — document numbers, amounts, dates, allocations, statuses, links — are kept, as
 * accounting and tax law require.
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

/** A follow-up with its action replaced and note removed; due date, assignee and status kept. */
export function eraseFollowUp(followUp: FollowUp): FollowUp {
  return { ...drop(followUp, 'note'), action: ERASED_TEXT } as FollowUp;
}
