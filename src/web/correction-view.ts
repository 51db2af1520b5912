import type { Correction } from '../conversation/corrections.js';
import type { ConversationRecord, Sourced } from '../conversation/record.js';
import { recordFields } from './record-fields.js';

/** A correction as the desk shows it: the values in words, as the record's own rows put them. */
export interface CorrectionView {
  field: string;
  label: string;
  /** The corrected value, in the record's shape (for clients) and in words. */
  value: unknown;
  valueText: string;
  by: string;
  at: string;
  note: string | null;
  /** What the messages say, in words (null: nothing). */
  parsedText: string | null;
  /** What a message after the correction said, in words, and which message. */
  later: { text: string | null; messageId: string | null } | null;
}

const sourced = (v: unknown): Sourced<unknown> => ({ value: v, messageId: null, evidence: [] });

/** The field's value in words, as its record rows show it, with `value` put in the record. */
function inWords(record: ConversationRecord, field: string, value: Sourced<unknown> | Sourced<unknown>[]) {
  const rows = recordFields({ ...record, [field]: value } as ConversationRecord).filter(
    (f) => f.field === field,
  );
  const words = rows.map((f) => f.value).filter((v): v is string => v !== null);
  const windows = rows.flatMap((f) => f.windows ?? []);
  const text = [...words, ...windows.map((w) => `${w.start} – ${w.end}`)].join(', ');
  return text === '' ? null : text;
}

const asSourced = (value: unknown) => (Array.isArray(value) ? value.map(sourced) : sourced(value));

export function correctionViews(record: ConversationRecord): CorrectionView[] {
  const labels = new Map(recordFields(record).map((f) => [f.field, f.label]));
  return Object.values(record.corrections ?? {})
    .filter((c): c is Correction => c !== undefined)
    .map((c) => ({
      field: c.field,
      label: labels.get(c.field) ?? c.field,
      value: c.value,
      valueText: inWords(record, c.field, asSourced(c.value)) ?? 'not given',
      by: c.by,
      at: c.at,
      note: c.note,
      parsedText: inWords(record, c.field, c.parsed),
      later: c.later
        ? { text: inWords(record, c.field, asSourced(c.later.value)), messageId: c.later.messageId }
        : null,
    }));
}
