import type { PostgresPool, PostgresPoolClient } from 'kysely';

/**
 * The parts of a `pg` pool client the adapter uses, described structurally so that no driver
 * type reaches touchlog's declarations. A `pg.PoolClient` fits as it is.
 */
export interface PostgresClientLike {
  /** Runs one statement with its parameters (`$1`, `$2`...). */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null; command: string }>;
  /** Returns the client to its pool; with an error (or `true`), destroys it instead. */
  release(destroy?: boolean | Error): void;
  /** `pg` clients emit `error` when their connection dies between statements. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/** The parts of a `pg.Pool` the adapter uses. A `pg.Pool` fits as it is. */
export interface PostgresPoolLike {
  /** Checks a client out of the pool. */
  connect(): Promise<PostgresClientLike>;
  /** Closes every connection of the pool. */
  end(): Promise<void>;
}

/** A client as Kysely's driver expects it. */
function kyselyClient(client: PostgresClientLike, release: () => void): PostgresPoolClient {
  return {
    query: (async (text: string, values: ReadonlyArray<unknown>) => client.query(text, [...values])) as PostgresPoolClient['query'],
    release,
  };
}

/** The pool as Kysely sees it, for reads: every statement borrows a client and returns it. */
export function kyselyPool(pool: PostgresPoolLike): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      return kyselyClient(client, () => client.release());
    },
    // The adapter ends pools it created itself, and never one it was given.
    end: async () => {},
  };
}

/** One client as a pool that always hands out that client and never releases it (its owner does). */
export function singleClientPool(client: PostgresClientLike): PostgresPool {
  const wrapped = kyselyClient(client, () => {});
  return { connect: async () => wrapped, end: async () => {} };
}

