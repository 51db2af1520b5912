import { userInfo } from 'node:os';
import { z } from 'zod';
import type { Config } from '../config.js';
import { IntakeError } from '../errors.js';
import { createStore, parseSecretKey } from '../store/index.js';
import type { Store } from '../store/store.js';
import { newApiToken, sha256Hex } from '../web/desk-secrets.js';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from '../web/passwords.js';

export interface StaffAddOptions {
  config: Config;
  email: string;
  /** Where a piped password is read from; a terminal means "generate one". */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface TokenCreateOptions {
  config: Config;
  name: string;
  staffEmail: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Refusals the operator can fix: printed on one line with status 1, not as a crash. */
const EXPECTED = new Set([
  'staff_exists',
  'staff_not_found',
  'token_not_found',
  'password_too_short',
  'argument_invalid',
]);

async function withStore<T>(
  config: Config,
  stderr: NodeJS.WritableStream,
  run: (store: Store) => Promise<T>,
) {
  const secretKey = config.INTAKE_SECRET_KEY ? parseSecretKey(config.INTAKE_SECRET_KEY) : null;
  const store = await createStore(config.DATABASE_URL, { secretKey });
  try {
    await store.migrate();
    await run(store);
    return 0;
  } catch (error) {
    if (!(error instanceof IntakeError) || !EXPECTED.has(error.code)) throw error;
    stderr.write(`intake: ${error.code}: ${error.message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

const actor = () => `cli:${userInfo().username}`;

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new IntakeError('argument_invalid', `${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
    cause: parsed.error,
  });
}

/**
 * `intake staff add EMAIL`: a piped password (one line; `printf %s "$PW" | intake staff add …`) is used
 * as given; at a terminal a strong one is generated and printed once, never stored in clear.
 */
export function staffAddCommand(options: StaffAddOptions): Promise<number> {
  return withStore(options.config, options.stderr, async (store) => {
    const email = checked(z.email(), options.email.trim(), 'EMAIL');
    let password: string;
    let generated = false;
    if (options.stdin.isTTY) {
      password = generatePassword();
      generated = true;
    } else {
      password = (await readAll(options.stdin)).replace(/\r?\n$/, '');
      if ([...password].length < MIN_PASSWORD_LENGTH) {
        throw new IntakeError(
          'password_too_short',
          `the password read from standard input has fewer than ${MIN_PASSWORD_LENGTH} characters`,
        );
      }
    }
    const staff = await store.addStaff({ email, passwordHash: await hashPassword(password) });
    await store.audit({ actor: actor(), action: 'staff.add', subject: `staff:${staff.email}`, details: {} });
    options.stdout.write(`staff account added: ${staff.email}\n`);
    if (generated) options.stdout.write(`password (shown once, store it now): ${password}\n`);
  });
}

/** `intake token create NAME --staff EMAIL`: prints the token once; only its SHA-256 is stored. */
export function tokenCreateCommand(options: TokenCreateOptions): Promise<number> {
  return withStore(options.config, options.stderr, async (store) => {
    const name = checked(z.string().trim().min(1).max(100), options.name, 'NAME');
    const staff = await store.findStaff(options.staffEmail);
    if (!staff || staff.disabled) {
      throw new IntakeError('staff_not_found', `no enabled staff account for ${options.staffEmail.trim()}`);
    }
    const token = newApiToken();
    const id = await store.createApiToken({ tokenHash: sha256Hex(token), name, staffId: staff.id });
    await store.audit({
      actor: actor(),
      action: 'api_token.create',
      subject: `staff:${staff.email}`,
      details: { tokenId: id, name },
    });
    options.stdout.write(
      `API token "${name}" (id ${id}) for ${staff.email} (shown once, store it now):\n${token}\n`,
    );
  });
}

export interface AccountChangeOptions {
  config: Config;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `intake staff disable|enable EMAIL`: disabling ends the account's sessions and stops its tokens. */
export function staffSetDisabledCommand(
  options: AccountChangeOptions & { email: string; disabled: boolean },
): Promise<number> {
  return withStore(options.config, options.stderr, async (store) => {
    if (!(await store.setStaffDisabled(options.email, options.disabled))) {
      throw new IntakeError('staff_not_found', `no staff account for ${options.email.trim()}`);
    }
    const action = options.disabled ? 'staff.disable' : 'staff.enable';
    const email = options.email.trim().toLowerCase();
    await store.audit({ actor: actor(), action, subject: `staff:${email}`, details: {} });
    options.stdout.write(`staff account ${options.disabled ? 'disabled' : 'enabled'}: ${email}\n`);
  });
}

/** `intake token revoke ID`: the token is refused from then on (the id is printed when it is created). */
export function tokenRevokeCommand(options: AccountChangeOptions & { id: string }): Promise<number> {
  return withStore(options.config, options.stderr, async (store) => {
    const id = checked(z.coerce.number().int().positive(), options.id, 'ID');
    if (!(await store.revokeApiToken(id))) {
      throw new IntakeError('token_not_found', `no API token ${id}, or it is already revoked`);
    }
    await store.audit({ actor: actor(), action: 'api_token.revoke', subject: `token:${id}`, details: {} });
    options.stdout.write(`API token ${id} revoked\n`);
  });
}
