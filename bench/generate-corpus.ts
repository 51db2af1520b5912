/**
 * Deterministic corpus of raw RFC 5322 messages for `npm run bench`: what a hosting provider's support
 * mailbox receives, in French and English, from the usual clients (see corpus-message.ts for the mix).
 *
 *   tsx bench/generate-corpus.ts [--messages 2400] [--out .bench/corpus] [--seed intake-bench-1]
 *
 * Message i depends only on (seed, i), so a larger corpus starts with the smaller one and a manifest tells
 * whether the corpus on disk is the one asked for.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildMessage, GENERATOR_VERSION, type MessageKind } from './corpus-message.js';

export { buildMessage, GENERATOR_VERSION, type MessageKind } from './corpus-message.js';

export const DEFAULT_SEED = 'intake-bench-1';
export const DEFAULT_COUNT = 2400;
export const DEFAULT_DIR = '.bench/corpus';
const MANIFEST = 'corpus.json';
const MESSAGE_FILE = /^\d{5,}\.eml$/;

export interface CorpusManifest {
  generator: number;
  seed: string;
  count: number;
  bytes: number;
  /** SHA-256 over all messages in order: two runs measured the same corpus when this matches. */
  sha256: string;
  kinds: Record<MessageKind, number>;
}

export interface CorpusOptions {
  dir: string;
  count: number;
  seed: string;
}

export const messageFile = (index: number): string => `${String(index + 1).padStart(5, '0')}.eml`;

/** Writes `count` messages to `dir`, replacing the messages of an earlier corpus there (and nothing else). */
export async function generateCorpus({ dir, count, seed }: CorpusOptions): Promise<CorpusManifest> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (MESSAGE_FILE.test(name) || name === MANIFEST) await rm(join(dir, name));
  }
  const hash = createHash('sha256');
  const kinds: Record<MessageKind, number> = {
    plain: 0,
    alternative: 0,
    'qp-latin1': 0,
    mixed: 0,
    'html-only': 0,
  };
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const { kind, raw } = buildMessage(seed, i);
    kinds[kind]++;
    bytes += raw.length;
    hash.update(raw);
    await writeFile(join(dir, messageFile(i)), raw);
  }
  const manifest: CorpusManifest = {
    generator: GENERATOR_VERSION,
    seed,
    count,
    bytes,
    sha256: hash.digest('hex'),
    kinds,
  };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export async function readManifest(dir: string): Promise<CorpusManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as CorpusManifest;
  } catch {
    return undefined;
  }
}

/**
 * The corpus the bench asked for: reused when the manifest on disk matches (same generator and seed, same
 * count), generated otherwise. A larger corpus is not reused for a smaller run: the manifest's hash and
 * composition would then describe messages the run did not read.
 */
export async function ensureCorpus(
  options: CorpusOptions,
): Promise<{ manifest: CorpusManifest; generated: boolean }> {
  const found = await readManifest(options.dir);
  if (
    found &&
    found.generator === GENERATOR_VERSION &&
    found.seed === options.seed &&
    found.count === options.count
  ) {
    const present = (await readdir(options.dir)).filter((n) => MESSAGE_FILE.test(n)).length;
    if (present === options.count) return { manifest: found, generated: false };
  }
  return { manifest: await generateCorpus(options), generated: true };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: String(DEFAULT_COUNT) },
      out: { type: 'string', default: DEFAULT_DIR },
      seed: { type: 'string', default: DEFAULT_SEED },
    },
  });
  const count = Number(values.messages);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--messages must be a positive integer, got ${values.messages}`);
  const dir = resolve(values.out);
  const started = performance.now();
  const manifest = await generateCorpus({ dir, count, seed: values.seed });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${manifest.count} messages, ${(manifest.bytes / 1048576).toFixed(1)} MiB in ${dir} (${seconds} s)`,
  );
  console.log(`kinds: ${JSON.stringify(manifest.kinds)}`);
  console.log(`sha256: ${manifest.sha256}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
