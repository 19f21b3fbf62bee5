/**
 * What a command gets to work with.
 */
import type { Readable, Writable } from 'node:stream';
import type { ParseArgsConfig } from 'node:util';
import { toInstant } from '../models/primitives.js';
import { UsageError } from './errors.js';
import type { OpenStore, StoreOptions } from './store.js';

/** The process's streams and environment (injectable for tests). */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Option values as `util.parseArgs` returns them. */
export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** Everything a command runs with. */
export interface CommandContext {
  readonly io: CliIo;
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  /** `--json`: machine-readable output on stdout. */
  readonly json: boolean;
  /** Whether to show progress bars on stderr. */
  readonly progress: boolean;
  readonly store: StoreOptions;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** Writes a line to stdout. */
  out(line?: string): void;
  /** Writes a line to stderr. */
  err(line?: string): void;
  /** Opens the store (closed by the runner when the command ends). */
  openStore(mustExist: boolean): Promise<OpenStore>;
}

/** A subcommand. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage lines and option descriptions, shown by `touchlog help <command>`. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments it takes. */
  readonly args: { readonly min: number; readonly max: number; readonly names: string };
  run(ctx: CommandContext): Promise<number>;
}

/** A string option, or `undefined`. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option, as a list. */
export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A positive integer option within bounds, or its default. */
export function intOption(values: OptionValues, name: string, fallback: number, max: number): number {
  const value = stringOption(values, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * An instant option (`2026-11-01` or `2026-11-01T12:00:00Z`), as a `Date`; `fallback` when not given.
 * A date alone is the end of that UTC day's business: scoring takes the UTC day of `asOf`. A day
 * or time that does not exist (`2026-02-30`, `25:00`) is refused, never rolled over into another.
 */
export function instantOption(values: OptionValues, name: string, fallback: () => Date): Date {
  return optionalInstantOption(values, name) ?? fallback();
}

/** An instant option as {@link instantOption} reads it, or `undefined` when it is not given. */
export function optionalInstantOption(values: OptionValues, name: string): Date | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  const instant = /^\d{4}-\d{2}-\d{2}(?:T.*(?:Z|[+-]\d{2}:?\d{2}))?$/i.test(value)
    ? toInstant(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
    : undefined;
  if (instant === undefined) {
    throw new UsageError(`--${name} must be a date such as 2026-11-01 or an instant such as 2026-11-01T12:00:00Z, not ${JSON.stringify(value)}`);
  }
  return new Date(instant);
}
