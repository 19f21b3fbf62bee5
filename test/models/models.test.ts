import { describe, expect, it } from 'vitest';
import {
  ValidationError,
  customerValidator,
  interactionValidator,
  isTouchlogError,
  parseCommunication,
  parseCustomer,
  parseFinancialRecord,
  parseFollowUp,
  parseInteraction,
  validateCommunication,
  validateCustomer,
  validateFinancialRecord,
  validateFollowUp,
  validateInteraction,
  type ValidationResult,
} from 'touchlog';
import {
  communicationInput,
  customerInput,
  followUpInput,
  interactionInput,
  invoiceInput,
  usd,
} from '../helpers/factories.js';

function issues(result: ValidationResult<unknown>) {
  if (result.success) throw new Error('expected a validation failure');
  expect(result.error.code).toBe('VALIDATION_FAILED');
  return result.error.issues.map((issue) => `${issue.path.join('.')}:${issue.code}`);
}

describe('customer', () => {
  it('normalises identifiers and applies defaults', () => {
    const customer = parseCustomer(customerInput({ identifiers: [{ type: 'email', value: ' AP@Acme.Example' }] }));
    expect(customer.identifiers).toEqual([{ type: 'email', value: 'ap@acme.example' }]);
    expect(customer.tags).toEqual([]);
    expect(customer.kyc).toEqual({ status: 'verified', verifiedAt: '2025-06-01T00:00:00.000Z', reviewDueAt: '2026-06-01T00:00:00.000Z' });
  });

  it('lists every problem with its path', () => {
    const result = validateCustomer({
      displayName: '',
      identifiers: [{ type: 'email', value: 'nope' }, { type: 'phone', value: '123' }, { type: 'fax', value: '1' }],
      kyc: { status: 'approved' },
      creditTerms: { netDays: -1 },
      address: { lines: [], country: 'Germany' },
      nickname: 'x',
    });
    expect(issues(result)).toEqual([
      'displayName:too_small',
      'identifiers.0.value:invalid_email',
      'identifiers.1.value:invalid_phone',
      'identifiers.2.type:invalid_union',
      'address.country:invalid_format',
      'kyc.status:invalid_value',
      'creditTerms.netDays:too_small',
      'nickname:unknown_field',
    ]);
  });

  it('requires a display name', () => {
    expect(issues(validateCustomer({}))).toEqual(['displayName:required']);
    const result = validateCustomer({});
    expect(result.success || result.error.issues[0]!.message).toBe('is required');
  });
});

describe('interaction', () => {
  it('accepts a full record and normalises it', () => {
    const interaction = parseInteraction(interactionInput());
    expect(interaction.occurredAt).toBe('2026-03-02T08:15:00.000Z');
    expect(interaction.status).toBe('open');
    expect(interaction.priority).toBe('normal');
    expect(interaction.links).toEqual([{ kind: 'invoice', ref: 'INV-1042', amount: usd(1_850_000), role: 'subject' }]);
  });

  it('names the customer by id or by any identifier', () => {
    expect(parseInteraction(interactionInput({ customer: { type: 'external', system: 'erp', value: 'C-1001' } })).customer).toEqual({
      type: 'external',
      system: 'erp',
      value: 'C-1001',
    });
    expect(issues(validateInteraction(interactionInput({ customer: { id: 'not-a-ulid' } as never })))).toEqual(['customer.id:invalid_format']);
    expect(issues(validateInteraction(interactionInput({ customer: { type: 'email', value: 'x' } })))).toEqual(['customer.value:invalid_email']);
    expect(issues(validateInteraction(interactionInput({ customer: 'C-1001' as never })))).toEqual(['customer:invalid_union']);
  });

  it('refuses unknown enum values, bad durations and unknown fields', () => {
    const result = validateInteraction({
      ...interactionInput(),
      channel: 'fax',
      direction: 'sideways',
      purpose: 'gossip',
      durationSeconds: 1.5,
      status: 'archived',
      priority: 'whenever',
      participants: [{ role: 'ghost' }],
      links: [{ kind: 'receipt', ref: '' }],
      followUp: true,
    });
    expect(issues(result)).toEqual([
      'channel:invalid_value',
      'direction:invalid_value',
      'purpose:invalid_value',
      'durationSeconds:invalid_type',
      'participants.0.role:invalid_value',
      'status:invalid_value',
      'links.0.kind:invalid_value',
      'links.0.ref:too_small',
      'priority:invalid_value',
      'followUp:unknown_field',
    ]);
  });

  it('reports as one error with a readable message', () => {
    try {
      parseInteraction({ ...interactionInput(), channel: 'fax' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as Error).message).toBe(
        'Invalid interaction: 1 problem\n  - channel: must be one of "email", "phone", "chat", "sms", "portal", "meeting", "letter", "social", "other"',
      );
    }
  });
});

describe('communication', () => {
  it('strips angle brackets from message ids and defaults delivery to sent', () => {
    const message = parseCommunication(
      communicationInput({ inReplyTo: ' <a@b.example> ', references: ['<root@b.example>', '<a@b.example>'] }),
    );
    expect(message.messageId).toBe('inv-1042@seller.example');
    expect(message.inReplyTo).toBe('a@b.example');
    expect(message.references).toEqual(['root@b.example', 'a@b.example']);
    expect(message.deliveryStatus).toBe('sent');
    expect(message.sentAt).toBe('2026-03-01T08:00:00.000Z');
  });

  it('may leave the customer out (resolved from addresses) but checks everything else', () => {
    const result = validateCommunication({
      ...communicationInput({ customer: undefined }),
      messageId: '<two ids@x> <y@z>',
      attachments: [{ name: 'a.pdf', mediaType: 'pdf', size: -1, sha256: 'abc' }],
      to: [{ name: 'No address' }],
      deliveryStatus: 'lost',
      notificationType: 'postcard',
    });
    expect(issues(result)).toEqual([
      'to.0.address:required',
      'attachments.0.mediaType:invalid_format',
      'attachments.0.size:too_small',
      'attachments.0.sha256:invalid_format',
      'messageId:invalid_message_id',
      'notificationType:invalid_value',
      'deliveryStatus:invalid_value',
    ]);
  });
});

