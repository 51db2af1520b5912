import { ConfigError } from '../errors.js';

/** What `INTAKE_SMTP_URL` says: `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…`. */
export interface SmtpEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (smtps). */
  secure: boolean;
  auth: { user: string; pass: string } | null;
  /** `?requireTLS=true`: refuse to send unless STARTTLS succeeds. */
  requireTLS: boolean;
  /** `?ignoreTLS=true`: never STARTTLS, even when offered (loopback test peers). */
  ignoreTLS: boolean;
  /** `?rejectUnauthorized=false`: accept an untrusted certificate (test peers only). */
  rejectUnauthorized: boolean;
  /** `?name=host.example`: the name we give in EHLO. */
  clientName: string | null;
}

const QUERY_KEYS = ['requireTLS', 'ignoreTLS', 'rejectUnauthorized', 'name'] as const;

function flag(value: string | null, key: string, problems: string[], fallback: boolean): boolean {
  if (value === null) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`${key}=${value}: expected true or false`);
  return fallback;
}

/**
 * Parses the SMTP URL; user and password are URL-encoded in it (a password with "@" or "/" must be) and
 * decoded here. Every problem is listed in one ConfigError; the URL itself is never repeated (it holds
 * the password).
 */
export function parseSmtpUrl(url: string): SmtpEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(['INTAKE_SMTP_URL: not a URL (expected smtp://user:pass@host:port or smtps://…)']);
  }
  const problems: string[] = [];
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'smtp' && scheme !== 'smtps') {
    problems.push(`INTAKE_SMTP_URL: scheme ${scheme}: expected smtp or smtps`);
  }
  const secure = scheme === 'smtps';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === '') problems.push('INTAKE_SMTP_URL: no host');
  const port = parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port);
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      problems.push(`INTAKE_SMTP_URL: the ${what} is not correctly URL-encoded`);
      return '';
    }
  };
  const user = decode(parsed.username, 'user');
  const pass = decode(parsed.password, 'password');
  for (const key of parsed.searchParams.keys()) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) {
      problems.push(`INTAKE_SMTP_URL: unknown parameter ${key} (known: ${QUERY_KEYS.join(', ')})`);
    }
  }
  const query = parsed.searchParams;
  const endpoint: SmtpEndpoint = {
    host,
    port,
    secure,
    auth: user === '' ? null : { user, pass },
    requireTLS: flag(query.get('requireTLS'), 'requireTLS', problems, false),
    ignoreTLS: flag(query.get('ignoreTLS'), 'ignoreTLS', problems, false),
    rejectUnauthorized: flag(query.get('rejectUnauthorized'), 'rejectUnauthorized', problems, true),
    clientName: query.get('name'),
  };
  if (endpoint.requireTLS && endpoint.ignoreTLS) {
    problems.push('INTAKE_SMTP_URL: requireTLS and ignoreTLS contradict each other');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return endpoint;
}

/** The URL with its password masked, for logs and `intake check-config`. */
export function maskSmtpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}
