import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  createMailboxSource,
  type MailboxSource,
  type MailboxSourceOptions,
} from '../../../src/mailbox/imap-source.js';
import { memoryPositionStore } from '../../../src/mailbox/position-store.js';
import { type DovecotInstance, type DovecotOptions, startDovecot } from '../../support/dovecot.js';
import { testLogger, uniqueName } from './mail.js';

/**
 * One real Dovecot per test file (started in beforeAll: if it cannot start, every test fails) and the
 * sources a test creates, closed after it. Each test works in a mailbox of its own.
 */
export function useDovecot(options: DovecotOptions = {}) {
  let dovecot: DovecotInstance | null = null;
  const open: MailboxSource[] = [];
  beforeAll(async () => {
    dovecot = await startDovecot(options);
  });
  afterAll(async () => {
    await dovecot?.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const server = (): DovecotInstance => {
    if (!dovecot) throw new Error('Dovecot did not start');
    return dovecot;
  };
  return {
    get dovecot() {
      return server();
    },
    async freshMailbox(prefix = 'T'): Promise<string> {
      const mailbox = uniqueName(prefix);
      await server().createMailbox(mailbox);
      return mailbox;
    },
    /** A source on `mailbox` with test-friendly timings (fast backoff, 1 s autoIdleDelay), closed after the test. */
    source(mailbox: string, overrides: Partial<MailboxSourceOptions> = {}): MailboxSource {
      const s = createMailboxSource({
        url: server().url,
        mailbox,
        processedFolder: `${mailbox}-Processed`,
        quarantineFolder: `${mailbox}-Quarantine`,
        positions: memoryPositionStore(),
        autoIdleDelayMs: 1000,
        reconnect: { baseMs: 50, capMs: 400, stableAfterMs: 2000 },
        stopTimeoutMs: 2000,
        logger: testLogger(),
        ...overrides,
      });
      open.push(s);
      return s;
    },
  };
}
