import { ValidationError } from '../errors/index.js';

/**
 * The options object a caller passed: `{}` when left out, a validation error when it is not an
 * object (JavaScript callers can pass anything).
 */
export function optionsOf<T extends object>(options: T | undefined, subject: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError(subject, [{ code: 'invalid_type', path: ['options'], message: 'must be an object' }]);
  }
  return options;
}
