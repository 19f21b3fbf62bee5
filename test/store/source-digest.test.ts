/**
 * The digest that tells a re-delivered source record from a changed one. It is stored with every
 * record that has a source key, so its format is pinned: a change to it (or to the order of a
 * model's fields) would make every re-delivery after an upgrade look like a conflict.
 */
import { describe, expect, it } from 'vitest';
import { interactionValidator } from 'touchlog';
import { sourceDigest } from '../../src/store/write-records.js';

const call = {
  customer: { type: 'external', system: 'erp', value: 'C-1001' },
  channel: 'phone',
  direction: 'inbound',
  purpose: 'billing_query',
  subject: 'Freight charged twice',
  occurredAt: '2026-03-05T14:20:00Z',
  source: { system: 'crm', externalId: 'CASE-1', version: 3 },
  links: [{ kind: 'invoice', ref: 'INV-1042', amount: { amountMinor: 1_850_000, currency: 'USD' } }],
  metadata: { queue: 'ar-emea', sla: { hours: 24, tier: 'gold' } },
};

/** The same object with every key, at every depth, in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversed(item)]));
}

describe('source digest', () => {
  it('is the same whatever order the source gave the fields in, metadata included', () => {
    expect(JSON.stringify(reversed(call))).not.toBe(JSON.stringify(call));
    expect(sourceDigest(interactionValidator.parse(reversed(call)))).toBe(sourceDigest(interactionValidator.parse(call)));
  });

  it('changes with the content, and ignores the threading an import assigns', () => {
    const digest = sourceDigest(interactionValidator.parse(call));
    expect(sourceDigest(interactionValidator.parse({ ...call, subject: 'Freight charged twice!' }))).not.toBe(digest);
    expect(sourceDigest(interactionValidator.parse({ ...call, metadata: { ...call.metadata, queue: 'ar-apac' } }))).not.toBe(digest);
    const parsed = interactionValidator.parse(call);
    expect(sourceDigest({ ...parsed, threadId: 'T-1' })).toBe(sourceDigest(parsed));
  });

  it('keeps its format: a pinned value', () => {
    expect(sourceDigest(interactionValidator.parse(call))).toBe('yoapECQiRu7hyrWqEIFfi9C-lonEfxtfp3gNJXkON3k');
  });
});
