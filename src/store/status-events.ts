import { z } from 'zod';
import { int, iso } from './rows.js';
import type { SqlResult } from './sql-driver.js';

/** A change of a conversation's status, written by the database's triggers (migration 0005). */
export interface StatusEvent {
  id: number;
  conversationId: string;
  /** Null when the conversation was created with `to`. */
  from: string | null;
  to: string;
  /** The conversation as it was at the change. */
  subject: string;
  requestTypes: string[];
  server: string | null;
  missing: string[];
  at: string;
  delivery: 'pending' | 'delivered' | 'failed';
  /** Delivery attempts started (claims). */
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
}

export type StatusEventOutcome =
  | { delivery: 'delivered' }
  | { delivery: 'failed'; error: string }
  | { delivery: 'pending'; error: string; nextAttemptAt: Date };

export interface StatusEventStore {
  /**
   * Claims up to `limit` pending events due at `now`: each claim is a compare-and-set that counts the
   * attempt and moves `next_attempt_at` `leaseMs` ahead, so two dispatchers never claim the same event at
   * once, and an event whose dispatcher died becomes due again when the lease runs out.
   */
  claimStatusEvents(input: { now: Date; leaseMs: number; limit: number }): Promise<StatusEvent[]>;
  /**
   * Records an attempt's outcome. Only the claim that made attempt `attempts` may settle it as a retry or
   * a failure (a dispatcher whose lease ran out must not undo a newer claim); a delivery always counts.
   */
  settleStatusEvent(id: number, attempts: number, outcome: StatusEventOutcome): Promise<boolean>;
  /** Events newest first, of one conversation or all. */
  listStatusEvents(filter: { conversationId?: string; limit: number }): Promise<StatusEvent[]>;
}

const COLUMNS = `id, conversation_id, from_status, to_status, subject, request_types, server, missing, at,
  delivery, attempts, next_attempt_at, last_error, delivered_at`;

type Exec = (sql: string, params?: readonly unknown[]) => Promise<SqlResult>;

/** The store's status-event statements (SQL common to both dialects). */
export function statusEventAccess(exec: Exec, dialect: 'sqlite' | 'postgres'): StatusEventStore {
  // SQLite keeps JSON as text; pg parses jsonb itself.
  const json = dialect === 'sqlite' ? z.string().transform((s): unknown => JSON.parse(s)) : z.unknown();
  const strings = json.pipe(z.array(z.string()));
  const row = z
    .object({
      id: int,
      conversation_id: z.string(),
      from_status: z.string().nullable(),
      to_status: z.string(),
      subject: z.string(),
      request_types: strings,
      server: z.string().nullable(),
      missing: strings,
      at: iso,
      delivery: z.enum(['pending', 'delivered', 'failed']),
      attempts: int,
      next_attempt_at: iso,
      last_error: z.string().nullable(),
      delivered_at: iso.nullable(),
    })
    .transform(
      (r): StatusEvent => ({
        id: r.id,
        conversationId: r.conversation_id,
        from: r.from_status,
        to: r.to_status,
        subject: r.subject,
        requestTypes: r.request_types,
        server: r.server,
        missing: r.missing,
        at: r.at,
        delivery: r.delivery,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        lastError: r.last_error,
        deliveredAt: r.delivered_at,
      }),
    );

  return {
    async claimStatusEvents({ now, leaseMs, limit }) {
      const at = now.toISOString();
      const { rows } = await exec(
        `SELECT ${COLUMNS} FROM status_events WHERE delivery = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
        [at, limit],
      );
      const leaseEnd = new Date(now.getTime() + leaseMs).toISOString();
      const claimed: StatusEvent[] = [];
      for (const event of rows.map((r) => row.parse(r))) {
        const { changes } = await exec(
          `UPDATE status_events SET attempts = attempts + 1, next_attempt_at = ?
           WHERE id = ? AND delivery = 'pending' AND attempts = ? AND next_attempt_at <= ?`,
          [leaseEnd, event.id, event.attempts, at],
        );
        if (changes === 1) claimed.push({ ...event, attempts: event.attempts + 1, nextAttemptAt: leaseEnd });
      }
      return claimed;
    },

    async settleStatusEvent(id, attempts, outcome) {
      if (outcome.delivery === 'delivered') {
        const { changes } = await exec(
          `UPDATE status_events SET delivery = 'delivered', delivered_at = ?, last_error = NULL
           WHERE id = ? AND delivery <> 'delivered'`,
          [new Date().toISOString(), id],
        );
        return changes === 1;
      }
      const next = outcome.delivery === 'pending' ? outcome.nextAttemptAt.toISOString() : null;
      const { changes } = await exec(
        `UPDATE status_events SET delivery = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at)
         WHERE id = ? AND delivery = 'pending' AND attempts = ?`,
        [outcome.delivery, outcome.error.slice(0, 1000), next, id, attempts],
      );
      return changes === 1;
    },

    async listStatusEvents({ conversationId, limit }) {
      const { rows } = await exec(
        `SELECT ${COLUMNS} FROM status_events ${conversationId === undefined ? '' : 'WHERE conversation_id = ?'}
         ORDER BY id DESC LIMIT ?`,
        conversationId === undefined ? [limit] : [conversationId, limit],
      );
      return rows.map((r) => row.parse(r));
    },
  };
}
