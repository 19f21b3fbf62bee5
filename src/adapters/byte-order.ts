/**
 * The order in which the adapters sort text keys (external ids, identifier keys): the byte order
 * of their UTF-8 encodings, which is code point order. SQLite compares text that way (`BINARY`),
 * and PostgreSQL with `COLLATE "C"`, whatever the database's locale.
 *
 * JavaScript's `<` compares UTF-16 code units, which differs for characters from U+E000 to U+FFFF
 * against characters above U+FFFF (stored as surrogate pairs, U+D800–U+DFFF): code point order
 * puts the former first, UTF-16 the latter.
 *
 * @module
 */

/**
 * Compares two strings in the byte order of their UTF-8 encodings: negative when `a` comes first,
 * positive when `b` does, 0 when they are equal.
 *
 * @example
 * ```ts
 * ['\u{1F600}', '\uFFFD', 'b', 'a'].sort(compareUtf8) // ['a', 'b', '\uFFFD', '\u{1F600}']
 * ```
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (U+D800–U+DFFF) move above U+FFFF, U+E000–U+FFFF below them.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

/** Index of the first item of `sorted` (in {@link compareUtf8} order) that comes strictly after `value`. */
export function upperBoundUtf8(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(sorted[mid]!, value) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
