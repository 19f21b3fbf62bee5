/**
 * Exit codes of the `touchlog` command and the errors that choose them.
 */
import { isTouchlogError, NotFoundError, type TouchlogError } from '../errors/index.js';

/** Exit codes: stable, documented in docs/cli.md. */
export const EXIT = {
  /** Everything worked. */
  ok: 0,
  /** Something failed that is not the input's fault: the database, a bug. */
  failure: 1,
  /** The command line is wrong: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** The input is wrong: a missing or unreadable file, an invalid mapping or record. */
  input: 3,
  /** What was asked for does not exist: an unknown customer. */
  notFound: 4,
  /** `verify` found the audit trail changed. */
  verifyFailed: 5,
  /** `import` finished, but some records were rejected (listed). */
  rejected: 6,
  /** `reconcile`: the source and the store do not agree (something missing, extra or different). */
  differs: 7,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** A mistake on the command line. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to point at. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Entities whose absence is an input problem (exit 3) rather than an unknown record (exit 4). */
const INPUT_ENTITIES = new Set(['file', 'database']);

/** The exit code for an error. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (!isTouchlogError(error)) return EXIT.failure;
  switch ((error as TouchlogError).code) {
    case 'VALIDATION_FAILED':
      return EXIT.input;
    case 'NOT_FOUND':
      return error instanceof NotFoundError && INPUT_ENTITIES.has(error.entity) ? EXIT.input : EXIT.notFound;
    case 'INTEGRITY_VIOLATION':
      return EXIT.verifyFailed;
    case 'ABORTED':
      return EXIT.interrupted;
    default:
      return EXIT.failure;
  }
}
