import type { z } from 'zod';
import { ConfigSchema, MASKED_KEYS, WORKER_REQUIRED_KEYS } from './config.js';

/*
 * The configuration reference in docs/operations.md is rendered from ConfigSchema itself (the `.describe()`
 * texts, defaults, enum values) so that the documentation cannot drift from what the service parses; a test
 * fails when the committed block is stale (`npm run docs:config` rewrites it).
 */

export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

type Masking = 'secret' | 'url-password';

export interface ReferenceOptions {
  /** How `intake check-config` masks each key (config.ts's MASKED_KEYS by default). */
  masked?: Readonly<Record<string, Masking>>;
  /** Keys optional in the schema that `intake worker` refuses to start without. */
  workerRequired?: readonly string[];
}

/** One environment variable as the reference shows it. */
export interface ConfigVariable {
  name: string;
  description: string;
  /** The default as it would be written in the environment; undefined when there is none. */
  defaultValue: string | undefined;
  /** False when the schema accepts the variable's absence (optional or defaulted). */
  required: boolean;
  requiredByWorker: boolean;
  /** The accepted values of an enum; undefined for free-form values. */
  allowedValues: readonly string[] | undefined;
  masking: Masking | undefined;
}

// Zod 4 keeps a schema's structure in `_zod.def`; only the few wrapper kinds the config uses are unwrapped.
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  defaultValue?: unknown;
  entries?: Record<string, string | number>;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema under ConfigSchema's `.transform` (a pipe) and `.superRefine` (a check, no wrapper). */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'object' && def.shape) return def.shape;
    if (def.type === 'pipe' && def.in) current = def.in;
    else throw new Error(`config reference: expected an object schema, found ${def.type}`);
  }
}

/** Walks the wrappers of one field (optional, default, pipe) down to its base type, noting what it saw. */
export function describeVariable(
  name: string,
  field: z.ZodType,
  options: ReferenceOptions = {},
): ConfigVariable {
  const description = field.description?.trim();
  if (!description) {
    throw new Error(
      `config reference: ${name} has no description; add .describe('…') to it in src/config.ts`,
    );
  }
  let optional = false;
  let defaultValue: string | undefined;
  let allowedValues: string[] | undefined;
  let current: z.ZodType | undefined = field;
  while (current) {
    const def = defOf(current);
    if (def.type === 'optional') {
      optional = true;
      current = def.innerType;
    } else if (def.type === 'default') {
      optional = true;
      // The default sits before any transform, so it is the string an operator would write.
      defaultValue ??= String(def.defaultValue);
      current = def.innerType;
    } else if (def.type === 'pipe') {
      current = def.in;
    } else {
      if (def.type === 'enum' && def.entries) allowedValues = Object.values(def.entries).map(String);
      current = undefined;
    }
  }
  const masked: Readonly<Record<string, Masking>> = options.masked ?? MASKED_KEYS;
  const workerRequired: readonly string[] = options.workerRequired ?? WORKER_REQUIRED_KEYS;
  return {
    name,
    description,
    defaultValue,
    required: !optional,
    requiredByWorker: workerRequired.includes(name),
    allowedValues,
    masking: masked[name],
  };
}

/** Every variable of the schema, in schema order (related settings are declared together there). */
export function configVariables(
  schema: z.ZodType = ConfigSchema,
  options: ReferenceOptions = {},
): ConfigVariable[] {
  return Object.entries(objectShape(schema)).map(([name, field]) => describeVariable(name, field, options));
}

// Descriptions are plain sentences, but a `|` would split a table cell and a newline would end the row.
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string): string => (text === '' ? '(empty)' : `\`${text}\``);

function requirement(v: ConfigVariable): string {
  if (v.required) return 'required';
  return v.requiredByWorker ? 'required by `intake worker`' : 'optional';
}

function secrecy(v: ConfigVariable): string {
  if (v.masking === 'secret') return 'yes (masked)';
  if (v.masking === 'url-password') return 'password in the URL (masked)';
  return 'no';
}

/** The Markdown between the markers: one table, then what "masked" means. Pure; deterministic. */
export function renderConfigReference(
  schema: z.ZodType = ConfigSchema,
  options: ReferenceOptions = {},
): string {
  const rows = configVariables(schema, options).map((v) =>
    [
      `\`${v.name}\``,
      cell(v.description),
      v.defaultValue === undefined ? '(none)' : code(v.defaultValue),
      requirement(v),
      v.allowedValues ? v.allowedValues.map(code).join(', ') : '',
      secrecy(v),
    ].join(' | '),
  );
  return [
    '<!-- Generated from ConfigSchema in src/config.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    '| variable | meaning | default | required | allowed values | secret |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
    '',
    'Secrets are masked when `intake check-config` prints the effective configuration: a secret is shown',
    'as `***`, and a URL keeps everything but its password.',
  ].join('\n');
}

/** `document` with the text between the markers replaced by `reference`; throws when a marker is missing. */
export function spliceConfigReference(document: string, reference: string): string {
  const start = document.indexOf(REFERENCE_START);
  const end = document.indexOf(REFERENCE_END);
  if (start < 0 || end < start) {
    throw new Error(`config reference: ${REFERENCE_START} … ${REFERENCE_END} not found (in that order)`);
  }
  return `${document.slice(0, start + REFERENCE_START.length)}\n${reference}\n${document.slice(end)}`;
}

/** The text currently between the markers, as spliceConfigReference writes it; null without markers. */
export function extractConfigReference(document: string): string | null {
  const start = document.indexOf(REFERENCE_START);
  const end = document.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return null;
  return document
    .slice(start + REFERENCE_START.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}
