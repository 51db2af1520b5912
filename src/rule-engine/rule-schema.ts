import { z } from 'zod';

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

export const RuleFile = z.discriminatedUnion('schema', [PatternRuleFile, LanguageProfileFile]);
export type RuleFile = z.infer<typeof RuleFile>;
