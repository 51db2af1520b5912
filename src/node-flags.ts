/**
 * Flags `node` is started with, wherever the service runs: the `intake` executable's first line
 * (src/cli.ts), the container's entry point (Dockerfile) and the benchmark's worker process. A test checks
 * that the three agree.
 *
 * `--no-regexp-tier-up`: V8 first runs a regular expression in its bytecode interpreter and compiles it to
 * machine code when it runs again. The rules are some 450 large case-insensitive Unicode patterns, every one
 * run on every message, so each was compiled twice during a worker's first messages: about 800 ms of CPU,
 * against 400 ms when compiled straight to machine code (measured; later runs are as fast either way). It is
 * a start-up flag on purpose: `v8.setFlagsFromString` at run time crashed V8 once patterns had been run
 * under the other setting.
 */
export const NODE_FLAGS = ['--no-regexp-tier-up'] as const;
