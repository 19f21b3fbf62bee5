import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMoney,
  isCurrencyCode,
  moneyFromDecimal,
  moneyToDecimal,
  normaliseEmail,
  normalisePhone,
  sumByCurrency,
  addMoney,
  toInstant,
  validateInteraction,
  CURRENCY_CODES,
} from 'touchlog';
import { interactionInput } from '../helpers/factories.js';

function issuesOf(result: ReturnType<typeof validateInteraction>) {
  if (result.success) throw new Error('expected a validation failure');
  return result.error.issues.map((issue) => ({ code: issue.code, path: issue.path.join('.') }));
}

describe('instants', () => {
  it('stores every accepted form as a UTC ISO string with milliseconds', () => {
    expect(toInstant('2026-03-02T09:15:00+01:00')).toBe('2026-03-02T08:15:00.000Z');
    expect(toInstant('2026-03-02T08:15:00.123456Z')).toBe('2026-03-02T08:15:00.123Z');
    expect(toInstant(new Date(Date.UTC(2026, 2, 2)))).toBe('2026-03-02T00:00:00.000Z');
  });

  it.each([
    ['2026-02-30T00:00:00Z', 'impossible day'],
    ['2023-02-29T00:00:00Z', 'not a leap year'],
    ['2026-03-02T09:15:00', 'missing offset'],
    ['2026-03-02', 'date only'],
    ['1899-12-31T23:59:59Z', 'before the supported range'],
    ['yesterday', 'not a date'],
  ])('refuses %s (%s)', (value) => {
    expect(toInstant(value)).toBeUndefined();
    const result = validateInteraction(interactionInput({ occurredAt: value }));
    expect(issuesOf(result)).toContainEqual({ code: expect.any(String), path: 'occurredAt' });
  });

  it('refuses an invalid Date and says why a missing offset matters', () => {
    expect(issuesOf(validateInteraction(interactionInput({ occurredAt: new Date(Number.NaN) })))).toEqual([
      { code: 'invalid_date', path: 'occurredAt' },
    ]);
    const result = validateInteraction(interactionInput({ occurredAt: '2026-03-02T09:15:00' }));
    expect(result.success || result.error.issues[0]!.message).toMatch(/offset/);
    const impossible = validateInteraction(interactionInput({ occurredAt: '2026-02-30T10:00:00Z' }));
    expect(impossible.success || impossible.error.issues[0]!.message).toMatch(/not a real date/);
  });
});

describe('money', () => {
  it('takes the currency list and minor units from Intl', () => {
    expect(CURRENCY_CODES).toEqual(Intl.supportedValuesOf('currency'));
    expect(isCurrencyCode('USD')).toBe(true);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect([currencyExponent('USD'), currencyExponent('JPY'), currencyExponent('BHD')]).toEqual([2, 0, 3]);
    expect(() => currencyExponent('XYZ')).toThrow(RangeError);
  });

  it('converts decimals exactly, without floats', () => {
    expect(moneyFromDecimal('18500.00', 'USD')).toEqual({ amountMinor: 1_850_000, currency: 'USD' });
    expect(moneyFromDecimal('0.1', 'USD')).toEqual({ amountMinor: 10, currency: 'USD' });
    expect(moneyFromDecimal('1500', 'JPY')).toEqual({ amountMinor: 1500, currency: 'JPY' });
    expect(moneyFromDecimal('-1.234', 'BHD')).toEqual({ amountMinor: -1234, currency: 'BHD' });
    expect(() => moneyFromDecimal('1.005', 'USD')).toThrow(/more decimals/);
    expect(() => moneyFromDecimal('1.5', 'JPY')).toThrow(/more decimals/);
    expect(() => moneyFromDecimal('1e3', 'USD')).toThrow(/not a decimal/);
    expect(() => moneyFromDecimal('90071992547409.92', 'USD')).toThrow(/safe integer/);
    expect(moneyToDecimal({ amountMinor: 1_850_000, currency: 'USD' })).toBe('18500.00');
    expect(moneyToDecimal({ amountMinor: -5, currency: 'USD' })).toBe('-0.05');
    expect(moneyToDecimal({ amountMinor: 1234, currency: 'BHD' })).toBe('1.234');
    expect(moneyToDecimal({ amountMinor: Number.MAX_SAFE_INTEGER, currency: 'USD' })).toBe('90071992547409.91');
    expect(formatMoney({ amountMinor: 1_850_000, currency: 'USD' })).toBe('$18,500.00');
  });

  it('never adds different currencies together', () => {
    const totals = sumByCurrency([
      { amountMinor: 100, currency: 'USD' },
      { amountMinor: 50, currency: 'EUR' },
      { amountMinor: 25, currency: 'USD' },
    ]);
    expect({ ...totals }).toEqual({ USD: 125, EUR: 50 });
    expect(() => addMoney({ amountMinor: 1, currency: 'USD' }, { amountMinor: 1, currency: 'EUR' })).toThrow(/cannot add USD and EUR/);
    expect(() => sumByCurrency([{ amountMinor: Number.MAX_SAFE_INTEGER, currency: 'USD' }, { amountMinor: 1, currency: 'USD' }])).toThrow(RangeError);
  });

  it.each([
    [{ amountMinor: 1.5, currency: 'USD' }, 'amountMinor', 'invalid_type'],
    [{ amountMinor: Number.NaN, currency: 'USD' }, 'amountMinor', 'invalid_type'],
    [{ amountMinor: Number.POSITIVE_INFINITY, currency: 'USD' }, 'amountMinor', 'invalid_type'],
    [{ amountMinor: 2 ** 53, currency: 'USD' }, 'amountMinor', 'too_big'],
    [{ amountMinor: '100', currency: 'USD' }, 'amountMinor', 'invalid_type'],
    [{ amountMinor: 100, currency: 'XYZ' }, 'currency', 'unknown_currency'],
    [{ amountMinor: 100, currency: 'usd' }, 'currency', 'unknown_currency'],
  ])('refuses %o in a link amount', (amount, field, code) => {
    const result = validateInteraction(interactionInput({ links: [{ kind: 'invoice', ref: 'INV-1', amount: amount as never }] }));
    expect(issuesOf(result)).toContainEqual({ code, path: `links.0.amount.${field}` });
  });
});

describe('identifiers', () => {
  it('normalises emails case-insensitively and phones to E.164', () => {
    expect(normaliseEmail('  AP@Acme.Example ')).toBe('ap@acme.example');
    expect(normaliseEmail('not an email')).toBeUndefined();
    expect(normalisePhone('+1 (415) 555-2671')).toBe('+14155552671');
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalisePhone('12')).toBeUndefined();
  });
});
