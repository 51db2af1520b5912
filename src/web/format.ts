/** "2026-03-03 09:00 UTC" from an ISO timestamp; the text itself when it does not parse. */
export function utcMinute(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long ago, in the largest whole unit: "just now", "5 min", "3 h", "2 d". */
export function age(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "2026-03-03 10:00 Europe/Paris" from an ISO timestamp (or an RFC 2822 date); the text itself when it does
 * not parse. Staff read times in the provider's zone; the UTC one beside it is what the record stores.
 */
export function zonedMinute(when: string, zone: string): string {
  const ms = Date.parse(when);
  if (Number.isNaN(ms)) return when;
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    zoneFormats.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${zone}`;
}
