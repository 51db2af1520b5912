/**
 * External conformance suite: cases from other projects' test suites, read from a directory outside the
 * repository (default ../shared/corpora). Nothing in `npm test` depends on it.
 *
 *   npm run conformance [-- --corpora DIR] [-- --verbose] [-- --only reply-quotes|time-windows]
 *
 * Suites: reply-quotes.jsonl (what a reader sees as the new reply) and time-windows.jsonl (time expressions,
 * scripts/conformance-time-windows.ts). Each prints one summary line; the exit code is 1 if any case fails.
 *
 * Without --corpora (or INTAKE_CORPORA), the corpora are looked for as `shared/corpora` beside the
 * repository or any directory above it (a checkout at /work/main finds /work/shared/corpora), then at
 * /work/shared/corpora, where these machines keep them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { normalizeText } from '../src/reader/normalize-text.js';
import { createReader } from '../src/reader/read-message.js';
import { checkStatements } from './conformance-statements.js';
import { reportTimeWindows, runTimeWindows } from './conformance-time-windows.js';

interface ReplyQuoteCase {
  source: string;
  lang: string;
  input: string;
  expected_visible: string | null;
  assertion: string;
  source_path: string;
  feature: string;
}

interface Outcome {
  id: string;
  feature: string;
  firm: boolean;
  pass: boolean;
  judgedBy: string;
  detail?: string;
}

const { values } = parseArgs({
  options: {
    corpora: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const SUITES = ['reply-quotes', 'time-windows'] as const;
if (values.only !== undefined && !(SUITES as readonly string[]).includes(values.only)) {
  console.error(`conformance: --only takes one of ${SUITES.join(', ')}`);
  process.exit(2);
}
const runs = (suite: (typeof SUITES)[number]) => values.only === undefined || values.only === suite;

function findCorpora(): string[] {
  const given = values.corpora ?? process.env.INTAKE_CORPORA;
  if (given) return [resolve(given)];
  const candidates: string[] = [];
  for (const start of [process.cwd(), dirname(dirname(fileURLToPath(import.meta.url)))]) {
    for (let dir = resolve(start, '..'); ; dir = dirname(dir)) {
      candidates.push(resolve(dir, 'shared/corpora'));
      if (dirname(dir) === dir) break;
    }
  }
  candidates.push('/work/shared/corpora');
  return [...new Set(candidates)];
}
const tried = findCorpora();
const corpora = tried.find((dir) => SUITES.some((suite) => existsSync(resolve(dir, `${suite}.jsonl`))));
if (!corpora) {
  console.error(
    `conformance: ${SUITES.map((s) => `${s}.jsonl`).join(' / ')} not found in ${tried.join(', ')} (give --corpora DIR)`,
  );
  process.exit(2);
}
console.log(`conformance corpora: ${corpora}`);
const file = resolve(corpora, 'reply-quotes.jsonl');
let failed = false;

async function replyQuotes(): Promise<boolean> {
  const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
  const normal = (s: string) => normalizeText(s).text.trim();

  // talon's extract_from_plain removes quotations only and keeps the signature: compare the whole reply.
  const keepsSignature = (c: ReplyQuoteCase) => c.assertion.startsWith('quotations.extract_from_plain');

  /**
   * Where a source asserts nothing firm, the case is judged by our policy (intervention-policy.md §5),
   * computed from the input so that none of the corpus text is copied here.
   */
  function policyExpectation(c: ReplyQuoteCase): { expected: string; why: string } | undefined {
    if (/inline\/interleaved/.test(c.feature)) {
      const answers = c.input
        .split('\n')
        .filter((l) => !l.startsWith('>') && !/wrote:\s*$/.test(l))
        .join('\n');
      return {
        expected: normal(answers),
        why: 'policy §5: unquoted lines typed between quoted lines are new text',
      };
    }
    if (/'From:' inside body text/.test(c.feature)) {
      return {
        expected: normal(c.input),
        why: 'policy §5 / issue 2: header-like words inside sentences are not quote markers',
      };
    }
    return undefined;
  }

  function wrap(body: string, n: number): string {
    return [
      'From: Customer <customer@example.com>',
      'To: support@hosting.example',
      'Subject: conformance case',
      `Message-ID: <case-${n}@conformance.invalid>`,
      'Date: Wed, 25 Nov 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
    ].join('\r\n');
  }

  const reader = createReader({ ownAddresses: ['support@hosting.example'] });
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ReplyQuoteCase);

  const outcomes: Outcome[] = [];
  for (const [index, c] of rows.entries()) {
    const id = `reply-quotes#${index + 1} ${c.source.split('@')[0]}`;
    const { message } = await reader.read(Buffer.from(wrap(c.input, index + 1)));
    const policy = c.expected_visible === null ? policyExpectation(c) : undefined;
    const expected = c.expected_visible !== null ? normal(c.expected_visible) : policy?.expected;
    if (expected === undefined) {
      outcomes.push({
        id,
        feature: c.feature,
        firm: false,
        pass: false,
        judgedBy: 'nothing',
        detail: 'no expectation',
      });
      continue;
    }
    const got =
      keepsSignature(c) && message.signature ? `${message.newText}\n\n${message.signature}` : message.newText;
    const pass = keepsSignature(c) || policy ? collapse(got) === collapse(expected) : got === expected;
    outcomes.push({
      id,
      feature: c.feature,
      firm: c.expected_visible !== null,
      pass,
      judgedBy: policy ? policy.why : keepsSignature(c) ? 'source (reply incl. signature)' : 'source',
      detail: pass
        ? undefined
        : `expected ${JSON.stringify(expected)}\n      got      ${JSON.stringify(got)}`,
    });
  }

  for (const o of outcomes) {
    if (!o.pass || values.verbose) {
      console.log(`${o.pass ? 'pass' : 'FAIL'}  ${o.id}: ${o.feature} [${o.judgedBy}]`);
      if (o.detail) console.log(`      ${o.detail}`);
    }
  }
  const firm = outcomes.filter((o) => o.firm);
  const policyCases = outcomes.filter((o) => !o.firm);
  const passed = outcomes.filter((o) => o.pass).length;
  console.log(
    `reply-quotes: ${passed}/${outcomes.length} cases pass ` +
      `(${firm.filter((o) => o.pass).length}/${firm.length} with a firm expectation in their source, ` +
      `${policyCases.filter((o) => o.pass).length}/${policyCases.length} judged by our policy)`,
  );
  return outcomes.every((o) => o.pass);
}

if (runs('reply-quotes')) {
  if (existsSync(file)) failed = !(await replyQuotes()) || failed;
  else {
    console.log(`reply-quotes: ${file} not found`);
    failed = true;
  }
}

if (runs('time-windows')) {
  const timeFile = resolve(corpora, 'time-windows.jsonl');
  if (existsSync(timeFile)) {
    const outcomes = runTimeWindows(timeFile);
    for (const line of reportTimeWindows(outcomes, values.verbose)) console.log(line);
    failed = outcomes.some((o) => o.status === 'fail') || failed;
  } else {
    console.log(`time-windows: ${timeFile} not found`);
    failed = true;
  }
}
// The behaviour contract sits beside the corpora (../shared/spec next to ../shared/corpora).
if (values.only === undefined) {
  const policy = resolve(corpora, '../spec/intervention-policy.md');
  if (existsSync(policy)) {
    const { lines, ok } = checkStatements(policy);
    for (const line of lines) console.log(line);
    failed = !ok || failed;
  } else {
    console.log(`statements: ${policy} not found`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
