/**
 * Debian's Chromium for the desk's browser tests (driven by playwright-core, which never downloads a
 * browser of its own): installed with apt-get when missing and we are root, as the Dovecot harness does.
 */
import { aptInstall, findBinary, isRoot } from './dovecot-host.js';

const ADVICE =
  'Chromium is not installed. Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), set ' +
  'INTAKE_CHROMIUM to a Chromium binary, or run the tests as root and they install it.';

/** The Chromium binary to launch; throws saying what to install when there is none and none can be. */
export async function ensureChromium(): Promise<string> {
  const given = process.env.INTAKE_CHROMIUM;
  if (given) return given;
  const found = findBinary('chromium');
  if (found) return found;
  if (!isRoot() || !findBinary('apt-get')) throw new Error(ADVICE);
  await aptInstall(['chromium']);
  const installed = findBinary('chromium');
  if (!installed) throw new Error(`${ADVICE} (apt-get ran, no binary)`);
  return installed;
}
