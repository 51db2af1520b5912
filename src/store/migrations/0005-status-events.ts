import type { Migration } from './migration.js';

/**
 * Status changes of conversations, captured by triggers in the database itself, so that no code path (the
 * worker's commit, a desk action, a hand-written UPDATE) can change a status without leaving an event,
 * and an event is committed with the change or not at all. The webhook dispatcher delivers them from
 * here: `delivery` is pending until delivered or failed for good; a claim pushes `next_attempt_at` ahead
 * (a lease), so an event whose worker died becomes due again. The triggers compare values only: they do
 * not care which statuses exist. The event keeps what the webhook tells of the conversation (subject, request
 * types, server, missing) as it was at the change, not as it is when delivered.
 */
export const statusEvents: Migration = {
  version: 5,
  name: 'status events',
  sqlite: `
CREATE TABLE status_events (
  id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  subject TEXT NOT NULL,
  request_types TEXT NOT NULL,
  server TEXT,
  missing TEXT NOT NULL,
  at TEXT NOT NULL,
  delivery TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  delivered_at TEXT
) STRICT;
CREATE INDEX status_events_due ON status_events (next_attempt_at, id) WHERE delivery = 'pending';
CREATE INDEX status_events_conversation ON status_events (conversation_id, id);

CREATE TRIGGER conversations_status_inserted AFTER INSERT ON conversations
BEGIN
  INSERT INTO status_events (conversation_id, from_status, to_status, subject, request_types, server, missing,
    at, next_attempt_at)
  VALUES (NEW.id, NULL, NEW.status, NEW.subject, NEW.request_types, NEW.server, NEW.missing, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER conversations_status_changed AFTER UPDATE OF status ON conversations
WHEN NEW.status IS NOT OLD.status
BEGIN
  INSERT INTO status_events (conversation_id, from_status, to_status, subject, request_types, server, missing,
    at, next_attempt_at)
  VALUES (NEW.id, OLD.status, NEW.status, NEW.subject, NEW.request_types, NEW.server, NEW.missing, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
`,
  postgres: `
CREATE TABLE status_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  from_status text,
  to_status text NOT NULL,
  subject text NOT NULL,
  request_types jsonb NOT NULL,
  server text,
  missing jsonb NOT NULL,
  at timestamptz NOT NULL,
  delivery text NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  delivered_at timestamptz
);
CREATE INDEX status_events_due ON status_events (next_attempt_at, id) WHERE delivery = 'pending';
CREATE INDEX status_events_conversation ON status_events (conversation_id, id);

CREATE FUNCTION intake_status_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO status_events (conversation_id, from_status, to_status, subject, request_types, server, missing,
    at, next_attempt_at)
  VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, NEW.subject, NEW.request_types,
    NEW.server, NEW.missing, clock_timestamp(), clock_timestamp());
  RETURN NULL;
END
$$;
CREATE TRIGGER conversations_status_inserted AFTER INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION intake_status_event();
CREATE TRIGGER conversations_status_changed AFTER UPDATE OF status ON conversations
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION intake_status_event();
`,
};
