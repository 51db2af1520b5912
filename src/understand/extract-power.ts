import type { PowerAuthorization, Window } from '../record/schema.js';
import { anyMatch, type CompiledRule, withTag } from '../rule-engine/compiled-rule.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import { clauseAt, isGenuineQuestion, isNegatedAt, type PolarityRules } from './clauses.js';
import { type Evidence, evidenceOf } from './evidence.js';
import { firstHit } from './rule-match.js';
import type { Sentence } from './sentences.js';

export interface PowerRules {
  action: CompiledRule[];
  grant: CompiledRule[];
  anyTime: CompiledRule[];
  limit: CompiledRule[];
  only: CompiledRule[];
  outside: CompiledRule[];
  past: CompiledRule[];
  downtimeOk: CompiledRule[];
  windowCue: CompiledRule[];
  deny: CompiledRule[];
  otherTopic: CompiledRule[];
}

export function powerRules(book: RuleBook): PowerRules {
  const all = book.patterns('understand/power');
  return {
    action: withTag(all, 'action'),
    grant: withTag(all, 'grant'),
    anyTime: withTag(all, 'any-time'),
    limit: withTag(all, 'limit'),
    only: withTag(all, 'only'),
    outside: withTag(all, 'outside'),
    past: withTag(all, 'past'),
    downtimeOk: withTag(all, 'downtime-ok'),
    windowCue: withTag(all, 'window-cue'),
    deny: withTag(all, 'deny'),
    otherTopic: withTag(all, 'other-topic'),
  };
}

/** What the time reader found in a sentence (`src/understand/time`), as much as this stage needs. */
export interface TimeSpan {
  kind: 'window' | 'point';
  start: string | null;
  end: string | null;
  text: string;
  /** Offset of `text` in the sentence. */
  index: number;
  usable: boolean;
  problem: string | null;
}

export interface PowerFinding {
  authorization: PowerAuthorization;
  /** Usable windows, in the order given. */
  windows: Window[];
  /** Time words that could not make a usable window (past, open, a point), kept as evidence. */
  unusable: { text: string; problem: string | null }[];
  /** A limit given without hours (« heures non ouvrées »): power_window stays missing. */
  limited: boolean;
  /** Authorization both given without limit and refused in this message. */
  contradiction: boolean;
  /** Downtime accepted in so many words (for hardware requests). */
  downtimeAccepted: boolean;
  /** Usable slots given without any power word ("Sunday between 1am and 3am instead"). */
  proposed: Window[];
  evidence: Evidence[];
}

export interface PowerOptions {
  /** Time expressions of a sentence. */
  timesIn: (sentence: Sentence) => readonly TimeSpan[];
  /** Where the canonical authorization statement was copied, if it was. */
  statement: Evidence | null;
  /** The message's date, in milliseconds: what lies before it already happened. */
  reference: number;
}

interface Reading {
  grant: boolean;
  anyTime: boolean;
  deny: boolean;
  windows: TimeSpan[];
  limited: boolean;
  evidence: Evidence[];
  looseWindows: TimeSpan[];
  downtimeAccepted: boolean;
}

/** Is this time expression about the permission, rather than a story ("since 6am") or a refused day? */
function relevant(sentence: Sentence, reference: number): (t: TimeSpan) => boolean {
  return (t) => {
    if (t.kind !== 'window' && t.start === null && t.end === null) return false;
    // « depuis 6h du matin », "since yesterday": a past start with no end tells what happened.
    if (t.problem === 'open_end' && t.start !== null && Date.parse(t.start) <= reference) return false;
    // "not Saturday, Sunday instead": the refused day is no window.
    return !/(?:^|[^\p{L}])(?:not|pas|no|non|sauf|except)\s+(?:le\s+|on\s+)?$/iu.test(
      sentence.text.slice(Math.max(0, t.index - 16), t.index),
    );
  };
}

