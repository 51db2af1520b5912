import { utcMinute, zonedMinute } from './format.js';
import { type Html, html } from './html.js';

/**
 * A time in the provider's zone with the same instant in UTC beside it (`<time>` carries the ISO form), or
 * the text as written when it is not a date.
 */
export function bothZones(when: string | null, zone: string): Html {
  if (when === null) return html`<span class="none">no date</span>`;
  const ms = Date.parse(when);
  if (Number.isNaN(ms)) return html`${when}`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${zonedMinute(iso, zone)}</time> <span class="utc">(${utcMinute(iso)})</span>`;
}

/** An interval, each end in both zones. */
export function windowBothZones(w: { start: string; end: string }, zone: string): Html {
  return html`${bothZones(w.start, zone)} – ${bothZones(w.end, zone)}`;
}
