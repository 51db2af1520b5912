import { anyMatch, type CompiledRule } from '../rule-engine/compiled-rule.js';

/**
 * What a customer means by naming an OS: the one to install (`wanted`), the one the server runs now
 * (`current`), one they refuse (`rejected`), or no cue at all (`neutral`).
 */
export type OsRole = 'wanted' | 'current' | 'rejected' | 'neutral';

export interface RoleRules {
  current: RegExp[];
  wanted: RegExp[];
  toBefore: CompiledRule[];
  currentBefore: CompiledRule[];
  insteadBefore: CompiledRule[];
  fromBefore: CompiledRule[];
  withBefore: CompiledRule[];
  notBefore: CompiledRule[];
  clauseBoundary: RegExp;
}

/** Something named in a sentence, offsets in the sentence. */
export interface Placed {
  start: number;
  end: number;
}

interface Span {
  start: number;
  end: number;
}

// How far before a mention the "switch to" / "instead of" cues are looked for.
const IMMEDIATE_REACH = 32;
// A cue after the mention ("Debian 12 is what we run now") counts, but less than one before it.
const AFTER_PENALTY = 2;

export function clauses(text: string, rules: RoleRules): Span[] {
  const out: Span[] = [];
  let from = 0;
  for (const m of text.matchAll(rules.clauseBoundary)) {
    out.push({ start: from, end: m.index });
    from = m.index + m[0].length;
  }
  out.push({ start: from, end: text.length });
  return out;
}

function clauseOf(spans: readonly Span[], at: number): Span {
  return spans.find((s) => at >= s.start && at < s.end) ?? spans[spans.length - 1] ?? { start: 0, end: at };
}

/** The nearest clause cue to a mention, by distance in characters. */
function nearestCue(text: string, span: Span, mention: Placed, rules: RoleRules): OsRole | null {
  const slice = text.slice(span.start, span.end);
  let best: { role: OsRole; distance: number } | null = null;
  const consider = (res: readonly RegExp[], role: OsRole) => {
    for (const re of res) {
      for (const m of slice.matchAll(re)) {
        const start = span.start + m.index;
        const end = start + m[0].length;
        // The cue is inside the name ("Windows Server" is no "server" cue; nothing here is).
        if (start >= mention.start && end <= mention.end) continue;
        const distance = end <= mention.start ? mention.start - end : (start - mention.end) * AFTER_PENALTY;
        if (distance >= 0 && (!best || distance < best.distance)) best = { role, distance };
      }
    }
  };
  consider(rules.current, 'current');
  consider(rules.wanted, 'wanted');
  return (best as { role: OsRole } | null)?.role ?? null;
}

/**
 * Roles of the mentions of one sentence, in order. Immediate cues win ("from X to Y", « remplacer X par
 * Y », "Y instead of X", "not X"); otherwise the nearest cue of the mention's clause; otherwise the nearest
 * cue of a clause that names nothing else ("reinstall it (currently CentOS 7) with Rocky 9").
 */
export function rolesOf(text: string, mentions: readonly Placed[], rules: RoleRules): OsRole[] {
  const spans = clauses(text, rules);
  const roles: (OsRole | null)[] = mentions.map(() => null);
  const prefixes = mentions.map((m, i) => {
    const previousEnd = i > 0 ? mentions[i - 1]!.end : 0;
    return text.slice(Math.max(previousEnd, m.start - IMMEDIATE_REACH), m.start);
  });
  mentions.forEach((_, i) => {
    const prefix = prefixes[i]!;
    if (anyMatch(rules.notBefore, prefix)) roles[i] = 'rejected';
    else if (anyMatch(rules.currentBefore, prefix)) roles[i] = 'current';
    else if (anyMatch(rules.toBefore, prefix)) roles[i] = 'wanted';
  });
  // Pairs: "from X to Y" makes X current; "replace X with Y" makes Y wanted.
  mentions.forEach((_, i) => {
    if (roles[i] !== null) return;
    const prefix = prefixes[i]!;
    const laterTarget = roles.slice(i + 1).includes('wanted');
    const earlierLeft = roles.slice(0, i).includes('current');
    if (laterTarget && anyMatch(rules.fromBefore, prefix)) roles[i] = 'current';
    else if (earlierLeft && anyMatch(rules.withBefore, prefix)) roles[i] = 'wanted';
  });
  // "Y instead of X": X was marked current by its prefix, so Y, just before it, is the target.
  mentions.forEach((_, i) => {
    if (roles[i] === null && roles[i + 1] === 'current' && anyMatch(rules.insteadBefore, prefixes[i + 1]!)) {
      roles[i] = 'wanted';
    }
  });
  const mentionClauses = mentions.map((m) => clauseOf(spans, m.start));
  return mentions.map((m, i) => {
    const decided = roles[i];
    if (decided) return decided;
    const own = nearestCue(text, mentionClauses[i]!, m, rules);
    if (own) return own;
    // Clauses that name no other OS may carry the sentence's verb.
    const free = spans.filter((s) => !mentionClauses.includes(s));
    let best: OsRole | null = null;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const span of free) {
      const role = nearestCue(text, span, m, rules);
      if (!role) continue;
      const distance = span.end <= m.start ? m.start - span.end : span.start - m.end;
      if (distance < bestDistance) {
        best = role;
        bestDistance = distance;
      }
    }
    return best ?? 'neutral';
  });
}
