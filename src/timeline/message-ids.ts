/**
 * Message ids as found in `Message-ID`, `In-Reply-To` and `References` headers, in the form
 * touchlog stores them: without angle brackets or white space.
 */

const bracketed = /<([^<>\s]+)>/g;

/**
 * A message id as stored: angle brackets and surrounding white space removed; `undefined` if nothing is left or it contains white space.
 *
 * @example
 * ```ts
 * normaliseMessageId(' <inv-1042@seller.example> ') // 'inv-1042@seller.example'
 * normaliseMessageId('<not an id>')              // undefined
 * ```
 */
export function normaliseMessageId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = value.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return id === '' || /\s/.test(id) ? undefined : id;
}

/**
 * Every message id in a header value, in order, without angle brackets. Text outside angle
 * brackets (comments, dates, "from ... on ..." phrases that some mailers write into
 * `In-Reply-To`) is ignored; a value without brackets counts only if it is one bare `local@domain`.
 *
 * @example
 * ```ts
 * parseMessageIds('<a@x.example>\t<b@y.example>')                  // ['a@x.example', 'b@y.example']
 * parseMessageIds('<a@x.example>; from joe@x.example on Thu, ...') // ['a@x.example']
 * parseMessageIds('c@z.example')                                   // ['c@z.example']
 * ```
 */
export function parseMessageIds(value: string | undefined): string[] {
  if (value === undefined) return [];
  const ids: string[] = [];
  for (const match of value.matchAll(bracketed)) ids.push(match[1]!);
  if (ids.length === 0) {
    const bare = value.trim();
    if (/^[^\s<>@]+@[^\s<>@]+$/.test(bare)) ids.push(bare);
  }
  return ids;
}

/**
 * The parent message id named by an `In-Reply-To` header. RFC 5322 allows several ids there and
 * older mailers wrote free text around them, sometimes with a bracketed email address
 * (`Message from Ralf <ralf@example.de> of "Mon, 25 Nov 2002" <15842@host.example>`). When there
 * are several, the one that also appears in `References` (the last such) is taken, since that is a
 * message id for sure; otherwise the first.
 *
 * @example
 * ```ts
 * parseInReplyTo('Message from Ralf <ralf@akutech.de> of "Mon, 25 Nov 2002" <15842@jupiter.example>',
 *                ['1@nlin.net', '15842@jupiter.example'])            // '15842@jupiter.example'
 * parseInReplyTo('"Kurt"\'s message of "Wed, 19 Jul 2000 15:50:37 -0400"') // undefined
 * ```
 */
export function parseInReplyTo(value: string | undefined, references: readonly string[] = []): string | undefined {
  const ids = parseMessageIds(value);
  if (ids.length <= 1) return ids[0];
  for (let i = references.length - 1; i >= 0; i--) {
    const reference = references[i]!;
    if (ids.includes(reference)) return reference;
  }
  return ids[0];
}
