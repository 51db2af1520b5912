import { anyMatch, type CompiledRule, firstMatch } from '../rule-engine/compiled-rule.js';
import { tagValues } from './rule-match.js';

export interface MentionRules {
  /** Name and alias rules with a global copy of each pattern. */
  names: { rule: CompiledRule; all: RegExp }[];
  codenames: { rule: CompiledRule; all: RegExp }[];
  /** Version rules by distribution id, anchored at the end of a name. */
  versions: ReadonlyMap<string, CompiledRule[]>;
  notOs: CompiledRule[];
  versionContinuation: CompiledRule[];
}

/** One OS named in a sentence; offsets in the sentence. */
export interface OsMention {
  distribution: string;
  version: string | null;
  start: number;
  end: number;
  /** The text the version was read from ends here (a name, its version, a "… to 22.04" continuation). */
  versionEnd: number;
  /** "Ubuntu 20.04 to 22.04": the version it starts from, when a target version follows. */
  fromVersion: string | null;
  ruleId: string;
  versionRuleId: string | null;
  confidence: number;
}

const VERSION_REACH = 40;
const NOT_OS_REACH = 40;
const NAME_CONFIDENCE = 0.9;
const CODENAME_CONFIDENCE = 0.8;

function tag(rule: CompiledRule, prefix: string): string | null {
  return tagValues(rule, prefix)[0] ?? null;
}

function versionFrom(
  groups: Record<string, string | undefined> | undefined,
  rule: CompiledRule,
): string | null {
  const version = groups?.version;
  if (!version) return null;
  const prefix = tag(rule, 'version-prefix') ?? '';
  const suffix = tag(rule, 'version-suffix') ?? '';
  const release = groups?.release ? ` ${groups.release.toUpperCase()}` : '';
  return `${prefix}${version}${suffix}${release}`;
}

/** The version written right after a name: "22.04.3 LTS" → "22.04", "2012 r2" → "2012 R2". */
export function versionAfter(
  text: string,
  distribution: string,
  rules: MentionRules,
): { version: string; length: number; ruleId: string } | null {
  const after = text.slice(0, VERSION_REACH);
  for (const rule of rules.versions.get(distribution) ?? []) {
    const m = rule.regex.exec(after);
    const version = m ? versionFrom(m.groups, rule) : null;
    if (m && version) return { version, length: m[0].length, ruleId: rule.id };
  }
  return null;
}

function nameMention(
  text: string,
  m: RegExpMatchArray,
  rule: CompiledRule,
  rules: MentionRules,
): OsMention | null {
  const distribution = tag(rule, 'distribution');
  const start = m.index ?? 0;
  if (!distribution || anyMatch(rules.notOs, text.slice(start, start + NOT_OS_REACH))) return null;
  const end = start + m[0].length;
  const mention: OsMention = {
    distribution,
    version: tag(rule, 'version') ?? versionFrom(m.groups, rule),
    start,
    end,
    versionEnd: end,
    fromVersion: null,
    ruleId: rule.id,
    versionRuleId: null,
    confidence: Number(tag(rule, 'confidence') ?? NAME_CONFIDENCE),
  };
  if (mention.version) mention.versionRuleId = rule.id;
  else {
    const found = versionAfter(text.slice(end), distribution, rules);
    if (found) {
      mention.version = found.version;
      mention.versionEnd = end + found.length;
      mention.versionRuleId = found.ruleId;
    }
  }
  // "Ubuntu 20.04 to 22.04", « Debian 11 vers 12 »: the second version is the target.
  if (mention.version) {
    const rest = text.slice(mention.versionEnd);
    const lead = firstMatch(rules.versionContinuation, rest);
    const target = lead ? versionAfter(rest.slice(lead.match[0].length), distribution, rules) : null;
    if (lead && target) {
      mention.fromVersion = mention.version;
      mention.version = target.version;
      mention.versionRuleId = target.ruleId;
      mention.versionEnd += lead.match[0].length + target.length;
    }
  }
  return mention;
}

function addCodenames(text: string, mentions: OsMention[], rules: MentionRules): void {
  for (const { rule, all } of rules.codenames) {
    const distribution = tag(rule, 'distribution');
    const version = tag(rule, 'version');
    if (!distribution || !version) continue;
    for (const m of text.matchAll(all)) {
      const start = m.index;
      const end = start + m[0].length;
      const named = mentions.filter((x) => x.distribution === distribution);
      if (rule.tags.includes('needs-name') && named.length === 0) continue;
      // "Debian Bookworm", "Ubuntu 24.04 (Noble)": the codename completes the name next to it.
      const owner = named.find((x) => start >= x.end && start - x.versionEnd <= 3);
      if (owner) {
        owner.version ??= version;
        owner.versionRuleId ??= rule.id;
        owner.versionEnd = Math.max(owner.versionEnd, end);
        continue;
      }
      if (mentions.some((x) => start < x.versionEnd && end > x.start)) continue;
      mentions.push({
        distribution,
        version,
        start,
        end,
        versionEnd: end,
        fromVersion: null,
        ruleId: rule.id,
        versionRuleId: rule.id,
        confidence: CODENAME_CONFIDENCE,
      });
    }
  }
}

/** Every OS named in a sentence, in order; overlapping aliases keep the earliest, longest reading. */
export function findMentions(text: string, rules: MentionRules): OsMention[] {
  const found: OsMention[] = [];
  for (const { rule, all } of rules.names) {
    for (const m of text.matchAll(all)) {
      const mention = nameMention(text, m, rule, rules);
      if (mention) found.push(mention);
    }
  }
  found.sort((a, b) => a.start - b.start || b.versionEnd - a.versionEnd || b.confidence - a.confidence);
  const mentions: OsMention[] = [];
  for (const mention of found) {
    const last = mentions[mentions.length - 1];
    if (last && mention.start < last.versionEnd) continue;
    mentions.push(mention);
  }
  addCodenames(text, mentions, rules);
  return mentions.sort((a, b) => a.start - b.start);
}
