import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { StorageError, ValidationError } from '../../errors/index.js';
import type { StorageAdapter } from '../contract.js';
import { createSqlAdapter, type SqlAdapterOptions } from '../sql/sql-adapter.js';
import type { TouchlogTables } from '../sql/tables.js';
import { inTransaction } from '../sql/transaction-runner.js';
import { CachingSqliteDatabase, configureConnection, type SqliteDatabaseLike, type SqliteSynchronous } from './sqlite-connection.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { LogScrubber, truncateLog } from './log-scrubber.js';
import { AsyncLock, writeLockFor } from './write-lock.js';

/** Options of {@link sqliteAdapter}: give `filename` or `database`. */
export interface SqliteAdapterOptions extends SqlAdapterOptions {
  /**
   * Path of the database file, created when missing. `':memory:'` keeps everything in memory
   * (lost on close; not shared with other connections).
   */
  readonly filename?: string;
  /**
   * An open better-sqlite3 `Database` to use as the write connection instead of opening one. The
   * adapter switches it to WAL and sets `busy_timeout` and `synchronous` on it; it does not close
   * it. For a file database, the adapter opens a second, read-only connection on the same file.
   */
  readonly database?: SqliteDatabaseLike;
  /**
   * When a commit counts as durable.
   *
   * - `'full'` (default): every commit is synced to disk before it returns. A commit that
   *   returned survives a power cut or OS crash.
   * - `'normal'`: in WAL mode, commits are synced at checkpoints only. Faster for many small
   *   transactions, and the database never corrupts, but the last transactions before a power
   *   cut or OS crash can be lost (a crash of the process alone loses nothing).
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another process's write lock before failing, in ms; 5 000 when not given. */
  readonly busyTimeoutMs?: number;
}

/** `true` for better-sqlite3's in-memory and temporary database names. */
const isMemoryName = (filename: string) => filename === ':memory:' || filename === '';

/**
 * The embedded adapter: SQLite through better-sqlite3, in WAL mode.
 *
 * - Writes run on one connection, as `BEGIN IMMEDIATE` transactions serialised by an async lock
 *   (other processes wait on SQLite's lock, up to `busyTimeoutMs`).
 * - Reads outside transactions run on a second connection and see committed data only. An
 *   in-memory database has one connection; its reads wait for the write in progress.
 * - `PRAGMA synchronous` is set and verified on every connection (`FULL` unless told otherwise).
 * - The schema is created or brought up to date on first use (`autoMigrate`, on by default here);
 *   with `autoMigrate: false`, run `migrate()` yourself. {@link sqliteSchemaSql} gives the same
 *   schema as plain SQL.
 *
 * @example
 * ```ts
 * import { createTouchlog } from 'touchlog';
 * import { sqliteAdapter } from 'touchlog/sqlite';
 *
 * const log = createTouchlog({ adapter: sqliteAdapter({ filename: 'crm.db' }), tenant: 'acme', actor: 'svc:billing-sync' });
 * ```
 */
export function sqliteAdapter(options: SqliteAdapterOptions): StorageAdapter {
  if ((options.filename === undefined) === (options.database === undefined)) {
    throw new ValidationError('sqlite adapter options', [
      { code: 'invalid_union', path: ['filename'], message: 'give either a filename or an open database, not both or neither' },
    ]);
  }
  const settings = { synchronous: options.synchronous ?? 'full', busyTimeoutMs: options.busyTimeoutMs ?? 5_000 } as const;
  const owned = options.database === undefined;
  let writer: SqliteDatabaseLike;
  try {
    writer = options.database ?? new Database(options.filename!);
  } catch (error) {
    // A missing directory, no permission, not a database: say which file, not the driver's words.
    throw new StorageError(`cannot open the SQLite database ${options.filename}: check that its directory exists and is writable`, { cause: error });
  }
  const memory = writer.memory || isMemoryName(writer.name);
  let reader: SqliteDatabaseLike | undefined;
  try {
    configureConnection(writer, { ...settings, wal: !memory, readOnly: false });
    if (!memory) {
      reader = new Database(writer.name, { fileMustExist: true });
      configureConnection(reader, { ...settings, wal: false, readOnly: true });
    }
  } catch (error) {
    reader?.close();
    if (owned) writer.close();
    throw error;
  }

  const writerConnection = new CachingSqliteDatabase(writer, owned);
  const readerConnection = reader ? new CachingSqliteDatabase(reader, true) : undefined;
  const writeDb = new Kysely<TouchlogTables>({ dialect: new SqliteDialect({ database: writerConnection }) });
  const readDb = readerConnection ? new Kysely<TouchlogTables>({ dialect: new SqliteDialect({ database: readerConnection }) }) : writeDb;
  const lock = memory ? new AsyncLock() : writeLockFor(writer.name);
  // A log left by a process that ended before it could scrub (after an erasure, say) is copied
  // into the file and truncated now, if nobody else is reading it.
  if (!memory) truncateLog(writer, settings.busyTimeoutMs);
  const scrubber = memory ? undefined : new LogScrubber(writer, settings.busyTimeoutMs, lock, writeDb);

  return createSqlAdapter(
    {
      dialect: sqliteDialect,
      capabilities: { persistent: !memory, multiProcess: !memory },
      readDb,
      // better-sqlite3's own transaction functions cannot await: statements after an await would
      // commit outside the transaction. So BEGIN/COMMIT run by hand, on a connection that the
      // lock (and Kysely's connection mutex) keeps to this one transaction until it ends.
      runTransaction: (work) =>
        lock.exclusive(() => writeDb.connection().execute((db) => inTransaction(db, sqliteDialect, work, () => {}))),
      // After an erasure: copy the WAL into the (secure_delete) database file and truncate it, so
      // the erased values survive neither in the log nor in free pages.
      ...(scrubber ? { scrub: () => scrubber.scrub() } : {}),
      async close() {
        scrubber?.stop();
        // Kysely closes a connection only once it was used: close both ourselves too, the reader
        // first, so that the log can be truncated and the writer is the file's last connection
        // (SQLite then checkpoints and removes the log as it closes).
        if (readDb !== writeDb) await readDb.destroy();
        readerConnection?.close();
        if (!memory && owned) truncateLog(writer, settings.busyTimeoutMs);
        await writeDb.destroy();
        writerConnection.close();
      },
    },
    { ...options, autoMigrate: options.autoMigrate ?? true },
  );
}
