/** Value conversions shared by both backends, on the way into the database. */

/**
 * JSON for a column. PostgreSQL refuses U+0000 in text and jsonb (a customer's mail can carry one), so it
 * becomes U+FFFD; the other backend gets the same bytes so that both stores hold the same thing.
 */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  if (!text.includes('\\u0000')) return text;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? withoutNul(v) : v));
}

export function withoutNul(text: string): string;
export function withoutNul(text: string | null): string | null;
export function withoutNul(text: string | null): string | null {
  return text?.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** A LIKE pattern that matches `text` anywhere, with the wildcards in it taken literally (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Timestamps are written from the service's clock, in one ISO-8601 UTC form, on both backends. */
export function isoNow(): string {
  return new Date().toISOString();
}

/** An ISO timestamp from a caller's date text, or null when it does not parse. */
export function toIso(text: string | null): string | null {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
