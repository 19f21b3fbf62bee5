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

/**
 * Optional driver packages that are not installed: `code` `UNSUPPORTED` (exit code 1), with a
 * message naming the packages and the command that installs them.
 */
export class MissingDriverError extends TouchlogError {
  constructor(
    what: string,
    /** The packages that are missing, e.g. `['pg']`. */
    readonly packages: readonly string[],
  ) {
    const names = packages.length === 1 ? `the ${packages[0]} package, which is` : `the ${packages.join(' and ')} packages, which are`;
    super('UNSUPPORTED', `${what} needs ${names} not installed: npm install ${packages.join(' ')}`);
  }
}

/** The package a module-not-found error is about (`Cannot find package 'pg' imported from ...`), if it says. */
function missingPackage(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  return /Cannot find (?:package|module) '([^'/]+(?:\/[^'/]+)?)'/.exec((error as Error).message)?.[1];
}

/**
 * Whether a package resolves from here (where touchlog's own modules resolve their imports from);
 * `true` when this runtime cannot tell.
 */
function resolvable(pkg: string): boolean {
  if (typeof import.meta.resolve !== 'function') return true;
  try {
    import.meta.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads a module that needs optional driver packages. When one of `packages` is missing, says
 * which of them are (all at once, so that one install fixes it); any other failure, such as a
 * broken install of touchlog itself, is passed on as it is.
 */
export async function loadDriver<T>(what: string, packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const name = missingPackage(error);
    if (name === undefined || !packages.includes(name)) throw error;
    const missing = packages.filter((pkg) => pkg === name || !resolvable(pkg));
    throw new MissingDriverError(what, missing);
  }
}

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
    const module = await loadDriver('PostgreSQL (--pg)', ['pg', 'kysely'], () => import('../adapters/postgres/index.js'));
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
    const module = await loadDriver('SQLite (--db)', ['better-sqlite3', 'kysely'], () => import('../adapters/sqlite/index.js'));
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
