import { createCipheriv, createDecipheriv, randomBytes, randomFillSync, type Cipher } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * Personal data in audit entries is encrypted with the customer's own data key. Erasing the
 * customer destroys the key: the entries stay, their hashes still verify, and the personal values
 * in them can no longer be read by anyone ("crypto-shredding").
 *
 * AES-256 in counter mode: one key stream per customer and transaction, each entry taking the next
 * stretch of it (`offset`), so sealing costs one cipher set-up per customer per transaction rather
 * than per entry. Integrity comes from the hash chain, which covers the ciphertext.
 */

/** A sealed block of values, as kept in an audit entry. */
export interface SealedBlock {
  /** Initial counter block of the key stream, base64. */
  readonly iv: string;
  /** Where in the key stream this block starts, in bytes. */
  readonly offset: number;
  /** The ciphertext, base64. */
  readonly data: string;
}

/** A new random data key, base64. */
export function newSubjectKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Random initial counter blocks, drawn 256 at a time: a batch opens one key stream per customer,
 * and one call to the random source per stream costs more than the sealing itself.
 */
const IV_BYTES = 16;
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivPoolOffset = ivPool.length;

function freshIv(): Buffer {
  if (ivPoolOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivPoolOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivPoolOffset, ivPoolOffset + IV_BYTES));
  ivPoolOffset += IV_BYTES;
  return iv;
}

/** Seals values for one subject within one transaction. */
export class Sealer {
  private readonly iv = freshIv();
  private readonly ivText = this.iv.toString('base64');
  private readonly cipher: Cipher;
  private offset = 0;

  constructor(key: string) {
    this.cipher = createCipheriv('aes-256-ctr', Buffer.from(key, 'base64'), this.iv);
  }

  seal(values: readonly unknown[]): SealedBlock {
    const data = this.cipher.update(canonicalJson(values), 'utf8');
    const block = { iv: this.ivText, offset: this.offset, data: data.toString('base64') };
    this.offset += data.length;
    return block;
  }
}

/** The counter block `blocks` steps after `iv` (a 128-bit big-endian increment). */
function advance(iv: Buffer, blocks: number): Buffer {
  const out = Buffer.from(iv);
  let carry = blocks;
  for (let i = 15; i >= 0 && carry > 0; i--) {
    const sum = out[i]! + (carry % 256);
    out[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum > 0xff ? 1 : 0);
  }
  return out;
}

/** Decrypts a block sealed by {@link Sealer}. Throws when the result is not the JSON that was sealed (wrong key). */
export function unseal(key: string, block: SealedBlock): unknown[] {
  const start = advance(Buffer.from(block.iv, 'base64'), Math.floor(block.offset / 16));
  const decipher = createDecipheriv('aes-256-ctr', Buffer.from(key, 'base64'), start);
  decipher.update(Buffer.alloc(block.offset % 16));
  const text = decipher.update(Buffer.from(block.data, 'base64')).toString('utf8');
  return JSON.parse(text) as unknown[];
}