describe('financial records', () => {
  it('accepts each type', () => {
    expect(parseFinancialRecord(invoiceInput()).type).toBe('invoice');
    const payment = parseFinancialRecord({
      type: 'payment',
      customer: { type: 'external', system: 'erp', value: 'C-1001' },
      ref: 'PAY-1',
      receivedAt: '2026-03-30T12:00:00Z',
      amount: usd(2_000_000),
      allocations: [
        { invoiceRef: 'INV-1042', amount: usd(1_850_000) },
        { invoiceRef: 'INV-1043', amount: usd(150_000) },
      ],
    });
    expect(payment.type === 'payment' && payment.allocations).toHaveLength(2);
    expect(parseFinancialRecord({ type: 'credit_note', customer: { id: '01JQ0000000000000000000001' }, ref: 'CN-7', issuedAt: '2026-03-10T00:00:00Z', amount: usd(100), invoiceRef: 'INV-1042' }).type).toBe('credit_note');
    const dispute = parseFinancialRecord({ type: 'dispute', customer: { id: '01JQ0000000000000000000001' }, ref: 'D-1', invoiceRef: 'INV-1042', openedAt: '2026-03-03T00:00:00Z', amount: usd(1_850_000) });
    expect(dispute.type === 'dispute' && dispute.status).toBe('open');
    const promise = parseFinancialRecord({ type: 'payment_promise', customer: { id: '01JQ0000000000000000000001' }, promisedAt: '2026-04-02T10:00:00Z', dueBy: '2026-04-10T00:00:00Z', amount: usd(500_000), invoiceRefs: ['INV-1042'] });
    expect(promise.type).toBe('payment_promise');
  });

  it('checks cross-field rules', () => {
    expect(issues(validateFinancialRecord(invoiceInput({ dueAt: '2026-02-01T00:00:00Z' })))).toEqual(['dueAt:out_of_order']);
    const overAllocated = validateFinancialRecord({
      type: 'payment',
      customer: { id: '01JQ0000000000000000000001' },
      ref: 'PAY-2',
      receivedAt: '2026-03-30T12:00:00Z',
      amount: usd(100),
      allocations: [
        { invoiceRef: 'A', amount: usd(80) },
        { invoiceRef: 'B', amount: { amountMinor: 30, currency: 'EUR' } },
      ],
    });
    expect(issues(overAllocated)).toEqual(['allocations.1.amount.currency:currency_mismatch', 'allocations:over_allocated']);
    const resolvedEarly = validateFinancialRecord({ type: 'dispute', customer: { id: '01JQ0000000000000000000001' }, ref: 'D', invoiceRef: 'I', openedAt: '2026-03-03T00:00:00Z', resolvedAt: '2026-03-01T00:00:00Z', amount: usd(1) });
    expect(issues(resolvedEarly)).toEqual(['resolvedAt:out_of_order']);
  });

  it('refuses unknown types and non-positive amounts', () => {
    expect(issues(validateFinancialRecord({ type: 'receipt' }))).toEqual(['type:invalid_union']);
    expect(issues(validateFinancialRecord(invoiceInput({ amount: usd(0) })))).toEqual(['amount.amountMinor:too_small']);
    expect(issues(validateFinancialRecord(invoiceInput({ amount: usd(-5) })))).toEqual(['amount.amountMinor:too_small']);
  });
});

describe('follow-up', () => {
  it('needs a customer or an interaction', () => {
    expect(parseFollowUp(followUpInput()).status).toBe('open');
    expect(issues(validateFollowUp(followUpInput({ interactionId: undefined })))).toEqual(['customer:required']);
    expect(issues(validateFollowUp(followUpInput({ dueAt: 'soon', action: '' })))).toEqual(['action:too_small', 'dueAt:invalid_date']);
  });
});

describe('batches', () => {
  it('prefix every issue with the item index and keep going past the first bad item', () => {
    const result = interactionValidator.validateMany([
      interactionInput(),
      { ...interactionInput(), channel: 'fax' },
      interactionInput(),
      { ...interactionInput(), occurredAt: '2026-13-01T00:00:00Z', subject: 5 },
    ]);
    expect(issues(result as ValidationResult<unknown>)).toEqual(['1.channel:invalid_value', '3.subject:invalid_type', '3.occurredAt:invalid_date']);
    expect(result.success || result.error.message).toMatch(/^Invalid interaction batch: 3 problems\n {2}- \[1\]\.channel: /);
  });

  it('accept a valid batch and refuse oversized ones', () => {
    expect(customerValidator.parseMany([customerInput(), customerInput()])).toHaveLength(2);
    expect(issues(customerValidator.validateMany(Array.from({ length: 10_001 }, () => ({}))) as ValidationResult<unknown>)).toEqual([':too_big']);
    expect(issues(customerValidator.validateMany('nope' as never) as ValidationResult<unknown>)).toEqual([':invalid_type']);
  });
});
