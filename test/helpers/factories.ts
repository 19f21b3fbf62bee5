import type {
  CommunicationInput,
  CustomerInput,
  FinancialRecordInput,
  FollowUpInput,
  InteractionInput,
  RecordWrite,
} from 'touchlog';

export const CUSTOMER_ID = '01JQ0000000000000000000001';
export const INTERACTION_ID = '01JQ0000000000000000000002';

export const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

export function customerInput(overrides: Partial<CustomerInput> = {}): CustomerInput {
  return {
    displayName: 'Acme Manufacturing GmbH',
    identifiers: [
      { type: 'email', value: 'ap@acme.example' },
      { type: 'phone', value: '+49 30 1234567' },
      { type: 'external', system: 'erp', value: 'C-1001' },
    ],
    kyc: { status: 'verified', verifiedAt: '2025-06-01T00:00:00Z', reviewDueAt: '2026-06-01T00:00:00Z' },
    creditTerms: { netDays: 30, limit: usd(5_000_000) },
    segment: 'mid-market',
    ...overrides,
  };
}

export function interactionInput(overrides: Partial<InteractionInput> = {}): InteractionInput {
  return {
    customer: { id: CUSTOMER_ID },
    channel: 'email',
    direction: 'inbound',
    purpose: 'billing_query',
    subject: 'Question about INV-1042',
    summary: 'Customer asks why the freight line is charged twice.',
    occurredAt: '2026-03-02T09:15:00+01:00',
    participants: [{ role: 'customer', name: 'Jane Roe', address: 'jane@acme.example' }],
    source: { system: 'crm', externalId: 'CASE-7781', version: 1 },
    links: [{ kind: 'invoice', ref: 'INV-1042', amount: usd(1_850_000) }],
    ...overrides,
  };
}

export function communicationInput(overrides: Partial<CommunicationInput> = {}): CommunicationInput {
  return {
    customer: { id: CUSTOMER_ID },
    channel: 'email',
    direction: 'outbound',
    from: { address: 'billing@seller.example', name: 'Billing' },
    to: [{ address: 'ap@acme.example' }],
    subject: 'Invoice INV-1042',
    body: 'Please find attached invoice INV-1042 for $18,500.00, due 31 March.',
    attachments: [{ name: 'INV-1042.pdf', mediaType: 'application/pdf', size: 48_213 }],
    sentAt: new Date('2026-03-01T08:00:00Z'),
    messageId: '<inv-1042@seller.example>',
    notificationType: 'invoice_notice',
    source: { system: 'mail', externalId: 'inv-1042@seller.example' },
    links: [{ kind: 'invoice', ref: 'INV-1042' }],
    ...overrides,
  };
}

export function invoiceInput(overrides: Record<string, unknown> = {}): FinancialRecordInput {
  return {
    type: 'invoice',
    customer: { type: 'external', system: 'erp', value: 'C-1001' },
    ref: 'INV-1042',
    issuedAt: '2026-03-01T00:00:00Z',
    dueAt: '2026-03-31T00:00:00Z',
    amount: usd(1_850_000),
    source: { system: 'erp', externalId: 'INV-1042' },
    ...overrides,
  } as FinancialRecordInput;
}

export function followUpInput(overrides: Partial<FollowUpInput> = {}): FollowUpInput {
  return {
    interactionId: INTERACTION_ID,
    action: 'Call back once the corrected invoice is out',
    dueAt: '2026-03-05T16:00:00Z',
    assignee: 'agent:maria',
    ...overrides,
  };
}

/** An interaction row written straight through an adapter (no core), for adapter-level tests. */
export function rawWrite(id: string, overrides: Partial<RecordWrite['row']> = {}, links: RecordWrite['links'] = []): RecordWrite {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    row: {
      collection: 'interactions',
      id,
      version: 1,
      customerId: 'C1',
      homeCustomerId: 'C1',
      at,
      dueAt: null,
      kind: null,
      channel: 'email',
      purpose: null,
      status: 'open',
      sourceSystem: null,
      sourceExternalId: null,
      sourceHash: null,
      createdAt: at,
      updatedAt: at,
      salt: null,
      document: JSON.stringify({ id }),
      ...overrides,
    },
    links,
    timeline: [{ entryId: `${id}:interaction`, at, kind: 'interaction', channel: 'email', purpose: null, status: 'open' }],
  };
}
