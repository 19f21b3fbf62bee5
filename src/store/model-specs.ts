import type { Collection, RecordRow, RecordWrite } from '../adapters/contract.js';
import type { EntityType } from '../models/audit-entry.js';
import type { CommunicationRecord } from '../models/communication.js';
import type { FinancialLink } from '../models/common.js';
import type { Customer } from '../models/customer.js';
import type { FinancialRecord } from '../models/financial-record.js';
import type { FollowUp } from '../models/follow-up.js';
import type { Interaction } from '../models/interaction.js';
import type { ModelName } from '../models/json-schema.js';
import type { StoredModels, TimelineKind } from '../timeline/entry.js';

export { TIMELINE_KINDS, type StoredModels, type TimelineKind } from '../timeline/entry.js';

/** Any stored record. */
export type StoredRecord = Customer | Interaction | CommunicationRecord | FinancialRecord | FollowUp;

/** Records that belong to a customer's history (everything but customers themselves). */
export type HistoryModel = 'interaction' | 'communication' | 'financialRecord' | 'followUp';

type StoredModelName = keyof StoredModels;

/** How the store indexes, links, audits and shows one model. Pure functions of the stored record. */
export interface ModelSpec<M extends StoredModelName> {
  readonly model: M;
  readonly collection: Collection;
  readonly entityType: EntityType;
  /** Name in messages: `interaction`, `financial record`... */
  readonly label: string;
  /** Fields holding personal data: sealed in audit entries, pseudonymised on erasure. */
  readonly personal: readonly string[];
  /** Indexed columns of the row. */
  facets(record: StoredModels[M]): Pick<RecordRow, 'at' | 'dueAt' | 'kind' | 'channel' | 'purpose' | 'status'>;
  /** Financial documents the record is about, for reverse lookups. */
  links(record: StoredModels[M]): Array<{ kind: string; ref: string }>;
  /** Timeline entries of the record. */
  timeline(record: StoredModels[M]): RecordWrite['timeline'][number][];
}

