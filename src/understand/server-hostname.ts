import { anyMatch } from '../rule-engine/compiled-rule.js';
import type { ServerRules } from './extract-server.js';
import { before, inside, onDomains, type ServerCandidate, type Span } from './server-candidate.js';

export interface LinkReading {
  hostnames: ServerCandidate[];
  /** Where no server can be read: links on the provider's domains, and the path part of other links. */
  excluded: Span[];
  /** Hosts of the customer's links: a server named there is a little less sure. */
  linkHosts: Span[];
}

const HOST_CONFIDENCE = 0.85;
const TWO_LABEL_CONFIDENCE = 0.75;
const LINK_HOST_CONFIDENCE = 0.65;

/** The host of a link starting at `at`: after "scheme://" and any "user@", up to a port, path or query. */
function linkHost(url: string): Span {
  const scheme = /^[a-z]{2,6}:\/\//i.exec(url);
  let start = scheme ? scheme[0].length : 0;
  const authorityEnd = url.slice(start).search(/[/?#]/);
  const authority = url.slice(start, authorityEnd < 0 ? url.length : start + authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) start += at + 1;
  const rest = url.slice(start);
  const end = rest.startsWith('[') ? rest.indexOf(']') + 1 : rest.search(/[:/?#]|$/);
  return { start, end: start + Math.max(0, end) };
}

function readLinks(text: string, rules: ServerRules, ownDomains: readonly string[]) {
  const excluded: Span[] = [];
  const linkHosts: Span[] = [];
  for (const m of text.matchAll(rules.url)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    const host = linkHost(url);
    const name = url.slice(host.start, host.end).replace(/^\[|\]$/g, '');
    if (onDomains(name, ownDomains)) {
      excluded.push({ start: m.index, end: m.index + m[0].length });
      continue;
    }
    excluded.push({ start: m.index, end: m.index + host.start });
    excluded.push({ start: m.index + host.end, end: m.index + m[0].length });
    linkHosts.push({ start: m.index + host.start, end: m.index + host.end });
  }
  return { excluded: excluded.filter((s) => s.end > s.start), linkHosts };
}

function plausibleHost(host: string, rules: ServerRules): boolean {
  const labels = host.split('.');
  if (labels.length < 2 || host.length > 253) return false;
  if (!anyMatch(rules.tld, labels[labels.length - 1]!)) return false;
  if (anyMatch(rules.notHostname, host)) return false;
  return !(labels.length === 2 && anyMatch(rules.notHostnameTwoLabels, host));
}

/**
 * Links and host names of one sentence. An e-mail domain is not a server (but "ssh root@host" names one),
 * nor a file name, nor a name on the provider's own domains.
 */
export function readHostnames(text: string, rules: ServerRules, ownDomains: readonly string[]): LinkReading {
  const { excluded, linkHosts } = readLinks(text, rules, ownDomains);
  const hostnames: ServerCandidate[] = [];
  for (const m of text.matchAll(rules.hostname.all)) {
    const host = m.groups?.host ?? m[0];
    const at = m.index;
    const end = at + host.length;
    if (inside(excluded, at, end)) continue;
    // The local part of an e-mail address, and an e-mail domain unless the address is an SSH login.
    if (text[end] === '@') continue;
    if (text[at - 1] === '@' && !anyMatch(rules.sshTarget, before(text, at))) continue;
    if (!plausibleHost(host, rules)) continue;
    const value = host.toLowerCase();
    if (onDomains(value, ownDomains)) continue;
    const inLink = inside(linkHosts, at, end);
    const confidence = inLink
      ? LINK_HOST_CONFIDENCE
      : value.split('.').length > 2
        ? HOST_CONFIDENCE
        : TWO_LABEL_CONFIDENCE;
    hostnames.push({ value, confidence, ruleId: rules.hostname.id, at });
  }
  return { hostnames, excluded, linkHosts };
}
