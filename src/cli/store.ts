/**
 * Opening the store the command works on: SQLite by default (`--db`), PostgreSQL with `--pg`.
 * Adapters are loaded only when needed, so a missing optional driver only matters to the commands
 * that use it.
 */
import { existsSync } from 'node:fs';
import type { StorageAdapter } from '../adapters/contract.js';
import { NotFoundError, TouchlogError } from '../errors/index.js';
import { createTouchlog, type Touchlog } from '../store/touchlog.js';
import { UsageError } from './errors.js';

/** Where the command's data lives. */
export interface StoreOptions {
  readonly db: string;
  readonly pg: string | undefined;
  readonly tenant: string;
  readonly actor: string;
}

/** An open store. */
export interface OpenStore {
  readonly log: Touchlog;
  /** A short description for messages: `touchlog.db` or `postgres://host/db`. */
  readonly where: string;
  close(): Promise<void>;
}

/** A driver that is not installed: say which package to install. */
class MissingDriverError extends TouchlogError {
  constructor(what: string, packages: string) {
    super('UNSUPPORTED', `${what} needs ${packages}: npm install ${packages}`);
  }
}

const isMissingModule = (error: unknown) =>
  (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' || (error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND';

/** The PostgreSQL URL without its password, for messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.username = '';
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    throw new UsageError('--pg must be a PostgreSQL URL such as postgres://user:password@host:5432/db');
  }
}

/**
 * Opens the store. With `mustExist`, a SQLite file that does not exist is an error (reading
 * commands), rather than an empty database created on the spot.
 */
export async function openStore(options: StoreOptions, mustExist: boolean): Promise<OpenStore> {
  let adapter: StorageAdapter;
  let where: string;
  if (options.pg !== undefined) {
    where = describeUrl(options.pg);
    let module: typeof import('../adapters/postgres/index.js');
    try {
      module = await import('../adapters/postgres/index.js');
    } catch (error) {
      if (isMissingModule(error)) throw new MissingDriverError('--pg', 'pg kysely');
      throw error;
    }
    adapter = module.postgresAdapter({ connectionString: options.pg, maxConnections: 4 });
  } else {
    where = options.db;
    if (mustExist && options.db !== ':memory:' && !existsSync(options.db)) {
      throw new NotFoundError(
        'database',
        options.db,
        `database ${options.db} does not exist: create it with "touchlog import" or "touchlog demo", or name another with --db`,
      );
    }
    let module: typeof import('../adapters/sqlite/index.js');
    try {
      module = await import('../adapters/sqlite/index.js');
    } catch (error) {
      if (isMissingModule(error)) throw new MissingDriverError('SQLite (--db)', 'better-sqlite3 kysely');
      throw error;
    }
    adapter = module.sqliteAdapter({ filename: options.db });
  }
  try {
    await adapter.migrate();
  } catch (error) {
    await adapter.close().catch(() => {});
    throw error;
  }
  const log = createTouchlog({ adapter, tenant: options.tenant, actor: options.actor });
  return { log, where, close: () => adapter.close() };
}
