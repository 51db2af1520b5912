import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { IntakeError } from '../errors.js';

/** Binds every ciphertext to its purpose and format version: a value sealed for something else will not open. */
const AAD = Buffer.from('intake-secret:v1', 'utf8');
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedSecret {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * The AES-256 key from configuration: 64 hex characters, or the base64 of 32 bytes. The error says what is
 * wrong with the text, never the text itself.
 */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    // Node's base64 decoder reads both the standard and the URL-safe alphabet.
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
    throw new IntakeError(
      'secret_key_invalid',
      `the secret key decodes (base64) to ${bytes.length} bytes; it must be 32 bytes (64 hex characters or 44 base64 characters)`,
    );
  }
  throw new IntakeError(
    'secret_key_invalid',
    `the secret key (${trimmed.length} characters) is neither 64 hex characters nor the base64 of 32 bytes; generate one with: openssl rand -hex 32`,
  );
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new IntakeError('secret_key_invalid', `the secret key is ${key.length} bytes; it must be 32`);
  }
}

/** AES-256-GCM with a fresh random IV per value (never reuse an IV under one key). */
export function sealSecret(key: Buffer, value: string): SealedSecret {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

export function openSecret(key: Buffer, sealed: SealedSecret): string {
  checkKey(key);
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new IntakeError('secret_undecryptable', 'the stored secret is malformed (IV or tag length)');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    // The cause is OpenSSL's "unable to authenticate data": it carries no secret material.
    throw new IntakeError(
      'secret_undecryptable',
      'the stored secret does not decrypt with the configured key (wrong key, or the row was altered)',
      { cause },
    );
  }
}
