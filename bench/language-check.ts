/**
 * Measures the language heuristic on the generated corpus, whose generator knows each customer's
 * language: `npx tsx bench/language-check.ts [--messages N] [--seed S]`. Prints agreement and the
 * messages where the reader disagrees.
 */
import { parseArgs } from 'node:util';
import { createReader } from '../src/reader/read-message.js';
import { buildMessage, DEFAULT_COUNT, DEFAULT_SEED } from './generate-corpus.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: String(DEFAULT_COUNT) },
    seed: { type: 'string', default: DEFAULT_SEED },
  },
});
const count = Number(values.messages);
const reader = createReader({ ownAddresses: ['support@hosting.example'] });
const confusion: Record<string, number> = { 'fr→fr': 0, 'fr→en': 0, 'en→en': 0, 'en→fr': 0 };
const misses: string[] = [];
for (let i = 0; i < count; i++) {
  const { lang, kind, raw } = buildMessage(values.seed!, i);
  const { message } = await reader.read(raw);
  confusion[`${lang}→${message.language}`]! += 1;
  if (message.language !== lang && misses.length < 10) {
    misses.push(
      `#${i + 1} ${kind} ${lang}→${message.language}: ${JSON.stringify(message.newText.slice(0, 100))}`,
    );
  }
}
const right = confusion['fr→fr']! + confusion['en→en']!;
console.log(`language: ${right}/${count} agree (${((100 * right) / count).toFixed(2)} %)`, confusion);
for (const miss of misses) console.log(`  ${miss}`);
