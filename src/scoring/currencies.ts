/**
 * How figures of several currencies are combined: never by adding amounts. A customer's figures
 * are computed per currency; a single customer-level figure exists when there is one currency, or
 * when `rates` say how much each currency's amounts weigh. Otherwise the combined figure is
 * {@link Unavailable} with the reason `multiple_currencies` (or `missing_rate`).
 *
 * @module
 */
import { isCurrencyCode } from '../models/money.js';
import { invalid } from './input.js';
import type { CurrencyRates, Unavailable } from './types.js';

/** How a customer-level figure was obtained. */
export type CombinationBasis =
  /** All amounts are in one currency: the figure is that currency's. */
  | 'single_currency'
  /** Currencies weighed with the caller's `rates`. */
  | 'rates';

/**
 * Decides how figures in `currencies` combine: `single_currency`, `rates`, or unavailable.
 *
 * @example
 * ```ts
 * combinationOf(['USD'])                          // 'single_currency'
 * combinationOf(['EUR', 'USD'])                   // { available: false, reason: 'multiple_currencies', ... }
 * combinationOf(['EUR', 'USD'], { EUR: 1.08, USD: 1 }) // 'rates'
 * ```
 */
export function combinationOf(currencies: readonly string[], rates?: CurrencyRates): CombinationBasis | Unavailable {
  if (currencies.length <= 1) return 'single_currency';
  if (rates === undefined) {
    return {
      available: false,
      reason: 'multiple_currencies',
      message: `amounts are in ${currencies.join(', ')}; pass \`rates\` to weigh them against each other (figures per currency are in byCurrency)`,
    };
  }
  const missing = currencies.filter((currency) => rates[currency] === undefined);
  if (missing.length > 0) {
    return { available: false, reason: 'missing_rate', message: `no rate for ${missing.join(', ')} in \`rates\`` };
  }
  return 'rates';
}

/** Checks `rates`: positive finite numbers keyed by ISO 4217 codes. @internal */
export function checkRates(rates: CurrencyRates | undefined): CurrencyRates | undefined {
  if (rates === undefined) return undefined;
  if (typeof rates !== 'object' || rates === null) invalid('scoring options', ['rates'], 'invalid_type', 'must be an object such as { USD: 1, EUR: 1.08 }');
  const out: Record<string, number> = Object.create(null);
  for (const [currency, rate] of Object.entries(rates)) {
    if (!isCurrencyCode(currency)) invalid('scoring options', ['rates', currency], 'unknown_currency', 'must be keyed by ISO 4217 currency codes');
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      invalid('scoring options', ['rates', currency], 'invalid_value', 'must be a positive finite number (value of one major unit)');
    }
    out[currency] = rate;
  }
  return out;
}
