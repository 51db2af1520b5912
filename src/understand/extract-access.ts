import type { SecretRef } from '../reader/inbound-message.js';
import { ACCESS_METHODS, type AccessMethod } from '../record/schema.js';
import { anyMatch, type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { isNegatedAt, type PolarityRules } from './clauses.js';
import { type Extracted, evidenceOf } from './evidence.js';
import { firstHit } from './rule-match.js';
import type { Sentence } from './sentences.js';

/** The reader's placeholders (`[[SECRET-1]]`, …: InboundMessage's SecretRef schema). */
const PLACEHOLDER = /\[\[SECRET-\d+\]\]/g;

export interface AccessRules {
  osCredentials: CompiledRule[];
  ipmi: CompiledRule[];
  other: CompiledRule[];
  notGiven: CompiledRule[];
  consoleContext: CompiledRule[];
}

export function accessRules(book: RuleBook): AccessRules {
  const all = book.patterns('understand/access');
  return {
    osCredentials: withTag(all, 'os-credentials'),
    ipmi: withTag(all, 'ipmi'),
    other: withTag(all, 'other'),
    notGiven: withTag(all, 'not-given'),
    consoleContext: withTag(all, 'console-context'),
  };
}

/**
 * Access methods the customer hands over (section 2). A password the reader set apart is an OS login, or a
 * console login when it sat in an IPMI/KVM context; wording rules find the rest. Asking for a console for
 * oneself, or pointing at the provider's own panel console, gives nothing.
 */
export function extractAccess(
  sentences: readonly Sentence[],
  secrets: readonly SecretRef[],
  rules: AccessRules,
  polarity: PolarityRules,
): Extracted<AccessMethod>[] {
  const found = new Map<AccessMethod, Extracted<AccessMethod>>();
  const add = (method: AccessMethod, sentence: Sentence, ruleId: string, confidence: number) => {
    if (!found.has(method))
      found.set(method, { value: method, evidence: evidenceOf(sentence), confidence, ruleId });
  };
  // Looked up by the placeholders each sentence holds, in the order the reader numbered them: testing every
  // secret against every sentence was quadratic, 6 s for a message listing 20,000 passwords, all that time
  // with the worker's event loop blocked (test/faults/poison.fault.ts).
  const newSecrets = new Map(
    secrets.flatMap((s, i) => (s.foundIn === 'new_text' ? [[s.placeholder, { secret: s, i }] as const] : [])),
  );
  const secretsIn = (text: string) =>
    [...new Set(text.match(PLACEHOLDER) ?? [])]
      .flatMap((p) => newSecrets.get(p) ?? [])
      .sort((a, b) => a.i - b.i)
      .map((e) => e.secret);
  // "Voici l'accès IPMI :" then "identifiant : ADMIN" on the next lines: that login is the console's.
  const CONSOLE_REACH = 3;
  let consoleLines = 0;
  for (const sentence of sentences) {
    consoleLines = anyMatch(rules.consoleContext, sentence.text)
      ? CONSOLE_REACH
      : Math.max(0, consoleLines - 1);
    let placeholders = 0;
    for (const secret of secretsIn(sentence.text)) {
      placeholders++;
      add(
        secret.kind === 'ipmi_password' ? 'ipmi_kvm' : 'os_credentials',
        sentence,
        `secret.${secret.kind}`,
        0.95,
      );
    }
    if (anyMatch(rules.notGiven, sentence.text)) continue;
    // Where the reader set a password apart, it already knew whose it is (OS or console).
    const inConsole = consoleLines > 0;
    const wording =
      placeholders > 0
        ? ([['other', rules.other]] as const)
        : inConsole
          ? ([
              ['ipmi_kvm', rules.ipmi],
              ['other', rules.other],
            ] as const)
          : ([
              ['os_credentials', rules.osCredentials],
              ['ipmi_kvm', rules.ipmi],
              ['other', rules.other],
            ] as const);
    for (const [method, list] of wording) {
      const hit = firstHit(sentence, list);
      if (hit && !isNegatedAt(sentence, hit.at, polarity)) add(method, sentence, hit.rule.id, 0.8);
    }
  }
  return ACCESS_METHODS.flatMap((m) => found.get(m) ?? []);
}
