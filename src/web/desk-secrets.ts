import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The desk's random values and digests: session ids, CSRF secrets and API tokens are 256-bit random
 * values; the store keeps only the SHA-256 of a session id or a token, so a copy of the database signs no
 * one in.
 */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** API tokens carry a prefix so that they are recognisable in a leaked file or a secret scanner. */
export const API_TOKEN_PREFIX = 'intake_';
export const newApiToken = (): string => `${API_TOKEN_PREFIX}${randomSecret()}`;

/**
 * The synchronizer token of a session's forms: derived from the session's secret (kept server-side), so
 * a page can be rendered any number of times with the same token, and nothing else but the server can
 * make it.
 */
export function csrfToken(csrfSecret: string): string {
  return createHmac('sha256', csrfSecret).update('intake desk form').digest('base64url');
}

/** Equality that takes the same time wherever the first difference is (for tokens from a request). */
export function sameSecret(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
