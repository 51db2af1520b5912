import { anyMatch, type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { type Extracted, evidenceOf } from './evidence.js';
import type { Sentence } from './sentences.js';
import { before, overlaps, type ServerCandidate, type Span, tagNumber, tagText } from './server-candidate.js';
import { readHostnames } from './server-hostname.js';
import { readIps } from './server-ip.js';

export interface ServerRules {
  /** Service-id rules with a global copy of each pattern, surest format first. */
  serviceIds: { rule: CompiledRule; all: RegExp }[];
  notServiceContext: CompiledRule[];
  ipv4: { id: string; all: RegExp };
  ipv6: { id: string; all: RegExp };
  ipNotServerContext: CompiledRule[];
  ipClientContext: CompiledRule[];
  url: RegExp;
  hostname: { id: string; all: RegExp };
  tld: CompiledRule[];
  notHostname: CompiledRule[];
  notHostnameTwoLabels: CompiledRule[];
  sshTarget: CompiledRule[];
}

// Candidates are found with global copies of the rules (rules themselves stay stateless).
function globalCopy(rule: CompiledRule): RegExp {
  return new RegExp(rule.regex.source, `${rule.regex.flags}g`);
}

function global(rules: readonly CompiledRule[], tag: string): { id: string; all: RegExp } {
  const [rule] = withTag(rules, tag);
  if (!rule) throw new Error(`understand/server: no rule tagged ${tag}`);
  return { id: rule.id, all: globalCopy(rule) };
}

export function serverRules(book: RuleBook): ServerRules {
  const all = book.patterns('understand/server');
  return {
    serviceIds: withTag(all, 'service-id').map((rule) => ({ rule, all: globalCopy(rule) })),
    notServiceContext: withTag(all, 'not-service-context'),
    ipv4: global(all, 'ipv4-candidate'),
    ipv6: global(all, 'ipv6-candidate'),
    ipNotServerContext: withTag(all, 'ip-not-server-context'),
    ipClientContext: withTag(all, 'ip-client-context'),
    url: global(all, 'url').all,
    hostname: global(all, 'hostname'),
    tld: withTag(all, 'tld'),
    notHostname: withTag(all, 'not-hostname'),
    notHostnameTwoLabels: withTag(all, 'not-hostname-two-labels'),
    sshTarget: withTag(all, 'ssh-target'),
  };
}

export interface ServerOptions {
  /** The provider's own domains: hosts and links on them are not the customer's server. */
  providerDomains: readonly string[];
}

export interface ServerFindings {
  serviceIds: Extracted<string>[];
  ips: Extracted<string>[];
  hostnames: Extracted<string>[];
}

// Sentences longer than this are pasted logs or dumps; scanning them would be slow and name nothing.
const MAX_SENTENCE = 4_000;
// How much of the sentence before an address that starts its line can label it (« accès IPMI : »).
const LEAD_REACH = 40;

function readServiceIds(text: string, rules: ServerRules, excluded: readonly Span[]): ServerCandidate[] {
  const out: ServerCandidate[] = [];
  // Links to the provider's own pages (« …/services/SRV-77001/overview ») name no server of the customer's.
  const taken: Span[] = [...excluded];
  for (const { rule, all } of rules.serviceIds) {
    for (const m of text.matchAll(all)) {
      const id = m.groups?.id;
      if (!id) continue;
      const at = m.index;
      const end = at + m[0].length;
      // Rules go from the surest format to the least sure: a later rule never re-reads the same digits.
      if (overlaps(taken, at, end)) continue;
      if (anyMatch(rules.notServiceContext, before(text, at))) continue;
      taken.push({ start: at, end });
      out.push({
        value: `${tagText(rule, 'prefix')}${id}`.toUpperCase(),
        confidence: tagNumber(rule, 'confidence', 0.8),
        ruleId: rule.id,
        at,
      });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function addUnique(list: Extracted<string>[], seen: Set<string>, found: ServerCandidate, sentence: Sentence) {
  if (seen.has(found.value)) return;
  seen.add(found.value);
  list.push({
    value: found.value,
    evidence: evidenceOf(sentence),
    confidence: found.confidence,
    ruleId: found.ruleId,
  });
}

/**
 * The server the customer names (intervention-policy.md section 2): service ids in the provider's formats,
 * validated IPv4/IPv6 addresses (normalised; loopback, link-local and masks dropped, private ones less
 * sure) and host names with a plausible last label. Values in links to the provider's own domains, e-mail
 * domains, file names and version numbers are not servers. Deduplicated by value, first evidence kept.
 */
export function extractServer(
  sentences: readonly Sentence[],
  rules: ServerRules,
  options: ServerOptions,
): ServerFindings {
  const findings: ServerFindings = { serviceIds: [], ips: [], hostnames: [] };
  const seen = { serviceIds: new Set<string>(), ips: new Set<string>(), hostnames: new Set<string>() };
  const ownDomains = options.providerDomains
    .map((d) => d.toLowerCase().replace(/^\.+|\.+$/g, ''))
    .filter(Boolean);
  sentences.forEach((sentence, index) => {
    const text = sentence.text;
    if (text.length > MAX_SENTENCE || !/[\d.:]/.test(text)) return;
    const lead = sentences[index - 1]?.text.slice(-LEAD_REACH) ?? '';
    const links = readHostnames(text, rules, ownDomains);
    for (const found of readServiceIds(text, rules, links.excluded))
      addUnique(findings.serviceIds, seen.serviceIds, found, sentence);
    for (const found of readIps(text, rules, links.excluded, links.linkHosts, lead))
      addUnique(findings.ips, seen.ips, found, sentence);
    for (const found of links.hostnames) addUnique(findings.hostnames, seen.hostnames, found, sentence);
  });
  return findings;
}
