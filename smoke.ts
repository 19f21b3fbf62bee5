import { parseInteraction, validateInteraction, validateFinancialRecord, toJSONSchema, MODEL_NAMES, validateCustomer } from './src/index.js';
const ok = parseInteraction({ customer: { type: 'email', value: 'AP@Acme.com ' }, channel: 'email', direction: 'inbound', purpose: 'billing_query', occurredAt: '2026-03-01T10:00:00+02:00', subject: 'Invoice INV-1042', links: [{ kind: 'invoice', ref: 'INV-1042' }] });
console.log(ok);
const bad = validateInteraction({ customer: { type: 'email', value: 'nope' }, channel: 'fax', direction: 'inbound', purpose: 'billing_query', occurredAt: '2026-02-30T10:00:00Z', extra: 1, metadata: { a: { __proto__: 1 } } });
console.log(bad.success ? 'ok' : bad.error.message, bad.success ? '' : bad.error.issues);
const deep: any = {}; let cur = deep; for (let i = 0; i < 100000; i++) { cur.a = {}; cur = cur.a; }
const d = validateInteraction({ customer: { id: '01J0000000000000000000000A' }, channel: 'email', direction: 'inbound', purpose: 'other', occurredAt: new Date(), metadata: deep });
console.log(d.success ? 'ok' : d.error.issues);
const p = validateFinancialRecord({ type: 'payment', customer: { id: '01J0000000000000000000000A' }, ref: 'P1', receivedAt: '2026-01-01T00:00:00Z', amount: { amountMinor: 100, currency: 'USD' }, allocations: [{ invoiceRef: 'I1', amount: { amountMinor: 150, currency: 'EUR' } }, { invoiceRef: 'I2', amount: { amountMinor: NaN, currency: 'USD' } }] });
console.log(p.success ? 'ok' : p.error.issues);
const p2 = validateFinancialRecord({ type: 'payment', customer: { id: '01J0000000000000000000000A' }, ref: 'P1', receivedAt: '2026-01-01T00:00:00Z', amount: { amountMinor: 100, currency: 'USD' }, allocations: [{ invoiceRef: 'I1', amount: { amountMinor: 150, currency: 'EUR' } }] });
console.log(p2.success ? 'ok' : p2.error.issues);
console.log(validateFinancialRecord({type: 'foo'}).error?.issues, validateCustomer({displayName: 'x', identifiers: [{type:'phone', value:'123'}]}).error?.issues);
for (const m of MODEL_NAMES) { const s = JSON.stringify(toJSONSchema(m)); const t = JSON.stringify(toJSONSchema(m, {form:'stored'})); console.log(m, s.length, t.length); }
console.log(JSON.stringify(toJSONSchema('followUp')).slice(0, 1500));
