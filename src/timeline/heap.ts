/**
 * A binary min-heap over an array, ordered by `less`. Only what the k-way merge needs: build,
 * push, replace the top, pop the top. Internal to the timeline modules.
 */
export class MinHeap<T> {
  readonly items: T[];
  private readonly less: (a: T, b: T) => boolean;

  constructor(items: T[], less: (a: T, b: T) => boolean) {
    this.items = items;
    this.less = less;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  /** The smallest item; the heap must not be empty. */
  top(): T {
    return this.items[0]!;
  }

  /** Restores the order after the top item's key grew (it was advanced to its next entry). */
  topChanged(): void {
    this.down(0);
  }

  /** Adds an item. */
  push(item: T): void {
    const { items, less } = this;
    let index = items.length;
    items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!less(item, items[parent]!)) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = item;
  }

  /** Removes the top item. */
  pop(): void {
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private down(index: number): void {
    const { items, less } = this;
    const n = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && less(items[right]!, items[left]!) ? right : left;
      if (!less(items[child]!, item)) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = item;
  }
}
