/**
 * A throwaway Dovecot IMAP server on loopback, for the tests, `npm run demo` and the benchmarks.
 *
 * It lives outside src/ on purpose: it is tooling (it installs packages, runs servers and writes into the
 * maildir behind the server's back) that the service itself never ships. Everything it needs comes from
 * the operating system and imapflow; it imports nothing from src/.
 *
 * Facts this file follows (measured on Debian 12, Dovecot 2.3.19, see notes/mail-infrastructure.md): the
 * config includes nothing from /etc/dovecot; the mail uid must not be 0 and not below `first_valid_uid`;
 * `mail_location` must be given; the mail home must be owned by the mail uid; every instance needs its
 * own `base_dir`; Dovecot's output must never go into a pipe nobody drains (it keeps the pipe open).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import {
  canConnect,
  config,
  DovecotHarnessError,
  ensureDovecot,
  freePort,
  identity,
  installExitHook,
  isRoot,
  killLeftovers,
  live,
  maildirOf,
  run,
  selfSignedCertificate,
  sleep,
  uidOf,
} from './dovecot-host.js';

export { DovecotHarnessError, ensureDovecot };

export interface DovecotOptions {
  /** Login name; an address exercises the URL-encoding of `@`. Default `support@intake.test`. */
  user?: string;
  /** Default: random. */
  password?: string;
  /** Default: a free port chosen by the kernel. */
  port?: number;
  /** `false` removes IDLE from the advertised capabilities, to exercise a client's polling fallback. */
  idle?: boolean;
  /** Also listen with implicit TLS (self-signed certificate): see `imapsUrl` and `certificate`. */
  tls?: boolean;
  /** Run `apt-get install -y dovecot-imapd` when Dovecot is missing and we are root. Default true. */
  install?: boolean;
  /**
   * Also accept OAuth2 access tokens (XOAUTH2, OAUTHBEARER), which Dovecot checks by POSTing `token=…` to
   * this RFC 7662 introspection endpoint; it must answer `{"active": true, "username": "<user>"}`.
   */
  oauth2?: { introspectionUrl: string };
}

export interface StoredMessage {
  uid: number;
  flags: string[];
  messageId: string | null;
  size: number;
}

export interface DovecotInstance {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `imap://user:pass@127.0.0.1:port/INBOX`, user and password URL-encoded. */
  readonly url: string;
  /** `imaps://…` on the TLS port, when started with `tls: true`. */
  readonly imapsUrl: string | null;
  /** The self-signed certificate (PEM) to trust for `imapsUrl`. */
  readonly certificate: string | null;
  /** The temp directory holding config, logs and mail. */
  readonly dir: string;
  readonly configPath: string;
  /** APPENDs over IMAP as another client would (creating the mailbox if needed); resolves to the UID. */
  append(mailbox: string, raw: string | Buffer, flags?: string[]): Promise<number>;
  /** Writes straight into the maildir, as a local delivery agent would: works while the server is down. */
  deliver(mailbox: string, raw: string | Buffer): Promise<void>;
  /** Expunges one message over IMAP, behind the back of whoever else is connected. */
  deleteMessage(mailbox: string, uid: number): Promise<void>;
  /** Gives the mailbox a new UIDVALIDITY (`doveadm mailbox update`); resolves to the new value. */
  changeUidValidity(mailbox: string): Promise<string>;
  /** The messages of a mailbox, ascending by UID (empty if the mailbox does not exist). */
  list(mailbox: string): Promise<StoredMessage[]>;
  mailboxes(): Promise<string[]>;
  /** Creates a mailbox if it does not exist yet. */
  createMailbox(mailbox: string): Promise<void>;
  /** Stops the server (data kept), runs `whileDown` if given, starts it again on the same port. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** The server's log, for assertions and failure messages. */
  log(): string;
  /** Stops the server and deletes everything. */
  stop(): Promise<void>;
}

/**
 * Starts a Dovecot instance. Several can run at once (own base_dir, port and instance name each).
 */
