/** Quoted forms of object keys seen so far (keys repeat across records); bounded. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quote(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * Canonical JSON: object keys sorted by code unit, no white space, `undefined` members left out,
 * as `JSON.stringify` writes everything else. The same value always gives the same string, so it
 * can be hashed (audit chain) and compared (idempotent ingestion) whatever order a storage
 * backend returns object keys in.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        let out = `[${value[0] === undefined ? 'null' : canonicalJson(value[0])}`;
        for (let i = 1; i < value.length; i++) out += `,${value[i] === undefined ? 'null' : canonicalJson(value[i])}`;
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        out += `${first ? '' : ','}${quote(key)}:${canonicalJson(item)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`cannot encode ${typeof value} as canonical JSON`);
  }
}
