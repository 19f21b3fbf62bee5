/**
 * Where an import reads from: a file path or an already open stream, as a sequence of byte chunks
 * with a running byte count (for progress), and a line splitter that keeps memory bounded.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError } from '../errors/index.js';

/**
 * What an import reads: a file path (or `file:` URL), or a Node `Readable` / any async iterable
 * of byte chunks or strings (an HTTP request body, `process.stdin`...).
 */
export type ImportInput = string | URL | AsyncIterable<Uint8Array | string>;

/** An opened input: its chunks, and how far reading has got. */
export interface OpenedInput {
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes read so far. */
  bytesRead(): number;
  /** Size in bytes, when known (files). */
  readonly bytesTotal: number | undefined;
  /** The file path, for inputs read from a file. */
  readonly path: string | undefined;
}

const encoder = new TextEncoder();

/** The path of a file input (`string` or `file:` URL), or `undefined` for a stream. */
export function pathOf(input: ImportInput): string | undefined {
  if (typeof input === 'string') return input;
  if (input instanceof URL) {
    if (input.protocol !== 'file:') {
      throw new ValidationError('import input', [{ code: 'invalid_value', path: ['input'], message: 'must be a file path, a file: URL or a stream' }]);
    }
    return fileURLToPath(input);
  }
  return undefined;
}

/**
 * Checks that a file exists and is a regular file.
 *
 * @throws {NotFoundError} `NOT_FOUND` (entity `file`) when it does not exist
 * @throws {ValidationError} `VALIDATION_FAILED` when it is a directory or cannot be read
 */
export async function checkFile(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new ValidationError('import input', [{ code: 'invalid_value', path: ['input'], message: `${path} is not a file` }]);
    }
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') throw new NotFoundError('file', path, `file ${path} was not found`);
    if ((error as NodeJS.ErrnoException)?.code === 'EACCES') {
      throw new ValidationError('import input', [{ code: 'unreadable_input', path: ['input'], message: `${path} cannot be read (permission denied)` }]);
    }
    throw error;
  }
}

/** Opens an input for reading, counting the bytes that go through. */
export async function openInput(input: ImportInput): Promise<OpenedInput> {
  const path = pathOf(input);
  let read = 0;
  if (path !== undefined) {
    const size = await checkFile(path);
    const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    return {
      chunks: (async function* () {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          read += chunk.byteLength;
          yield chunk;
        }
      })(),
      bytesRead: () => read,
      bytesTotal: size,
      path,
    };
  }
  if (input === null || typeof input !== 'object' || typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
    throw new ValidationError('import input', [{ code: 'invalid_type', path: ['input'], message: 'must be a file path, a file: URL, a Readable or an async iterable of chunks' }]);
  }
  const source = input as AsyncIterable<Uint8Array | string>;
  return {
    chunks: (async function* () {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
        if (!(bytes instanceof Uint8Array)) {
          throw new ValidationError('import input', [{ code: 'invalid_type', path: ['input'], message: 'the stream must yield bytes or strings' }]);
        }
        read += bytes.byteLength;
        yield bytes;
      }
    })(),
    bytesRead: () => read,
    bytesTotal: undefined,
    path: undefined,
  };
}

/** One line of an input, without its line ending. */
export interface RawLine {
  /** 1-based line number. */
  readonly number: number;
  /** The line's bytes; `undefined` when it was longer than the limit (its bytes were dropped). */
  readonly bytes: Uint8Array | undefined;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines (`\n` or `\r\n`), holding at most one line (up to
 * `maxLineBytes`) in memory. A longer line is reported with `bytes: undefined` and skipped to its
 * end, so one broken line cannot exhaust memory. A last line without a line ending counts; an
 * empty input has no lines.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<RawLine> {
  let parts: Uint8Array[] = [];
  let length = 0;
  let tooLong = false;
  let number = 0;
  const finish = (): RawLine => {
    number++;
    if (tooLong) {
      parts = [];
      length = 0;
      tooLong = false;
      return { number, bytes: undefined };
    }
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    parts = [];
    length = 0;
    return { number, bytes };
  };
  const add = (piece: Uint8Array) => {
    if (tooLong || piece.length === 0) return;
    if (length + piece.length > maxLineBytes + 1) {
      // +1 leaves room for the CR of a CRLF line ending.
      tooLong = true;
      parts = [];
      length = 0;
      return;
    }
    parts.push(piece);
    length += piece.length;
  };
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) {
        // Copy: the stream may reuse its buffer.
        add(Uint8Array.prototype.slice.call(chunk, start));
        break;
      }
      add(chunk.subarray(start, end));
      yield finish();
      start = end + 1;
    }
  }
  if (length > 0 || tooLong) yield finish();
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes a line as UTF-8 (without a byte-order mark); `undefined` when it is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array, first: boolean): string | undefined {
  let view = bytes;
  if (first && view.length >= 3 && view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf) view = view.subarray(3);
  try {
    return decoder.decode(view);
  } catch {
    return undefined;
  }
}
