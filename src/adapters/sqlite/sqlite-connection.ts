import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { StorageError } from '../../errors/index.js';

/** The parts of a better-sqlite3 `Statement` the adapter uses. */
export interface SqliteStatementLike {
  /** `true` when the statement returns rows. */
  readonly reader: boolean;
  /** Runs the statement and returns every row. */
  all(parameters: ReadonlyArray<unknown>): unknown[];
  /** Runs a statement that returns no rows. */
  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint };
  /** Runs the statement and returns its rows one at a time. */
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown>;
}

/**
 * The parts of a better-sqlite3 `Database` the adapter uses, described structurally so that no
 * driver type reaches touchlog's declarations. A better-sqlite3 `Database` fits as it is.
 */
export interface SqliteDatabaseLike {
  /** The file name the database was opened with (`:memory:` for an in-memory database). */
  readonly name: string;
  /** `true` for an in-memory (or temporary) database. */
  readonly memory: boolean;
  /** Compiles a statement. */
  prepare(sql: string): SqliteStatementLike;
  /** Runs a PRAGMA; with `simple`, returns the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Closes the connection. */
  close(): unknown;
}

/** Durability of commits; see {@link SqliteAdapterOptions.synchronous}. */
export type SqliteSynchronous = 'full' | 'normal';

/** `PRAGMA synchronous` values as SQLite reports them. */
const SYNCHRONOUS_LEVELS: Record<SqliteSynchronous, number> = { normal: 1, full: 2 };

export interface ConnectionSettings {
  readonly synchronous: SqliteSynchronous;
  readonly busyTimeoutMs: number;
  /** Switch the database to WAL (file databases). */
  readonly wal: boolean;
  /** Refuse writes on this connection (the read connection). */
  readonly readOnly: boolean;
}

/**
 * Applies the adapter's PRAGMAs to a connection, then reads each back and refuses the connection
 * when one did not take: `synchronous` is per connection, and better-sqlite3 opens WAL
 * connections at NORMAL, so a setting that silently failed would weaken durability unnoticed.
 */
export function configureConnection(db: SqliteDatabaseLike, settings: ConnectionSettings): void {
  const expect = (pragma: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) {
      throw new StorageError(`the sqlite connection did not take the setting ${pragma} = ${String(expected)} (it reports ${String(actual)})`);
    }
  };
  if (settings.wal) {
    expect('journal_mode', String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase(), 'wal');
  }
  db.pragma(`busy_timeout = ${Math.trunc(settings.busyTimeoutMs)}`);
  expect('busy_timeout', db.pragma('busy_timeout', { simple: true }), Math.trunc(settings.busyTimeoutMs));
  db.pragma(`synchronous = ${settings.synchronous.toUpperCase()}`);
  expect('synchronous', db.pragma('synchronous', { simple: true }), SYNCHRONOUS_LEVELS[settings.synchronous]);
  // Deleted and overwritten content is zeroed, so erased personal data does not survive in free pages.
  db.pragma('secure_delete = ON');
  expect('secure_delete', db.pragma('secure_delete', { simple: true }), 1);
  if (settings.readOnly) {
    db.pragma('query_only = ON');
    expect('query_only', db.pragma('query_only', { simple: true }), 1);
  }
}

/** Prepared statements kept per connection: repeated statements skip SQLite's parser and planner. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely sees it, with a cache of prepared statements (better-sqlite3 has
 * none, and Kysely prepares every statement it runs). `close()` only closes connections the
 * adapter opened itself.
 */
export class CachingSqliteDatabase implements SqliteDatabase {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(
    private readonly db: SqliteDatabaseLike,
    private readonly owned: boolean,
  ) {}

  prepare(sql: string): SqliteStatement {
    const cached = this.statements.get(sql);
    if (cached) {
      // Most recently used last, so the oldest is evicted first.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.db.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    return statement;
  }

  close(): void {
    this.statements.clear();
    if (this.owned) this.db.close();
  }
}