function readSentence(
  sentence: Sentence,
  rules: PowerRules,
  polarity: PolarityRules,
  options: PowerOptions,
  into: Reading,
): void {
  const text = sentence.text;
  const downtime = firstHit(sentence, rules.downtimeOk);
  if (downtime && !isNegatedAt(sentence, downtime.at, polarity)) {
    into.downtimeAccepted = true;
    into.evidence.push(evidenceOf(sentence));
  }
  const action = firstHit(sentence, rules.action);
  const deny = firstHit(sentence, rules.deny);
  const all = options.timesIn(sentence).filter(relevant(sentence, options.reference));
  if (!action && !deny) {
    // "Créneau : samedi entre 2h et 4h" under a permission given elsewhere.
    if (all.length > 0 && anyMatch(rules.windowCue, text) && !anyMatch(rules.otherTopic, text)) {
      into.looseWindows.push(...all);
    } else if (anyMatch(rules.limit, text) && anyMatch(rules.only, text)) {
      into.limited = true;
      into.evidence.push(evidenceOf(sentence));
    }
    return;
  }
  // Times belong to the permission when they sit in its clause and not in a part about something else
  // (« vous pouvez le redémarrer, la sauvegarde d'hier soir est ok »).
  const anchor = (deny ?? action)!.at;
  let clause = clauseAt(sentence, anchor);
  // "redémarrage : ok dimanche entre 3h et 5h": a label's answer sits past its colon.
  const isLabel = clause.text.split(/\s+/).length <= 3;
  if (isLabel && /^\s*:/.test(text.slice(clause.end - sentence.start))) {
    const next = clauseAt(sentence, text.indexOf(':', clause.end - sentence.start) + sentence.start + 2);
    clause = { ...clause, end: next.end };
  }
  const times = all.filter((t) => {
    const at = sentence.start + t.index;
    if (at < clause.start || at >= clause.end) return false;
    const from = text.lastIndexOf(',', t.index) + 1;
    const to = text.indexOf(',', t.index);
    const segment = text.slice(from, to === -1 ? undefined : to);
    return from <= anchor - sentence.start || !anyMatch(rules.otherTopic, segment);
  });
  const granted = anyMatch(rules.grant, text);
  const outside = anyMatch(rules.outside, text);
  if (deny) {
    into.evidence.push(evidenceOf(sentence));
    // « en dehors de ce créneau, ne pas éteindre », "not during business hours": part of a window.
    if (outside || times.length > 0 || anyMatch(rules.limit, text)) {
      into.windows.push(...times);
      into.limited ||= times.length === 0;
    } else into.deny = true;
    return;
  }
  // « le serveur ne redémarre plus », "it doesn't reboot": what the server does, not a permission.
  if (isNegatedAt(sentence, action!.at, polarity)) return;
  // "after the reboot it failed", « le serveur a redémarré tout seul »: a story, not a permission.
  if (anyMatch(rules.past, text) && !granted) return;
  const anyTime = anyMatch(rules.anyTime, text);
  // "fine anytime, nobody uses it at night": no limit unless the customer restricts it ("only …").
  if (anyTime && !anyMatch(rules.only, text)) {
    into.grant = true;
    into.anyTime = true;
    into.evidence.push(evidenceOf(sentence));
    return;
  }
  // Without a word of permission, only a slot word with a time to come proposes a slot; otherwise the
  // sentence tells what the server did (« il redémarre en boucle depuis les mises à jour de cette nuit »).
  const proposed = granted
    ? times
    : anyMatch(rules.windowCue, text)
      ? times.filter((t) => t.problem !== 'past')
      : [];
  if (proposed.length > 0) {
    into.windows.push(...proposed);
    into.evidence.push(evidenceOf(sentence));
    return;
  }
  if (anyMatch(rules.limit, text)) {
    into.limited = true;
    into.evidence.push(evidenceOf(sentence));
    return;
  }
  if (granted || anyTime) {
    into.grant = true;
    into.anyTime ||= anyTime;
    into.evidence.push(evidenceOf(sentence));
  }
}

/**
 * Power authorization for one message (sections 2, 3, 6): granted (any time), window (only inside given
 * windows, or limited without hours), denied, or unspecified; a refusal outside a stated interval is part
 * of the window; an unlimited permission and a refusal in one message is a contradiction.
 */
export function extractPower(
  sentences: readonly Sentence[],
  rules: PowerRules,
  polarity: PolarityRules,
  options: PowerOptions,
): PowerFinding {
  const r: Reading = {
    grant: false,
    anyTime: false,
    deny: false,
    windows: [],
    limited: false,
    evidence: [],
    looseWindows: [],
    downtimeAccepted: false,
  };
  if (options.statement) {
    r.grant = true;
    r.evidence.push(options.statement);
  }
  for (const sentence of sentences) {
    if (isGenuineQuestion(sentence, polarity)) continue;
    readSentence(sentence, rules, polarity, options, r);
  }
  // A slot given on its own line counts once a permission or a limit is given somewhere in the message.
  if ((r.grant || r.limited || r.windows.length > 0) && r.looseWindows.length > 0)
    r.windows.push(...r.looseWindows);
  const usable = r.windows.filter((w) => w.usable && w.start && w.end);
  const windows = dedupe(usable.map((w) => ({ start: w.start!, end: w.end! })));
  const unusable = r.windows
    .filter((w) => !(w.usable && w.start && w.end))
    .map((w) => ({ text: w.text, problem: w.problem }));
  const windowed = r.windows.length > 0 || r.limited;
  let authorization: PowerAuthorization = 'unspecified';
  if (windowed) authorization = 'window';
  else if (r.grant) authorization = 'granted';
  else if (r.deny) authorization = 'denied';
  const contradiction = r.deny && r.grant && !windowed;
  if (contradiction) authorization = 'unspecified';
  return {
    authorization,
    windows: authorization === 'window' ? windows : [],
    unusable,
    limited: r.limited,
    contradiction,
    downtimeAccepted: r.downtimeAccepted,
    proposed: dedupe(
      r.looseWindows
        .filter((w) => w.usable && w.start && w.end)
        .map((w) => ({ start: w.start!, end: w.end! })),
    ),
    evidence: r.evidence,
  };
}

function dedupe(windows: Window[]): Window[] {
  const seen = new Set<string>();
  return windows.filter((w) => {
    const key = `${w.start}/${w.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
