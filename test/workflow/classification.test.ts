import { describe, expect, it } from 'vitest';
import { createTouchlog, ruleClassifier, type ClassificationRule } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, steppingClock } from 'touchlog/testing';

const rules: ClassificationRule[] = [
  { id: 'dispute-words', when: { keywords: ['dispute', 'incorrect invoice', 'overcharged', 'charged twice'], directions: ['inbound'] }, then: { purpose: 'dispute', tags: ['billing'], priority: 'high' } },
  { id: 'promise', when: { pattern: 'will (pay|transfer) (by|on|before)' }, then: { purpose: 'payment_promise', tags: ['promise'] } },
  { id: 'reminder-notice', when: { notificationTypes: ['payment_reminder', 'dunning_letter'] }, then: { tags: ['dunning'] } },
  { id: 'invoice-link', when: { linkKinds: ['invoice'] }, then: { tags: ['has-invoice'] } },
  { id: 'phone-urgent', when: { channels: ['phone'], keywords: ['legal action'] }, then: { priority: 'urgent', tags: ['escalation-risk'] } },
];

describe('rule classifier', () => {
  const classifier = ruleClassifier(rules);

  it('decides purpose, tags and priority, and says which rule fired and why', () => {
    expect(classifier.classify({ channel: 'email', direction: 'inbound', subject: 'We were OVERCHARGED on INV-1042', links: [{ kind: 'invoice' }] })).toEqual({
      purpose: 'dispute',
      tags: ['billing', 'has-invoice'],
      priority: 'high',
      reasons: [
        { rule: 'dispute-words', because: 'direction inbound, keyword "overcharged"' },
        { rule: 'invoice-link', because: 'links to a invoice' },
      ],
    });
    expect(classifier.classify({ channel: 'chat', direction: 'inbound', body: 'We will pay by Friday, promise.' })).toEqual({
      purpose: 'payment_promise',
      tags: ['promise'],
      reasons: [{ rule: 'promise', because: 'pattern /will (pay|transfer) (by|on|before)/ matched "will pay by"' }],
    });
  });

  it('matches keywords as whole words only, in any script', () => {
    expect(classifier.classify({ channel: 'email', direction: 'inbound', subject: 'Disputed? No: indisputable' }).reasons).toEqual([]);
    const german = ruleClassifier([{ id: 'de', when: { keywords: ['rechnung falsch'] }, then: { purpose: 'dispute' } }]);
    expect(german.classify({ channel: 'email', direction: 'inbound', body: 'Die RECHNUNG FALSCH ausgestellt' }).purpose).toBe('dispute');
  });

  it('first rule with a purpose wins; the highest priority wins; tags add up', () => {
    const result = classifier.classify({ channel: 'phone', direction: 'inbound', summary: 'Says the invoice is a dispute and threatens legal action; will pay by the 30th if fixed' });
    expect(result.purpose).toBe('dispute');
    expect(result.priority).toBe('urgent');
    expect(result.tags).toEqual(['billing', 'promise', 'escalation-risk']);
  });

  it('refuses malformed rules with the rule index in the path', () => {
    expect(() => ruleClassifier([{ id: 'a', when: { pattern: '(' }, then: { purpose: 'dispute' } }, { id: 'a', when: {}, then: {} } as never])).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        issues: [
          { code: 'empty_rule', path: [1, 'then'], message: 'must set a purpose, tags or a priority' },
          { code: 'invalid_pattern', path: [0, 'when', 'pattern'], message: expect.stringMatching(/^is not a valid regular expression/) },
          { code: 'duplicate_id', path: [1, 'id'], message: 'repeats the id a' },
        ],
      }),
    );
  });

  it('rules are plain data: they survive a JSON round trip', () => {
    const again = ruleClassifier(JSON.parse(JSON.stringify(rules)));
    const record = { channel: 'email' as const, direction: 'inbound' as const, subject: 'charged twice' };
    expect(again.classify(record)).toEqual(classifier.classify(record));
  });
});

describe('classification on ingest', () => {
  it('fills in purposes left "other", adds tags, never overrides the caller, and keeps the reasons', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:test', clock: steppingClock(), classifier: ruleClassifier(rules) });
    const { record: customer } = await log.customers.record(sample.customer(1));
    const { purpose: _purpose, ...withoutPurpose } = sample.interaction(customer.id, 1, { subject: 'You charged twice for freight' });
    const guessed = (await log.interactions.record(withoutPurpose)).record;
    expect(guessed).toMatchObject({ purpose: 'dispute', priority: 'high', tags: ['billing', 'has-invoice'] });
    expect(guessed.classification).toEqual({
      classifier: 'rules',
      reasons: [
        { rule: 'dispute-words', because: 'direction inbound, keyword "charged twice"' },
        { rule: 'invoice-link', because: 'links to a invoice' },
      ],
    });
    const told = (await log.interactions.record(sample.interaction(customer.id, 2, { subject: 'You charged twice', purpose: 'complaint', priority: 'urgent' }))).record;
    expect(told).toMatchObject({ purpose: 'complaint', priority: 'urgent' });
    const report = await log.ingest([
      { model: 'communication', data: sample.communication(customer.id, 3, { notificationType: 'payment_reminder', source: { system: 'mail', externalId: 'r-3' } }) },
    ]);
    expect(report.created).toBe(1);
    const [message] = (await log.communications.list({ kind: 'payment_reminder' })).items;
    expect(message?.tags).toEqual(['dunning', 'has-invoice']);
    // A re-delivery is recognised even if the rules change: the digest covers the source payload.
    const relabelled = createTouchlog({ adapter: log.adapter, tenant: 'acme', actor: 'svc:test', classifier: ruleClassifier([{ id: 'x', when: { channels: ['email'] }, then: { tags: ['new'] } }]) });
    const again = await relabelled.ingest([{ model: 'communication', data: sample.communication(customer.id, 3, { notificationType: 'payment_reminder', source: { system: 'mail', externalId: 'r-3' } }) }]);
    expect(again.unchanged).toBe(1);
  });
});
