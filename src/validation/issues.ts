import type { z } from 'zod';
import type { ValidationIssue } from '../errors/index.js';

type ZodIssue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'a number' : 'Infinity';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/**
 * Messages for issues whose schema did not set one. Passed to zod as the per-parse error map, so
 * compiled and uncompiled validation report the same words.
 */
export function defaultMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int') return `must be an integer, not ${describeType(issue.input)}`;
      return `must be ${article(String(issue.expected))}, not ${describeType(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'does not match any of the accepted forms';
    default:
      return undefined;
  }
}

/**
 * Turns zod issues into touchlog issues, prefixing `basePath` (the item index in a batch). Expects
 * issues parsed with `reportInput: true`, so that a missing field can be told from a wrong one.
 */
export function toValidationIssues(issues: readonly ZodIssue[], basePath: ReadonlyArray<string | number> = []): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      // One issue per unknown key, each pointing at the key itself: the caller sees exactly what to remove.
      for (const key of issue.keys) {
        out.push({ code: 'unknown_field', path: [...path, key], message: 'is not a field of this model' });
      }
      continue;
    }
    if (issue.code === 'invalid_union') {
      const best = closestOption(issue.errors);
      if (best) {
        out.push(...toValidationIssues(best, path));
        continue;
      }
    }
    if (issue.input === undefined && path.length > 0) {
      // A missing field: say so first, then what it should have been.
      const hint = issue.message === 'is required' ? '' : `; it ${issue.message}`;
      out.push({ code: 'required', path, message: `is required${hint}` });
      continue;
    }
    const code = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : issue.code;
    out.push({ code, path, message: issue.message });
  }
  return out;
}

/**
 * An issue that means "this value is not of this form at all" rather than "this form, with a bad
 * field": an unknown or missing key, or a wrong discriminator.
 */
function isStructural(issue: ZodIssue): boolean {
  if (issue.code === 'unrecognized_keys') return true;
  if (issue.code === 'invalid_union' && issue.path.length <= 1) return true;
  return issue.code === 'invalid_type' && issue.input === undefined && issue.path.length <= 1;
}

/**
 * For a value that matched none of a union's forms, the one form it was clearly meant to be: the
 * only option whose problems are all inside fields. Reporting that option's issues tells the caller
 * `customer.value: must be an email address` instead of "matches none of the accepted forms".
 */
function closestOption(options: ZodIssue[][]): ZodIssue[] | undefined {
  const candidates = options.filter((issues) => !issues.some(isStructural));
  return candidates.length === 1 ? candidates[0] : undefined;
}
