import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
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
import { readSnapshot, rulesDigest, SHIPPED_SNAPSHOT, writeSnapshot } from './rules-snapshot.js';

/** The rules shipped with the service: `rules/` at the package root, from `src/` and `dist/` alike. */
export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface LoadRulesOptions {
  /** A snapshot file to use when it matches the files (null: parse the YAML whatever there is). */
  snapshot?: string | null;
}

export interface RuleBook {
  readonly dir: string;
  /** Digest of the rule files' names and contents (rules-snapshot.ts). */
  readonly digest: string;
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

function compilePatterns(dir: string, entry: LoadedFile, problems: string[]): CompiledRule[] {
  const display = relative(process.cwd(), join(dir, entry.path)) || entry.path;
  const data = entry.data as PatternRuleFile;
  const compiled: CompiledRule[] = [];
  data.rules.forEach((rule, index) => {
    const line = entry.patternLines[index] ?? 1;
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

/** One rule file, validated: what the rule book is made of, and what a snapshot keeps. */
interface LoadedFile {
  /** Path under `rules/` without extension (`reader/quote-markers`). */
  set: string;
  /** Path relative to the rules directory. */
  path: string;
  data: RuleFile;
  /** For pattern files: the line of each rule's pattern, for messages that point at it. */
  patternLines: number[];
}

/** Parses and validates every file; all problems of all files are collected before failing. */
function parseAll(dir: string, yamlFiles: readonly string[], texts: readonly string[]): LoadedFile[] {
  const problems: string[] = [];
  const loaded: LoadedFile[] = [];
  const seenIds = new Map<string, string>();
  yamlFiles.forEach((file, fileIndex) => {
    const display = relative(process.cwd(), file) || file;
    const path = relative(dir, file).split(sep).join('/');
    const set = path.replace(/\.ya?ml$/, '');
    const counter = new LineCounter();
    const doc = parseDocument(texts[fileIndex]!, { lineCounter: counter, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const line = err.linePos?.[0]?.line ?? counter.linePos(err.pos[0]).line;
        problems.push(`${display}:${line}: YAML syntax: ${err.message.split('\n')[0]}`);
      }
      return;
    }
    const raw: unknown = doc.toJS();
    const parsed = RuleFile.safeParse(raw);
    const lines = (at: PropertyKey[]) => lineOf(doc, counter, at);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(formatIssue(display, lines(issue.path), issue, raw));
      return;
    }
    const patternLines: number[] = [];
    if (parsed.data.schema === 'pattern-rules/v1') {
      parsed.data.rules.forEach((rule, index) => {
        const where = `${display}:${lines(['rules', index, 'id'])}`;
        const previous = seenIds.get(rule.id);
        if (previous) problems.push(`${where}: rule ${rule.id}: duplicate id (first defined at ${previous})`);
        else seenIds.set(rule.id, where);
        patternLines.push(lines(['rules', index, 'pattern']));
      });
    }
    loaded.push({ set, path, data: parsed.data, patternLines });
  });
  // Patterns that do not compile are reported with the rest.
  for (const file of loaded) {
    if (file.data.schema === 'pattern-rules/v1') compilePatterns(dir, file, problems);
  }
  if (problems.length > 0) throw new RuleLoadError(problems);
  return loaded;
}

/**
 * Loads and validates every rule file under `dir`, compiling patterns once. All problems of all files are
 * collected before failing, so one start-up lists everything there is to fix. When the files are exactly
 * those a snapshot was taken of (`snapshot`, by default the one the build wrote for the shipped rules), the
 * snapshot's validated content is used instead of parsing the YAML again (see rules-snapshot.ts).
 */
export function loadRuleBook(dir: string = DEFAULT_RULES_DIR, options: LoadRulesOptions = {}): RuleBook {
  const { yamlFiles, texts, digest } = readRuleFiles(dir);
  // By default only the shipped rules have a snapshot (the build's).
  const shipped = resolve(dir) === resolve(DEFAULT_RULES_DIR);
  const snapshotFile =
    options.snapshot === undefined ? (shipped ? SHIPPED_SNAPSHOT : null) : options.snapshot;
  const loaded =
    (snapshotFile && readSnapshot<LoadedFile>(snapshotFile, digest)) || parseAll(dir, yamlFiles, texts);
  return assemble(dir, loaded, digest);
}

/** Validates the rules under `dir` and writes what `loadRuleBook` needs to skip that work next time. */
export function writeRulesSnapshot(dir: string, file: string): void {
  const { yamlFiles, texts, digest } = readRuleFiles(dir);
  writeSnapshot(file, digest, parseAll(dir, yamlFiles, texts));
}

/** The rule files under `dir`, their contents, and the digest of both (rules-snapshot.ts). */
function readRuleFiles(dir: string): { yamlFiles: string[]; texts: string[]; digest: string } {
  try {
    const yamlFiles = listYaml(dir);
    const texts = yamlFiles.map((file) => readFileSync(file, 'utf8'));
    const paths = yamlFiles.map((file) => relative(dir, file).split(sep).join('/'));
    return { yamlFiles, texts, digest: rulesDigest(paths, texts) };
  } catch (err) {
    throw new RuleLoadError([`${dir}: cannot read the rules directory: ${(err as Error).message}`], {
      cause: err,
    });
  }
}

function assemble(dir: string, loaded: readonly LoadedFile[], digest: string): RuleBook {
  const problems: string[] = [];
  const files = new Map<string, { file: string; data: RuleFile }>();
  const patternSets = new Map<string, CompiledRule[]>();
  for (const entry of loaded) {
    files.set(entry.set, { file: join(dir, entry.path), data: entry.data });
    if (entry.data.schema === 'pattern-rules/v1')
      patternSets.set(entry.set, compilePatterns(dir, entry, problems));
  }
  if (problems.length > 0) throw new RuleLoadError(problems);

  return {
    dir,
    digest,
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
