import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createStore } from '../../../src/store/index.js';
import type { StaffAccount, Store } from '../../../src/store/store.js';
import { newApiToken, sha256Hex } from '../../../src/web/desk-secrets.js';
import { hashPassword } from '../../../src/web/passwords.js';
import { createWebApp, type WebAppOptions } from '../../../src/web/web-app.js';
import { KEY } from '../../store/contract/harness.js';

export const EMAIL = 'alice@example.org';
export const PASSWORD = 'correct horse battery staple';

export interface Desk {
  app: FastifyInstance;
  store: Store;
  staff: StaffAccount;
  /** A valid API token of the staff account. */
  token: string;
  tokenId: number;
  close(): Promise<void>;
}

/**
 * The desk on a real database (a SQLite file in a temp directory unless a URL is given), with one staff
 * account and one API token.
 */
export async function openDesk(options: Partial<WebAppOptions> = {}, databaseUrl?: string): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-desk-'));
  const store = await createStore(databaseUrl ?? join(dir, 'desk.db'), { secretKey: KEY });
  await store.migrate();
  const staff = await store.addStaff({ email: EMAIL, passwordHash: await hashPassword(PASSWORD) });
  const token = newApiToken();
  const tokenId = await store.createApiToken({
    tokenHash: sha256Hex(token),
    name: 'helpdesk',
    staffId: staff.id,
  });
  const app = await createWebApp({ store, logger: createLogger({ level: 'silent' }), ...options });
  return {
    app,
    store,
    staff,
    token,
    tokenId,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const cookieValue = (res: LightMyRequestResponse, name: string) =>
  res.cookies.find((c) => c.name === name)?.value;

export const hiddenCsrf = (body: string) => /name="csrf" value="([^"]*)"/.exec(body)?.[1];

/** The login form's double-submit pair, as a browser gets it from GET /login. */
export async function loginForm(app: FastifyInstance, remoteAddress?: string) {
  const res = await app.inject({ method: 'GET', url: '/login', remoteAddress });
  const cookie = cookieValue(res, 'intake_login_csrf');
  const csrf = hiddenCsrf(res.body);
  expect(cookie).toBeTruthy();
  expect(csrf).toBe(cookie);
  return { cookie: cookie!, csrf: csrf! };
}

export async function postLogin(
  app: FastifyInstance,
  fields: { email: string; password: string },
  options: { remoteAddress?: string; csrf?: string; cookie?: string | null } = {},
) {
  const form = await loginForm(app, options.remoteAddress);
  const cookie = options.cookie === undefined ? form.cookie : options.cookie;
  return app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: options.remoteAddress,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie === null ? {} : { cookie: `intake_login_csrf=${cookie}` }),
    },
    payload: new URLSearchParams({ ...fields, csrf: options.csrf ?? form.csrf }).toString(),
  });
}

/** Signs in as the desk's staff account: the session cookie header and the session's form token. */
export async function signIn(app: FastifyInstance, remoteAddress?: string) {
  const res = await postLogin(app, { email: EMAIL, password: PASSWORD }, { remoteAddress });
  expect(res.statusCode).toBe(303);
  const session = cookieValue(res, 'intake_session');
  expect(session).toBeTruthy();
  const cookie = `intake_session=${session}`;
  const page = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
  const csrf = hiddenCsrf(page.body);
  expect(csrf).toBeTruthy();
  return { sessionId: session!, cookie, csrf: csrf!, login: res };
}
