import { z } from 'zod';
import { REQUEST_TYPES, SCENARIOS } from '../record/schema.js';

/** Rule ids are stable names that tests, evidence and logs refer to: `area.name`, lower-case. */
export const RuleId = z
  .string()
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'rule ids are lower-case words joined by ".", "-" or "_"');

const Examples = z.strictObject({
  match: z.array(z.string()).default([]),
  noMatch: z.array(z.string()).default([]),
});

export const PatternRule = z.strictObject({
  id: RuleId,
  description: z.string().min(10, 'say in one line what the rule is for'),
  pattern: z.string().min(1),
  // `g` and `y` make RegExp stateful across calls; rules must be usable from anywhere.
  flags: z
    .string()
    .regex(/^[ims]*$/, 'allowed flags are i, m and s (u is always on)')
    .default(''),
  tags: z.array(z.string().min(1)).default([]),
  examples: Examples,
});
export type PatternRule = z.infer<typeof PatternRule>;

export const PatternRuleFile = z.strictObject({
  schema: z.literal('pattern-rules/v1'),
  description: z.string().min(10),
  rules: z.array(PatternRule).min(1),
});
export type PatternRuleFile = z.infer<typeof PatternRuleFile>;

export const LanguageProfileFile = z.strictObject({
  schema: z.literal('language-profile/v1'),
  description: z.string().min(10),
  languages: z.record(
    z.enum(['fr', 'en']),
    z.strictObject({
      description: z.string().min(10),
      words: z.array(z.string().min(1)).min(20, 'a language profile needs at least 20 marker words'),
    }),
  ),
  examples: z.array(z.strictObject({ text: z.string().min(1), expect: z.enum(['fr', 'en']) })).default([]),
});
export type LanguageProfileFile = z.infer<typeof LanguageProfileFile>;

/** A reply template (one per language): the sentences of a reply, edited by support staff. */
export const ReplyTemplateFile = z.strictObject({
  schema: z.literal('reply-template/v1'),
  description: z.string().min(10),
  language: z.enum(['fr', 'en']),
  greeting: z.string().min(1),
  intro: z.string().min(1),
  /** One plain sentence per missing id saying what is needed (the exact statements are added by code). */
  items: z.record(z.string(), z.string().min(10)),
  /** Lead-in for the statements to copy: one for a single statement, one for a choice of two. */
  copyOne: z.string().min(5),
  copyEither: z.string().min(5),
  optionalHeading: z.string().min(1),
  recommended: z.record(z.string(), z.string().min(10)),
  hotSwap: z.string().min(10),
  closing: z.string().min(1),
  signoff: z.string().min(1),
});
export type ReplyTemplateFile = z.infer<typeof ReplyTemplateFile>;

// Statements are texts to recognise word for word (section 4 of the policy), not patterns: a regex would
// have to spell out every tolerated difference. `{provider}` is the only placeholder.
const StatementText = z
  .string()
  .min(20, 'a statement is a full sentence')
  .refine((s) => !/\{(?!provider\})[^}]*\}/.test(s), 'the only placeholder is {provider}');

export const StatementRule = z.strictObject({
  id: RuleId,
  description: z.string().min(10, 'say in one line what the rule is for'),
  fr: StatementText,
  en: StatementText,
  /** Other wordings that count as verbatim too (the procedure's own examples that customers copy). */
  alternatives: z
    .array(
      z.strictObject({
        lang: z.enum(['fr', 'en']),
        description: z.string().min(10),
        text: StatementText,
      }),
    )
    .default([]),
  /** `match`: texts that contain the statement verbatim; `noMatch`: texts that do not. */
  examples: Examples,
});
export type StatementRule = z.infer<typeof StatementRule>;

export const StatementsFile = z.strictObject({
  schema: z.literal('statements/v1'),
  description: z.string().min(10),
  // Named `rules` so that the loader's messages name the statement's id like any rule's.
  rules: z.array(StatementRule).min(1),
});
export type StatementsFile = z.infer<typeof StatementsFile>;

const PolicyItem = z.strictObject({
  id: RuleId,
  description: z.string().min(10),
  requiredFor: z.strictObject({
    types: z.array(z.enum(REQUEST_TYPES)).min(1),
    scenarios: z.array(z.enum(SCENARIOS)).optional(),
  }),
});

/** The table of section 3: which items each request needs, in the order `missing` lists them. */
export const PolicyTableFile = z.strictObject({
  schema: z.literal('policy-table/v1'),
  description: z.string().min(10),
  items: z.array(PolicyItem).min(1),
  recommended: z.array(PolicyItem).default([]),
});
export type PolicyTableFile = z.infer<typeof PolicyTableFile>;

export const RuleFile = z.discriminatedUnion('schema', [
  PatternRuleFile,
  LanguageProfileFile,
  ReplyTemplateFile,
  StatementsFile,
  PolicyTableFile,
]);
export type RuleFile = z.infer<typeof RuleFile>;
