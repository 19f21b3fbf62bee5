/**
 * Customers named in text, as people type them on a command line or in a URL.
 */
import { NotFoundError, ValidationError } from '../errors/index.js';
import type { CustomerRefInput } from '../models/common.js';
import type { Customer } from '../models/customer.js';
import { isUlid } from '../models/primitives.js';
import type { Touchlog } from '../store/touchlog.js';

const SYSTEM = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Reads a customer reference written as text:
 *
 * | text | reference |
 * | --- | --- |
 * | `01JQ8Z6M3V4N5P6Q7R8S9T0V1W` (a ULID) or `id:01JQ…` | `{ id }` |
 * | `email:ap@acme.example`, or any text with an `@` | `{ type: 'email', value }` |
 * | `phone:+14155552671`, or text starting with `+` | `{ type: 'phone', value }` |
 * | `erp:C-1001` (`<system>:<value>`), or `external:erp:C-1001` | `{ type: 'external', system: 'erp', value: 'C-1001' }` |
 *
 * @throws {ValidationError} `VALIDATION_FAILED` for text that is none of these
 *
 * @example
 * ```ts
 * parseCustomerRef('erp:C-1001') // { type: 'external', system: 'erp', value: 'C-1001' }
 * parseCustomerRef('ap@acme.example') // { type: 'email', value: 'ap@acme.example' }
 * ```
 */
export function parseCustomerRef(text: string): CustomerRefInput {
  const value: string = typeof text === 'string' ? text.trim() : '';
  if (isUlid(value as unknown)) return { id: value } as CustomerRefInput;
  const colon = value.indexOf(':');
  if (colon > 0) {
    const prefix = value.slice(0, colon).toLowerCase();
    const rest = value.slice(colon + 1).trim();
    if (rest !== '') {
      if (prefix === 'id') return { id: rest } as CustomerRefInput;
      if (prefix === 'email' || prefix === 'mailto') return { type: 'email', value: rest };
      if (prefix === 'phone' || prefix === 'tel') return { type: 'phone', value: rest };
      if (prefix === 'external') {
        const second = rest.indexOf(':');
        if (second > 0 && SYSTEM.test(rest.slice(0, second))) return { type: 'external', system: rest.slice(0, second), value: rest.slice(second + 1) };
      } else if (SYSTEM.test(prefix) && !value.includes('@')) {
        return { type: 'external', system: prefix, value: rest };
      }
    }
  }
  if (value.includes('@') && !/\s/.test(value)) return { type: 'email', value };
  if (/^\+\d/.test(value)) return { type: 'phone', value };
  throw new ValidationError('customer reference', [
    {
      code: 'invalid_format',
      path: ['customer'],
      message: `${JSON.stringify(value)} is not a customer: give an id, email:<address>, phone:<+number> or <system>:<id> such as erp:C-1001`,
    },
  ]);
}

/**
 * The customer a text reference names (see {@link parseCustomerRef}); a merged customer resolves
 * to the one it was merged into.
 *
 * @throws {NotFoundError} `NOT_FOUND` when no customer is known by it
 * @throws {ValidationError} `VALIDATION_FAILED` for text that is no reference
 */
export async function resolveCustomerRef(log: Touchlog, text: string): Promise<Customer> {
  const ref = parseCustomerRef(text);
  const customer = await log.customers.resolve(ref);
  if (!customer) throw new NotFoundError('customer', text.trim(), `no customer is known by ${text.trim()}`);
  return customer;
}
