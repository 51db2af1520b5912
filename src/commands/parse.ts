import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { loadDirectory } from '../directory/load-directory.js';
import { IntakeError } from '../errors.js';
import { createPipeline } from '../pipeline/offline-pipeline.js';
import { errorLine, summary } from './parse-output.js';

export interface ParseCommandOptions {
  files: readonly string[];
  json: boolean;
  /** Customer directory file (overrides INTAKE_DIRECTORY). */
  directory?: string;
  config: Config;
  stdout: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

async function readInput(file: string, stdin: NodeJS.ReadableStream): Promise<Buffer> {
  if (file !== '-') return readFile(file);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/**
 * `intake parse FILE…`: the whole offline pipeline over the files, taken in order as one mailbox. Returns
 * the exit status: 1 when a file could not be read (the others are still read and printed).
 */
export async function parseCommand(options: ParseCommandOptions): Promise<number> {
  const { config } = options;
  const directoryFile = options.directory ?? config.INTAKE_DIRECTORY;
  const pipeline = createPipeline({
    provider: config.PROVIDER_NAME,
    zone: config.PROVIDER_TIMEZONE,
    providerDomains: config.providerDomains,
    ownAddresses: config.ownAddresses,
    ownMessageIdDomains: [config.INTAKE_MESSAGE_ID_DOMAIN],
    defaultLanguage: config.INTAKE_DEFAULT_LANGUAGE,
    limits: { maxBytes: config.INTAKE_MAX_MESSAGE_BYTES },
    directory: directoryFile ? loadDirectory(directoryFile) : null,
    trustedAuthservIds: config.INTAKE_TRUSTED_AUTHSERV_IDS,
  });
  let failed = 0;
  for (const file of options.files) {
    let out: string;
    try {
      const line = await pipeline.process(await readInput(file, options.stdin), file);
      out = options.json ? `${JSON.stringify(line)}\n` : summary(line);
    } catch (err) {
      failed++;
      const code = err instanceof IntakeError ? err.code : 'read_failed';
      const text = err instanceof Error ? err.message : String(err);
      out = options.json ? `${errorLine(file, code, text)}\n` : `== ${file}\nerror ${code}: ${text}\n`;
    }
    if (!options.stdout.write(out)) await new Promise((r) => options.stdout.once('drain', r));
    if (!options.json && options.files.length > 1) options.stdout.write('\n');
  }
  return failed > 0 ? 1 : 0;
}
