import { IntakeError } from '../errors.js';

/** An error the desk answers with its own HTTP status (a refusal, not a failure of ours). */
export class WebError extends IntakeError {
  constructor(
    code: string,
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'WebError';
  }
}

/** Coded errors from below the web layer that are the request's fault, with the status they get. */
const STATUS_BY_CODE: Record<string, number> = { query_invalid: 400 };

/** The status and the text a client may see: a 5xx says nothing of what failed inside. */
export function publicError(error: unknown): { status: number; code: string; message: string } {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'internal_error';
  const status =
    error instanceof WebError
      ? error.statusCode
      : (STATUS_BY_CODE[code] ??
        (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600
          ? e.statusCode
          : 500));
  // A WebError's text is written for the client (e.g. 503 when a capability is not configured).
  if (status >= 500 && !(error instanceof WebError)) {
    return { status, code: 'internal_error', message: 'Something went wrong on our side.' };
  }
  const message = typeof e?.message === 'string' ? e.message : 'The request was refused.';
  // Fastify's own codes (FST_ERR_…) are not part of our API: a client sees a stable lower-case one.
  return { status, code: code.startsWith('FST_') ? 'bad_request' : code, message };
}