export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotInstance> {
  const bins = await ensureDovecot(options.install ?? true);
  const id = identity();
  installExitHook();

  const user = options.user ?? 'support@intake.test';
  const password = options.password ?? randomBytes(9).toString('base64url');
  const [localPart, domain = ''] = user.split('@') as [string, string?];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-dovecot-'));
  // Dovecot's unprivileged processes (and the mail uid) have to traverse the directory.
  await chmod(dir, 0o755);
  const home = path.join(dir, 'mail', domain, localPart);
  await mkdir(home, { recursive: true });
  for (const d of [path.join(dir, 'mail'), path.join(dir, 'mail', domain), home]) {
    await chown(d, id.uid, id.gid);
  }
  const passwdPath = path.join(dir, 'passwd');
  await writeFile(passwdPath, `${user}:{PLAIN}${password}::::::\n`, { mode: 0o600 });
  // The auth process runs as the internal user and reads the passwd-file itself.
  if (isRoot()) await chown(passwdPath, uidOf(id.internalUser), 0);
  const configPath = path.join(dir, 'dovecot.conf');
  const logPath = path.join(dir, 'dovecot.log');
  let port = options.port ?? (await freePort());
  const certificate = options.tls ? await selfSignedCertificate(dir) : null;
  let tlsPort = options.tls ? await freePort() : undefined;
  let oauth2: string | undefined;
  if (options.oauth2) {
    oauth2 = path.join(dir, 'dovecot-oauth2.conf.ext');
    await writeFile(
      oauth2,
      [
        'introspection_mode = post',
        `introspection_url = ${options.oauth2.introspectionUrl}`,
        'force_introspection = yes',
        'username_attribute = username',
        'active_attribute = active',
        'active_value = true',
        '',
      ].join('\n'),
    );
  }
  const writeConfig = () =>
    writeFile(
      configPath,
      config({
        dir,
        port,
        id,
        idle: options.idle ?? true,
        ...(tlsPort ? { tlsPort } : {}),
        ...(oauth2 ? { oauth2 } : {}),
      }),
    );
  await writeConfig();

  let child: ChildProcess | null = null;
  let admin: ImapFlow | null = null;

  const readLog = () => {
    try {
      return readFileSync(logPath, 'utf8') + readFileSync(path.join(dir, 'stdio.log'), 'utf8');
    } catch {
      return '';
    }
  };

  const launch = async () => {
    const out = openSync(path.join(dir, 'stdio.log'), 'a');
    // Output to a file, never a pipe: Dovecot keeps inherited pipes open and a reader waiting on EOF hangs.
    const proc = spawn(bins.dovecot, ['-c', configPath, '-F'], { stdio: ['ignore', out, out] });
    closeSync(out);
    child = proc;
    live.set(proc, dir);
    let exited = false;
    proc.once('exit', () => {
      exited = true;
      live.delete(proc);
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (exited) {
        throw new DovecotHarnessError(
          'dovecot_start_failed',
          `dovecot exited at start-up:\n${readLog().slice(-2000)}`,
        );
      }
      if ((await canConnect(port)) && (!tlsPort || (await canConnect(tlsPort)))) return;
      await sleep(25);
    }
    proc.kill('SIGKILL');
    throw new DovecotHarnessError(
      'dovecot_start_failed',
      `dovecot did not listen on ${port}:\n${readLog().slice(-2000)}`,
    );
  };

  const halt = async () => {
    const proc = child;
    child = null;
    const client = admin;
    admin = null;
    client?.close();
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    await run(bins.doveadm, ['-c', configPath, 'stop']).catch(() => proc.kill('SIGTERM'));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
    await killLeftovers(path.basename(dir));
  };

  try {
    await launch();
  } catch (err) {
    try {
      // The kernel's free port may have been taken in between: one more try on another port.
      if (options.port !== undefined) throw err;
      port = await freePort();
      if (tlsPort) tlsPort = await freePort();
      await writeConfig();
      await launch();
    } catch (again) {
      await rm(dir, { recursive: true, force: true });
      throw again;
    }
  }

  // Callers may append concurrently: they share one connection attempt rather than each opening a session
  // (Dovecot refuses an eleventh one per user and address, mail_max_userip_connections).
  let connecting: Promise<ImapFlow> | null = null;
  const adminClient = (): Promise<ImapFlow> => {
    if (admin?.usable) return Promise.resolve(admin);
    connecting ??= connectAdmin().finally(() => {
      connecting = null;
    });
    return connecting;
  };
  const connectAdmin = async (): Promise<ImapFlow> => {
    admin?.close();
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', () => {});
    await client.connect();
    admin = client;
    return client;
  };

  const ensureMailbox = async (client: ImapFlow, mailbox: string) => {
    if (mailbox.toUpperCase() === 'INBOX') return;
    const known = await client.list();
    if (!known.some((m) => m.path === mailbox)) await client.mailboxCreate(mailbox);
  };

  const instance: DovecotInstance = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    user,
    password,
    get url() {
      return `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`;
    },
    get imapsUrl() {
      if (!tlsPort) return null;
      return `imaps://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${tlsPort}/INBOX`;
    },
    certificate,
    dir,
    configPath,

    async append(mailbox, raw, flags) {
      const client = await adminClient();
      await ensureMailbox(client, mailbox);
      const result = await client.append(mailbox, raw, flags);
      if (result === false || !result.uid)
        throw new DovecotHarnessError('append_failed', `APPEND to ${mailbox} failed`);
      return result.uid;
    },

    async deliver(mailbox, raw) {
      const maildir = maildirOf(home, mailbox);
      for (const sub of ['', 'tmp', 'new', 'cur']) {
        const d = path.join(maildir, sub);
        if (!existsSync(d)) {
          await mkdir(d, { recursive: true });
          await chown(d, id.uid, id.gid);
        }
      }
      const name = `${Date.now()}.M${randomBytes(6).toString('hex')}P${process.pid}.intake`;
      const tmp = path.join(maildir, 'tmp', name);
      await writeFile(tmp, raw, { mode: 0o600 });
      await chown(tmp, id.uid, id.gid);
      await rename(tmp, path.join(maildir, 'new', name));
    },

    async deleteMessage(mailbox, uid) {
      const client = await adminClient();
      const lock = await client.getMailboxLock(mailbox);
      try {
        await client.messageDelete(String(uid), { uid: true });
      } finally {
        lock.release();
      }
    },

    async changeUidValidity(mailbox) {
      const status = await run(bins.doveadm, [
        '-c',
        configPath,
        '-f',
        'flow',
        'mailbox',
        'status',
        '-u',
        user,
        'uidvalidity',
        mailbox,
      ]);
      const current = Number(/uidvalidity=(\d+)/.exec(status.stdout)?.[1] ?? '0');
      const next = String((current % 0xfffffff0) + 1);
      await run(bins.doveadm, [
        '-c',
        configPath,
        'mailbox',
        'update',
        '-u',
        user,
        '--uid-validity',
        next,
        mailbox,
      ]);
      // Dovecot drops the sessions that had the mailbox open ("inconsistent"): start the next call afresh.
      admin?.close();
      admin = null;
      return next;
    },

    async list(mailbox) {
      const client = await adminClient();
      if (!(await client.list()).some((m) => m.path === mailbox)) return [];
      const lock = await client.getMailboxLock(mailbox, { readOnly: true });
      try {
        // A selection kept from an earlier call has a stale view: Dovecot reports expunges and new
        // messages only in answer to a command, and never during a FETCH.
        await client.noop();
        const out: StoredMessage[] = [];
        if (client.mailbox && client.mailbox.exists === 0) return out;
        for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true, size: true })) {
          out.push({
            uid: m.uid,
            flags: [...(m.flags ?? [])],
            messageId: m.envelope?.messageId ?? null,
            size: m.size ?? 0,
          });
        }
        return out.sort((a, b) => a.uid - b.uid);
      } finally {
        lock.release();
      }
    },

    async mailboxes() {
      const client = await adminClient();
      return (await client.list()).map((m) => m.path);
    },

    async createMailbox(mailbox) {
      await ensureMailbox(await adminClient(), mailbox);
    },

    async restart(whileDown) {
      await halt();
      if (whileDown) await whileDown();
      await launch();
    },

    log: readLog,

    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true }).catch(() =>
        rmSync(dir, { recursive: true, force: true }),
      );
    },
  };
  return instance;
}
