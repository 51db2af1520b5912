/**
 * `npm run faults:report`: renders the figures of the last `npm run test:faults` (.faults/figures.jsonl) as
 * the Markdown table docs/reliability.md keeps, one row per scenario (the latest run of each).
 */
import { existsSync, readFileSync } from 'node:fs';
import { FIGURES_FILE, type ScenarioFigures } from '../test/faults/figures.js';

if (!existsSync(FIGURES_FILE)) {
  process.stderr.write(`${FIGURES_FILE} is missing: run \`npm run test:faults\` first\n`);
  process.exit(1);
}
const latest = new Map<string, ScenarioFigures & { at: string }>();
for (const line of readFileSync(FIGURES_FILE, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const f = JSON.parse(line) as ScenarioFigures & { at: string };
  latest.set(f.scenario, f);
}
const rows = [
  '| scenario | messages | faults | committed | quarantined | records | replies | received by SMTP | duplicates | lost | stuck | seconds | notes |',
  '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|',
];
for (const f of latest.values()) {
  const a = f.audit;
  const replies = Object.entries(a.replies)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const notes = Object.entries(f.notes ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  rows.push(
    `| ${f.scenario} | ${a.appended} | ${f.faults} | ${a.committed} | ${a.quarantined} | ${a.conversations} | ${replies || '-'} | ${a.captured} | ${a.duplicated.length + a.duplicateReplies.length} | ${a.lost.length} | ${a.stuck.length} | ${f.seconds.toFixed(1)} | ${notes || '-'} |`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);
