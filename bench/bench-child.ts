/**
 * One contender, measured alone in its own process so that its peak RSS is its own. The corpus is read
 * into memory before anything is timed: the figures are parsing, not disk.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { messageFile } from './generate-corpus.js';

export const CONTENDERS = ['simpleParser', 'mailparser-stream', 'intake', 'pipeline'] as const;
/** The reader's comparison: the whole corpus. */
export const READER_CONTENDERS = ['simpleParser', 'mailparser-stream', 'intake'] as const;
/** The full offline pipeline against the baseline, on small messages (what a support mailbox mostly holds). */
export const PIPELINE_CONTENDERS = ['simpleParser', 'pipeline'] as const;
/** A "small message" for the pipeline figures: no attachment to speak of. */
export const SMALL_MESSAGE_BYTES = 16 * 1024;
export type ContenderName = (typeof CONTENDERS)[number];

export const CONTENDER_LABELS: Record<ContenderName, string> = {
  simpleParser: 'mailparser simpleParser (baseline)',
  'mailparser-stream': 'mailparser MailParser stream (floor)',
  intake: 'intake createReader().read',
  pipeline: 'intake pipeline (read + understand + decide + compose)',
};

/** Marks the result line on the child's stdout, so that anything else a library prints cannot be mistaken for it. */
export const RESULT_MARKER = 'BENCH-RESULT ';

export interface ContenderResult {
  name: ContenderName;
  messages: number;
  corpusBytes: number;
  rounds: number;
  /** Every timed pass, in milliseconds, in run order. */
  passesMs: number[];
  medianPassMs: number;
  messagesPerSecond: number;
  meanUs: number;
  /**
   * CPU time (user + system, all threads, GC included) per message in the median pass. Less disturbed than
   * wall time when other processes share the cores, so it cross-checks the wall-clock ratio.
   */
  cpuUs: number;
  /** Per-message latencies of the median pass. */
  p50Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
  /** RSS once the corpus is loaded and the contender set up, before the warm-up pass. */
  rssLoadedMb: number;
  peakRssMb: number;
  errors: number;
  firstError: string | null;
  /** Characters of text each contender extracted over one pass: a sanity check that all did the work. */
  textChars: number;
  /** With --cycles: the mean µs/message of every cycle, the kept one being the median. */
  cyclesMeanUs?: number[];
}

/** Reads one message; `reset` (when given) starts a new mailbox before each pass. */
type ParseOne = ((raw: Buffer) => Promise<number>) & { reset?: () => void };

/** Imported lazily so that each child loads only its own contender's code. */
async function contender(name: ContenderName): Promise<ParseOne> {
  switch (name) {
    case 'simpleParser': {
      const { simpleParser } = await import('mailparser');
      // Default options: what projects usually call, HTML-to-text and text-to-HTML included.
      return async (raw) => {
        const mail = await simpleParser(raw);
        return (mail.text ?? '').length;
      };
    }
    case 'mailparser-stream': {
      const { MailParser } = await import('mailparser');
      const { mailParserOptions } = await import('../src/reader/parse-mime.js');
      // The options of src/reader/parse-mime.ts: MIME parsing and decoding alone, no conversions.
      return (raw) =>
        new Promise<number>((resolve, reject) => {
          const parser = new MailParser(mailParserOptions(1000));
          let chars = 0;
          parser.on('data', (data) => {
            if (data.type === 'text') {
              chars += (data.text || (typeof data.html === 'string' ? data.html : '')).length;
              return;
            }
            data.content.on('data', () => {});
            data.content.on('end', () => data.release?.());
            data.content.on('error', reject);
          });
          parser.on('error', reject);
          parser.on('end', () => resolve(chars));
          parser.end(raw);
        });
    }
    case 'pipeline': {
      const { createPipeline } = await import('../src/pipeline/offline-pipeline.js');
      const fresh = () =>
        createPipeline({
          provider: 'INTROSERV',
          zone: 'Europe/Paris',
          providerDomains: ['hosting.example'],
          ownAddresses: ['support@hosting.example'],
          ownMessageIdDomains: ['intake.hosting.example'],
          defaultLanguage: 'en',
        });
      // One mailbox per pass: conversations accumulate within a pass, as in the worker, not across passes.
      let pipeline = fresh();
      const parse: ParseOne = async (raw) => {
        const line = await pipeline.process(raw, 'bench');
        return line.missing.length + (line.reply?.text.length ?? 0);
      };
      parse.reset = () => {
        pipeline = fresh();
      };
      return parse;
    }
    case 'intake': {
      const { createReader } = await import('../src/reader/read-message.js');
      const reader = createReader({
        ownAddresses: ['support@hosting.example'],
        ownMessageIdDomains: ['intake.hosting.example'],
      });
      return async (raw) => (await reader.read(raw)).message.text.length;
    }
  }
}

/** Nearest rank of ascending values: a latency that some message actually had (NaN when there is none). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export async function runChild(
  name: ContenderName,
  opts: { dir: string; messages: number; rounds: number; small?: boolean },
): Promise<ContenderResult> {
  const corpus: Buffer[] = [];
  for (let i = 0; i < opts.messages; i++) {
    const path = join(opts.dir, messageFile(i));
    // Large files are not even read for the small-message run: their buffers would inflate peak RSS.
    if (opts.small && (await stat(path)).size > SMALL_MESSAGE_BYTES) continue;
    corpus.push(await readFile(path));
  }
  const corpusBytes = corpus.reduce((sum, b) => sum + b.length, 0);
  const parse = await contender(name);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssLoadedMb = mb(process.memoryUsage().rss);

  let errors = 0;
  let firstError: string | null = null;
  let textChars = 0;
  const pass = async (latencies: Float64Array | null): Promise<{ ms: number; cpuMs: number }> => {
    parse.reset?.();
    let chars = 0;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < corpus.length; i++) {
      const t0 = process.hrtime.bigint();
      try {
        chars += await parse(corpus[i]!);
      } catch (err) {
        // Counted, not fatal: one unreadable message must not hide the figures of the other 2,399.
        if (latencies === null) {
          errors++;
          firstError ??= `${messageFile(i)}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
        }
      }
      if (latencies) latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    textChars = chars;
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };

  await pass(null); // warm-up: JIT, lazy module state, compiled rules; also where errors are counted
  const passes: Array<{ ms: number; cpuMs: number; latencies: Float64Array }> = [];
  for (let r = 0; r < opts.rounds; r++) {
    gc?.(); // start each pass from a clean heap so one pass does not pay for the previous one's garbage
    const latencies = new Float64Array(corpus.length);
    passes.push({ ...(await pass(latencies)), latencies });
  }
  const median = [...passes].sort((a, b) => a.ms - b.ms)[Math.floor((passes.length - 1) / 2)]!;
  const sorted = median.latencies.slice().sort();
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    name,
    messages: corpus.length,
    corpusBytes,
    rounds: opts.rounds,
    passesMs: passes.map((p) => round(p.ms)),
    medianPassMs: round(median.ms),
    messagesPerSecond: Math.round(corpus.length / (median.ms / 1000)),
    meanUs: round((median.ms * 1000) / corpus.length),
    cpuUs: round((median.cpuMs * 1000) / corpus.length),
    p50Us: round(percentile(sorted, 50)),
    p95Us: round(percentile(sorted, 95)),
    p99Us: round(percentile(sorted, 99)),
    maxUs: round(sorted[sorted.length - 1]!),
    rssLoadedMb,
    // maxRSS is in kilobytes (getrusage).
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    errors,
    firstError,
    textChars,
  };
}
