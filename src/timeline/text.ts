/**
 * Text as compared by de-duplication and threading: Unicode-normalised (NFKC), lower-cased, every
 * run of white space (line breaks included) collapsed to one space, trimmed. Two systems that store
 * the same note with different line endings, spacing or letter case give the same text.
 *
 * @example
 * ```ts
 * normaliseText('  Customer  will pay\r\nINV-1042 on FRIDAY ') // 'customer will pay inv-1042 on friday'
 * ```
 */
export function normaliseText(value: string): string {
  // NFKC leaves ASCII as it is: skip it for the (common) all-ASCII text.
  const folded = nonAscii.test(value) ? value.normalize('NFKC').toLowerCase() : value.toLowerCase();
  return folded.replace(/\s+/g, ' ').trim();
}

const nonAscii = /[^\u0000-\u007f]/;
