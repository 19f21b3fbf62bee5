import { Buffer } from 'node:buffer';

/**
 * `COPY ... FROM STDIN` for large batches: the rows go to the server as one stream of text in
 * COPY's text format, parsed by the server without a statement per row and without the 65 535
 * parameter limit of a multi-row INSERT. Implemented as a `pg` submittable (the interface `pg`
 * documents for custom queries, as pg-copy-streams uses it), so no further package is needed.
 */

/** The parts of pg's connection a COPY uses. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** A value in COPY's text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  // Most values need no escaping: test before replacing.
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text;
}

/** Rows of `width` values each (one after another in `values`) as COPY text, in chunks of about 1 MiB. */
export function copyChunks(values: readonly unknown[], width: number): Buffer[] {
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let size = 0;
  for (let start = 0; start < values.length; start += width) {
    let line = copyField(values[start]);
    for (let i = 1; i < width; i++) line += `\t${copyField(values[start + i])}`;
    lines.push(line);
    size += line.length;
    if (size > 1 << 20) {
      chunks.push(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
  return chunks;
}

/** One COPY FROM STDIN, as a `pg` submittable: `client.query(new CopyIn(...))`, then await `done`. */
export class CopyIn {
  readonly done: Promise<void>;
  private settle!: (error?: unknown) => void;
  private failure: unknown;

  constructor(
    readonly text: string,
    private readonly chunks: readonly Buffer[],
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleError(error: unknown): void {
    this.failure = error;
  }

  handleReadyForQuery(): void {
    this.settle(this.failure);
  }

  // The other messages a query can receive; a COPY FROM gets none of them.
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}
