/** The Dovecot harness lives in scripts/ so that `npm run demo` and the benchmarks share it with the tests. */
export {
  DovecotHarnessError,
  type DovecotInstance,
  type DovecotOptions,
  ensureDovecot,
  type StoredMessage,
  startDovecot,
} from '../../scripts/dovecot.js';
