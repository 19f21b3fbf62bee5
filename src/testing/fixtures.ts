import type {
  CommunicationInput,
  CustomerInput,
  FinancialRecordInput,
  FollowUpInput,
  InteractionInput,
} from '../models/index.js';

/** Small factories of valid inputs, used by the conformance checks and handy in adopters' own tests. */
export const sample = {
  customer(n = 1, overrides: Partial<CustomerInput> = {}): CustomerInput {
    return {
      displayName: `Customer ${n}`,
      identifiers: [
        { type: 'email', value: `ap${n}@customer.example` },
        { type: 'external', system: 'erp', value: `C-${1000 + n}` },
      ],
      creditTerms: { netDays: 30 },
      ...overrides,
    };
  },

  interaction(customerId: string, n = 1, overrides: Partial<InteractionInput> = {}): InteractionInput {
    return {
      customer: { id: customerId },
      channel: 'email',
      direction: 'inbound',
      purpose: 'billing_query',
      subject: `Question ${n} about INV-${n}`,
      occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
      participants: [{ role: 'customer', name: 'Jane Roe', address: 'jane@customer.example' }],
      links: [{ kind: 'invoice', ref: `INV-${n}` }],
      ...overrides,
    };
  },

  communication(customerId: string, n = 1, overrides: Partial<CommunicationInput> = {}): CommunicationInput {
    return {
      customer: { id: customerId },
      channel: 'email',
      direction: 'outbound',
      from: { address: 'billing@seller.example' },
      to: [{ address: 'ap@customer.example' }],
      subject: `Invoice INV-${n}`,
      body: `Please find invoice INV-${n} attached.`,
      sentAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
      messageId: `<inv-${n}@seller.example>`,
      links: [{ kind: 'invoice', ref: `INV-${n}` }],
      ...overrides,
    };
  },

  invoice(customerId: string, n = 1, overrides: Record<string, unknown> = {}): FinancialRecordInput {
    return {
      type: 'invoice',
      customer: { id: customerId },
      ref: `INV-${n}`,
      issuedAt: new Date(Date.UTC(2026, 0, 1) + n * 86_400_000),
      dueAt: new Date(Date.UTC(2026, 0, 31) + n * 86_400_000),
      amount: { amountMinor: 100_000 + n, currency: 'USD' },
      source: { system: 'erp', externalId: `INV-${n}` },
      ...overrides,
    } as FinancialRecordInput;
  },

  followUp(customerId: string, n = 1, overrides: Partial<FollowUpInput> = {}): FollowUpInput {
    return {
      customer: { id: customerId },
      action: `Call back about INV-${n}`,
      dueAt: new Date(Date.UTC(2026, 1, 1) + n * 3_600_000),
      ...overrides,
    };
  },
};
