import { type CompiledRule, firstMatch, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { type Evidence, type Extracted, evidenceOf } from './evidence.js';
import { type InstallOptionRules, readInstallOption } from './os-install-options.js';
import { findMentions, type MentionRules, type OsMention, versionAfter } from './os-mentions.js';
import { type OsRole, type RoleRules, rolesOf } from './os-role.js';
import { tagValues } from './rule-match.js';
import type { Sentence } from './sentences.js';

export interface OsRules {
  mentions: MentionRules;
  roles: RoleRules;
  options: InstallOptionRules;
  /** Sentences without any of these words name no OS: the cheap pre-filter. */
  names: CompiledRule[];
  editions: CompiledRule[];
  editionsAnywhere: CompiledRule[];
  versionLabel: CompiledRule[];
  clauseBoundary: CompiledRule;
}

const globalCopy = (rule: CompiledRule) => new RegExp(rule.regex.source, `${rule.regex.flags}g`);
const withGlobal = (rules: CompiledRule[]) => rules.map((rule) => ({ rule, all: globalCopy(rule) }));

export function osRules(book: RuleBook): OsRules {
  const all = book.patterns('understand/os-catalog');
  const tagged = (tag: string) => withTag(all, tag);
  const versions = new Map<string, CompiledRule[]>();
  for (const rule of all) {
    for (const distribution of tagValues(rule, 'version-of')) {
      versions.set(distribution, [...(versions.get(distribution) ?? []), rule]);
    }
  }
  const [boundary] = tagged('clause-boundary');
  if (!boundary) throw new Error('understand/os-catalog: no rule tagged clause-boundary');
  const names = tagged('distribution');
  return {
    mentions: {
      names: withGlobal(names),
      codenames: withGlobal(tagged('codename')),
      versions,
      notOs: tagged('not-os'),
      versionContinuation: tagged('version-continuation'),
    },
    roles: {
      current: tagged('role:current').map(globalCopy),
      wanted: tagged('role:wanted').map(globalCopy),
      toBefore: tagged('role:to-before'),
      currentBefore: tagged('role:current-before'),
      insteadBefore: tagged('role:instead-before'),
      fromBefore: tagged('role:from-before'),
      withBefore: tagged('role:with-before'),
      notBefore: tagged('role:not-before'),
      clauseBoundary: globalCopy(boundary),
    },
    options: {
      partitioning: withGlobal(tagged('partitioning')),
      raid: withGlobal(tagged('raid')),
      raidNotConfig: tagged('raid-not-config'),
      installContext: tagged('install-context'),
      partitioningValues: all.filter((r) => tagValues(r, 'partitioning-value').length > 0),
      raidValues: all.filter((r) => r.tags.some((t) => t === 'raid-value' || t.startsWith('raid-value:'))),
    },
    names: [...names, ...tagged('codename')],
    editions: tagged('edition'),
    editionsAnywhere: tagged('edition-anywhere'),
    versionLabel: tagged('version-label'),
    clauseBoundary: boundary,
  };
}

/**
 * The OS choice of a reinstall (intervention-policy.md section 2, "os"), each part with its evidence.
 * `distribution` is null when the message gives only partitioning or RAID, or only names the OS the server
 * runs now (then in `current`).
 */
export interface OsFinding {
  distribution: Extracted<string> | null;
  version: Extracted<string> | null;
  edition: Extracted<string> | null;
  partitioning: Extracted<string> | null;
  raid: Extracted<string> | null;
  /** The OS the customer says the server runs now, named apart from the wanted one. */
  current: { distribution: string; version: string | null; evidence: Evidence } | null;
}

interface Placed {
  mention: OsMention;
  role: OsRole;
  index: number;
  sentence: Sentence;
}

const MAX_SENTENCE = 2_000;
// A "Version : 12" or "Edition: Standard" line answers a name given this many sentences before.
const FOLLOW_UP_SENTENCES = 2;
const EDITION_REACH = 60;
const WANTED_CONFIDENCE = 1;
const NEUTRAL_FACTOR = 0.85;

function placeAll(sentences: readonly Sentence[], rules: OsRules): Placed[] {
  const placed: Placed[] = [];
  sentences.forEach((sentence, index) => {
    if (sentence.text.length > MAX_SENTENCE || !rules.names.some((r) => r.regex.test(sentence.text))) return;
    const mentions = findMentions(sentence.text, rules.mentions);
    const roles = rolesOf(sentence.text, mentions, rules.roles);
    mentions.forEach((mention, i) => {
      placed.push({ mention, role: roles[i] ?? 'neutral', index, sentence });
    });
  });
  return placed;
}

/** The wanted OS: the last one named as a target (a correction comes later), one with a version first. */
function choose(placed: readonly Placed[]): Placed | null {
  for (const role of ['wanted', 'neutral'] as const) {
    const candidates = placed.filter((p) => p.role === role);
    const withVersion = candidates.filter((p) => p.mention.version !== null);
    const best = withVersion[withVersion.length - 1] ?? candidates[candidates.length - 1];
    if (best) return best;
  }
  return null;
}

/** "OS : Ubuntu" then "Version : 22.04" on the next line. */
function labelledVersion(
  chosen: Placed,
  sentences: readonly Sentence[],
  rules: OsRules,
): Extracted<string> | null {
  for (let i = chosen.index; i <= chosen.index + FOLLOW_UP_SENTENCES && i < sentences.length; i++) {
    const sentence = sentences[i]!;
    const from = i === chosen.index ? chosen.mention.end : 0;
    const hit = firstMatch(rules.versionLabel, sentence.text.slice(from));
    if (!hit) continue;
    const rest = sentence.text.slice(from + hit.match.index + hit.match[0].length);
    const found = versionAfter(rest, chosen.mention.distribution, rules.mentions);
    if (found)
      return { value: found.version, evidence: evidenceOf(sentence), confidence: 0.8, ruleId: found.ruleId };
  }
  return null;
}

function editionOf(chosen: Placed, sentences: readonly Sentence[], rules: OsRules): Extracted<string> | null {
  const distribution = chosen.mention.distribution;
  const applies = (rule: CompiledRule) => tagValues(rule, 'edition-of').includes(distribution);
  // The edition follows the name in its clause: « Windows Server 2022, partitionnement standard » has none.
  const tail = chosen.sentence.text.slice(
    chosen.mention.versionEnd,
    chosen.mention.versionEnd + EDITION_REACH,
  );
  const boundary = rules.clauseBoundary.regex.exec(tail);
  const near = chosen.sentence.text.slice(
    chosen.mention.start,
    chosen.mention.versionEnd + (boundary?.index ?? tail.length),
  );
  const close = firstMatch(rules.editions.filter(applies), near);
  const value = close ? tagValues(close.rule, 'edition')[0] : undefined;
  if (close && value) {
    return { value, evidence: evidenceOf(chosen.sentence), confidence: 0.9, ruleId: close.rule.id };
  }
  const anywhere = rules.editionsAnywhere.filter(applies);
  if (anywhere.length === 0) return null;
  for (const sentence of sentences) {
    const hit = firstMatch(anywhere, sentence.text);
    const edition = hit ? tagValues(hit.rule, 'edition')[0] : undefined;
    if (hit && edition)
      return { value: edition, evidence: evidenceOf(sentence), confidence: 0.8, ruleId: hit.rule.id };
  }
  return null;
}

/**
 * The operating system to install, read from the OS catalog: when several are named, the target of the
 * reinstall wins over the one the server runs now (« remplacer CentOS 7 par AlmaLinux 9 », "we run CentOS 7
 * now, please install AlmaLinux 9", "Debian 12 instead of Ubuntu"), and a refused one ("not Ubuntu") never
 * counts. Versions are normalised without suffixes ("22.04", "12", "2012 R2"); editions are lower-case ids.
 */
export function extractOs(sentences: readonly Sentence[], rules: OsRules): OsFinding | null {
  const placed = placeAll(sentences, rules);
  const chosen = choose(placed);
  const partitioning = readInstallOption(
    sentences,
    'partitioning',
    placed.length > 0,
    rules.options,
    rules.roles,
  );
  const raid = readInstallOption(sentences, 'raid', placed.length > 0, rules.options, rules.roles);
  const currents = placed.filter((p) => p.role === 'current');
  const left = currents[currents.length - 1];
  const current = left
    ? {
        distribution: left.mention.distribution,
        version: left.mention.version,
        evidence: evidenceOf(left.sentence),
      }
    : chosen?.mention.fromVersion
      ? {
          distribution: chosen.mention.distribution,
          version: chosen.mention.fromVersion,
          evidence: evidenceOf(chosen.sentence),
        }
      : null;
  if (!chosen && !partitioning && !raid && !current) return null;
  const finding: OsFinding = {
    distribution: null,
    version: null,
    edition: null,
    partitioning,
    raid,
    current,
  };
  if (!chosen) return finding;
  const { mention, sentence } = chosen;
  const confidence = mention.confidence * (chosen.role === 'wanted' ? WANTED_CONFIDENCE : NEUTRAL_FACTOR);
  finding.distribution = {
    value: mention.distribution,
    evidence: evidenceOf(sentence),
    confidence,
    ruleId: mention.ruleId,
  };
  // "Please install Debian. Debian 12 if possible.": another mention of the same system gives the version.
  const versioned = mention.version
    ? chosen
    : placed.find(
        (p) =>
          p.mention.distribution === mention.distribution &&
          p.mention.version &&
          (p.role === 'wanted' || p.role === 'neutral'),
      );
  finding.version = versioned?.mention.version
    ? {
        value: versioned.mention.version,
        evidence: evidenceOf(versioned.sentence),
        confidence,
        ruleId: versioned.mention.versionRuleId ?? versioned.mention.ruleId,
      }
    : labelledVersion(chosen, sentences, rules);
  finding.edition = editionOf(chosen, sentences, rules);
  return finding;
}
