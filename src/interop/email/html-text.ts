/**
 * Plain text from an HTML message body, for messages that have no text part. A single linear scan
 * (no backtracking regular expressions), so hostile markup cannot make it slow.
 */

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul',
]);
/** Elements whose content is not text a person reads. */
const HIDDEN = new Set(['head', 'script', 'style', 'title', 'template', 'noscript', 'svg']);

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  euro: '€', pound: '£', yen: '¥', cent: '¢', copy: '©', reg: '®', trade: '™', deg: '°', sect: '§', para: '¶', middot: '·',
  ndash: '–', mdash: '—', hellip: '…', bull: '•', laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  times: '×', divide: '÷', plusmn: '±', frac12: '½', frac14: '¼', frac34: '¾', shy: '',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', aring: 'å', Aring: 'Å', oslash: 'ø', Oslash: 'Ø', aelig: 'æ', AElig: 'Æ',
  eacute: 'é', egrave: 'è', ecirc: 'ê', Eacute: 'É', aacute: 'á', agrave: 'à', acirc: 'â', iacute: 'í', oacute: 'ó', ograve: 'ò', ocirc: 'ô',
  uacute: 'ú', ugrave: 'ù', ntilde: 'ñ', Ntilde: 'Ñ', ccedil: 'ç', Ccedil: 'Ç',
};

/** Decodes character references: named ones from a common set, and every numeric one. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return Object.hasOwn(ENTITIES, body) ? ENTITIES[body]! : whole;
  });
}

/**
 * The text a person reads in an HTML document: block elements and `<br>` become line breaks,
 * list items start with `* `, links keep their text, `<head>`, `<style>` and `<script>` are
 * dropped, white space is collapsed and character references are decoded.
 *
 * @example
 * ```ts
 * htmlToText('<p>Hello,</p><p>we paid <b>INV-2007</b>&nbsp;today.</p>') // 'Hello,\n\nwe paid INV-2007 today.'
 * ```
 */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let i = 0;
  const text = (raw: string) => {
    if (raw !== '') out.push(decodeEntities(raw.replace(/[ \t\r\n\f]+/g, ' ')));
  };
  while (i < html.length) {
    const open = html.indexOf('<', i);
    if (open === -1) {
      text(html.slice(i));
      break;
    }
    text(html.slice(i, open));
    if (lower.startsWith('<!--', open)) {
      const end = html.indexOf('-->', open + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const close = html.indexOf('>', open + 1);
    if (close === -1) {
      text(html.slice(open));
      break;
    }
    const tag = /^<\s*(\/?)\s*([a-z][a-z0-9]*)/.exec(lower.slice(open, Math.min(close + 1, open + 64)));
    i = close + 1;
    if (!tag) continue; // <!doctype>, <?xml ...?>, stray "<"
    const [, slash, name] = tag;
    if (!slash && HIDDEN.has(name!)) {
      const end = lower.indexOf(`</${name}`, i);
      const after = end === -1 ? -1 : html.indexOf('>', end);
      i = after === -1 ? html.length : after + 1;
      continue;
    }
    if (name === 'br') out.push('\n');
    else if (name === 'li' && !slash) out.push('\n* ');
    else if (name === 'hr') out.push('\n-------------\n');
    else if (name === 'td' || name === 'th') out.push(' ');
    else if (BLOCK.has(name!)) out.push('\n\n');
  }
  return out
    .join('')
    .replace(/ {2,}/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
