import * as crypto from 'node:crypto';

type Encoding = 'hex' | 'base64url';

/** Node's one-shot `crypto.hash()` (Node 20.12 and later): half the cost of a `Hash` object for short inputs. */
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: Encoding) => string }).hash;

/** SHA-256 of a string (UTF-8), encoded. */
export const sha256: (data: string, encoding: Encoding) => string = oneShot
  ? (data, encoding) => oneShot('sha256', data, encoding)
  : (data, encoding) => crypto.createHash('sha256').update(data).digest(encoding);
