import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { message, secret } from './fixtures.js';
import type { Harnessed } from './harness.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function timed(fn: () => Promise<unknown>, runs = 7): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** 10,000 conversations written in one statement (committing them one by one would take the test's time). */
export function seedSql(kind: 'sqlite' | 'postgres', n: number): string {
  const columns = `id, record, status, missing, request_types, server, customer, subject, language,
    last_customer_message_at, line, search, created_at, updated_at`;
  const statuses = "'awaiting_customer', 'ready', 'needs_review', 'ignored'";
  if (kind === 'postgres') {
    return `INSERT INTO conversations (${columns})
      SELECT 'INT-' || lpad(n::text, 6, '0'), jsonb_build_object('id', 'INT-' || lpad(n::text, 6, '0'),
        'messageIds', '[]'::jsonb, 'history', '[]'::jsonb), (ARRAY[${statuses}])[n % 4 + 1], '["os"]', '[]',
        'SRV-' || n, 'c' || n || '@customer.example', 'Demande ' || n, 'fr', ts, '{}',
        'c' || n || '@customer.example demande ' || n || ' srv-' || n || chr(30) || 'bonjour ' || md5(n::text),
        ts, ts
      FROM generate_series(1, ${n}) AS n, LATERAL (SELECT timestamptz '2026-01-01Z' + n * interval '1 second' AS ts) t`;
  }
  return `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${n})
    INSERT INTO conversations (${columns})
    SELECT printf('INT-%06d', n), json_object('id', printf('INT-%06d', n), 'messageIds', json('[]'),
        'history', json('[]')), json_extract('[${statuses.replaceAll("'", '"')}]', '$[' || (n % 4) || ']'),
      '["os"]', '[]', 'SRV-' || n, 'c' || n || '@customer.example', 'Demande ' || n, 'fr',
      strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || n || ' seconds'), '{}',
      'c' || n || '@customer.example demande ' || n || ' srv-' || n || char(30) || 'bonjour ' || hex(randomblob(8)),
      strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || n || ' seconds'),
      strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || n || ' seconds')
    FROM seq`;
}

export function timingTests(h: Harnessed) {
  describe('timings', () => {
    it('commits a message in a few milliseconds', async () => {
      const { store } = await h.fresh();
      const n = 200;
      const start = performance.now();
      let previous: string | null = null;
      for (let i = 0; i < n; i++) {
        // Half open a conversation, half answer the previous one; every other one queues a reply.
        const input = message({
          inReplyTo: i % 2 === 1 ? previous : null,
          reply: i % 2 === 0,
          secrets: i % 4 === 0 ? [secret('s3cret-value')] : [],
          newText: 'Bonjour, '.repeat(100),
        });
        previous = input.thread.messageId;
        await store.commitMessage(input);
      }
      const perMessage = (performance.now() - start) / n;
      const parallel = performance.now();
      await Promise.all(
        Array.from({ length: n }, (_, i) => store.commitMessage(message({ mailbox: `box-${i % 4}` }))),
      );
      const perParallel = (performance.now() - parallel) / n;
      console.log(
        `[${h.harness.kind}] commitMessage: ${perMessage.toFixed(2)} ms/message sequential, ` +
          `${perParallel.toFixed(2)} ms/message with ${n} in flight over 4 mailboxes`,
      );
      expect(perMessage).toBeLessThan(50);
    });

    it('serves a queue page over 10,000 conversations in well under 100 ms', async () => {
      const { url, store } = await h.fresh();
      await h.raw(url, seedSql(h.harness.kind, 10_000));
      const first = await store.listConversations({ limit: 50, offset: 0 });
      expect(first.total).toBe(10_000);
      expect(first.rows[0]?.id).toBe('INT-010000');
      const page = await timed(() => store.listConversations({ limit: 50, offset: 0 }));
      const deep = await timed(() => store.listConversations({ limit: 50, offset: 9_000 }));
      const status = await timed(() => store.listConversations({ status: 'ready', limit: 50, offset: 0 }));
      const search = await timed(() => store.listConversations({ text: 'srv-7777', limit: 50, offset: 0 }));
      const everything = await timed(() => store.listConversations({ limit: 10_000, offset: 0 }), 3);
      const found = await store.listConversations({ text: 'srv-7777', limit: 50, offset: 0 });
      expect(found.rows.map((r) => r.id)).toEqual(['INT-007777']);
      console.log(
        `[${h.harness.kind}] listConversations over 10,000: page ${page.toFixed(1)} ms, offset 9000 ${deep.toFixed(1)} ms, ` +
          `status ${status.toFixed(1)} ms, search ${search.toFixed(1)} ms, all 10,000 rows ${everything.toFixed(1)} ms`,
      );
      expect(Math.max(page, deep, status, search)).toBeLessThan(100);
    });
  });
}
