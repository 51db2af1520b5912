import ipaddr from 'ipaddr.js';
import { anyMatch } from '../rule-engine/compiled-rule.js';
import type { ServerRules } from './extract-server.js';
import { before, inside, overlaps, type ServerCandidate, type Span } from './server-candidate.js';

// Never a customer's server: the machine itself, "any address", link-local, multicast, broadcast.
const NEVER = new Set(['unspecified', 'loopback', 'linkLocal', 'multicast', 'broadcast']);
// A server may have a private address (behind a VPN, a private network of the provider): less sure.
const PRIVATE = new Set(['private', 'carrierGradeNat', 'uniqueLocal']);

const PUBLIC_CONFIDENCE = 0.95;
const PRIVATE_CONFIDENCE = 0.6;
const NETWORK_CONFIDENCE = 0.5;
const LINK_FACTOR = 0.85;

function v4Confidence(address: ipaddr.IPv4, prefix: number | null): number | null {
  const range = address.range();
  if (NEVER.has(range)) return null;
  const [first] = address.octets;
  // 240.0.0.0/4 is not routable, and a 255.x address is a netmask.
  if (first !== undefined && first >= 240) return null;
  // "203.0.113.0/24" names a network, not a host.
  if (prefix !== null && prefix < 31 && prefix > 0) {
    const network = ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
    if (network.toString() === address.toString()) return NETWORK_CONFIDENCE;
  }
  return PRIVATE.has(range) ? PRIVATE_CONFIDENCE : PUBLIC_CONFIDENCE;
}

function readV4(ip: string, prefix: number | null): { value: string; confidence: number } | null {
  // Four-part decimal only: "22.04.3.1" (leading zero) is a version, never an octal address.
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) return null;
  const address = ipaddr.IPv4.parse(ip);
  const confidence = v4Confidence(address, prefix);
  return confidence === null ? null : { value: address.toString(), confidence };
}

function readV6(ip: string): { value: string; confidence: number } | null {
  if (!ipaddr.IPv6.isValid(ip)) return null;
  const address = ipaddr.IPv6.parse(ip);
  if (address.isIPv4MappedAddress()) return readV4(address.toIPv4Address().toString(), null);
  const range = address.range();
  if (NEVER.has(range)) return null;
  return {
    value: address.toString(),
    confidence: PRIVATE.has(range) ? PRIVATE_CONFIDENCE : PUBLIC_CONFIDENCE,
  };
}

/**
 * Validated, normalised addresses of one sentence (`lead`: the end of the sentence before it): IPv4 in dotted decimal, IPv6 compressed (IPv4-mapped
 * ones as IPv4), CIDR suffixes dropped. Gateways, masks, DNS servers, versions and the customer's own
 * connection are not the server.
 */
export function readIps(
  text: string,
  rules: ServerRules,
  excluded: readonly Span[],
  linkHosts: readonly Span[],
  lead = '',
): ServerCandidate[] {
  const out: ServerCandidate[] = [];
  const v6Spans: Span[] = [];
  const read = (m: RegExpMatchArray, version: 4 | 6) => {
    const ip = m.groups?.ip;
    const at = m.index ?? 0;
    if (!ip) return;
    const end = at + m[0].length;
    if (overlaps(excluded, at, end)) return;
    if (version === 4 && overlaps(v6Spans, at, end)) return;
    const prefix = m.groups?.prefix === undefined ? null : Number(m.groups.prefix);
    const found = version === 4 ? readV4(ip, prefix) : readV6(ip);
    if (!found) return;
    if (version === 6) v6Spans.push({ start: at, end });
    // "Voici l'accès IPMI :" then the address on a line of its own: the label is in the sentence before.
    const context = /^[\s(<[]*(?:[a-z]{2,6}:\/\/)?$/i.test(text.slice(0, at))
      ? before(`${lead} ${text.slice(0, at)}`, lead.length + 1 + at)
      : before(text, at);
    if (anyMatch(rules.ipNotServerContext, context) || anyMatch(rules.ipClientContext, context)) return;
    const inLink = inside(linkHosts, at, at + ip.length);
    out.push({
      value: found.value,
      confidence: inLink ? found.confidence * LINK_FACTOR : found.confidence,
      ruleId: version === 4 ? rules.ipv4.id : rules.ipv6.id,
      at,
    });
  };
  if (text.includes(':')) for (const m of text.matchAll(rules.ipv6.all)) read(m, 6);
  for (const m of text.matchAll(rules.ipv4.all)) read(m, 4);
  return out.sort((a, b) => a.at - b.at);
}
