import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../src/queue/jobs.js';
import { redisConnection } from '../../src/queue/queues.js';
import type { Store } from '../../src/store/store.js';
import type { IngestOutcome } from '../../src/worker/ingest.js';
import type { SendOutcome } from '../../src/worker/send-reply.js';
import { type TestDatabases, testDatabases } from '../support/postgres.js';
import { parseExposition, sampleValue } from '../support/prom-text.js';
import { eventually, type Harness, startHarness } from '../support/worker-harness.js';
import { audit } from './audit.js';
import { CLEAN, cleanAudit, recordFigures } from './figures.js';
import {
  firstRequest,
  humanLookingRobot,
  newThreadRobot,
  type Robot,
  runLoop,
  vacationRobot,
} from './loop-robots.js';

/**
 * Long enough for an unbounded worker to blow through every limit (burst 3, daily 10 by default): a robot
 * stops after 30 answers, which a bounded worker never draws (the fan-out robot gets 3 × 9 = 27 at most).
 */
const LOOP = { maxAnswers: 30, maxMs: 30_000, quietMs: 2_000 };
const BURST_LIMIT = 3;

const VACATION = 'dana@vacation.example';
const HUMAN_LOOKING = 'ben@away.example';
const NEW_THREAD = 'carl@helpdesk.example';
const FAN_OUT = 'fay@fanout.example';
const HELD = 'hal@held.example';
const DAILY_LIMIT = 2;

/** What the worker did with each message and reply, per robot address, from its hooks and the store. */
interface Tally {
  /** Replies the SMTP peer received for the address. */
  sent: number;
  /** Replies refused, by the refusal's code (`burst_limit`, `daily_limit`, `own_address`, …). */
  refused: Record<string, number>;
  /** IngestOutcome per appended message from the address (`committed`, `ignored`, …). */
  ingested: Record<string, number>;
  /** SendOutcome per reply job to the address. */
  replyOutcomes: Record<string, number>;
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

async function tally(
  h: Harness,
  store: Store,
  address: string,
  fromOf: Map<string, string>,
  ingested: [string | null, IngestOutcome][],
  replied: [number, SendOutcome][],
): Promise<Tally> {
  const t: Tally = { sent: 0, refused: {}, ingested: {}, replyOutcomes: {} };
  t.sent = h.smtp.messages.filter((m) => m.envelope.rcptTo.some((to) => to.toLowerCase() === address)).length;
  for (const [messageId, outcome] of ingested) {
    if (messageId && fromOf.get(messageId) === address) bump(t.ingested, outcome);
  }
  for (const [replyId, outcome] of replied) {
    const reply = await store.getReply(replyId);
    if (reply?.to.toLowerCase() !== address) continue;
    bump(t.replyOutcomes, outcome);
    // A refusal's reason is stored as `code: explanation` (src/worker/send-reply.ts).
    if (reply.status === 'refused_limit') bump(t.refused, reply.smtpResponse?.split(':', 1)[0] ?? '?');
  }
  return t;
}

const short = (t: Tally) =>
  `sent ${t.sent}, refused ${JSON.stringify(t.refused)}, ingested ${JSON.stringify(t.ingested)}, ` +
  `reply outcomes ${JSON.stringify(t.replyOutcomes)}`;

/** Runs `during` with the reply queue paused: the replies committed meanwhile wait, then start together. */
async function holdingReplies(harness: Harness, during: () => Promise<void>): Promise<void> {
  const connection = redisConnection(harness.config.REDIS_URL);
  const queue = new Queue(REPLY_QUEUE, { connection, prefix: harness.config.INTAKE_QUEUE_PREFIX });
  try {
    await queue.pause();
    await during();
  } finally {
    await queue.resume();
    await queue.close();
    connection.disconnect();
  }
}

let h: Harness | null = null;
let databases: TestDatabases | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
  await databases?.dropAll();
  databases = null;
});

interface ScenarioOptions {
  env?: Record<string, string>;
  databaseUrl?: string;
  /**
   * First requests per robot, delivered all at once while the reply queue is paused (an SMTP maintenance,
   * say), so that their replies are decided in the same moment when it resumes. One request, at once, without.
   */
  held?: number;
}

/**
 * Starts an in-process worker (its hooks give the outcomes), sends each robot's first request, answers every
 * reply through the robots until the worker goes quiet or an unbounded one would have been caught, and
 * audits. Returns the tallies per robot for the scenario's own assertions.
 */
