import { isUniqueViolation, UniqueViolation } from '../contract.js';
import { isTouchlogError, StorageError } from '../../errors/index.js';
import type { SqlDialect } from './sql-dialect.js';

/** Errors that mean "run the whole transaction again" (serialization failures, deadlocks). */
const serializationFailures = new WeakSet<object>();

/**
 * Turns a driver error into what the contract promises: {@link UniqueViolation} for the
 * constraints the core handles, a {@link StorageError} for everything else. Messages say what
 * was being done, never the SQL or the driver's words; the driver error stays as `cause`.
 */
export function toAdapterError(dialect: SqlDialect, error: unknown, what: string): unknown {
  if (isTouchlogError(error) || isUniqueViolation(error)) return error;
  const classified = dialect.classifyError(error);
  const database = `the ${dialect.name} database`;
  switch (classified.kind) {
    case 'unique':
      if (classified.constraint) return new UniqueViolation(classified.constraint, { cause: error });
      // Another key (an audit sequence number): a concurrent writer got there first.
      return new StorageError(`${database} refused a duplicate key while ${what}; a concurrent writer got there first`, {
        cause: error,
        retryable: true,
      });
    case 'serialization': {
      const failure = new StorageError(`a concurrent transaction conflicted with this one while ${what}`, { cause: error, retryable: true });
      serializationFailures.add(failure);
      return failure;
    }
    case 'unavailable':
      return new StorageError(`${database} was busy or unreachable while ${what}`, { cause: error, retryable: true });
    case 'missing_table':
    case 'other':
      return new StorageError(`${database} failed while ${what}`, { cause: error });
  }
}

/** `true` for an error that running the whole transaction again may cure. */
export function isSerializationFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && serializationFailures.has(error);
}
