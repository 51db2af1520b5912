/**
 * What `npm run demo` needs from the machine: Dovecot and redis-server, installed with apt-get when we are
 * root, otherwise named in one exact command. Both are checked first and installed in one go, so that a
 * newcomer is told everything at once rather than one package per run.
 */
import { findBinary, isRoot, run } from './dovecot-host.js';

const PACKAGES = { dovecot: 'dovecot-imapd', 'redis-server': 'redis-server' } as const;

export class MissingPackagesError extends Error {
  constructor(readonly packages: string[]) {
    super(
      findBinary('apt-get')
        ? `the demo needs ${packages.join(' and ')}. Install with:\n\n` +
            `    sudo apt-get install -y --no-install-recommends ${packages.join(' ')}\n\n` +
            'or run `npm run demo` as root and it installs them itself.'
        : `the demo needs ${packages.join(' and ')} (Debian/Ubuntu package names); install them with ` +
            "your system's package manager.",
    );
    this.name = 'MissingPackagesError';
  }
}

function missingPackages(): string[] {
  const missing: string[] = [];
  if (!findBinary('dovecot') || !findBinary('doveadm')) missing.push(PACKAGES.dovecot);
  if (!findBinary('redis-server')) missing.push(PACKAGES['redis-server']);
  return missing;
}

/**
 * Installs what is missing when we are root on a machine with apt-get; otherwise throws a
 * MissingPackagesError that names the exact command. Returns the packages it installed.
 */
export async function ensurePackages(say: (line: string) => void): Promise<string[]> {
  const missing = missingPackages();
  if (missing.length === 0) return [];
  const aptGet = findBinary('apt-get');
  if (!isRoot() || !aptGet) throw new MissingPackagesError(missing);
  say(`Installing ${missing.join(' ')} with apt-get (running as root; this can take a minute)…`);
  const install = ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...missing];
  try {
    await run(aptGet, install, { timeoutMs: 900_000 });
  } catch {
    // A fresh container usually has empty package lists: refresh once, then try again.
    await run(aptGet, ['-o', 'DPkg::Lock::Timeout=300', 'update'], { timeoutMs: 900_000 });
    await run(aptGet, install, { timeoutMs: 900_000 });
  }
  const still = missingPackages();
  if (still.length > 0) throw new MissingPackagesError(still);
  return missing;
}
