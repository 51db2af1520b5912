import type { FastifyRequest } from 'fastify';
import type { DeskSession, StaffAccount, Store } from '../store/store.js';
import { API_TOKEN_PREFIX, csrfToken, sha256Hex } from './desk-secrets.js';

export const SESSION_COOKIE = 'intake_session';
export const LOGIN_CSRF_COOKIE = 'intake_login_csrf';

/** Who a request acts for: a browser session (whose forms carry a CSRF token) or an API token. */
export type DeskIdentity =
  | { kind: 'session'; staff: StaffAccount; session: DeskSession; csrf: string }
  | { kind: 'token'; staff: StaffAccount; tokenId: number; tokenName: string };

export type Authentication =
  | { identity: DeskIdentity }
  | { identity: null; reason: 'anonymous' | 'token_invalid' | 'session_invalid' };

/**
 * The token of an `Authorization` header: null when there is no header, `invalid` for any other scheme or
 * a value that cannot be one of ours (refused without a database round trip).
 */
export function bearerToken(header: string | undefined): string | null | 'invalid' {
  if (header === undefined) return null;
  const match = /^Bearer +([A-Za-z0-9_-]{1,200})$/i.exec(header.trim());
  if (!match?.[1]?.startsWith(API_TOKEN_PREFIX)) return 'invalid';
  return match[1];
}

/** Reads the request's credentials. A header that is present wins over a cookie, and must be valid. */
export async function authenticate(
  request: FastifyRequest,
  store: Store,
  now: Date,
): Promise<Authentication> {
  const token = bearerToken(request.headers.authorization);
  if (token === 'invalid') return { identity: null, reason: 'token_invalid' };
  if (token !== null) {
    const found = await store.useApiToken(sha256Hex(token), now);
    if (!found) return { identity: null, reason: 'token_invalid' };
    return { identity: { kind: 'token', staff: found.staff, tokenId: found.id, tokenName: found.name } };
  }
  const sessionId = request.cookies[SESSION_COOKIE];
  if (!sessionId) return { identity: null, reason: 'anonymous' };
  const session = await store.findSession(sha256Hex(sessionId), now);
  if (!session) return { identity: null, reason: 'session_invalid' };
  return {
    identity: { kind: 'session', staff: session.staff, session, csrf: csrfToken(session.csrfSecret) },
  };
}
