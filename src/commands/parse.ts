import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { IntakeError } from '../errors.js';
import { createReader } from '../reader/read-message.js';
import { errorLine, jsonLine, summary } from './parse-output.js';

export interface ParseCommandOptions {
  files: readonly string[];
  json: boolean;
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

/** `intake parse FILE…`: reads each message in order; returns the exit status (1 when a file failed). */
export async function parseCommand(options: ParseCommandOptions): Promise<number> {
  const { config } = options;
  const reader = createReader({
    ownAddresses: config.ownAddresses,
    ownMessageIdDomains: [config.INTAKE_MESSAGE_ID_DOMAIN],
    defaultLanguage: config.INTAKE_DEFAULT_LANGUAGE,
    limits: { maxBytes: config.INTAKE_MAX_MESSAGE_BYTES },
  });
  let failed = 0;
  for (const file of options.files) {
    let out: string;
    try {
      const raw = await readInput(file, options.stdin);
      const { message } = await reader.read(raw);
      out = options.json ? `${jsonLine(file, message)}\n` : summary(file, message);
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
