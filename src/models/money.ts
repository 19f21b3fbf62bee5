import { z } from 'zod';

/**
 * ISO 4217 codes of the currencies in circulation, as the platform's `Intl` knows them
 * (`Intl.supportedValuesOf('currency')`). Taken from the runtime rather than a hand-written table,
 * so a Node upgrade brings new currencies with it.
 */
export const CURRENCY_CODES: readonly string[] = Object.freeze(Intl.supportedValuesOf('currency'));

const currencySet = new Set(CURRENCY_CODES);
const exponentCache = new Map<string, number>();

/** An ISO 4217 currency code such as `USD`, `EUR`, `JPY`. */
export type CurrencyCode = string;

/** `true` when `code` is an ISO 4217 currency code that the platform knows. */
export function isCurrencyCode(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && currencySet.has(code);
}

/**
 * Number of minor-unit digits of a currency (USD 2, JPY 0, BHD 3), read from `Intl`'s CLDR data.
 * CLDR follows ISO 4217 except where a currency's smallest unit is out of use in practice: for
 * HUF, IDR and a few others it reports 0. touchlog uses the CLDR value consistently.
 *
 * @throws {RangeError} when `currency` is not a known code
 */
export function currencyExponent(currency: CurrencyCode): number {
  let exponent = exponentCache.get(currency);
  if (exponent === undefined) {
    if (!currencySet.has(currency)) throw new RangeError(`unknown currency ${JSON.stringify(currency)}`);
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponentCache.set(currency, exponent);
  }
  return exponent;
}

/** An amount of money: an integer number of minor units (cents, pence, yen) and its currency. */
export interface Money {
  /** Minor units as a safe integer; `1850000` USD is $18,500.00. Never a float. */
  readonly amountMinor: number;
  readonly currency: CurrencyCode;
}

const currencySchema = z
  .string({ error: 'must be an ISO 4217 currency code such as "USD"' })
  .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code such as "USD", "EUR" or "JPY"', params: { code: 'unknown_currency' } });

const amountMinorSchema = z.int({
  error: (issue) =>
    typeof issue.input === 'number' && Number.isInteger(issue.input)
      ? 'must be between -(2^53 - 1) and 2^53 - 1 (a safe integer number of minor units)'
      : 'must be an integer number of minor units (e.g. 1050 for 10.50 USD), not a float, NaN or Infinity',
});

/** Money as stored: any safe integer amount, positive or negative. */
export const MoneySchema = z.strictObject({ amountMinor: amountMinorSchema, currency: currencySchema });

/** Money that cannot be negative (document totals, payments, allocations). */
export const NonNegativeMoneySchema = z.strictObject({
  amountMinor: amountMinorSchema.min(0, 'must not be negative'),
  currency: currencySchema,
});

/** Money that must be above zero. */
export const PositiveMoneySchema = z.strictObject({
  amountMinor: amountMinorSchema.min(1, 'must be greater than zero'),
  currency: currencySchema,
});

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Builds {@link Money} from a decimal string in major units, without floating point.
 *
 * @example
 * ```ts
 * moneyFromDecimal('18500.00', 'USD') // { amountMinor: 1850000, currency: 'USD' }
 * moneyFromDecimal('1500', 'JPY')     // { amountMinor: 1500, currency: 'JPY' }
 * moneyFromDecimal('1.005', 'USD')    // RangeError: more decimals than USD has
 * ```
 * @throws {RangeError} for an unknown currency, a malformed number, more decimals than the
 * currency has, or an amount beyond the safe integer range.
 */
export function moneyFromDecimal(decimal: string, currency: CurrencyCode): Money {
  const exponent = currencyExponent(currency);
  const match = decimalPattern.exec(decimal.trim());
  if (!match) throw new RangeError(`${JSON.stringify(decimal)} is not a decimal number`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new RangeError(`${decimal} has more decimals than ${currency} allows (${exponent})`);
  }
  const minor = BigInt(whole! + fraction.padEnd(exponent, '0')) * (sign ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${decimal} ${currency} is beyond the safe integer range of minor units`);
  }
  return { amountMinor: Number(minor), currency };
}

/**
 * Formats money as a plain decimal string in major units, exactly (`1850000 USD` → `"18500.00"`).
 */
export function moneyToDecimal(money: Money): string {
  const exponent = currencyExponent(money.currency);
  const negative = money.amountMinor < 0;
  const digits = String(Math.abs(money.amountMinor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Formats money for people with `Intl` (`$18,500.00`). Exact for every safe integer amount. */
export function formatMoney(money: Money, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(
    moneyToDecimal(money) as unknown as number,
  );
}

/**
 * Totals per currency. Money paths never add amounts of different currencies: use this wherever
 * amounts may come in several currencies.
 */
export type MoneyTotals = Readonly<Record<CurrencyCode, number>>;

/**
 * Adds amounts, keeping one total per currency.
 *
 * @example
 * ```ts
 * sumByCurrency([usd(100), eur(50), usd(25)]) // { USD: 125, EUR: 50 }
 * ```
 * @throws {RangeError} when a total leaves the safe integer range
 */
export function sumByCurrency(amounts: Iterable<Money>): MoneyTotals {
  const totals: Record<string, number> = Object.create(null);
  for (const { amountMinor, currency } of amounts) {
    const total = (totals[currency] ?? 0) + amountMinor;
    if (!Number.isSafeInteger(total)) throw new RangeError(`the ${currency} total left the safe integer range`);
    totals[currency] = total;
  }
  return totals;
}

/**
 * Adds two amounts of the same currency.
 * @throws {RangeError} when the currencies differ or the sum is not a safe integer
 */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} and ${b.currency}`);
  const amountMinor = a.amountMinor + b.amountMinor;
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`the ${a.currency} sum left the safe integer range`);
  return { amountMinor, currency: a.currency };
}
