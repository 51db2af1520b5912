import { REQUEST_TYPES, type RequestType, SCENARIOS, type Scenario } from '../record/schema.js';
import { anyMatch, type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { isGenuineQuestion, isNegatedAt, type PolarityRules } from './clauses.js';
import { type Extracted, evidenceOf } from './evidence.js';
import { hits, tagValues } from './rule-match.js';
import type { Sentence } from './sentences.js';

export interface IntentRules {
  rules: readonly CompiledRule[];
  serviceSubject: readonly CompiledRule[];
}

export function intentRules(book: RuleBook): IntentRules {
  const all = book.patterns('understand/request-types');
  return {
    rules: all.filter((r) => r.tags.some((t) => t.startsWith('type:') || t.startsWith('scenario:'))),
    serviceSubject: withTag(all, 'service-subject'),
  };
}

// How far back a symptom's subject is looked for: « nginx ne répond plus », "the website is down".
const SUBJECT_REACH = 40;

export interface IntentFindings {
  requestTypes: Extracted<RequestType>[];
  scenarios: Extracted<Scenario>[];
}

/**
 * Request types and scenarios said in the customer's sentences (section 1). A negated clause ("it is not
 * down") or a genuine question ("do you reinstall for free?") asks for nothing. Hardware types come from
 * the hardware extractor; the caller merges them.
 */
export function extractIntent(
  sentences: readonly Sentence[],
  rules: IntentRules,
  polarity: PolarityRules,
): IntentFindings {
  const types = new Map<RequestType, Extracted<RequestType>>();
  const scenarios = new Map<Scenario, Extracted<Scenario>>();
  for (const sentence of sentences) {
    const found = hits(sentence, rules.rules);
    if (found.length === 0 || isGenuineQuestion(sentence, polarity)) continue;
    for (const hit of found) {
      if (isNegatedAt(sentence, hit.at, polarity)) continue;
      if (hit.rule.tags.includes('scenario:unresponsive')) {
        const before = sentence.text.slice(
          Math.max(0, hit.at - sentence.start - SUBJECT_REACH),
          hit.at - sentence.start,
        );
        if (anyMatch(rules.serviceSubject, before)) continue;
      }
      const evidence = evidenceOf(sentence);
      for (const t of tagValues(hit.rule, 'type')) {
        if (!types.has(t as RequestType))
          types.set(t as RequestType, {
            value: t as RequestType,
            evidence,
            confidence: 0.8,
            ruleId: hit.rule.id,
          });
      }
      for (const s of tagValues(hit.rule, 'scenario')) {
        if (!scenarios.has(s as Scenario))
          scenarios.set(s as Scenario, {
            value: s as Scenario,
            evidence,
            confidence: 0.8,
            ruleId: hit.rule.id,
          });
      }
    }
  }
  return {
    requestTypes: REQUEST_TYPES.flatMap((t) => types.get(t) ?? []),
    scenarios: SCENARIOS.flatMap((s) => scenarios.get(s) ?? []),
  };
}
