import { describe } from 'vitest';
import { actionTests } from './contract/actions.js';
import { commitTests, migrationTests } from './contract/commit.js';
import { deskAccessTests } from './contract/desk.js';
import { type StoreHarness, useHarness } from './contract/harness.js';
import { listTests, stateTests } from './contract/misc.js';
import { outboxTests, secretTests } from './contract/outbox.js';
import { queueFilterTests } from './contract/queue-filters.js';
import { statusEventTests } from './contract/status-events.js';
import { timingTests } from './contract/timing.js';

export type { StoreHarness } from './contract/harness.js';

/** The behaviour every `Store` backend must have, run by each backend's test file against a real database. */
export function storeContract(harness: StoreHarness): void {
  describe(`Store contract (${harness.kind})`, () => {
    const h = useHarness(harness);
    migrationTests(h);
    commitTests(h);
    secretTests(h);
    outboxTests(h);
    stateTests(h);
    listTests(h);
    timingTests(h);
    deskAccessTests(h);
    queueFilterTests(h);
    actionTests(h);
    statusEventTests(h);
  });
}
