import type { Kysely } from 'kysely';
import type { ScrubReport } from '../contract.js';
import type { TouchlogTables } from '../sql/tables.js';
import type { SqliteDatabaseLike } from './sqlite-connection.js';
import type { AsyncLock } from './write-lock.js';

/**
 * Copies the write-ahead log into the database file and truncates it, without waiting for
 * readers: `busy_timeout` is 0 for the attempt, so a connection (or process) in the middle of a
 * read makes it fail at once instead of blocking for `busy_timeout` (or, retried, for minutes).
 * Returns `true` when the log is empty afterwards.
 */
export function truncateLog(db: SqliteDatabaseLike, busyTimeoutMs: number): boolean {
  db.pragma('busy_timeout = 0');
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result === undefined || result.busy === 0;
  } catch {
    return false; // another connection holds the write lock: not now
  } finally {
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  }
}

/** Attempts of a scrub before it reports itself pending, and the pause between them. */
const ATTEMPTS = 5;
const PAUSE_MS = 200;
/** How often a pending scrub tries again in the background. */
const RETRY_MS = 1_000;

/**
 * Scrubs after erasures. A scrub tries for about a second; when readers still hold the log back,
 * it says so and keeps trying in the background (a timer that does not keep the process alive)
 * until it succeeds, the adapter closes (which tries once more), or the file is next opened.
 */
export class LogScrubber {
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: SqliteDatabaseLike,
    private readonly busyTimeoutMs: number,
    private readonly lock: AsyncLock,
    private readonly writeDb: Kysely<TouchlogTables>,
  ) {}

  /** One attempt, on the write connection, between write transactions. */
  private attempt(): Promise<boolean> {
    return this.lock.exclusive(() => this.writeDb.connection().execute(async () => truncateLog(this.db, this.busyTimeoutMs)));
  }

  async scrub(): Promise<ScrubReport> {
    for (let attempt = 1; ; attempt++) {
      if (await this.attempt()) {
        this.stop();
        return { complete: true };
      }
      if (attempt === ATTEMPTS) break;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    this.retry ??= setInterval(() => {
      void this.attempt().then(
        (done) => done && this.stop(),
        () => this.stop(), // the adapter closed meanwhile
      );
    }, RETRY_MS).unref();
    return {
      complete: false,
      pending:
        'another connection is reading the database, so its write-ahead log (which still holds the erased values) cannot be truncated yet; ' +
        'it will be as soon as that read ends, when this adapter closes, or when the file is next opened',
    };
  }

  stop(): void {
    if (this.retry) clearInterval(this.retry);
    this.retry = undefined;
  }
}
