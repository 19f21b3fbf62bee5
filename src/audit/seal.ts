import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * Personal data in audit entries is sealed with the customer's own data key (AES-256-GCM). Erasing
 * the customer destroys the key: the entries stay, their hashes still verify, and the personal
 * values in them can no longer be read by anyone ("crypto-shredding").
 */

/** A new random data key, base64. */
export function newSubjectKey(): string {
  return randomBytes(32).toString('base64');
}

/** Encrypts `values` under `key`; returns `iv | ciphertext | tag` in base64. */
export function seal(key: string, values: readonly unknown[]): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  const body = Buffer.concat([cipher.update(canonicalJson(values), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

/** Decrypts what {@link seal} produced. Throws when the key is wrong or the data was altered. */
export function unseal(key: string, sealed: string): unknown[] {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64'), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  const text = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
  return JSON.parse(text) as unknown[];
}