async function loopScenario(scenario: string, robots: Robot[], options: ScenarioOptions = {}) {
  h = await startHarness({
    env: { INTAKE_TAKEOVER_MS: '2000', INTAKE_SMTP_TIMEOUT_MS: '2000', ...options.env },
    databaseUrl: options.databaseUrl,
  });
  const ingested: [string | null, IngestOutcome][] = [];
  const replied: [number, SendOutcome][] = [];
  const worker = await h.startWorker({
    onCommitted: (job, _ms, outcome) => ingested.push([job.messageId, outcome]),
    onReply: (job, outcome) => replied.push([job.replyId, outcome]),
  });
  const store = await h.openStore();
  try {
    const started = Date.now();
    const appended: string[] = [];
    const fromOf = new Map<string, string>();
    const first = robots.flatMap((robot, i) =>
      Array.from({ length: options.held ?? 1 }, (_, k) => {
        const m = firstRequest(robot.address, `Customer ${i}`, 60 + 10 * i + k);
        fromOf.set(m.messageId, robot.address);
        appended.push(m.messageId);
        return m;
      }),
    );
    if (options.held === undefined) {
      for (const m of first) await h.dovecot.append('INBOX', m.raw);
    } else {
      await holdingReplies(h, async () => {
        await Promise.all(first.map((m) => h!.dovecot.deliver('INBOX', m.raw)));
        await eventually(
          async () => ((await store.listUnsettledReplies(1_000)).length === first.length ? true : undefined),
          20_000,
          'every held request to be committed with its reply',
        );
      });
    }
    // Every message a robot's address sent, for the tallies: first requests and answers alike.
    const answering = robots.map((r) => ({
      ...r,
      answer: (reply: Parameters<Robot['answer']>[0], n: number) => {
        const out = r.answer(reply, n);
        for (const m of out) fromOf.set(m.messageId, r.address);
        return out;
      },
    }));
    const loop = await runLoop(h, store, answering, appended, LOOP);
    const report = await audit(h, { appended, store });
    const tallies = new Map<string, Tally>();
    for (const r of robots)
      tallies.set(r.address, await tally(h, store, r.address, fromOf, ingested, replied));
    const notes: Record<string, string | number> = {
      ended: loop.ended,
      capped: loop.capped.join(' ') || 'none',
      loopSeconds: loop.seconds,
    };
    for (const [address, t] of tallies) {
      notes[address.split('@')[0]!] = `${loop.answers.get(address)} answers; ${short(t)}`;
    }
    // The loop must be visible to an operator too: /metrics counts what the hooks saw.
    const exposition = parseExposition(await worker.metrics.render());
    const counted = (name: string, outcome: string) => sampleValue(exposition, name, { outcome }) ?? 0;
    const outcomes = <T extends string>(list: [unknown, T][], outcome: T) =>
      list.filter(([, o]) => o === outcome).length;
    const metrics = {
      ignored: counted('intake_messages_total', 'ignored'),
      refusedLimit: counted('intake_replies_total', 'refused_limit'),
      sent: counted('intake_replies_total', 'sent'),
    };
    notes.metricsRefused = metrics.refusedLimit;
    recordFigures({
      scenario,
      seconds: (Date.now() - started) / 1_000,
      faults: [...loop.answers.values()].reduce((a, b) => a + b, 0),
      notes,
      audit: report,
    });
    expect(cleanAudit(report)).toEqual(CLEAN);
    expect(report.committed).toBe(appended.length);
    expect(report.failedJobs).toEqual([]);
    expect(metrics).toEqual({
      ignored: outcomes(ingested, 'ignored'),
      refusedLimit: outcomes(replied, 'refused_limit'),
      sent: outcomes(replied, 'sent'),
    });
    // The loop ended because the worker stopped answering, not because the robots gave up.
    expect(loop.capped).toEqual([]);
    expect(loop.ended).toBe('quiet');
    return { tallies, loop, report };
  } finally {
    await store.close();
  }
}

describe('fault: an auto-responder answers every reply', () => {
  it('stays bounded against a vacation responder, a human-looking one and one opening new threads', async () => {
    const { tallies, loop } = await loopScenario('mail-loop', [
      vacationRobot(VACATION),
      humanLookingRobot(HUMAN_LOOKING),
      newThreadRobot(NEW_THREAD, 70),
      // Nine new threads per reply: their reply jobs often run side by side (on SQLite in one process not
      // always; the next scenario makes sure they do).
      newThreadRobot(FAN_OUT, 80, 9),
    ]);
    const vacation = tallies.get(VACATION)!;
    const human = tallies.get(HUMAN_LOOKING)!;
    const newThread = tallies.get(NEW_THREAD)!;
    const fanOut = tallies.get(FAN_OUT)!;

    // (a) One reply to the request; the vacation answer is recognised as automatic and not answered.
    expect(vacation.sent).toBe(1);
    expect(loop.answers.get(VACATION)).toBe(1);
    expect(vacation.ingested).toEqual({ committed: 1, ignored: 1 });
    // (b) One reply; the human-looking answer joins the conversation, asks nothing new, gets nothing.
    expect(human.sent).toBe(1);
    expect(loop.answers.get(HUMAN_LOOKING)).toBe(1);
    expect(human.ingested).toEqual({ committed: 2 });
    // (c) Every answer is a new request from a person as far as the reader can tell: only the burst limit
    // stops it, after three replies in ten minutes.
    expect(newThread.sent).toBe(BURST_LIMIT);
    expect(newThread.refused).toEqual({ burst_limit: 1 });
    // The same limit holds when several replies to one address are decided at the same moment.
    expect(fanOut.sent).toBeLessThanOrEqual(BURST_LIMIT);
    expect(fanOut.refused.burst_limit ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('keeps to the daily limit when the replies to one address are decided at the same moment', async () => {
    // A daily limit under the burst limit, so that it is the one that binds. On PostgreSQL: its queries go
    // over the network, so the eight decisions interleave as they would between worker processes (on SQLite,
    // in one process, they often run one after the other).
    databases = await testDatabases();
    const { tallies, report } = await loopScenario('mail-loop-held', [newThreadRobot(HELD, 90)], {
      databaseUrl: await databases.fresh(),
      env: { INTAKE_REPLY_DAILY_LIMIT: String(DAILY_LIMIT) },
      held: 8,
    });
    const held = tallies.get(HELD)!;
    // Eight replies to one address decided together: a check made only before claiming let them all through.
    // Never more than the limit is sent; the rest are refused (a recount that sees the others' claims may
    // name the burst limit, and may refuse one that could have gone: the safe side).
    expect(held.sent).toBeLessThanOrEqual(DAILY_LIMIT);
    const refused = Object.values(held.refused).reduce((a, b) => a + b, 0);
    expect(held.sent + refused).toBe(report.conversations);
    expect(
      Object.keys(held.refused).filter((code) => code !== 'daily_limit' && code !== 'burst_limit'),
    ).toEqual([]);
  });
});
