import type { Component } from '../record/schema.js';
import { anyMatch } from '../rule-engine/compiled-rule.js';
import { type Evidence, type Extracted, evidenceOf } from './evidence.js';
import { assemble } from './hardware-assemble.js';
import type { HardwareRules } from './hardware-rules.js';
import { type ActionSource, readSentence, type SentenceReading } from './hardware-sentence.js';
import type { Sentence } from './sentences.js';

export { type HardwareRules, hardwareRules } from './hardware-rules.js';

/** A component the customer asks for, with what the decision stage needs beyond the record's fields. */
export interface ComponentFinding extends Component {
  /** Described as failed or faulty (the scenario `hardware_replacement` is decided elsewhere). */
  faulty: boolean;
  /** Asked about (a price, a quote), not requested: the decision stage chooses what to do with it. */
  question: boolean;
  /** Other sentences that added a detail (a serial on its own line, "Please replace it."). */
  moreEvidence: Evidence[];
}

export interface HardwareFindings {
  components: Extracted<ComponentFinding>[];
  /** The customer asks whether a hot swap is possible (a question, not a statement). */
  hotSwapQuestion: boolean;
  hotSwap: Extracted<true> | null;
}

// Long sentences are pasted logs (a dmesg full of "failed"): not read as requests.
const MAX_SENTENCE = 1_500;
const CONFIDENCE: Record<ActionSource, number> = {
  bound: 0.85,
  inherited: 0.75,
  attached: 0.7,
  derived: 0.6,
  inferred: 0.5,
};
const QUESTION_CONFIDENCE = 0.6;

/** A sentence that asks to replace a part or says one failed. */
function replacing(reading: SentenceReading | undefined): boolean {
  if (!reading) return false;
  const parts: { action: string | null; faulty: boolean }[] = [...reading.drafts, ...reading.orphans];
  return parts.some((p) => p.faulty || p.action === 'replace');
}

function hotSwapQuestion(
  sentences: readonly Sentence[],
  readings: readonly SentenceReading[],
  rules: HardwareRules,
): Extracted<true> | null {
  for (const [i, sentence] of sentences.entries()) {
    if (sentence.text.length > MAX_SENTENCE || !anyMatch(rules.question, sentence.text)) continue;
    if (anyMatch(rules.hotSwap, sentence.text)) {
      return { value: true, evidence: evidenceOf(sentence), confidence: 0.85, ruleId: 'hardware.hot-swap' };
    }
    // "Disk 2 died, please swap it. Does the server need to go down for that?" asks for a hot swap; the
    // same question about added RAM asks about downtime only.
    if (
      anyMatch(rules.downtimeAsked, sentence.text) &&
      (replacing(readings[i]) || replacing(readings[i - 1]))
    ) {
      return {
        value: true,
        evidence: evidenceOf(sentence),
        confidence: 0.7,
        ruleId: 'hardware.downtime-asked',
      };
    }
  }
  return null;
}

/**
 * Hardware components to add, upgrade or replace (intervention-policy.md section 2, "hardware"): kind,
 * action, quantity, capacity, serials and slot, each component with the sentence it came from. A refused
 * action (« ne remplacez pas le disque »), a past event ("after the RAM upgrade") and a diagnosis with no
 * part ("please run a memory test") give no component; a price question gives one flagged `question`.
 */
export function extractHardware(sentences: readonly Sentence[], rules: HardwareRules): HardwareFindings {
  const readings: SentenceReading[] = sentences.map((sentence, index) =>
    sentence.text.length <= MAX_SENTENCE && anyMatch(rules.keywords, sentence.text)
      ? readSentence(sentence.text, index, rules)
      : {
          drafts: [],
          orphans: [],
          diagnosis: false,
          infoQuestion: anyMatch(rules.infoQuestion, sentence.text),
        },
  );
  const components = assemble(readings).map((draft): Extracted<ComponentFinding> => {
    const sentence = sentences[draft.sentence]!;
    return {
      value: {
        kind: draft.kind,
        action: draft.action,
        quantity: draft.quantity,
        size: draft.size,
        serials: draft.serials,
        slot: draft.slot,
        faulty: draft.faulty,
        question: draft.question,
        moreEvidence: [...draft.also].sort((a, b) => a - b).map((i) => evidenceOf(sentences[i]!)),
      },
      evidence: evidenceOf(sentence),
      confidence: draft.actionSource ? CONFIDENCE[draft.actionSource] : QUESTION_CONFIDENCE,
      ruleId: draft.ruleId,
    };
  });
  const hotSwap = hotSwapQuestion(sentences, readings, rules);
  return { components, hotSwapQuestion: hotSwap !== null, hotSwap };
}
