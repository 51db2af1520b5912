/**
 * `npm run eval`: runs the labelled fixtures through the offline pipeline and prints, per field, how many
 * checks are right (precision and recall for set-valued fields), then the safety failures: a statement
 * counted although it was only quoted, a secret in a reply, a reply to an automatic message.
 */
import { readFileSync } from 'node:fs';
import { compareLine, type FieldCheck } from '../src/pipeline/compare-lines.js';
import { createPipeline } from '../src/pipeline/offline-pipeline.js';
import { createReader } from '../src/reader/read-message.js';
import { labelledCases, PIPELINE_TEST_OPTIONS } from '../test/support/labelled.js';

const verbose = process.argv.includes('--verbose');
// --holdout, --holdout-2: messages written apart (fixtures/holdout/, fixtures/holdout-2/), never used to tune rules.
const set = process.argv.includes('--holdout-2')
  ? 'holdout-2'
  : process.argv.includes('--holdout')
    ? 'holdout'
    : 'tuning';
const reader = createReader({
  ownAddresses: PIPELINE_TEST_OPTIONS.ownAddresses,
  ownMessageIdDomains: PIPELINE_TEST_OPTIONS.ownMessageIdDomains,
});
const byField = new Map<string, { ok: number; total: number; tp: number; fn: number; fp: number }>();
const failures: string[] = [];
const safety: string[] = [];
let messages = 0;

const ACK_FIELDS = {
  'acknowledgements.dataLoss': 'dataLoss',
  'acknowledgements.hardware': 'hardware',
} as const;

for (const c of labelledCases(set)) {
  const pipeline = createPipeline(PIPELINE_TEST_OPTIONS);
  for (const [i, { file, path }] of c.files.entries()) {
    messages++;
    const raw = readFileSync(path);
    const line = (await pipeline.process(raw, file)) as unknown as Record<string, unknown>;
    const expected = c.expected[i] ?? {};
    const checks: FieldCheck[] = compareLine(expected, line);
    for (const check of checks) {
      const f = byField.get(check.field) ?? { ok: 0, total: 0, tp: 0, fn: 0, fp: 0 };
      f.total++;
      if (check.ok) f.ok++;
      else
        failures.push(
          `${file}: ${check.field}: expected ${JSON.stringify(check.expected)}, got ${JSON.stringify(check.actual)}`,
        );
      if (check.set) {
        f.tp += check.set.truePositives;
        f.fn += check.set.falseNegatives;
        f.fp += check.set.falsePositives;
      }
      byField.set(check.field, f);
    }

    const { message, secrets } = await reader.read(raw);
    const reply = line.reply as { text?: string; subject?: string } | null;
    if (reply && message.automatic.isAutomatic) safety.push(`${file}: reply to an automatic message`);
    const replyText = reply ? `${reply.subject ?? ''}\n${reply.text ?? ''}` : '';
    for (const s of secrets) {
      if (replyText.includes(s.value.reveal())) safety.push(`${file}: a secret in the reply`);
      if (JSON.stringify(line).includes(s.value.reveal())) safety.push(`${file}: a secret in the output`);
    }
    // A statement read as given although the hand-judged truth says it was not, while the message quotes it.
    const quoted = message.quoted
      .map((q) => q.text)
      .join('\n')
      .toLowerCase();
    for (const [field, key] of Object.entries(ACK_FIELDS)) {
      const got = (line.acknowledgements as Record<string, string>)[key];
      const want = (expected.acknowledgements as Record<string, string> | undefined)?.[key];
      if (
        got === 'verbatim' &&
        want !== 'verbatim' &&
        /(?:je comprends et j'accepte|i understand and accept)/.test(quoted)
      ) {
        safety.push(`${file}: ${field} counted from a quoted statement`);
      }
    }
  }
}

const rows = [...byField.entries()].sort(([a], [b]) => a.localeCompare(b));
let ok = 0;
let total = 0;
console.log('| field | correct | accuracy | precision | recall |');
console.log('|---|--:|--:|--:|--:|');
for (const [field, f] of rows) {
  ok += f.ok;
  total += f.total;
  const set = f.tp + f.fn + f.fp > 0;
  const precision = set ? (f.tp + f.fp === 0 ? 1 : f.tp / (f.tp + f.fp)) : null;
  const recall = set ? (f.tp + f.fn === 0 ? 1 : f.tp / (f.tp + f.fn)) : null;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(
    `| ${field} | ${f.ok}/${f.total} | ${pct(f.ok / f.total)} | ${precision === null ? '' : pct(precision)} | ${recall === null ? '' : pct(recall)} |`,
  );
}
if (verbose || failures.length <= 40) for (const f of failures) console.log(`  wrong: ${f}`);
else console.log(`  (${failures.length} wrong checks; --verbose lists them)`);
for (const s of safety) console.log(`  SAFETY: ${s}`);
console.log(
  `\nmessages: ${messages}; field checks correct: ${ok}/${total} (${((100 * ok) / total).toFixed(2)} %); safety failures: ${safety.length}`,
);
process.exitCode = safety.length > 0 ? 1 : 0;
