/**
 * A first-come, first-served async lock: `exclusive(fn)` runs `fn` when every earlier holder has
 * finished. Adapters use it to keep a connection (or an in-memory state) to one transaction at a
 * time without blocking the event loop.
 */
export class AsyncLock {
  private tail: Promise<void> = Promise.resolve();

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Resolves once nobody holds or waits for the lock. */
  async idle(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail);
  }
}
