/**
 * The canonical statements of rules/understand/statements.yml against section 4 of the behaviour contract
 * (../shared/spec/intervention-policy.md, beside the corpora): the rule file is the project's copy of the
 * policy's wording, and this check tells when the two part. Run by `npm run conformance`, never by `npm test`.
 */
import { readFileSync } from 'node:fs';
import { shippedRules } from '../src/rule-engine/load-rules.js';
import { canonicalStatements, STATEMENT_IDS, type StatementId } from '../src/understand/acknowledgements.js';

export function checkStatements(policyFile: string): { lines: string[]; ok: boolean } {
  const section = readFileSync(policyFile, 'utf8').split('## 4.')[1]?.split('\n## ')[0] ?? '';
  const expected: Partial<Record<StatementId, { fr?: string; en?: string }>> = {};
  let current: StatementId | undefined;
  for (const line of section.split('\n')) {
    const head = /^- `(\w+)`(?: \((confirmed|no backup)\))?/.exec(line);
    if (head) {
      current = (
        head[1] === 'backup' ? (head[2] === 'confirmed' ? 'backup_confirmed' : 'backup_none') : head[1]
      ) as StatementId;
      expected[current] = {};
    }
    const fr = /^\s+- fr: « (.*) »$/.exec(line);
    const en = /^\s+- en: "(.*)"$/.exec(line);
    if (current && fr) expected[current]!.fr = fr[1];
    if (current && en) expected[current]!.en = en[1];
  }
  const shipped = canonicalStatements(shippedRules(), '{provider}');
  const lines: string[] = [];
  let same = 0;
  for (const id of STATEMENT_IDS) {
    for (const lang of ['fr', 'en'] as const) {
      if (shipped[id][lang] === expected[id]?.[lang]) same++;
      else
        lines.push(
          `FAIL  statements ${id} (${lang}): rules say ${JSON.stringify(shipped[id][lang])}, policy says ${JSON.stringify(expected[id]?.[lang])}`,
        );
    }
  }
  const total = STATEMENT_IDS.length * 2;
  lines.push(`statements: ${same}/${total} canonical statements word for word as policy section 4`);
  return { lines, ok: same === total };
}
