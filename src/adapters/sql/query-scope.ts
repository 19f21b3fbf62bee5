import type { Kysely } from 'kysely';
import { ClosedError } from '../../errors/index.js';
import { toAdapterError } from './errors.js';
import type { SqlDialect } from './sql-dialect.js';
import type { TouchlogTables } from './tables.js';

/**
 * Sets the tenant a connection acts for, for databases that enforce tenant isolation themselves
 * (PostgreSQL row-level security). Only valid until the end of the current transaction.
 */
export type TenantContext = (db: Kysely<TouchlogTables>, tenant: string) => Promise<void>;

/** Where the statements of an adapter method run, with errors mapped to the contract's. */
export interface QueryScope {
  run<T>(tenant: string, what: string, work: (db: Kysely<TouchlogTables>) => Promise<T>): Promise<T>;
}

/** Reads of committed data, outside any write transaction. */
export class CommittedScope implements QueryScope {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly db: Kysely<TouchlogTables>,
    /** Runs before every read: refuses a closed adapter, applies auto-migration once. */
    private readonly ready: () => Promise<void>,
    private readonly tenantContext: TenantContext | undefined,
  ) {}

  async run<T>(tenant: string, what: string, work: (db: Kysely<TouchlogTables>) => Promise<T>): Promise<T> {
    await this.ready();
    try {
      const context = this.tenantContext;
      if (!context) return await work(this.db);
      // The tenant setting is transaction-local, so it never lingers on a pooled connection.
      return await this.db.transaction().execute(async (trx) => {
        await context(trx, tenant);
        return work(trx);
      });
    } catch (error) {
      throw toAdapterError(this.dialect, error, what);
    }
  }
}

/**
 * The statements of one write transaction, all on its one connection. The first failure is
 * remembered: a transaction in which a statement failed never commits, even if the caller
 * swallowed the error (PostgreSQL would roll it back anyway; SQLite keeps both consistent).
 */
export class TransactionScope implements QueryScope {
  private open = true;
  private contextTenant: string | undefined;
  /** The first error a statement of this transaction raised. */
  failure: unknown;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly db: Kysely<TouchlogTables>,
    private readonly tenantContext: TenantContext | undefined,
  ) {}

  async run<T>(tenant: string, what: string, work: (db: Kysely<TouchlogTables>) => Promise<T>): Promise<T> {
    if (!this.open) throw new ClosedError('this transaction handle (its transaction has ended)');
    try {
      if (this.tenantContext && this.contextTenant !== tenant) {
        await this.tenantContext(this.db, tenant);
        this.contextTenant = tenant;
      }
      return await work(this.db);
    } catch (error) {
      const mapped = toAdapterError(this.dialect, error, what);
      if (this.failure === undefined) this.failure = mapped;
      throw mapped;
    }
  }

  /** Invalidates the handle: the transaction has committed or rolled back. */
  end(): void {
    this.open = false;
  }
}
