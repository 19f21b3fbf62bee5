/**
 * Lets the rest of the process run during long work. better-sqlite3 answers synchronously, so a
 * loop of adapter reads never leaves the microtask queue: timers, I/O and requests would wait
 * for the whole loop. Long reads (streams, verification, exports) call {@link Yielder.maybeYield}
 * between pages; it gives the event loop a turn once `budgetMs` of work has passed since the last.
 */
export class Yielder {
  private last = performance.now();

  constructor(private readonly budgetMs = 10) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.last < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
