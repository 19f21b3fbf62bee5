/**
 * Sorting more items than fit in memory: runs of `runSize` items are sorted in memory and spilled
 * to files in a private temporary directory, then merged with a heap, one line per run in memory.
 * An input that fits in one run never touches the disk.
 *
 * The files hold what the items hold (for reconciliation: a source's external ids, which may name
 * people), so the directory is created with mode 0700 and its files 0600, and it is removed when
 * the sort ends — finished, failed or abandoned by its consumer.
 *
 * @module
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { MinHeap } from '../timeline/heap.js';
import { Yielder } from '../runtime/yielder.js';
import { ValidationError } from '../errors/index.js';

/** Options of {@link sortExternally}. */
export interface ExternalSortOptions<T> {
  readonly compare: (a: T, b: T) => number;
  /** Items sorted in memory at a time (and per file); 100 000 when not given. */
  readonly runSize?: number;
  /** Where the private temporary directory is made; the OS temporary directory when not given. */
  readonly directory?: string;
}

/** Writes a line, waiting when the file's buffer is full. */
async function writeLine(stream: WriteStream, line: string): Promise<void> {
  if (!stream.write(line)) await once(stream, 'drain');
}

/** Lines of a file, one at a time. */
async function* fileLines(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      yield text.slice(start, end);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') yield rest;
}

/** Items sorted at once by `Array.prototype.sort`, which cannot be interrupted: a few milliseconds of work. */
const SORT_SLICE = 4096;

/**
 * Sorts `items` (stable), yielding to the event loop between slices of work: slices sorted one
 * by one, then merged bottom up. A run of 100 000 ids sorted at once would hold the event loop
 * for about a tenth of a second.
 */
export async function sortYielding<T>(items: T[], compare: (a: T, b: T) => number, yielder = new Yielder()): Promise<T[]> {
  let from = items;
  for (let start = 0; start < from.length; start += SORT_SLICE) {
    const slice = from.slice(start, start + SORT_SLICE).sort(compare);
    for (let i = 0; i < slice.length; i++) from[start + i] = slice[i]!;
    await yielder.maybeYield();
  }
  let to: T[] = new Array<T>(from.length);
  for (let width = SORT_SLICE; width < from.length; width *= 2) {
    for (let left = 0; left < from.length; left += 2 * width) {
      const middle = Math.min(left + width, from.length);
      const end = Math.min(left + 2 * width, from.length);
      let i = left;
      let j = middle;
      for (let k = left; k < end; k++) {
        to[k] = i < middle && (j >= end || compare(from[i]!, from[j]!) <= 0) ? from[i++]! : from[j++]!;
        if ((k & 4095) === 0) await yielder.maybeYield();
      }
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * The items of `input` in `compare` order, using at most about `runSize` items of memory.
 * Items must be JSON values (they are spilled as JSON lines).
 *
 * @example
 * ```ts
 * for await (const id of sortExternally(readIds(), { compare: compareUtf8 })) console.log(id);
 * ```
 */
export async function* sortExternally<T>(input: AsyncIterable<T> | Iterable<T>, options: ExternalSortOptions<T>): AsyncGenerator<T> {
  const runSize = options.runSize ?? 100_000;
  const { compare } = options;
  const yielder = new Yielder();
  let dir: string | undefined;
  const runs: string[] = [];
  try {
    let run: T[] = [];
    const spill = async () => {
      run = await sortYielding(run, compare, yielder);
      if (dir === undefined) {
        const parent = options.directory ?? tmpdir();
        try {
          dir = await mkdtemp(join(parent, 'touchlog-sort-'));
        } catch (error) {
          throw new ValidationError('sort options', [
            { code: 'unusable_directory', path: ['spoolDirectory'], message: `the directory ${parent} cannot hold temporary files (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
          ]);
        }
      }
      const path = join(dir, `run-${runs.length}.ndjson`);
      runs.push(path);
      const stream = createWriteStream(path, { mode: 0o600, flags: 'wx' });
      try {
        for (const item of run) {
          await writeLine(stream, `${JSON.stringify(item)}\n`);
          await yielder.maybeYield();
        }
      } finally {
        stream.end();
        await once(stream, 'close');
      }
      run = [];
    };
    for await (const item of input as AsyncIterable<T>) {
      run.push(item);
      if (run.length >= runSize) await spill();
      await yielder.maybeYield();
    }
    if (runs.length === 0) {
      run = await sortYielding(run, compare, yielder);
      for (const item of run) {
        yield item;
        await yielder.maybeYield();
      }
      return;
    }
    if (run.length > 0) await spill();

    const readers = runs.map((path) => fileLines(path));
    const heads: Array<{ item: T; reader: AsyncGenerator<string> }> = [];
    for (const reader of readers) {
      const first = await reader.next();
      if (!first.done) heads.push({ item: JSON.parse(first.value) as T, reader });
    }
    const heap = new MinHeap(heads, (a, b) => compare(a.item, b.item) < 0);
    try {
      while (heap.size > 0) {
        const top = heap.top();
        yield top.item;
        const next = await top.reader.next();
        if (next.done) heap.pop();
        else {
          top.item = JSON.parse(next.value) as T;
          heap.topChanged();
        }
        await yielder.maybeYield();
      }
    } finally {
      await Promise.all(readers.map((reader) => reader.return(undefined)));
    }
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
