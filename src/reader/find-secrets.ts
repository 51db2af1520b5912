import type { QuotedPart, SecretRef } from './inbound-message.js';
import { createMultiSearch } from './multi-search.js';
import { type Candidate, findCandidates, type SecretRules } from './secret-candidates.js';
import { SecretValue } from './secret-value.js';

export { type SecretRules, secretRules } from './secret-candidates.js';

export interface FoundSecret {
  ref: SecretRef;
  value: SecretValue;
}

/** The text fields of a message that may hold a secret; everything later stages read comes from these. */
export interface RedactableParts {
  subject: string;
  text: string;
  newText: string;
  signature: string | null;
  quoted: QuotedPart[];
}

type FoundIn = SecretRef['foundIn'];

interface Replacement {
  value: string;
  placeholder: string;
}

/**
 * Finds passwords and console logins in a message and replaces every occurrence of each value, in every
 * field, by a placeholder (`[[SECRET-1]]`, …), numbered by first appearance in the customer's new text, then
 * in the quoted parts, the signature, the subject and the rest of the body. Labels and user names stay: a
 * reader still sees « mot de passe root : [[SECRET-1]] ».
 *
 * The body is scanned once: new text, quotes and signature are all lines of it, so scanning each of them
 * again would only double the work. Where a value was first seen is then looked up field by field.
 */
export function redactSecrets(
  parts: RedactableParts,
  rules: SecretRules,
): { parts: RedactableParts; secrets: FoundSecret[] } {
  const places: { text: string; foundIn: FoundIn }[] = [
    { text: parts.newText, foundIn: 'new_text' },
    ...parts.quoted.flatMap((q) => [
      { text: q.header ?? '', foundIn: 'quoted' as const },
      { text: q.text, foundIn: 'quoted' as const },
    ]),
    { text: parts.signature ?? '', foundIn: 'signature' },
    { text: parts.subject, foundIn: 'subject' },
    // What only the full body holds is what the splitter set aside (footers, odd layouts): not the
    // customer's new words, so it is filed with the quoted material rather than claimed as new text.
    { text: parts.text, foundIn: 'quoted' },
  ];
  // One entry per value: the same password repeated on a thousand lines is one secret.
  const unique = new Map<string, Candidate>();
  for (const c of [...findCandidates(parts.text, rules), ...findCandidates(parts.subject, rules)]) {
    if (!unique.has(c.value)) unique.set(c.value, c);
  }
  const candidates = [...unique.values()];
  const firstSeen = firstPlaces(
    candidates.map((c) => c.value),
    places.map((p) => p.text),
  );
  const located = candidates.map((candidate, order) => {
    const seenAt = firstSeen[order];
    return { candidate, place: seenAt?.place ?? places.length, at: seenAt?.at ?? 0, order };
  });
  located.sort((a, b) => a.place - b.place || a.at - b.at || a.order - b.order);
  const secrets: FoundSecret[] = [];
  for (const { candidate, place } of located) {
    const placeholder = `[[SECRET-${secrets.length + 1}]]`;
    // A user name equal to its password would print the password.
    const username = candidate.username === candidate.value ? null : candidate.username;
    const foundIn = places[place]?.foundIn ?? 'quoted';
    secrets.push({
      ref: { placeholder, kind: candidate.kind, label: candidate.label, username, foundIn },
      value: new SecretValue(candidate.value),
    });
  }
  if (secrets.length === 0)
    return { parts: { ...parts, quoted: parts.quoted.map((q) => ({ ...q })) }, secrets };

  const replacements = secrets.map((s) => ({ value: s.value.reveal(), placeholder: s.ref.placeholder }));
  const redact = (text: string) => replaceAll(text, replacements);
  return {
    parts: {
      subject: redact(parts.subject),
      text: redact(parts.text),
      newText: redact(parts.newText),
      signature: parts.signature === null ? null : redact(parts.signature),
      quoted: parts.quoted.map((q) => ({
        ...q,
        header: q.header === null ? null : redact(q.header),
        text: redact(q.text),
      })),
    },
    secrets,
  };
}

/**
 * Replaces every occurrence of every value in one pass. Where occurrences of different values overlap
 * ("ab12" and "12cd!" in "ab12cd!"), their union is replaced by the first one's placeholder: a label shifts,
 * but no part of either value survives. A single pass also keeps a value that looks like a placeholder
 * ("SECRET-1") from being replaced inside a placeholder already written.
 */
function replaceAll(text: string, replacements: readonly Replacement[]): string {
  const hits = findOccurrences(text, replacements);
  if (hits.length === 0) return text;
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: string[] = [];
  let position = 0;
  let i = 0;
  while (i < hits.length) {
    const first = hits[i]!;
    let end = first.end;
    for (i++; i < hits.length && hits[i]!.start < end; i++) end = Math.max(end, hits[i]!.end);
    out.push(text.slice(position, first.start), first.placeholder);
    position = end;
  }
  out.push(text.slice(position));
  return out.join('');
}

/** For each value, the first text (in the order given) that holds it and where; one pass per text. */
function firstPlaces(
  values: readonly string[],
  texts: readonly string[],
): ({ place: number; at: number } | undefined)[] {
  const first: ({ place: number; at: number } | undefined)[] = values.map(() => undefined);
  if (values.length === 0) return first;
  const search = values.length > INDEX_OF_LIMIT ? createMultiSearch(values) : undefined;
  texts.forEach((text, place) => {
    if (search) {
      for (const o of search.find(text)) first[o.needle] ??= { place, at: o.start };
    } else {
      values.forEach((value, i) => {
        const at = first[i] === undefined && value !== '' ? text.indexOf(value) : -1;
        if (at !== -1) first[i] = { place, at };
      });
    }
  });
  return first;
}

type Hit = { start: number; end: number; placeholder: string };

// Few values: one indexOf scan per value is fastest. Many values (a hostile body of thousands of
// "password: …" lines): one Aho–Corasick pass over the text.
const INDEX_OF_LIMIT = 16;

function findOccurrences(text: string, replacements: readonly Replacement[]): Hit[] {
  const usable = replacements.filter((r) => r.value !== '');
  if (usable.length > INDEX_OF_LIMIT) {
    return createMultiSearch(usable.map((r) => r.value))
      .find(text)
      .map((o) => ({ start: o.start, end: o.end, placeholder: usable[o.needle]!.placeholder }));
  }
  const hits: Hit[] = [];
  for (const { value, placeholder } of usable) {
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) {
      hits.push({ start: at, end: at + value.length, placeholder });
    }
  }
  return hits;
}
