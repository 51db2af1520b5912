/**
 * A closed-loop HTTP load generator for the desk benchmark: `concurrency` clients on keep-alive connections,
 * each sending its next request when the previous answer is in, until `requests` answers have come back.
 * Latency is taken per request from just before it is written to the end of its body.
 */
import { Agent, request } from 'node:http';

export interface LoadOptions {
  base: string;
  /** Paths taken in turn. */
  paths: readonly string[];
  headers: Record<string, string>;
  requests: number;
  concurrency: number;
}

export interface LoadResult {
  latenciesMs: number[];
  /** The same latencies, by path. */
  byPath: Record<string, number[]>;
  /** Answers other than 200, by status. */
  failures: Record<number, number>;
  elapsedMs: number;
  bytes: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latenciesMs: number[] = [];
  const byPath: Record<string, number[]> = {};
  const failures: Record<number, number> = {};
  let next = 0;
  let bytes = 0;
  const once = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const req = request(`${options.base}${path}`, { agent, headers: options.headers }, (res) => {
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => {
          const ms = performance.now() - started;
          latenciesMs.push(ms);
          const list = byPath[path] ?? [];
          list.push(ms);
          byPath[path] = list;
          if (res.statusCode !== 200) failures[res.statusCode!] = (failures[res.statusCode!] ?? 0) + 1;
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const client = async () => {
    while (next < options.requests) {
      const path = options.paths[next % options.paths.length]!;
      next++;
      await once(path);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { latenciesMs, byPath, failures, elapsedMs, bytes };
}
