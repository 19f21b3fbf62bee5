import { describe, expect, it } from 'vitest';
import { LIMITS, validateCommunication, validateCustomer, validateInteraction, type ValidationResult } from 'touchlog';
import { communicationInput, customerInput, interactionInput } from '../helpers/factories.js';

function issues(result: ValidationResult<unknown>) {
  if (result.success) throw new Error('expected a validation failure');
  return result.error.issues.map((issue) => `${issue.path.join('.')}:${issue.code}`);
}

describe('hostile input is a validation error, never a crash or a hang', () => {
  it('refuses a 50 MB body quickly', () => {
    const started = performance.now();
    const result = validateCommunication(communicationInput({ body: 'x'.repeat(50 * 1024 * 1024) }));
    expect(issues(result)).toEqual(['body:too_big']);
    expect(result.success || result.error.issues[0]!.message).toBe(`must have at most ${LIMITS.body} characters`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses strings that a database cannot store', () => {
    expect(issues(validateInteraction(interactionInput({ subject: 'a\u0000b' })))).toEqual(['subject:invalid_characters']);
    expect(issues(validateInteraction(interactionInput({ summary: 'lone \ud800 surrogate' })))).toEqual(['summary:invalid_characters']);
    expect(issues(validateInteraction(interactionInput({ metadata: { note: 'a\u0000' } })))).toEqual(['metadata.note:invalid_characters']);
  });

  it('refuses control characters in addresses and header fields: no header injection through a stored value', () => {
    const injected = 'ar@seller.example\r\nBcc: victim@x.example';
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from: { address: injected } }, 'from.address'],
      [{ to: [{ address: 'ap@northwind.example' }, { address: 'x@y.example\nBcc: v@x.example' }] }, 'to.1.address'],
      [{ cc: [{ address: 'ap@northwind.example', name: 'Accounts\r\nBcc: v@x.example' }] }, 'cc.0.name'],
      [{ subject: 'Invoice INV-1\r\nBcc: victim@x.example' }, 'subject'],
      [{ subject: 'Invoice\u0085INV-1' }, 'subject'],
      [{ messageId: '<a@x.example>\r\nBcc: v@x.example' }, 'messageId'],
      [{ inReplyTo: 'a@x.example\n' }, 'inReplyTo'],
      [{ references: ['ok@x.example', 'b@x.example\u2028'] }, 'references.1'],
      [{ attachments: [{ name: 'invoice.pdf\r\nContent-Type: text/html', mediaType: 'application/pdf', size: 1 }] }, 'attachments.0.name'],
    ];
    for (const [fields, path] of cases) {
      const result = validateCommunication(communicationInput(fields));
      expect(issues(result), path).toEqual([`${path}:invalid_characters`]);
    }
    const result = validateCommunication(communicationInput({ from: { address: injected } }));
    expect(result.success || result.error.issues[0]!.message).toBe(
      'must not contain control characters such as line breaks (U+000D CR at character 18): in a message header, a line break would start a header of its own',
    );
    expect(issues(validateInteraction(interactionInput({ participants: [{ role: 'customer', address: injected }] })))).toEqual(['participants.0.address:invalid_characters']);
    expect(issues(validateInteraction(interactionInput({ participants: [{ role: 'agent', name: 'Tom\nBcc: x' }] })))).toEqual(['participants.0.name:invalid_characters']);
    // A tab is fine in a subject or a display name (mail headers allow it), and a message body keeps its lines.
    expect(validateCommunication(communicationInput({ subject: 'Re:\tINV-1', from: { address: 'ap@northwind.example', name: 'Accounts\tPayable' }, body: 'line 1\r\nline 2' })).success).toBe(true);
    expect(issues(validateCommunication(communicationInput({ from: { address: 'ap@northwind.example\t' } })))).toEqual(['from.address:invalid_characters']);
  });

  it('stops at the documented depth on deep and cyclic metadata', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 200_000; i++) {
      const next = {};
      deep['a'] = next;
      deep = next;
    }
    expect(issues(validateInteraction(interactionInput({ metadata: root as never })))).toEqual([
      `metadata.${Array.from({ length: LIMITS.metadataDepth + 1 }, () => 'a').join('.')}:too_deep`,
    ]);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(issues(validateInteraction(interactionInput({ metadata: cyclic as never })))[0]).toMatch(/:too_deep$/);
    const wide = Object.fromEntries(Array.from({ length: LIMITS.metadataEntries + 1 }, (_, i) => [`k${i}`, i]));
    expect(issues(validateInteraction(interactionInput({ metadata: wide })))).toEqual(['metadata:too_big']);
    const heavy = { blob: 'x'.repeat(LIMITS.metadataSize) };
    expect(issues(validateInteraction(interactionInput({ metadata: heavy })))).toEqual(['metadata:too_big']);
  });

  it('refuses prototype-pollution keys wherever they appear', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "displayName": "x"}');
    expect(issues(validateCustomer(parsed))).toEqual(['__proto__:unknown_field']);
    const metadata = JSON.parse('{"nested": {"__proto__": {"polluted": true}}}');
    expect(issues(validateInteraction(interactionInput({ metadata })))).toEqual(['metadata.nested.__proto__:forbidden_key']);
    expect(issues(validateCustomer(customerInput({ attributes: { constructor: { prototype: 1 } } })))).toEqual([
      'attributes.constructor:forbidden_key',
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses values that are not JSON in metadata', () => {
    expect(issues(validateInteraction(interactionInput({ metadata: { when: new Date() } as never })))).toEqual(['metadata.when:invalid_type']);
    expect(issues(validateInteraction(interactionInput({ metadata: { n: 10n } as never })))).toEqual(['metadata.n:invalid_type']);
    expect(issues(validateInteraction(interactionInput({ metadata: { n: Number.NaN } })))).toEqual(['metadata.n:invalid_type']);
    expect(issues(validateInteraction(interactionInput({ metadata: new Map() as never })))).toEqual(['metadata:invalid_type']);
    expect(issues(validateInteraction(interactionInput({ metadata: [] as never })))).toEqual(['metadata:invalid_type']);
  });

  it('turns throwing getters and proxies into issues', () => {
    const trap = interactionInput() as Record<string, unknown>;
    Object.defineProperty(trap, 'subject', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(issues(validateInteraction(trap))).toEqual([':unreadable_input']);
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(issues(validateInteraction(revocable.proxy))).toEqual([':unreadable_input']);
  });

  it.each([null, undefined, 42, 'interaction', [], () => 1, Symbol('x'), 10n])('refuses %s as a whole record', (value) => {
    expect(issues(validateInteraction(value))).toEqual([':invalid_type']);
  });

  it('refuses an object of another kind by its missing fields', () => {
    expect(issues(validateInteraction(new Date()))).toEqual(['customer:required', 'channel:required', 'direction:required', 'occurredAt:required']);
  });
});
