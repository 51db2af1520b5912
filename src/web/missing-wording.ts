import { replyTemplates } from '../compose/reply-templates.js';
import { shippedRules } from '../rule-engine/load-rules.js';
import type { ReplyTemplateFile } from '../rule-engine/rule-schema.js';

/** What staff read for a missing id: the reply's own heading ("Backup") and the whole sentence it asks with. */
export interface MissingWording {
  heading: string;
  sentence: string;
}

/**
 * The wording of each missing (and recommended) id in a reply template: the words before the sentence's first
 * colon when there is a short heading there, else the whole sentence. The desk says what the customer was asked.
 */
export function missingWording(template: ReplyTemplateFile): Record<string, MissingWording> {
  const out: Record<string, MissingWording> = {};
  for (const [id, sentence] of Object.entries({ ...template.recommended, ...template.items })) {
    const colon = sentence.indexOf(':');
    const heading = colon > 0 && colon <= 60 ? sentence.slice(0, colon) : sentence;
    out[id] = { heading, sentence };
  }
  return out;
}

/** The English reply template of the shipped rules (checked as the worker checks it). */
export const shippedMissingWording = (): Record<string, MissingWording> =>
  missingWording(replyTemplates(shippedRules()).en);
