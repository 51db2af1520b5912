import type { Migration } from './migration.js';

/**
 * The first schema. Timestamps are ISO-8601 UTC text in SQLite (they sort as text) and timestamptz in
 * PostgreSQL; JSON is text in SQLite and jsonb in PostgreSQL. IMAP UIDs are 32-bit unsigned, hence bigint.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sqlite: `
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
INSERT INTO counters (name, value) VALUES ('conversation', 0);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  status TEXT NOT NULL,
  missing TEXT NOT NULL,
  request_types TEXT NOT NULL,
  server TEXT,
  customer TEXT,
  subject TEXT NOT NULL,
  language TEXT NOT NULL,
  last_customer_message_at TEXT,
  line TEXT NOT NULL,
  search TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX conversations_status_updated ON conversations (status, updated_at DESC, id DESC);
CREATE INDEX conversations_updated ON conversations (updated_at DESC, id DESC);

CREATE TABLE record_changes (
  id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  message_id TEXT NOT NULL,
  at TEXT NOT NULL,
  UNIQUE (conversation_id, seq)
) STRICT;

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  mailbox TEXT NOT NULL,
  uid_validity TEXT NOT NULL,
  uid INTEGER,
  message_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  conversation_id TEXT REFERENCES conversations (id),
  state TEXT NOT NULL CHECK (state IN ('processed', 'ignored', 'quarantined')),
  from_address TEXT,
  subject TEXT NOT NULL,
  date TEXT,
  new_text TEXT NOT NULL,
  automatic INTEGER NOT NULL CHECK (automatic IN (0, 1)),
  language TEXT NOT NULL,
  received_at TEXT,
  processed_at TEXT NOT NULL,
  UNIQUE (message_id, content_hash)
) STRICT;
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_location ON messages (mailbox, uid_validity, uid);

CREATE TABLE message_links (
  message_id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX message_links_conversation ON message_links (conversation_id);

CREATE TABLE replies (
  id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  revision INTEGER NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  in_reply_to TEXT NOT NULL,
  refs TEXT NOT NULL,
  headers TEXT NOT NULL,
  language TEXT NOT NULL,
  requested TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'uncertain', 'failed', 'refused_limit')),
  attempts INTEGER NOT NULL DEFAULT 0,
  smtp_response TEXT,
  created_at TEXT NOT NULL,
  claimed_at TEXT,
  sent_at TEXT,
  UNIQUE (conversation_id, revision)
) STRICT;
CREATE INDEX replies_unsettled ON replies (id) WHERE status IN ('pending', 'sending');
CREATE INDEX replies_to ON replies (lower(to_address), created_at);

CREATE TABLE secrets (
  id INTEGER PRIMARY KEY,
  message_row_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  conversation_id TEXT REFERENCES conversations (id),
  placeholder TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  username TEXT,
  iv BLOB NOT NULL,
  tag BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX secrets_conversation ON secrets (conversation_id);
CREATE INDEX secrets_message ON secrets (message_row_id);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  mailbox TEXT NOT NULL,
  uid_validity TEXT NOT NULL,
  uid INTEGER,
  message_id TEXT,
  content_hash TEXT,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolved_at TEXT
) STRICT;
CREATE INDEX quarantine_unresolved ON quarantine (id) WHERE resolved_at IS NULL;

CREATE TABLE directory (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  directory TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX audit_subject ON audit (subject, id);

CREATE TABLE mailbox_state (
  mailbox TEXT PRIMARY KEY,
  uid_validity TEXT NOT NULL,
  last_uid INTEGER NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`,
  postgres: `
CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO counters (name, value) VALUES ('conversation', 0);

CREATE TABLE conversations (
  id text PRIMARY KEY,
  record jsonb NOT NULL,
  status text NOT NULL,
  missing jsonb NOT NULL,
  request_types jsonb NOT NULL,
  server text,
  customer text,
  subject text NOT NULL,
  language text NOT NULL,
  last_customer_message_at timestamptz,
  line jsonb NOT NULL,
  search text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX conversations_status_updated ON conversations (status, updated_at DESC, id DESC);
CREATE INDEX conversations_updated ON conversations (updated_at DESC, id DESC);

CREATE TABLE record_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  field text NOT NULL,
  value jsonb NOT NULL,
  message_id text NOT NULL,
  at timestamptz NOT NULL,
  UNIQUE (conversation_id, seq)
);

CREATE TABLE messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mailbox text NOT NULL,
  uid_validity text NOT NULL,
  uid bigint,
  message_id text NOT NULL,
  content_hash text NOT NULL,
  conversation_id text REFERENCES conversations (id),
  state text NOT NULL CHECK (state IN ('processed', 'ignored', 'quarantined')),
  from_address text,
  subject text NOT NULL,
  date text,
  new_text text NOT NULL,
  automatic boolean NOT NULL,
  language text NOT NULL,
  received_at text,
  processed_at timestamptz NOT NULL,
  UNIQUE (message_id, content_hash)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_location ON messages (mailbox, uid_validity, uid);

CREATE TABLE message_links (
  message_id text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE
);
CREATE INDEX message_links_conversation ON message_links (conversation_id);

CREATE TABLE replies (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id),
  revision integer NOT NULL,
  message_id text NOT NULL UNIQUE,
  to_address text NOT NULL,
  subject text NOT NULL,
  in_reply_to text NOT NULL,
  refs jsonb NOT NULL,
  headers jsonb NOT NULL,
  language text NOT NULL,
  requested jsonb NOT NULL,
  text text NOT NULL,
  html text NOT NULL,
  status text NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'uncertain', 'failed', 'refused_limit')),
  attempts integer NOT NULL DEFAULT 0,
  smtp_response text,
  created_at timestamptz NOT NULL,
  claimed_at timestamptz,
  sent_at timestamptz,
  UNIQUE (conversation_id, revision)
);
CREATE INDEX replies_unsettled ON replies (id) WHERE status IN ('pending', 'sending');
CREATE INDEX replies_to ON replies (lower(to_address), created_at);

CREATE TABLE secrets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_row_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  conversation_id text REFERENCES conversations (id),
  placeholder text NOT NULL,
  kind text NOT NULL,
  label text NOT NULL,
  username text,
  iv bytea NOT NULL,
  tag bytea NOT NULL,
  ciphertext bytea NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX secrets_conversation ON secrets (conversation_id);
CREATE INDEX secrets_message ON secrets (message_row_id);

CREATE TABLE quarantine (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mailbox text NOT NULL,
  uid_validity text NOT NULL,
  uid bigint,
  message_id text,
  content_hash text,
  code text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL,
  resolved_at timestamptz
);
CREATE INDEX quarantine_unresolved ON quarantine (id) WHERE resolved_at IS NULL;

CREATE TABLE directory (
  id integer PRIMARY KEY CHECK (id = 1),
  directory jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  details jsonb NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX audit_subject ON audit (subject, id);

CREATE TABLE mailbox_state (
  mailbox text PRIMARY KEY,
  uid_validity text NOT NULL,
  last_uid bigint NOT NULL,
  updated_at timestamptz NOT NULL
);
`,
};
