import { CORRECTABLE, type CorrectableField } from './correction-fields.js';
import type { ConversationRecord, Sourced } from './record.js';

/** The source a corrected value carries in the record: no message said it, staff did. */
export const STAFF_SOURCE = 'desk';

/**
 * A staff correction of one field. `parsed` is what the messages say (kept up to date by every merge, so
 * that a withdrawal gives it back); `later` is set when a message after the correction said something
 * else, which the desk shows next to the corrected value instead of letting it win.
 */
export interface Correction {
  field: CorrectableField;
  value: unknown;
  by: string;
  at: string;
  note: string | null;
  parsed: Sourced<unknown> | Sourced<unknown>[];
  later: { value: unknown; messageId: string | null } | null;
}

export type Corrections = Partial<Record<CorrectableField, Correction>>;

/** The record seen field by field: a correction addresses one key, whatever its type. */
type Fields = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const valuesOf = (s: Sourced<unknown> | Sourced<unknown>[]) =>
  Array.isArray(s) ? s.map((x) => x.value) : s.value;
const sourcesOf = (s: Sourced<unknown> | Sourced<unknown>[]) =>
  Array.isArray(s) ? s.map((x) => x.messageId) : s.messageId;

function corrected(field: CorrectableField, value: unknown): Sourced<unknown> | Sourced<unknown>[] {
  const sourced = (v: unknown): Sourced<unknown> => ({ value: v, messageId: null, evidence: [] });
  return CORRECTABLE[field].many ? (value as unknown[]).map(sourced) : sourced(value);
}

/** The record as the messages alone make it: every corrected field back to its parsed value. */
export function withoutCorrections(record: ConversationRecord): ConversationRecord {
  const corrections = record.corrections;
  if (!corrections || Object.keys(corrections).length === 0) return record;
  const out: Fields = { ...record };
  for (const c of Object.values(corrections)) if (c) out[c.field] = c.parsed;
  return out as unknown as ConversationRecord;
}

/**
 * Puts the corrections back over a record just merged from `withoutCorrections`: what a message changed
 * in a corrected field becomes the correction's new `parsed` (and `later`), never the record's value. The
 * one code path for the worker, a replay and the desk.
 */
export function applyCorrections(record: ConversationRecord): ConversationRecord {
  const corrections = record.corrections;
  if (!corrections || Object.keys(corrections).length === 0) return record;
  const out: Fields = { ...record };
  const next: Corrections = {};
  for (const c of Object.values(corrections)) {
    if (!c) continue;
    const parsed = out[c.field] as Sourced<unknown> | Sourced<unknown>[];
    // A message that states the field again, even to the same value, is news to whoever corrected it.
    const changed =
      !same(valuesOf(parsed), valuesOf(c.parsed)) || !same(sourcesOf(parsed), sourcesOf(c.parsed));
    const lastSource = Array.isArray(parsed) ? (parsed.at(-1)?.messageId ?? null) : parsed.messageId;
    next[c.field] = {
      ...c,
      parsed,
      later: changed ? { value: valuesOf(parsed), messageId: lastSource } : c.later,
    };
    out[c.field] = corrected(c.field, c.value);
  }
  out.corrections = next;
  return out as unknown as ConversationRecord;
}

/** The record with one more (or a replaced) correction, and its history entry. Pure. */
export function addCorrection(
  record: ConversationRecord,
  input: { field: CorrectableField; value: unknown; note: string | null },
  by: string,
  at: string,
): ConversationRecord {
  const base = withoutCorrections(record);
  const correction: Correction = {
    ...input,
    by,
    at,
    parsed: (base as unknown as Fields)[input.field] as Correction['parsed'],
    later: null,
  };
  return applyCorrections({
    ...base,
    corrections: { ...record.corrections, [input.field]: correction },
    history: [
      ...record.history,
      { field: input.field, value: input.value, messageId: STAFF_SOURCE, actor: by },
    ],
  });
}

/** The record without the field's correction: the parsed value returns. Null when there was none. */
export function withdrawCorrection(
  record: ConversationRecord,
  field: CorrectableField,
  by: string,
): ConversationRecord | null {
  const existing = record.corrections?.[field];
  if (!existing) return null;
  const base = withoutCorrections(record);
  const { [field]: _gone, ...rest } = record.corrections ?? {};
  const parsed = valuesOf(existing.parsed);
  return applyCorrections({
    ...base,
    corrections: rest,
    history: [...record.history, { field, value: parsed, messageId: STAFF_SOURCE, actor: by }],
  });
}
