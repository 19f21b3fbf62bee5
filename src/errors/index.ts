/**
 * Typed errors with stable `code`s.
 *
 * Every error touchlog throws on purpose is a {@link TouchlogError}. Match on `code` with
 * {@link isTouchlogError} rather than `instanceof`: the guard also works when two copies of the
 * package are loaded (an ESM and a CJS build side by side, or a nested install).
 *
 * Messages are written for the engineer reading a log: they name the entity and the problem, and
 * never include SQL, driver error text or stored personal data.
 */

/** Every stable error code touchlog uses. Codes never change meaning once published. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'SOURCE_CONFLICT',
  'IDENTIFIER_CONFLICT',
  'INVALID_TRANSITION',
  'TENANT_MISMATCH',
  'INTEGRITY_VIOLATION',
  'STORAGE_FAILURE',
  'MIGRATION_FAILED',
  'SCHEMA_NOT_MIGRATED',
  'ABORTED',
  'CLOSED',
  'UNSUPPORTED',
  'TENANT_NOT_EMPTY',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const BRAND = Symbol.for('touchlog.error');

/** Base class of every error touchlog throws on purpose. */
export class TouchlogError extends Error {
  readonly code: ErrorCode;
  /** Marks the object as a touchlog error across package copies (see {@link isTouchlogError}). */
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * `true` when `error` is a touchlog error, optionally with the given `code`.
 *
 * @example
 * ```ts
 * try { await log.interactions.update(id, patch, { expectedVersion: 3 }) }
 * catch (e) { if (isTouchlogError(e, 'VERSION_CONFLICT')) reloadAndRetry() }
 * ```
 */
export function isTouchlogError<C extends ErrorCode>(
  error: unknown,
  code?: C,
): error is TouchlogError & { code: C } {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (error as { code?: unknown }).code === code;
}

/** One problem found by validation. `path` locates the field; batches prefix it with the item index. */
export interface ValidationIssue {
  /** Machine-readable reason, e.g. `invalid_type`, `too_big`, `invalid_date`, `unknown_currency`. */
  readonly code: string;
  /** Location of the offending value, e.g. `['participants', 0, 'address']`; `[3, 'amount']` in batch item 3. */
  readonly path: ReadonlyArray<string | number>;
  /** A sentence a person can act on. */
  readonly message: string;
}

/** Formats a path the way people write it: `items[3].amount.currency`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(root)' : out;
}

const MAX_ISSUES_IN_MESSAGE = 5;

/** Input did not match a model. Lists every problem, each with its path and a human message. */
export class ValidationError extends TouchlogError {
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const shown = issues
      .slice(0, MAX_ISSUES_IN_MESSAGE)
      .map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`)
      .join('\n');
    const more = issues.length > MAX_ISSUES_IN_MESSAGE ? `\n  ...and ${issues.length - MAX_ISSUES_IN_MESSAGE} more` : '';
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('VALIDATION_FAILED', `Invalid ${subject}: ${count}\n${shown}${more}`);
    this.issues = issues;
  }
}

/** No record with that id (or source key) exists in this tenant. */
export class NotFoundError extends TouchlogError {
  readonly entity: string;
  readonly id: string;
  constructor(entity: string, id: string, message = `${entity} ${id} was not found`) {
    super('NOT_FOUND', message);
    this.entity = entity;
    this.id = id;
  }
}

/**
 * A record names its customer by identifiers that no customer has (and `createMissingCustomers`
 * is off): `NOT_FOUND`, entity `customer`. `identifiers` are the keys that were tried
 * (`email:ap@acme.example`, `external:erp:C-1001`); with `createMissingCustomers: true` a customer
 * is created for the first of them instead.
 */
export class UnknownCustomerError extends NotFoundError {
  readonly identifiers: readonly string[];
  constructor(identifiers: readonly string[]) {
    super('customer', identifiers.join(', '), `no customer is known by ${identifiers.join(', ')}`);
    this.identifiers = identifiers;
  }
}

/** An update named an `expectedVersion` that is no longer the stored version. */
export class VersionConflictError extends TouchlogError {
  readonly entity: string;
  readonly id: string;
  readonly expectedVersion: number;
  /** The stored version at the time of the conflict, when known. */
  readonly actualVersion: number | undefined;
  constructor(entity: string, id: string, expectedVersion: number, actualVersion?: number) {
    const actual = actualVersion === undefined ? '' : ` (it is at version ${actualVersion})`;
    super(
      'VERSION_CONFLICT',
      `${entity} ${id} was changed by someone else: expected version ${expectedVersion}${actual}. Reload it and apply the change again.`,
    );
    this.entity = entity;
    this.id = id;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/**
 * The same source record `(system, externalId)` arrived again with the same source version but a
 * different payload. touchlog refuses to pick one silently.
 */
export class SourceConflictError extends TouchlogError {
  readonly entity: string;
  readonly system: string;
  readonly externalId: string;
  readonly sourceVersion: number;
  constructor(entity: string, system: string, externalId: string, sourceVersion: number) {
    super(
      'SOURCE_CONFLICT',
      `${entity} from ${system} ${externalId} arrived again at source version ${sourceVersion} with different content; ` +
        'send it with a higher source.version if it changed',
    );
    this.entity = entity;
    this.system = system;
    this.externalId = externalId;
    this.sourceVersion = sourceVersion;
  }
}

/** A customer identifier (email, phone, external id) already belongs to another customer. */
export class IdentifierConflictError extends TouchlogError {
  readonly identifier: string;
  readonly customerId: string;
  constructor(identifier: string, customerId: string) {
    super('IDENTIFIER_CONFLICT', `identifier ${identifier} already belongs to customer ${customerId}`);
    this.identifier = identifier;
    this.customerId = customerId;
  }
}

/** A status change that the entity's state machine does not allow. */
export class InvalidTransitionError extends TouchlogError {
  readonly entity: string;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly allowed: readonly string[];
  constructor(entity: string, id: string, from: string, to: string, allowed: readonly string[]) {
    const options = allowed.length === 0 ? 'none: it is final' : allowed.join(', ');
    super('INVALID_TRANSITION', `${entity} ${id} cannot go from ${from} to ${to} (allowed from ${from}: ${options})`);
    this.entity = entity;
    this.id = id;
    this.from = from;
    this.to = to;
    this.allowed = allowed;
  }
}

/** A value belonging to another tenant reached an instance bound to this one. */
export class TenantMismatchError extends TouchlogError {
  constructor(message: string) {
    super('TENANT_MISMATCH', message);
  }
}

/** Stored data is not what it should be: a broken audit chain, a corrupted row. */
export class IntegrityError extends TouchlogError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTEGRITY_VIOLATION', message, options);
  }
}

/**
 * The storage backend failed (connection lost, disk full, lock timeout). The driver's own error is
 * kept as `cause` for logs; the message never includes SQL or driver text. `retryable` says whether
 * running the same operation again may succeed.
 */
export class StorageError extends TouchlogError {
  readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super('STORAGE_FAILURE', message, options);
    this.retryable = options?.retryable ?? false;
  }
}

/** A schema migration could not be applied. Nothing of that migration was kept. */
export class MigrationError extends TouchlogError {
  readonly migration: string;
  constructor(migration: string, message: string, options?: { cause?: unknown }) {
    super('MIGRATION_FAILED', `migration ${migration} failed: ${message}`, options);
    this.migration = migration;
  }
}

/**
 * The database's schema is missing or older than this version of touchlog needs, and the adapter
 * was told not to migrate it. Run `adapter.migrate()` (once, before the application starts), or
 * create the adapter with `autoMigrate: true`.
 */
export class SchemaNotMigratedError extends TouchlogError {
  /** Migrations this version would apply, oldest first. */
  readonly pending: readonly string[];
  constructor(database: string, pending: readonly string[]) {
    super(
      'SCHEMA_NOT_MIGRATED',
      `the ${database} database ${pending.length === 0 ? 'is not migrated' : `lacks migration${pending.length === 1 ? '' : 's'} ${pending.join(', ')}`}: ` +
        'run adapter.migrate() before using it, or create the adapter with autoMigrate: true',
    );
    this.pending = pending;
  }
}

/** The operation was cancelled through its `AbortSignal`. Work committed before then stays. */
export class AbortedError extends TouchlogError {
  constructor(message = 'the operation was aborted') {
    super('ABORTED', message);
  }
}

/** The instance or adapter was closed. */
export class ClosedError extends TouchlogError {
  constructor(what: string) {
    super('CLOSED', `${what} is closed`);
  }
}

/** The adapter does not declare a capability that the call needs. */
export class UnsupportedError extends TouchlogError {
  constructor(message: string) {
    super('UNSUPPORTED', message);
  }
}

// ------------------------------------------------------------------------------------------------
// Restorable exports

/**
 * A restore found the tenant already holding data that is not exactly the export's: touchlog
 * never merges an export into existing data. Restore into an empty tenant (or another store).
 */
export class TenantNotEmptyError extends TouchlogError {
  readonly tenant: string;
  constructor(tenant: string, message: string) {
    super('TENANT_NOT_EMPTY', message);
    this.tenant = tenant;
  }
}

/**
 * A restorable export does not hold together: an audit entry changed, missing or out of place,
 * a record that is not the state its last entry wrote, counts or a checksum that disagree with
 * what was read. `INTEGRITY_VIOLATION`; nothing of the export was restored.
 */
export class RestoreIntegrityError extends IntegrityError {
  /** The line of the export where the problem was found (1-based). */
  readonly line: number;
  /** The audit entry concerned, when there is one. */
  readonly seq: number | undefined;
  /** The record concerned, when there is one. */
  readonly recordId: string | undefined;
  constructor(message: string, where: { line: number; seq?: number; recordId?: string }) {
    super(message);
    this.line = where.line;
    this.seq = where.seq;
    this.recordId = where.recordId;
  }
}
