import { normaliseText } from './text.js';

/**
 * Reply and forward prefixes that {@link normaliseSubject} removes, case-insensitively, each
 * followed by `:` (or the full-width `：`) and optionally by a count such as `Re[2]:`, `Re(2):` or
 * `Re^2:`. English (`Re`, `Fwd`, `Fw`), German (`AW`, `WG`), Scandinavian (`SV`, `VS`, `VB`),
 * Dutch (`Antw`, `Doorst`), French (`TR`, `RE`), Italian (`R`, `RIF`, `I` is left out as too
 * ambiguous), Spanish and Portuguese (`RV`, `RES`, `ENC`), Polish (`Odp`, `PD`), Turkish (`YNT`),
 * Finnish (`VL`), Greek (`ΑΠ`, `ΣΧΕΤ`, `ΠΡΘ`) and Chinese (`回复`, `回覆`, `答复`, `转发`, `轉寄`).
 *
 * @example
 * ```ts
 * normaliseSubject('Odgovor: Račun 7', { prefixes: [...SUBJECT_PREFIXES, 'odgovor'] }); // 'Račun 7'
 * ```
 */
export const SUBJECT_PREFIXES: readonly string[] = [
  're', 'fwd', 'fw', 'aw', 'wg', 'sv', 'vs', 'vb', 'antw', 'doorst', 'tr', 'r', 'rif', 'rv', 'res', 'enc',
  'odp', 'pd', 'ynt', 'vl', 'απ', 'σχετ', 'πρθ', '回复', '回覆', '答复', '转发', '轉寄',
];

/**
 * Options of {@link normaliseSubject} and {@link hasReplyPrefix}.
 *
 * @example
 * ```ts
 * hasReplyPrefix('Odgovor: Račun 7', { prefixes: ['odgovor'] }); // true
 * ```
 */
export interface SubjectOptions {
  /** Prefixes to remove instead of {@link SUBJECT_PREFIXES} (matched case-insensitively). */
  readonly prefixes?: readonly string[];
}

const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function prefixPattern(prefixes: readonly string[]): RegExp {
  const alternatives = [...prefixes].sort((a, b) => b.length - a.length).map(escape).join('|');
  // A prefix, an optional count (`[2]`, `(2)`, `^2`), then a colon.
  return new RegExp(`^(?:${alternatives})\\s*(?:\\[\\d+\\]|\\(\\d+\\)|\\^\\d+)?\\s*[:：]\\s*`, 'iu');
}

const defaultPattern = prefixPattern(SUBJECT_PREFIXES);
const patterns = new WeakMap<readonly string[], RegExp>();
/** A leading mailing-list tag such as `[p5ml]` or `[rt-users]` (not a count like `[2]` alone). */
const listTag = /^\[[^\]\n]{1,64}\]\s*/u;

function patternFor(options: SubjectOptions | undefined): RegExp {
  const prefixes = options?.prefixes;
  if (prefixes === undefined) return defaultPattern;
  let pattern = patterns.get(prefixes);
  if (pattern === undefined) {
    pattern = prefixPattern(prefixes);
    patterns.set(prefixes, pattern);
  }
  return pattern;
}

/** The subject without its leading prefixes and tags, and whether a reply or forward prefix was removed. */
function strip(subject: string, options: SubjectOptions | undefined): { base: string; prefixed: boolean } {
  const pattern = patternFor(options);
  let rest = subject.replace(/\s+/g, ' ').trim();
  let prefixed = false;
  for (;;) {
    const prefix = pattern.exec(rest);
    if (prefix !== null) {
      rest = rest.slice(prefix[0].length);
      prefixed = true;
      continue;
    }
    const tag = listTag.exec(rest);
    // A tag is removed only when something follows it: `[p5ml] Re: x` → `x`, but `[draft]` stays.
    if (tag !== null && tag[0].length < rest.length) {
      rest = rest.slice(tag[0].length);
      continue;
    }
    return { base: rest, prefixed };
  }
}

/**
 * The subject of a conversation without what mail clients and lists put in front of it: reply and
 * forward prefixes in many languages ({@link SUBJECT_PREFIXES}), repeated or counted (`Re: Re:`,
 * `Re[2]:`, `AW: WG:`), and leading mailing-list tags (`[p5ml]`, `[Aegis]`), in any order. White
 * space is collapsed; letter case is kept, so the result can be shown. Compare subjects with
 * {@link subjectKey}, which also folds case.
 *
 * @example
 * ```ts
 * normaliseSubject('RE: [p5ml] Re: karie kahimi binge...help needed') // 'karie kahimi binge...help needed'
 * normaliseSubject('AW: WG: Re[2]: Rechnung  INV-1042')                // 'Rechnung INV-1042'
 * normaliseSubject('Re(3): Foo')                                       // 'Foo'
 * ```
 */
export function normaliseSubject(subject: string, options?: SubjectOptions): string {
  return strip(subject, options).base;
}

/**
 * `true` when the subject starts (after any list tag) with a reply or forward prefix, i.e. the
 * message says it continues an earlier one.
 *
 * @example
 * ```ts
 * hasReplyPrefix('[rt-users] Re: Configuration Problem') // true
 * hasReplyPrefix('Invoice INV-1042')                      // false
 * ```
 */
export function hasReplyPrefix(subject: string, options?: SubjectOptions): boolean {
  return strip(subject, options).prefixed;
}

/**
 * The key under which two subjects are the same conversation: {@link normaliseSubject}, then
 * {@link normaliseText} (Unicode-normalised, case-folded).
 *
 * @example
 * ```ts
 * subjectKey('Fwd: RE: Invoice INV-1042') === subjectKey('invoice inv-1042') // true
 * ```
 */
export function subjectKey(subject: string, options?: SubjectOptions): string {
  return normaliseText(strip(subject, options).base);
}
