import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { normalizeEmail } from '../store/desk-access.js';
import type { Store } from '../store/store.js';
import { LOGIN_CSRF_COOKIE, SESSION_COOKIE } from './auth.js';
import { randomSecret, sameSecret, sha256Hex } from './desk-secrets.js';
import { loginPage } from './login-page.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './passwords.js';

/** What the desk's routes share, made once by `createWebApp`. */
export interface DeskContext {
  store: Store;
  now: () => Date;
  sessionTtlMs: number;
  /** Whether cookies set in answer to this request get the Secure flag. */
  secure: (request: FastifyRequest) => boolean;
  throttle: LoginThrottle;
  /** Checked for unknown emails, so that they cost the time a real account's check does. */
  dummyHash: string;
}

const LoginForm = z.looseObject({
  email: z.string().trim().max(320).default(''),
  password: z.string().max(1024).default(''),
  csrf: z.string().max(200).default(''),
});

const WRONG = 'Wrong email or password.';

export function registerSessionRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const { store } = ctx;
  const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');

  /** The login form's double-submit value: kept while the cookie lasts, so that several tabs agree. */
  const loginCsrf = (request: FastifyRequest, reply: FastifyReply): string => {
    const current = request.cookies[LOGIN_CSRF_COOKIE];
    const value = current && /^[A-Za-z0-9_-]{43}$/.test(current) ? current : randomSecret();
    reply.setCookie(LOGIN_CSRF_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure(request),
      path: '/login',
    });
    return value;
  };

  app.get('/login', { config: { public: true } }, (request, reply) =>
    html(reply).send(loginPage({ csrf: loginCsrf(request, reply) })),
  );

  app.post('/login', { config: { public: true } }, async (request, reply) => {
    const form = LoginForm.safeParse(request.body ?? {});
    const fields = form.success ? form.data : { email: '', password: '', csrf: '' };
    // A cross-site page can post this form but can neither read nor set our cookie: without the pair,
    // a forged sign-in (into the attacker's account) is refused.
    const cookie = request.cookies[LOGIN_CSRF_COOKIE];
    if (!cookie || !sameSecret(cookie, fields.csrf)) {
      return html(reply.code(403)).send(
        loginPage({
          csrf: loginCsrf(request, reply),
          email: fields.email,
          error: 'The sign-in form expired or did not come from the desk. Please try again.',
        }),
      );
    }
    const email = normalizeEmail(fields.email);
    const again = (status: number, error: string) =>
      html(reply.code(status)).send(
        loginPage({ csrf: loginCsrf(request, reply), email: fields.email, error }),
      );
    if (!email || !fields.password) return again(400, 'Enter your email and password.');

    const keys = [`ip:${request.ip}`, `email:${email}`];
    // People type their password into the email field: what is not an address stays out of the audit.
    const subject = z.email().safeParse(email).success ? `staff:${email}` : 'staff:(not an email address)';
    const at = ctx.now();
    const wait = ctx.throttle.retryAfter(keys, at.getTime());
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      await store.audit({
        actor: 'desk:anonymous',
        action: 'staff.sign_in_refused',
        subject,
        details: { ip: request.ip, reason: 'too_many_failures' },
      });
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return again(
        429,
        `Too many failed sign-ins from this address or for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }

    const staff = await store.findStaff(email);
    const valid = await verifyPassword(staff?.passwordHash ?? ctx.dummyHash, fields.password);
    if (!staff || staff.disabled || !valid) {
      ctx.throttle.recordFailure(keys, at.getTime());
      const reason = !staff ? 'unknown_email' : staff.disabled ? 'disabled' : 'wrong_password';
      await store.audit({
        actor: 'desk:anonymous',
        action: 'staff.sign_in_failed',
        subject,
        details: { ip: request.ip, reason },
      });
      request.log.info({ ip: request.ip, reason }, 'sign-in failed');
      return again(401, WRONG);
    }

    ctx.throttle.clear(`email:${email}`);
    const sessionId = randomSecret();
    const expiresAt = new Date(at.getTime() + ctx.sessionTtlMs);
    await store.createSession({
      idHash: sha256Hex(sessionId),
      staffId: staff.id,
      csrfSecret: randomSecret(),
      expiresAt,
    });
    await store.audit({
      actor: `desk:${staff.email}`,
      action: 'staff.sign_in',
      subject: `staff:${staff.email}`,
      details: { ip: request.ip, expiresAt: expiresAt.toISOString() },
    });
    reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/login' });
    reply.setCookie(SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure(request),
      path: '/',
      maxAge: Math.floor(ctx.sessionTtlMs / 1000),
    });
    return reply.redirect('/', 303);
  });

  // Protected, and the CSRF hook has checked the form's token before this runs.
  app.post('/logout', async (request, reply) => {
    const identity = request.desk;
    if (identity?.kind === 'session') {
      await store.deleteSession(identity.session.idHash);
      await store.audit({
        actor: `desk:${identity.staff.email}`,
        action: 'staff.sign_out',
        subject: `staff:${identity.staff.email}`,
        details: { ip: request.ip },
      });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
}
