import type { CompiledRule } from '../rule-engine/compiled-rule.js';
import type { Sentence } from './sentences.js';
import type { StatementLanguage } from './statement-catalog.js';
import {
  type AckRules,
  clauseAround,
  clauseBreaksOf,
  isHypothetical,
  isNegated,
  isQuestion,
} from './statement-clauses.js';

/** An acknowledgement written in the customer's own words, found by cue rules in one sentence. */
export interface CueParaphrase {
  readonly sentence: Sentence;
  readonly language: StatementLanguage;
  /** The acceptance cue's rule. */
  readonly ruleId: string;
}

export interface CueParaphrases {
  data_loss_ack?: CueParaphrase;
  hardware_ack?: CueParaphrase;
}

type Topic = 'hardware' | 'reinstall' | 'unknown';

const anyOf = (rules: readonly CompiledRule[], text: string) => rules.some((rule) => rule.regex.test(text));
const languageOf = (rule: CompiledRule): StatementLanguage => (rule.tags.includes('en') ? 'en' : 'fr');

function topicOf(text: string, rules: AckRules): Topic {
  const hardware = anyOf(rules.hardware, text);
  const reinstall = anyOf(rules.reinstall, text);
  if (hardware === reinstall) return 'unknown';
  return hardware ? 'hardware' : 'reinstall';
}

/** `text` with the parts inside `spans` (offsets relative to it) replaced by spaces. */
function blank(text: string, spans: readonly (readonly [number, number])[]): string {
  if (spans.length === 0) return text;
  const chars = text.split('');
  for (const [a, b] of spans) for (let i = Math.max(0, a); i < Math.min(text.length, b); i++) chars[i] = ' ';
  return chars.join('');
}

interface Reading {
  cue?: { rule: CompiledRule; strong: boolean };
  strong: boolean;
  dataLoss: boolean;
  downtime: boolean;
  risk: boolean;
}

/**
 * What one sentence acknowledges: acceptance cues and objects that sit in clauses without negation,
 * question or hypothesis. The acceptance cues are blanked before the negation check, so that « pas de
 * problème » or "I don't mind" do not negate themselves, while « je n'accepte pas » keeps its « n' … pas ».
 */
function readSentence(text: string, rules: AckRules): Reading | undefined {
  const cues: { start: number; end: number; rule: CompiledRule }[] = [];
  for (const { rule, regex } of rules.acceptAll) {
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      cues.push({ start: m.index, end: m.index + m[0].length, rule });
      if (m[0].length === 0) regex.lastIndex++;
    }
  }
  if (cues.length === 0 || anyOf(rules.refusal, text)) return undefined;
  const bare = blank(
    text,
    cues.map((c) => [c.start, c.end] as const),
  );
  const softCuts = clauseBreaksOf(text, rules.allBreaks);
  const hardCuts = clauseBreaksOf(text, rules.punctuationBreaks);
  // Verdicts by clause start: negation in the narrow clause, question and hypothesis in the wide one.
  const memo = new Map<string, boolean>();
  const judge = (at: number, kind: 'cue' | 'object'): boolean => {
    const key = `${kind}:${at}`;
    let ok = memo.get(key);
    if (ok === undefined) {
      const [a, b] = clauseAround(softCuts, text.length, at);
      const [c, d] = clauseAround(hardCuts, text.length, at);
      const wide = bare.slice(c, d);
      ok =
        !isNegated(bare.slice(a, b), rules) &&
        !isQuestion(wide, rules) &&
        // "If the disk gets wiped, that's fine" accepts; "if I accept the data loss, …" does not.
        (kind === 'object' || !isHypothetical(wide, rules));
      memo.set(key, ok);
    }
    return ok;
  };
  const reading: Reading = { strong: false, dataLoss: false, downtime: false, risk: false };
  for (const cue of cues) {
    if (!judge(cue.start, 'cue')) continue;
    const strong = cue.rule.tags.includes('accept');
    reading.cue ??= { rule: cue.rule, strong };
    reading.strong ||= strong;
  }
  if (!reading.cue) return undefined;
  const hasData = anyOf(rules.data, text);
  // Objects are judged clause by clause: « les données ne seront pas effacées » is no acknowledgement.
  let from = 0;
  for (const cut of [...softCuts, text.length]) {
    if (cut <= from) continue;
    if (judge(from, 'object')) {
      const clause = text.slice(from, cut);
      reading.dataLoss ||= anyOf(rules.dataLoss, clause) || (hasData && anyOf(rules.loss, clause));
      reading.downtime ||= anyOf(rules.downtime, clause);
      reading.risk ||= anyOf(rules.risk, clause);
    }
    from = cut;
  }
  return reading;
}

/**
 * Data-loss and hardware acknowledgements written in the customer's own words, one sentence each (the
 * first that says it). `blanks` are spans of the new text already read as copies of a statement: a
 * canonical statement is not a paraphrase of another one. Which acknowledgement a sentence gives depends
 * on what it is about (a reinstallation or hardware work), and when the sentence does not say, on what
 * the whole message is about.
 */
export function findCueParaphrases(
  newText: string,
  sentences: readonly Sentence[],
  rules: AckRules,
  blanks: readonly (readonly [number, number])[],
): CueParaphrases {
  const found: CueParaphrases = {};
  let messageTopic: Topic | undefined;
  // Sentences come in text order: walk the spans with them instead of testing every span each time.
  const spans = [...blanks].sort((x, y) => x[0] - y[0]);
  let next = 0;
  for (const sentence of sentences) {
    if (found.data_loss_ack && found.hardware_ack) break;
    while (next < spans.length && spans[next]![1] <= sentence.start) next++;
    const local: (readonly [number, number])[] = [];
    for (let k = next; k < spans.length && spans[k]![0] < sentence.end; k++) {
      const [a, b] = spans[k]!;
      if (b > sentence.start) local.push([a - sentence.start, b - sentence.start]);
    }
    const text = blank(sentence.text, local);
    // Cheap pre-filter: most sentences name no loss, downtime or risk at all.
    if (
      !anyOf(rules.dataLoss, text) &&
      !anyOf(rules.loss, text) &&
      !anyOf(rules.downtime, text) &&
      !anyOf(rules.risk, text)
    ) {
      continue;
    }
    const reading = readSentence(text, rules);
    if (!reading?.cue) continue;
    const sentenceTopic = topicOf(text, rules);
    if (sentenceTopic === 'unknown') messageTopic ??= topicOf(newText, rules);
    const topic = sentenceTopic === 'unknown' ? (messageTopic as Topic) : sentenceTopic;
    const hit = { sentence, language: languageOf(reading.cue.rule), ruleId: reading.cue.rule.id };
    // Accepting a loss is the reinstall acknowledgement only in a reinstall; elsewhere it is the
    // "no recent backup" acknowledgement, which the backup reader handles.
    const dataLoss =
      (topic === 'reinstall' && (reading.dataLoss || reading.risk)) ||
      (topic === 'unknown' && reading.dataLoss && anyOf(rules.erase, text));
    // The hardware acknowledgement speaks of the hardware work itself, or of downtime and data together.
    const hardware =
      (sentenceTopic === 'hardware' &&
        (reading.dataLoss || reading.risk || (reading.downtime && reading.strong))) ||
      (topic !== 'reinstall' && reading.downtime && reading.dataLoss);
    if (dataLoss) found.data_loss_ack ??= hit;
    if (hardware) found.hardware_ack ??= hit;
  }
  return found;
}