function uniqueLinks(links: Array<{ kind: string; ref: string } | undefined | false>): Array<{ kind: string; ref: string }> {
  const seen = new Set<string>();
  const out: Array<{ kind: string; ref: string }> = [];
  for (const link of links) {
    if (!link) continue;
    const key = `${link.kind}\u0000${link.ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: link.kind, ref: link.ref });
  }
  return out;
}

const fromInputLinks = (links: readonly FinancialLink[]) => links.map((link) => ({ kind: link.kind, ref: link.ref }));

const entry = (recordId: string, kind: TimelineKind, at: string, extra: { channel?: string | null; purpose?: string | null; status?: string | null } = {}) => ({
  entryId: `${recordId}:${kind}`,
  at,
  kind,
  channel: extra.channel ?? null,
  purpose: extra.purpose ?? null,
  status: extra.status ?? null,
});

/**
 * A record's source key as personal data: a Message-ID carries the sender's domain, a CRM key
 * may carry a name. Sealed in audit entries like the other personal fields (so that erasure, which
 * destroys the key, leaves none readable there), and pseudonymised in the record by erasure. The
 * `system` stays readable. Financial records' keys are document numbers and stay as they are.
 */
const SOURCE_KEY = ['source.externalId', 'source.url'] as const;

export const customerSpec: ModelSpec<'customer'> = {
  model: 'customer',
  collection: 'customers',
  entityType: 'customer',
  label: 'customer',
  personal: ['displayName', 'legalName', 'identifiers', 'address', 'attributes', 'kyc.note', ...SOURCE_KEY],
  facets: (customer) => ({
    at: customer.createdAt,
    dueAt: customer.kyc?.reviewDueAt ?? null,
    kind: null,
    channel: null,
    purpose: null,
    status: customer.kyc?.status ?? null,
  }),
  links: () => [],
  timeline: () => [],
};

export const interactionSpec: ModelSpec<'interaction'> = {
  model: 'interaction',
  collection: 'interactions',
  entityType: 'interaction',
  label: 'interaction',
  personal: ['subject', 'summary', 'participants', 'metadata', 'outcome.note', ...SOURCE_KEY, 'mergedFrom'],
  facets: (interaction) => ({
    at: interaction.occurredAt,
    dueAt: null,
    kind: null,
    channel: interaction.channel,
    purpose: interaction.purpose,
    status: interaction.status,
  }),
  links: (interaction) => uniqueLinks(fromInputLinks(interaction.links)),
  timeline: (interaction) => [
    entry(interaction.id, 'interaction', interaction.occurredAt, {
      channel: interaction.channel,
      purpose: interaction.purpose,
      status: interaction.status,
    }),
  ],
};

export const communicationSpec: ModelSpec<'communication'> = {
  model: 'communication',
  collection: 'communications',
  entityType: 'communication',
  label: 'communication',
  personal: ['from', 'to', 'cc', 'subject', 'body', 'attachments', 'metadata', 'messageId', 'inReplyTo', 'references', 'threadId', ...SOURCE_KEY, 'mergedFrom'],
  facets: (message) => ({
    at: message.sentAt,
    dueAt: null,
    kind: message.notificationType ?? null,
    channel: message.channel,
    purpose: null,
    status: message.delivery.status,
  }),
  links: (message) => uniqueLinks(fromInputLinks(message.links)),
  timeline: (message) => [entry(message.id, 'communication', message.sentAt, { channel: message.channel, status: message.delivery.status })],
};

/** The instant a financial record happened: issued, received, opened or promised. */
export function financialInstant(record: FinancialRecord): string {
  switch (record.type) {
    case 'invoice':
    case 'credit_note':
      return record.issuedAt;
    case 'payment':
      return record.receivedAt;
    case 'dispute':
      return record.openedAt;
    case 'payment_promise':
      return record.promisedAt;
  }
}

export const financialRecordSpec: ModelSpec<'financialRecord'> = {
  model: 'financialRecord',
  collection: 'financial',
  entityType: 'financial_record',
  label: 'financial record',
  personal: ['description', 'reason', 'resolution.note', 'metadata'],
  facets: (record) => ({
    at: financialInstant(record),
    dueAt: record.type === 'invoice' ? record.dueAt : record.type === 'payment_promise' ? record.dueBy : null,
    kind: record.type,
    channel: null,
    purpose: null,
    status: record.type === 'invoice' || record.type === 'dispute' ? record.status : null,
  }),
  links: (record) => {
    const extra = fromInputLinks(record.links);
    switch (record.type) {
      case 'invoice':
        return uniqueLinks([{ kind: 'invoice', ref: record.ref }, record.replaces !== undefined && { kind: 'invoice', ref: record.replaces }, ...extra]);
      case 'payment':
        return uniqueLinks([{ kind: 'payment', ref: record.ref }, ...record.allocations.map((a) => ({ kind: 'invoice', ref: a.invoiceRef })), ...extra]);
      case 'credit_note':
        return uniqueLinks([{ kind: 'credit_note', ref: record.ref }, record.invoiceRef !== undefined && { kind: 'invoice', ref: record.invoiceRef }, ...extra]);
      case 'dispute':
        return uniqueLinks([
          { kind: 'dispute', ref: record.ref },
          { kind: 'invoice', ref: record.invoiceRef },
          record.resolution?.creditNoteRef !== undefined && { kind: 'credit_note', ref: record.resolution.creditNoteRef },
          record.resolution?.correctedInvoiceRef !== undefined && { kind: 'invoice', ref: record.resolution.correctedInvoiceRef },
          ...extra,
        ]);
      case 'payment_promise':
        return uniqueLinks([
          record.ref !== undefined && { kind: 'payment_promise', ref: record.ref },
          ...record.invoiceRefs.map((ref) => ({ kind: 'invoice', ref })),
          ...extra,
        ]);
    }
  },
  timeline: (record) => {
    switch (record.type) {
      case 'invoice':
        return [entry(record.id, 'invoice_issued', record.issuedAt, { status: record.status }), entry(record.id, 'invoice_due', record.dueAt, { status: record.status })];
      case 'payment':
        return [entry(record.id, 'payment_received', record.receivedAt)];
      case 'credit_note':
        return [entry(record.id, 'credit_note_issued', record.issuedAt)];
      case 'dispute':
        return [
          entry(record.id, 'dispute_opened', record.openedAt, { status: record.status }),
          ...(record.resolvedAt !== undefined ? [entry(record.id, 'dispute_resolved', record.resolvedAt, { status: record.status })] : []),
        ];
      case 'payment_promise':
        return [entry(record.id, 'promise_made', record.promisedAt), entry(record.id, 'promise_due', record.dueBy)];
    }
  },
};

export const followUpSpec: ModelSpec<'followUp'> = {
  model: 'followUp',
  collection: 'followUps',
  entityType: 'follow_up',
  label: 'follow-up',
  personal: ['action', 'note', ...SOURCE_KEY],
  facets: (followUp) => ({
    at: followUp.dueAt,
    dueAt: followUp.dueAt,
    kind: null,
    channel: null,
    purpose: null,
    status: followUp.status,
  }),
  links: (followUp) => uniqueLinks(fromInputLinks(followUp.links)),
  timeline: (followUp) => [entry(followUp.id, 'follow_up_due', followUp.dueAt, { status: followUp.status })],
};

export const MODEL_SPECS: { readonly [M in StoredModelName]: ModelSpec<M> } = {
  customer: customerSpec,
  interaction: interactionSpec,
  communication: communicationSpec,
  financialRecord: financialRecordSpec,
  followUp: followUpSpec,
};

const byCollection = new Map<Collection, ModelSpec<StoredModelName>>(
  Object.values(MODEL_SPECS).map((spec) => [spec.collection, spec as ModelSpec<StoredModelName>]),
);

/** The spec of the model stored in `collection`. */
export function specOfCollection(collection: Collection): ModelSpec<StoredModelName> {
  return byCollection.get(collection)!;
}

/** Model name of a stored model, as used in change events and exports. */
export type { ModelName };

/**
 * The stored record of a row. A customer merge moves rows to another customer by their indexed
 * `customerId` alone, so that column, not the copy inside the document, says whose record it is.
 */
export function recordFromRow<T = StoredRecord>(row: Pick<RecordRow, 'collection' | 'customerId' | 'document'>): T {
  const record = JSON.parse(row.document) as { customerId?: unknown };
  if (row.collection !== 'customers' && record.customerId !== row.customerId) record.customerId = row.customerId;
  return record as T;
}
