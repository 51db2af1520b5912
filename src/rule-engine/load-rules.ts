import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { RuleLoadError } from '../errors.js';
import type { CompiledRule } from './compiled-rule.js';
import {
  type LanguageProfileFile,
  type PatternRuleFile,
  type PolicyTableFile,
  type ReplyTemplateFile,
  RuleFile,
} from './rule-schema.js';

/** The rules shipped with the service: `rules/` at the package root, from `src/` and `dist/` alike. */
export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface RuleBook {
  readonly dir: string;
  /** Compiled pattern rules of one file, by its path under `rules/` without extension (`reader/quote-markers`). */
  patterns(set: string): readonly CompiledRule[];
  languageProfile(set: string): LanguageProfileFile;
  replyTemplate(set: string): ReplyTemplateFile;
  policyTable(set: string): PolicyTableFile;
  /** Every set name, for tests that walk all rules. */
  readonly sets: readonly string[];
  readonly files: ReadonlyMap<string, { file: string; data: RuleFile }>;
}

function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYaml(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: PropertyKey[]): number {
  // Walk up the path until a node exists: a missing key is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

function compilePatterns(
  display: string,
  data: PatternRuleFile,
  lines: (path: PropertyKey[]) => number,
  problems: string[],
): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  data.rules.forEach((rule, index) => {
    const line = lines(['rules', index, 'pattern']);
    try {
      compiled.push({
        id: rule.id,
        description: rule.description,
        tags: rule.tags,
        regex: new RegExp(rule.pattern, `${rule.flags}u`),
        source: { file: display, line },
        examples: rule.examples,
      });
    } catch (err) {
      problems.push(
        `${display}:${line}: rule ${rule.id}: pattern does not compile: ${(err as Error).message}`,
      );
    }
  });
  return compiled;
}

function formatIssue(display: string, line: number, issue: z.core.$ZodIssue, data: unknown): string {
  const path = issue.path.map(String).join('.');
  let ruleId = '';
  if (issue.path[0] === 'rules' && typeof issue.path[1] === 'number' && data && typeof data === 'object') {
    const rules = (data as { rules?: unknown }).rules;
    const rule = Array.isArray(rules) ? rules[issue.path[1]] : undefined;
    if (rule && typeof rule === 'object' && typeof (rule as { id?: unknown }).id === 'string') {
      ruleId = ` rule ${(rule as { id: string }).id}:`;
    }
  }
  return `${display}:${line}:${ruleId} ${path || '(file)'}: ${issue.message}`;
}

/**
 * Loads and validates every rule file under `dir`, compiling patterns once. All problems of all files are
 * collected before failing, so one start-up lists everything there is to fix.
 */
export function loadRuleBook(dir: string = DEFAULT_RULES_DIR): RuleBook {
  const problems: string[] = [];
  const files = new Map<string, { file: string; data: RuleFile }>();
  const patternSets = new Map<string, CompiledRule[]>();
  const seenIds = new Map<string, string>();
  let yamlFiles: string[] = [];
  try {
    yamlFiles = listYaml(dir);
  } catch (err) {
    throw new RuleLoadError([`${dir}: cannot read the rules directory: ${(err as Error).message}`], {
      cause: err,
    });
  }
  for (const file of yamlFiles) {
    const display = relative(process.cwd(), file) || file;
    const set = relative(dir, file)
      .split(sep)
      .join('/')
      .replace(/\.ya?ml$/, '');
    const counter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: counter, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const line = err.linePos?.[0]?.line ?? counter.linePos(err.pos[0]).line;
        problems.push(`${display}:${line}: YAML syntax: ${err.message.split('\n')[0]}`);
      }
      continue;
    }
    const raw: unknown = doc.toJS();
    const parsed = RuleFile.safeParse(raw);
    const lines = (path: PropertyKey[]) => lineOf(doc, counter, path);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(formatIssue(display, lines(issue.path), issue, raw));
      continue;
    }
    files.set(set, { file, data: parsed.data });
    if (parsed.data.schema === 'pattern-rules/v1') {
      parsed.data.rules.forEach((rule, index) => {
        const where = `${display}:${lines(['rules', index, 'id'])}`;
        const previous = seenIds.get(rule.id);
        if (previous) problems.push(`${where}: rule ${rule.id}: duplicate id (first defined at ${previous})`);
        else seenIds.set(rule.id, where);
      });
      patternSets.set(set, compilePatterns(display, parsed.data, lines, problems));
    }
  }
  if (problems.length > 0) throw new RuleLoadError(problems);

  return {
    dir,
    files,
    sets: [...files.keys()],
    patterns(set) {
      const rules = patternSets.get(set);
      if (!rules) throw new RuleLoadError([`${dir}: no pattern rule file "${set}.yml"`]);
      return rules;
    },
    languageProfile(set) {
      const entry = files.get(set);
      if (entry?.data.schema !== 'language-profile/v1') {
        throw new RuleLoadError([`${dir}: no language profile file "${set}.yml"`]);
      }
      return entry.data;
    },
    policyTable(set) {
      const entry = files.get(set);
      if (entry?.data.schema !== 'policy-table/v1') {
        throw new RuleLoadError([`${dir}: no policy table file "${set}.yml"`]);
      }
      return entry.data;
    },
    replyTemplate(set) {
      const entry = files.get(set);
      if (entry?.data.schema !== 'reply-template/v1') {
        throw new RuleLoadError([`${dir}: no reply template file "${set}.yml"`]);
      }
      return entry.data;
    },
  };
}

let shipped: RuleBook | undefined;
/** The shipped rules, loaded once per process. */
export function shippedRules(): RuleBook {
  shipped ??= loadRuleBook();
  return shipped;
}
