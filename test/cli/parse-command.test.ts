import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureMessages, ROOT } from '../support/fixtures.js';

const run = promisify(execFile);
const CLI = join(ROOT, 'dist', 'cli.js');
const fixtures = fixtureMessages();
// The keys of ../shared/spec/parse-json.md, in its order: scripts outside the project rely on them.
const CONTRACT_KEYS = [
  'file',
  'messageId',
  'conversation',
  'language',
  'requestTypes',
  'scenarios',
  'server',
  'access',
  'power',
  'backup',
  'acknowledgements',
  'os',
  'hardware',
  'missing',
  'status',
  'reply',
];

async function intake(
  args: string[],
  stdin?: Buffer,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  // The CLI under test is the built one, as `npx intake` runs it; `npm test` builds first.
  await run(process.execPath, [CLI, '--version']);
});

describe('intake parse', () => {
  const first = fixtures[0]!;

  it('prints a readable summary with the customer’s sentences and the reply that would go out', async () => {
    const request = 'fixtures/requests/reinstall/en-near-verbatim.eml';
    const { code: c2, stdout: s2 } = await intake(['parse', request]);
    expect(c2).toBe(0);
    expect(s2).toContain(
      '« Please reinstall SRV-66002 with Ubuntu Server 24.04 LTS, default partitioning. »',
    );
    expect(s2).toMatch(/--- reply to isabel\.cruz@example\.es: Re: .*\[INT-000001\]/);
    const { code, stdout } = await intake(['parse', first.file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`== ${first.file}`);
    for (const label of [
      'Message-ID:',
      'Conversation:',
      'Language:',
      'Status:',
      'Request types:',
      'Server:',
      'Power:',
      'Backup:',
      'Missing:',
    ]) {
      expect(stdout).toContain(label);
    }
  });

  it('prints one JSON object per line with --json, with every key of the parse-json contract', async () => {
    const files = fixtures.slice(0, 5).map((f) => f.file);
    const { code, stdout } = await intake(['parse', '--json', ...files]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(files.length);
    lines.forEach((line, i) => {
      const obj = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(obj).slice(0, 16)).toEqual(CONTRACT_KEYS);
      expect(obj.file).toBe(files[i]);
      expect(['fr', 'en']).toContain(obj.language);
    });
  });

  it('reads stdin with -', async () => {
    const { code, stdout } = await intake(['parse', '--json', '-'], first.raw);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).file).toBe('-');
  });

  it('reports unreadable files with a coded error line and exits 1 after reading the others', async () => {
    const { code, stdout } = await intake(
      ['parse', '--json', 'does/not/exist.eml', '-', first.file],
      Buffer.alloc(0),
    );
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      file: 'does/not/exist.eml',
      error: { code: 'read_failed', message: expect.any(String) },
    });
    expect(lines[1]).toEqual({ file: '-', error: { code: 'message_empty', message: 'message is empty' } });
    expect(lines[2].file).toBe(first.file);
  });

  it('explains its usage', async () => {
    const { code, stdout } = await intake(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('intake parse');
    expect((await intake(['frobnicate'])).code).toBe(2);
  });
});

describe('no secret from any fixture appears in any parse output', () => {
  /**
   * The fixtures list their secrets by SHA-256 only; the clear values are recovered from the decoded
   * messages by hashing every token and every part of a token, so this test does not trust the reader's
   * own secret finder.
   */
  async function secretValues(): Promise<string[]> {
    const values = new Set<string>();
    for (const f of fixtures) {
      const expected = JSON.parse(readFileSync(f.path.replace(/\.eml$/, '.expected.json'), 'utf8')) as {
        secrets?: { sha256: string }[];
      };
      const wanted = new Set((expected.secrets ?? []).map((s) => s.sha256));
      if (wanted.size === 0) continue;
      const parsed = await simpleParser(f.raw);
      const text = `${parsed.subject ?? ''}\n${parsed.text ?? ''}\n${parsed.html || ''}`;
      const found = new Set<string>();
      for (const token of text.split(/\s+/)) {
        // Secrets sit after a label's separator ("root:…", "pw=…", "«…»") and before punctuation.
        const starts = [0, ...[...token.matchAll(/[:=/'"«(`]/g)].map((m) => m.index + 1)];
        const ends = [token.length, ...[...token.matchAll(/[.,;:)'"»`]/g)].map((m) => m.index)];
        for (const a of starts) {
          for (const b of ends) {
            if (b <= a) continue;
            const candidate = token.slice(a, b);
            if (wanted.has(createHash('sha256').update(candidate).digest('hex'))) found.add(candidate);
          }
        }
      }
      expect([...found].length, `${f.file}: every listed secret occurs in the message`).toBe(wanted.size);
      for (const v of found) values.add(v);
    }
    return [...values];
  }

  it('holds for the summary and the JSON output of every fixture', async () => {
    const secrets = await secretValues();
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const files = fixtures.map((f) => f.file);
    const outputs = [await intake(['parse', ...files]), await intake(['parse', '--json', ...files])];
    for (const { stdout, stderr } of outputs) {
      for (const secret of secrets) {
        expect(stdout.includes(secret), 'a secret reached stdout').toBe(false);
        expect(stderr.includes(secret), 'a secret reached stderr').toBe(false);
      }
    }
  });
});
