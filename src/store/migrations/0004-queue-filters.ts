import type { Migration } from './migration.js';

/**
 * What the desk's queue filters need to stay fast over 10,000 conversations: every server identifier of a
 * record (service id, IP, host name), lower-cased, in a side table whose primary key serves exact and prefix
 * searches as an index range (PostgreSQL: "C" collation, so that the range is byte order as in SQLite), and
 * an index on the last customer message for date ranges. The backfill reads the stored records; from then
 * on commitMessage keeps the table in step with the record.
 */
export const queueFilters: Migration = {
  version: 4,
  name: 'queue filters',
  sqlite: `
CREATE TABLE conversation_servers (
  value TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  PRIMARY KEY (value, conversation_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_servers_conversation ON conversation_servers (conversation_id);
INSERT INTO conversation_servers (value, conversation_id)
  SELECT DISTINCT lower(trim(j.value ->> '$.value')), c.id
  FROM conversations c, json_each(c.record, '$.serviceIds') j
  WHERE trim(j.value ->> '$.value') <> ''
  UNION
  SELECT lower(trim(j.value ->> '$.value')), c.id
  FROM conversations c, json_each(c.record, '$.ips') j
  WHERE trim(j.value ->> '$.value') <> ''
  UNION
  SELECT lower(trim(j.value ->> '$.value')), c.id
  FROM conversations c, json_each(c.record, '$.hostnames') j
  WHERE trim(j.value ->> '$.value') <> '';
CREATE INDEX conversations_last_customer ON conversations (last_customer_message_at);
`,
  postgres: `
CREATE TABLE conversation_servers (
  value text COLLATE "C" NOT NULL,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  PRIMARY KEY (value, conversation_id)
);
CREATE INDEX conversation_servers_conversation ON conversation_servers (conversation_id);
INSERT INTO conversation_servers (value, conversation_id)
  SELECT DISTINCT lower(btrim(e ->> 'value')), c.id
  FROM conversations c,
    jsonb_array_elements(
      COALESCE(c.record -> 'serviceIds', '[]') || COALESCE(c.record -> 'ips', '[]')
        || COALESCE(c.record -> 'hostnames', '[]')
    ) AS e
  WHERE btrim(e ->> 'value') <> '';
CREATE INDEX conversations_last_customer ON conversations (last_customer_message_at);
`,
};
