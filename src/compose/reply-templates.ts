import { RuleLoadError } from '../errors.js';
import type { Language } from '../reader/inbound-message.js';
import { MISSING_IDS, RECOMMENDED_IDS } from '../record/schema.js';
import type { RuleBook } from '../rule-engine/load-rules.js';
import type { ReplyTemplateFile } from '../rule-engine/rule-schema.js';

export type ReplyTemplates = Record<Language, ReplyTemplateFile>;

const PLACEHOLDER = /\{(\w+)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['provider', 'ticket']);

/**
 * The reply templates, checked once at start-up: a template that lacks a sentence for a missing or
 * recommended id, or names an unknown placeholder, stops the service with the file and the id to fix.
 */
export function replyTemplates(book: RuleBook): ReplyTemplates {
  const problems: string[] = [];
  const load = (language: Language) => {
    const set = `replies/${language}`;
    const t = book.replyTemplate(set);
    if (t.language !== language)
      problems.push(`rules/${set}.yml: language is "${t.language}", expected "${language}"`);
    for (const id of MISSING_IDS) if (!t.items[id]) problems.push(`rules/${set}.yml: items.${id} is missing`);
    for (const id of RECOMMENDED_IDS)
      if (!t.recommended[id]) problems.push(`rules/${set}.yml: recommended.${id} is missing`);
    const texts = [
      t.greeting,
      t.intro,
      t.copyOne,
      t.copyEither,
      t.optionalHeading,
      t.hotSwap,
      t.closing,
      t.signoff,
      ...Object.values(t.items),
      ...Object.values(t.recommended),
    ];
    for (const text of texts) {
      for (const m of text.matchAll(PLACEHOLDER)) {
        if (!KNOWN_PLACEHOLDERS.has(m[1]!)) problems.push(`rules/${set}.yml: unknown placeholder {${m[1]}}`);
      }
    }
    return t;
  };
  const templates = { fr: load('fr'), en: load('en') };
  if (problems.length > 0) throw new RuleLoadError(problems);
  return templates;
}

export function fill(text: string, values: { provider: string; ticket: string }): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    name === 'provider' ? values.provider : name === 'ticket' ? values.ticket : whole,
  );
}
