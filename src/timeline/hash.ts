/**
 * A fast, deterministic, non-cryptographic 64-bit string hash (two 32-bit FNV-1a lanes with a
 * murmur3 finaliser), as 16 hex characters. Used to keep de-duplication keys and long thread ids
 * short; it runs the same in Node and browsers. Internal to the timeline modules.
 */
export function hash64(value: string): string {
  return new Hash64(value.length).addString(value).digest();
}

/**
 * {@link hash64} fed one character at a time, for text that is normalised on the fly instead of
 * being built as a string first (the fingerprint's hot path). The length comes first because the
 * hash mixes it in before any character: `new Hash64(s.length).addString(s).digest() === hash64(s)`.
 */
export class Hash64 {
  private a = 0x811c9dc5;
  private b: number;

  constructor(length: number) {
    this.b = 0x01000193 ^ length;
  }

  /** Adds one UTF-16 code unit. */
  add(code: number): void {
    this.a = Math.imul(this.a ^ code, 0x01000193);
    const b = Math.imul(this.b ^ code, 0x5bd1e995);
    this.b = b ^ (b >>> 15);
  }

  addString(value: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.a = a;
    this.b = b;
    return this;
  }

  digest(): string {
    const { a, b } = this;
    return hex32(fmix(a ^ Math.imul(b, 0x27d4eb2d))) + hex32(fmix(b ^ a));
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hex32 = (n: number) => HEX[n >>> 24]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
