/**
 * An array kept in order by `compare`, for the memory adapter's indexes. Inserting at the end
 * (the usual case: ids and instants mostly grow) is a push; elsewhere a binary search and a splice.
 * Items must be distinct by `compare`.
 */
export class SortedList<T> {
  private readonly array: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get length(): number {
    return this.array.length;
  }

  at(index: number): T {
    return this.array[index]!;
  }

  /** The items in order (the list's own array: do not change it). */
  items(): readonly T[] {
    return this.array;
  }

  /** Index of the first item not less than `probe`. */
  lowerBound(probe: T): number {
    let lo = 0;
    let hi = this.array.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.array[mid]!, probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first item greater than `probe`. */
  upperBound(probe: T): number {
    let lo = 0;
    let hi = this.array.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.array[mid]!, probe) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    const last = this.array[this.array.length - 1];
    if (last === undefined || this.compare(last, item) < 0) {
      this.array.push(item);
      return;
    }
    this.array.splice(this.lowerBound(item), 0, item);
  }

  /** Removes the item equal to `item` by `compare`, if there is one. */
  remove(item: T): void {
    const last = this.array.length - 1;
    if (last >= 0 && this.compare(this.array[last]!, item) === 0) {
      this.array.pop();
      return;
    }
    const index = this.lowerBound(item);
    if (index < this.array.length && this.compare(this.array[index]!, item) === 0) this.array.splice(index, 1);
  }
}
