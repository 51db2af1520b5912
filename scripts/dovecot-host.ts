/**
 * The host side of the Dovecot harness (scripts/dovecot.ts): finding or installing Dovecot, the identity
 * its processes run as, the configuration file, and cleaning up after the master.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A harness failure, with a stable `code` like the service's own errors. */
export class DovecotHarnessError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DovecotHarnessError';
    this.code = code;
  }
}

const SEARCH_PATH = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin'];
const MAIL_UID_AS_ROOT = 5000;
/** Running masters and the directory of each: what a process exiting without stop() must clean up. */
export const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SEARCH_PATH];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function run(
  file: string,
  args: string[],
  options: { input?: Buffer | string; timeoutMs?: number } = {},
) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      },
      (err, stdout, stderr) => {
        if (err) {
          reject(
            new DovecotHarnessError(
              'command_failed',
              `${file} ${args.join(' ')} failed: ${stderr || err.message}`,
              {
                cause: err,
              },
            ),
          );
        } else resolve({ stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export const isRoot = () => process.getuid?.() === 0;

/**
 * `apt-get install -y --no-install-recommends` (as root). Several test files may get here at once: dpkg's own
 * lock serialises them, the later ones find the packages installed and do nothing.
 */
export async function aptInstall(packages: string[]): Promise<void> {
  const aptGet = findBinary('apt-get');
  if (!aptGet) throw new Error('apt-get is not available');
  const installArgs = [
    '-o',
    'DPkg::Lock::Timeout=300',
    'install',
    '-y',
    '--no-install-recommends',
    ...packages,
  ];
  try {
    await run(aptGet, installArgs, { timeoutMs: 600_000 });
  } catch {
    // Usually empty package lists on a fresh container: refresh once and try again.
    await run(aptGet, ['-o', 'DPkg::Lock::Timeout=300', 'update'], { timeoutMs: 600_000 });
    await run(aptGet, installArgs, { timeoutMs: 600_000 });
  }
}

/** Dovecot's two binaries, installing the package first when allowed; throws saying what to install. */
export async function ensureDovecot(install = true): Promise<{ dovecot: string; doveadm: string }> {
  let dovecot = findBinary('dovecot');
  let doveadm = findBinary('doveadm');
  if (dovecot && doveadm) return { dovecot, doveadm };
  const advice =
    'Dovecot is not installed. Install it with `sudo apt-get install -y dovecot-imapd` (Debian/Ubuntu), ' +
    'or run this as root and it installs itself.';
  if (!install || !isRoot() || !findBinary('apt-get'))
    throw new DovecotHarnessError('dovecot_missing', advice);
  await aptInstall(['dovecot-imapd']);
  dovecot = findBinary('dovecot');
  doveadm = findBinary('doveadm');
  if (!dovecot || !doveadm)
    throw new DovecotHarnessError('dovecot_missing', `${advice} (apt-get ran, no binary)`);
  return { dovecot, doveadm };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test run that exits without stop() must not leave servers or directories behind.
  process.once('exit', () => {
    for (const [child, dir] of live) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export interface Identity {
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  uid: number;
  gid: number;
  firstValidUid: number;
}

export function identity(): Identity {
  if (isRoot()) {
    for (const name of ['dovecot', 'dovenull']) {
      if (
        !readFileSync('/etc/passwd', 'utf8')
          .split('\n')
          .some((l) => l.startsWith(`${name}:`))
      ) {
        throw new DovecotHarnessError(
          'dovecot_missing',
          `system user ${name} is missing: reinstall dovecot-core (apt-get install --reinstall dovecot-core)`,
        );
      }
    }
    return {
      internalUser: 'dovecot',
      internalGroup: 'dovecot',
      loginUser: 'dovenull',
      uid: MAIL_UID_AS_ROOT,
      gid: MAIL_UID_AS_ROOT,
      firstValidUid: 1000,
    };
  }
  // Unprivileged: every Dovecot process runs as ourselves (no setuid, no chroot).
  const self = os.userInfo();
  return {
    internalUser: self.username,
    internalGroup: groupName(self.gid),
    loginUser: self.username,
    uid: self.uid,
    gid: self.gid,
    firstValidUid: Math.min(1000, self.uid),
  };
}

// Everything Dovecot 2.3 advertises here after login, minus IDLE.
const CAPABILITIES_WITHOUT_IDLE =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS ' +
  'THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED ' +
  'I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE ' +
  'SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE';

export function config(o: {
  dir: string;
  port: number;
  id: Identity;
  idle: boolean;
  /** With a port: implicit TLS there, with cert.pem/key.pem from `dir` (plain port then offers STARTTLS). */
  tlsPort?: number;
  /** With a path: XOAUTH2/OAUTHBEARER logins checked by an oauth2 passdb configured in that file. */
  oauth2?: string;
}): string {
  // Unprivileged, nothing may chroot or change user.
  const unprivileged = !isRoot();
  return `# Generated by scripts/dovecot.ts: a throwaway instance, nothing from /etc/dovecot.
instance_name = ${path.basename(o.dir)}
base_dir = ${o.dir}/run
state_dir = ${o.dir}/state
log_path = ${o.dir}/dovecot.log
info_log_path = ${o.dir}/dovecot.log
protocols = imap
shutdown_clients = yes
listen = 127.0.0.1
${o.tlsPort ? `ssl = yes\nssl_cert = <${o.dir}/cert.pem\nssl_key = <${o.dir}/key.pem` : 'ssl = no'}
disable_plaintext_auth = no
auth_mechanisms = plain login${o.oauth2 ? ' xoauth2 oauthbearer' : ''}
# Tests try wrong passwords on purpose; the default 2 s penalty only slows them down.
auth_failure_delay = 0
first_valid_uid = ${o.id.firstValidUid}
mail_location = maildir:~/Maildir
default_internal_user = ${o.id.internalUser}
default_login_user = ${o.id.loginUser}
default_internal_group = ${o.id.internalGroup}
${o.idle ? '' : `imap_capability = ${CAPABILITIES_WITHOUT_IDLE}`}
namespace inbox {
  inbox = yes
  separator = /
}
${o.oauth2 ? `passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ${o.oauth2}\n}\n` : ''}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${o.dir}/passwd
}
userdb {
  driver = static
  args = uid=${o.id.uid} gid=${o.id.gid} home=${o.dir}/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${o.port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${o.tlsPort ?? 0}
  }
${unprivileged ? '  chroot =\n' : ''}}
# Dovecot delays logins from an address after a failed one (2 s, doubling); tests fail logins on purpose.
# A listener nobody can open switches that penalty off (the documented way).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
${unprivileged ? '  chroot =\n' : ''}}
`;
}

/** Where a local delivery agent would write a message of `mailbox` (Maildir++ layout, `/` separator). */
export function maildirOf(home: string, mailbox: string): string {
  if (mailbox.toUpperCase() === 'INBOX') return path.join(home, 'Maildir');
  return path.join(home, 'Maildir', `.${mailbox.replaceAll('/', '.')}`);
}

/**
 * The master's exit leaves the IMAP sessions (and the log and stats processes) running here, holding
 * their clients' connections open, even with `shutdown_clients = yes`. A real restart drops them (systemd
 * kills the whole unit), so do that: SIGTERM (the session says BYE), then SIGKILL what is left.
 */
export async function killLeftovers(instance: string): Promise<void> {
  const find = () =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${instance}/`);
        } catch {
          return false;
        }
      });
  const signal = (pids: number[], sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // gone already
      }
    }
  };
  if (!existsSync('/proc')) return;
  signal(find(), 'SIGTERM');
  for (let i = 0; i < 40; i++) {
    if (find().length === 0) return;
    await sleep(25);
  }
  signal(find(), 'SIGKILL');
}

function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}

/** A self-signed certificate for 127.0.0.1 (and localhost), written to dir/cert.pem and dir/key.pem. */
export async function selfSignedCertificate(dir: string): Promise<string> {
  const openssl = findBinary('openssl');
  if (!openssl) {
    throw new DovecotHarnessError('openssl_missing', 'TLS needs openssl: `sudo apt-get install -y openssl`');
  }
  const cert = path.join(dir, 'cert.pem');
  await run(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    cert,
  ]);
  return readFileSync(cert, 'utf8');
}

export function uidOf(name: string): number {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  return Number(line?.split(':')[2] ?? 0);
}
