import { resolve } from 'node:path';
import { AsyncLock } from '../async-lock.js';

export { AsyncLock };

const fileLocks = new Map<string, AsyncLock>();

/**
 * The lock that serialises write transactions on one database file within this process. SQLite
 * already serialises writers across processes, but by blocking: better-sqlite3 waits out
 * `busy_timeout` synchronously, so two connections of one process waiting on each other would
 * freeze the event loop until the timeout. Waiting here, asynchronously, avoids that.
 */
export function writeLockFor(filename: string): AsyncLock {
  const key = resolve(filename);
  let lock = fileLocks.get(key);
  if (!lock) {
    lock = new AsyncLock();
    fileLocks.set(key, lock);
  }
  return lock;
}
