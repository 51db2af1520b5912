#!/usr/bin/env -S node --no-regexp-tier-up
// The flags on the line above are NODE_FLAGS (src/node-flags.ts), which says why.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkConfigCommand } from './commands/check-config.js';
import {
  staffAddCommand,
  staffSetDisabledCommand,
  tokenCreateCommand,
  tokenRevokeCommand,
} from './commands/desk-accounts.js';
import { parseCommand } from './commands/parse.js';
import { replayCommand } from './commands/replay.js';
import { webCommand } from './commands/web.js';
import { workerCommand } from './commands/worker.js';
import { loadConfig } from './config.js';
import { IntakeError } from './errors.js';
import { createLogger } from './log.js';

const USAGE = `intake: reads support e-mails and turns them into server-intervention records

Usage:
  intake parse [--json] [--directory FILE] FILE.eml [FILE.eml …]
                                                read messages as one mailbox ("-" reads stdin)
  intake worker                                 run the service: watch the mailbox, read, reply
  intake replay <MESSAGE-ID> | --quarantine | --failed
                                                run again a quarantined message or a failed job
  intake check-config                           print the configuration (secrets masked), test each connection
  intake web                                    run the review desk on PORT (same store as the worker)
  intake staff add EMAIL                        add a desk account (password from stdin, or generated)
  intake staff disable|enable EMAIL             stop (ending its sessions and tokens) or restore an account
  intake token create NAME --staff EMAIL        create an API token for a staff account (printed once)
  intake token revoke ID                        revoke an API token for good
  intake --version
  intake --help

parse runs the offline pipeline (read, understand, link conversations, decide, compose the reply) and
prints, per message, its conversation's record: each field with the customer's sentence behind it, what
is missing, the status and the reply that would be sent. --json prints one JSON object per line
(../shared/spec/parse-json.md). --directory checks senders against a customer directory (CSV or JSON).
Secret values are never printed. Exit status 1 when a file could not be read.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (command === 'parse') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        directory: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length === 0) {
      process.stderr.write('intake parse: give at least one FILE.eml, or - for stdin\n');
      return 2;
    }
    return parseCommand({
      files: positionals,
      json: values.json ?? false,
      directory: values.directory,
      config: loadConfig(),
      stdout: process.stdout,
      stdin: process.stdin,
    });
  }
  if (command === 'worker') return workerCommand(loadConfig());
  if (command === 'replay') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { quarantine: { type: 'boolean' }, failed: { type: 'boolean' } },
    });
    const chosen = [values.quarantine, values.failed, positionals.length > 0].filter(Boolean).length;
    if (chosen !== 1 || positionals.length > 1) {
      process.stderr.write('intake replay: give one MESSAGE-ID, or --quarantine, or --failed\n');
      return 2;
    }
    const config = loadConfig();
    return replayCommand(
      config,
      values.quarantine
        ? { kind: 'quarantine' }
        : values.failed
          ? { kind: 'failed' }
          : { kind: 'message', messageId: positionals[0]! },
      process.stdout,
      createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }),
    );
  }
  if (command === 'web') return webCommand(loadConfig());
  if (command === 'staff') {
    const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
    const [action, email] = positionals;
    if (positionals.length !== 2 || !email || !['add', 'disable', 'enable'].includes(action ?? '')) {
      process.stderr.write('intake staff: usage: intake staff add|disable|enable EMAIL\n');
      return 2;
    }
    if (action !== 'add') {
      return staffSetDisabledCommand({
        config: loadConfig(),
        email,
        disabled: action === 'disable',
        stdout: process.stdout,
        stderr: process.stderr,
      });
    }
    return staffAddCommand({
      config: loadConfig(),
      email,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }
  if (command === 'token') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { staff: { type: 'string' } },
    });
    if (positionals[0] === 'revoke' && positionals.length === 2 && !values.staff) {
      return tokenRevokeCommand({
        config: loadConfig(),
        id: positionals[1]!,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    }
    if (positionals[0] !== 'create' || positionals.length !== 2 || !values.staff) {
      process.stderr.write('intake token: usage: intake token create NAME --staff EMAIL | revoke ID\n');
      return 2;
    }
    return tokenCreateCommand({
      config: loadConfig(),
      name: positionals[1]!,
      staffEmail: values.staff,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }
  if (command === 'check-config') {
    const config = loadConfig();
    return checkConfigCommand(config, process.stdout, createLogger({ level: 'silent' }));
  }
  process.stderr.write(`intake: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = err instanceof IntakeError ? err.code : 'internal_error';
    process.stderr.write(`intake: ${code}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
