import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  CURRENCY_CODES,
  DIRECTIONS,
  PURPOSES,
  isTouchlogError,
  moneyFromDecimal,
  moneyToDecimal,
  validateCommunication,
  validateCustomer,
  validateFinancialRecord,
  validateFollowUp,
  validateInteraction,
  currencyExponent,
} from 'touchlog';
import { interactionInput } from '../helpers/factories.js';

const RUNS = 300;

const instant = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .chain((date) =>
    fc.oneof(
      fc.constant<Date | string>(date),
      fc.constant<Date | string>(date.toISOString()),
      fc.integer({ min: -12, max: 14 }).map((hours): Date | string => {
        const local = new Date(date.getTime() + hours * 3_600_000).toISOString().slice(0, 19);
        const sign = hours < 0 ? '-' : '+';
        return `${local}${sign}${String(Math.abs(hours)).padStart(2, '0')}:00`;
      }),
    ),
  );

const money = fc.record({
  amountMinor: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  currency: fc.constantFrom(...CURRENCY_CODES),
});

const validInteraction = fc.record({
  customer: fc.constant({ id: '01JQ0000000000000000000001' }),
  channel: fc.constantFrom(...CHANNELS),
  direction: fc.constantFrom(...DIRECTIONS),
  purpose: fc.constantFrom(...PURPOSES),
  subject: fc.option(fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.isWellFormed() && !s.includes('\u0000')), { nil: undefined }),
  occurredAt: instant,
  links: fc.array(fc.record({ kind: fc.constantFrom('invoice', 'payment', 'credit_note'), ref: fc.stringMatching(/^[A-Z]{2,4}-\d{1,6}$/), amount: money }), { maxLength: 5 }),
  tags: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), { maxLength: 5 }),
});

describe('property: valid records', () => {
  it('always validate, and instants come out as UTC milliseconds at the same moment', () => {
    fc.assert(
      fc.property(validInteraction, instant, (input, when) => {
        const result = validateInteraction({ ...input, occurredAt: when });
        expect(result.success).toBe(true);
        if (!result.success) return;
        expect(result.data.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        const expected = when instanceof Date ? when.getTime() : Date.parse(when);
        expect(Date.parse(result.data.occurredAt)).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('decimal money round-trips exactly in every currency', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCY_CODES), fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }), (currency, minor) => {
        const money = { amountMinor: Number(minor), currency };
        const decimal = moneyToDecimal(money);
        expect(decimal.split('.')[1]?.length ?? 0).toBe(currencyExponent(currency));
        expect(moneyFromDecimal(decimal, currency)).toEqual(money);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Wrong values for a field: a different type, an empty or huge string, NaN, nested junk. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(''),
  fc.constant('x'.repeat(2_000_000)),
  fc.integer(),
  fc.boolean(),
  fc.constant({ __proto__: { polluted: true } }),
  fc.array(fc.anything(), { minLength: 1, maxLength: 3 }),
  fc.constant(() => 1),
);

describe('property: one wrong field', () => {
  it('is reported at that field, and nothing else is', () => {
    const fields = ['customer', 'channel', 'direction', 'purpose', 'occurredAt', 'links', 'participants', 'status', 'priority'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), wrongValue, (field, value) => {
        const result = validateInteraction({ ...interactionInput(), [field]: value });
        expect(result.success).toBe(false);
        if (result.success) return;
        for (const issue of result.error.issues) expect(issue.path[0]).toBe(field);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: anything at all', () => {
  it('never throws from validate*, and failures are typed', () => {
    const validators = [validateCustomer, validateInteraction, validateCommunication, validateFinancialRecord, validateFollowUp];
    fc.assert(
      fc.property(fc.constantFrom(...validators), fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }), (validate, value) => {
        const result = validate(value);
        if (!result.success) {
          expect(isTouchlogError(result.error, 'VALIDATION_FAILED')).toBe(true);
          expect(result.error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
