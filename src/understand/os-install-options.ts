import { anyMatch, type CompiledRule } from '../rule-engine/compiled-rule.js';
import { type Extracted, evidenceOf } from './evidence.js';
import { type RoleRules, rolesOf } from './os-role.js';
import { tagValues } from './rule-match.js';
import type { Sentence } from './sentences.js';

export interface InstallOptionRules {
  /** Each rule with a global copy of its pattern: a sentence may give the current layout, then the wish. */
  partitioning: { rule: CompiledRule; all: RegExp }[];
  raid: { rule: CompiledRule; all: RegExp }[];
  raidNotConfig: CompiledRule[];
  installContext: CompiledRule[];
  /** Canonical values, in order: the first rule that matches what was found gives the value. */
  partitioningValues: CompiledRule[];
  raidValues: CompiledRule[];
}

export type InstallOption = 'partitioning' | 'raid';

const LABELLED_CONFIDENCE = 0.9;
const PHRASE_CONFIDENCE = 0.8;
const MAX_SENTENCE = 2_000;

function clean(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.;,:!]+$/u, '');
}

/** What the customer wrote for the option: a labelled answer's value, or the phrase itself. */
function given(match: RegExpMatchArray): string {
  return clean(match.groups?.value ?? match[0]);
}

/**
 * The canonical value of what was found ("Par défaut / partition unique" → "default", « RAID 1 logiciel »
 * → "raid1", « sans RAID » → "none"), or what the customer wrote when no canonical form fits.
 */
function canonical(text: string, option: InstallOption, rules: InstallOptionRules): string {
  for (const rule of option === 'raid' ? rules.raidValues : rules.partitioningValues) {
    const m = rule.regex.exec(text);
    if (!m) continue;
    const value = tagValues(rule, option === 'raid' ? 'raid-value' : 'partitioning-value')[0];
    if (value) return value;
    if (m.groups?.level) return `raid${m.groups.level.replace('1+0', '10')}`;
  }
  return text;
}

interface Hit {
  value: string;
  sentence: Sentence;
  labelled: boolean;
  ruleId: string;
  start: number;
  end: number;
}

function hitsIn(sentence: Sentence, option: InstallOption, rules: InstallOptionRules): Hit[] {
  const hits: Hit[] = [];
  for (const { rule, all } of option === 'raid' ? rules.raid : rules.partitioning) {
    for (const m of sentence.text.matchAll(all)) {
      const start = m.index;
      const end = start + m[0].length;
      if (hits.some((h) => start < h.end && end > h.start)) continue;
      const labelled = m.groups?.value !== undefined;
      const value = canonical(given(m), option, rules);
      if (value !== '') hits.push({ value, sentence, labelled, ruleId: rule.id, start, end });
    }
  }
  return hits.sort((a, b) => a.start - b.start);
}

/**
 * Partitioning or RAID "as given" (section 2): a labelled answer (« Partitionnement : par défaut ») or a
 * wish ("software RAID 1", "single partition"), where the message is about installing a system. A failing
 * array is hardware talk, and what the server has now (« actuellement en RAID 0 ») is not a wish.
 */
export function readInstallOption(
  sentences: readonly Sentence[],
  option: InstallOption,
  osNamed: boolean,
  rules: InstallOptionRules,
  roleRules: RoleRules,
): Extracted<string> | null {
  let neutral: Hit | null = null;
  for (const sentence of sentences) {
    if (sentence.text.length > MAX_SENTENCE) continue;
    const hits = hitsIn(sentence, option, rules);
    if (hits.length === 0) continue;
    if (option === 'raid' && anyMatch(rules.raidNotConfig, sentence.text)) continue;
    const roles = rolesOf(sentence.text, hits, roleRules);
    for (const [i, hit] of hits.entries()) {
      if (!hit.labelled && !osNamed && !anyMatch(rules.installContext, sentence.text)) continue;
      const role = roles[i];
      if (role === 'current' || role === 'rejected') continue;
      if (role === 'wanted' || hit.labelled) return toExtracted(hit);
      neutral ??= hit;
    }
  }
  return neutral ? toExtracted(neutral) : null;
}

function toExtracted(hit: Hit): Extracted<string> {
  return {
    value: hit.value,
    evidence: evidenceOf(hit.sentence),
    confidence: hit.labelled ? LABELLED_CONFIDENCE : PHRASE_CONFIDENCE,
    ruleId: hit.ruleId,
  };
}
