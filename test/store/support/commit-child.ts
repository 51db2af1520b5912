/**
 * One of several processes committing the same threads into one SQLite file at once (see sqlite.test.ts):
 * argv = database path, this process's index, the number of threads, the time (ms) to start at, so that
 * the processes, which take different times to boot, migrate and commit over the same interval.
 */
import { createStore } from '../../../src/store/index.js';
import { message } from '../contract/fixtures.js';

const [path, indexText, roundsText, startText] = process.argv.slice(2);
const index = Number(indexText);
const rounds = Number(roundsText);

await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startText) - Date.now())));
const began = Date.now();

const store = await createStore(path!, { secretKey: null });
await store.migrate();
const results: { thread: number; conversationId: string | null; duplicate: boolean }[] = [];
for (let thread = 0; thread < rounds; thread++) {
  // Message k of thread t answers message k-1 and, as mail clients do, references the whole chain before
  // it; every process also commits the one shared message.
  const chain = Array.from({ length: index }, (_, k) => `<t${thread}-m${k}@customer.example>`);
  const own = message({
    messageId: `<t${thread}-m${index}@customer.example>`,
    contentHash: `t${thread}-m${index}`,
    inReplyTo: chain.at(-1) ?? null,
    references: chain,
  });
  const shared = message({
    messageId: `<t${thread}-shared@customer.example>`,
    contentHash: `t${thread}-shared`,
  });
  for (const input of index % 2 === 0 ? [own, shared] : [shared, own]) {
    const result = await store.commitMessage(input);
    if (input === own)
      results.push({ thread, conversationId: result.conversationId, duplicate: result.duplicate });
  }
}
await store.close();
process.stdout.write(JSON.stringify({ began, ended: Date.now(), results }));
